import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
import { applyTheme, loadTheme } from "./lib/theme";

// The theme chosen before, set before the first paint.
applyTheme(document.documentElement, loadTheme(window.localStorage));

const target = document.getElementById("app");
if (!target) throw new Error("#app element missing");

const app = mount(App, { target });

export default app;
