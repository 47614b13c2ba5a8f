import { estimateTextWidth } from "./labels";

/**
 * Measures label widths as the webview draws them: the width of `text` in the calendar's
 * font at `fontPx`, semi-bold (the in-flight labels are; the others are narrower), from a
 * canvas, cached. Where there is no canvas (tests), the estimate of `labels.ts`.
 */
export function textMeasurer(): (text: string, fontPx: number) => number {
  const ctx = typeof document === "undefined" ? null : document.createElement("canvas").getContext("2d");
  if (!ctx) return estimateTextWidth;
  const family =
    getComputedStyle(document.documentElement).getPropertyValue("--font-sans").trim() || "sans-serif";
  const cache = new Map<string, number>();
  return (text, fontPx) => {
    const key = `${fontPx}|${text}`;
    let w = cache.get(key);
    if (w === undefined) {
      ctx.font = `650 ${fontPx}px ${family}`;
      w = Math.ceil(ctx.measureText(text).width);
      cache.set(key, w);
    }
    return w;
  };
}
