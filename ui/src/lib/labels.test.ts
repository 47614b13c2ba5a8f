import { describe, expect, it } from "vitest";
import { assignLabelRows, estimateTextWidth, type LabelInput } from "./labels";

function overlapsInRow(slots: ReturnType<typeof assignLabelRows>, gap: number): boolean {
  for (let i = 0; i < slots.length; i++) {
    for (let j = i + 1; j < slots.length; j++) {
      const a = slots[i]!;
      const b = slots[j]!;
      if (a.row < 0 || a.row !== b.row) continue;
      if (a.left < b.right + gap && b.left < a.right + gap) return true;
    }
  }
  return false;
}

describe("assignLabelRows", () => {
  it("keeps well-spaced labels on the first row", () => {
    const items: LabelInput[] = [0, 200, 400, 600].map((x) => ({ x, width: 80 }));
    const slots = assignLabelRows(items, 2, 8);
    expect(slots.map((s) => s.row)).toEqual([0, 0, 0, 0]);
  });

  it("staggers neighbours onto the second row", () => {
    const slots = assignLabelRows(
      [
        { x: 100, width: 100 },
        { x: 150, width: 100 },
        { x: 300, width: 100 },
      ],
      2,
      8,
    );
    expect(slots.map((s) => s.row)).toEqual([0, 1, 0]);
  });

  it("never overlaps within a row in a crowded lane and hides the rest", () => {
    // 60 releases 14px apart with ~90px labels: far more than two rows can hold.
    const items: LabelInput[] = Array.from({ length: 60 }, (_, i) => ({
      x: 20 + i * 14,
      width: 70 + ((i * 37) % 40),
      priority: i % 5,
    }));
    const gap = 10;
    const slots = assignLabelRows(items, 2, gap);
    expect(overlapsInRow(slots, gap)).toBe(false);
    const shown = slots.filter((s) => s.row >= 0).length;
    const hidden = slots.filter((s) => s.row === -1).length;
    expect(shown).toBeGreaterThan(4);
    expect(hidden).toBeGreaterThan(0);
    expect(shown + hidden).toBe(items.length);
  });

  it("is overlap-free for random lanes", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rand() * 40);
      const items = Array.from({ length: n }, () => ({
        x: rand() * 2000,
        width: 20 + rand() * 150,
        priority: Math.floor(rand() * 3),
      }));
      const rows = 1 + Math.floor(rand() * 3);
      const slots = assignLabelRows(items, rows, 6, 0);
      expect(overlapsInRow(slots, 6)).toBe(false);
      for (const s of slots) {
        expect(s.row).toBeLessThan(rows);
        expect(s.left).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("gives the label slot to the higher-priority release", () => {
    const slots = assignLabelRows(
      [
        { x: 100, width: 100, priority: 0 },
        { x: 110, width: 100, priority: 5 },
      ],
      1,
    );
    expect(slots.map((s) => s.row)).toEqual([-1, 0]);
  });

  it("centres labels on the marker, clamped at the left edge", () => {
    const [a, b] = assignLabelRows([{ x: 10, width: 60 }, { x: 300, width: 60 }], 2, 8, 4);
    expect(a!.left).toBe(4);
    expect(b!.left).toBe(270);
    expect(b!.right).toBe(330);
  });
});

describe("estimateTextWidth", () => {
  it("grows with text length and font size", () => {
    expect(estimateTextWidth("web-2026.12.1")).toBeGreaterThan(estimateTextWidth("web"));
    expect(estimateTextWidth("MMMM", 12)).toBeGreaterThan(estimateTextWidth("iiii", 12));
    expect(estimateTextWidth("release", 24)).toBeGreaterThan(estimateTextWidth("release", 12));
  });
});

describe("assignLabelRows with the rows each label may take", () => {
  it("keeps a label to its allowed rows, in the order given, and hides it when they are full", () => {
    const slots = assignLabelRows(
      [
        { x: 100, width: 60, rows: [2, 3] },
        { x: 100, width: 60, rows: [2, 3] },
        { x: 100, width: 60, rows: [2, 3] },
        { x: 100, width: 60 },
      ],
      4,
      8,
    );
    expect(slots.map((s) => s.row)).toEqual([2, 3, -1, 0]);
  });
});
