// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
export type MenuAction = "new_workspace" | "open_workspace" | "view_timeline" | "view_month" | "view_table" | "quick_search" | "theme_system" | "theme_light" | "theme_dark";
