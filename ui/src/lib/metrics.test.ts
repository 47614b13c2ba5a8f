import { describe, expect, it } from "vitest";
import { change, periodEndingYesterday, svgDataUrl } from "./metrics";

describe("metrics helpers", () => {
  it("takes the period up to yesterday, both ends included", () => {
    expect(periodEndingYesterday(90, new Date(2026, 10, 28))).toEqual({ from: "2026-08-30", to: "2026-11-27" });
    expect(periodEndingYesterday(30, new Date(2026, 0, 1))).toEqual({ from: "2025-12-02", to: "2025-12-31" });
  });

  it("compares with the previous period", () => {
    expect(change(12, 10)).toBe("▲ 20%");
    expect(change(9, 10)).toBe("▼ 10%");
    expect(change(10, 10)).toBe("±0%");
    expect(change(null, 10)).toBeNull();
    expect(change(1, 0)).toBeNull();
  });

  it("puts an SVG into a data URL with nothing left raw", () => {
    const url = svgDataUrl('<svg><text>&lt;script&gt;"#</text></svg>');
    expect(url.startsWith("data:image/svg+xml;charset=utf-8,")).toBe(true);
    expect(url.slice(30)).not.toMatch(/[<>"#]/);
  });
});
