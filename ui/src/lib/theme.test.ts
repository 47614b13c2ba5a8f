import { describe, expect, it } from "vitest";
import { loadTheme, saveTheme } from "./theme";

function memory(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: () => null,
    get length() {
      return m.size;
    },
  };
}

describe("theme choice", () => {
  it("is remembered, System by default and for unknown words", () => {
    const s = memory();
    expect(loadTheme(s)).toBe("system");
    saveTheme(s, "dark");
    expect(loadTheme(s)).toBe("dark");
    saveTheme(s, "system");
    expect(loadTheme(s)).toBe("system");
    s.setItem("switchyard.theme", "purple");
    expect(loadTheme(s)).toBe("system");
    expect(loadTheme(undefined)).toBe("system");
  });
});
