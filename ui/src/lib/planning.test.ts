import { describe, expect, it } from "vitest";
import type { ChainEdge } from "./bindings/ChainEdge";
import { addDays, addMove, chainArrows, daysLabel, dragDays, keyNudge, removeMove, snappedOffset, undoKey } from "./planning";

describe("drag to date", () => {
  it("snaps a drag to whole days", () => {
    expect(dragDays(0, 6)).toBe(0);
    expect(dragDays(2.9, 6)).toBe(0);
    expect(dragDays(3.1, 6)).toBe(1);
    expect(dragDays(-20, 6)).toBe(-3);
    expect(Object.is(dragDays(-1, 6), -0)).toBe(false);
    expect(snappedOffset(19, 6)).toBe(18);
    expect(dragDays(10, 0)).toBe(0);
  });
  it("moves by a day with arrows and a week with Shift", () => {
    expect(keyNudge("ArrowRight", false)).toBe(1);
    expect(keyNudge("ArrowLeft", true)).toBe(-7);
    expect(keyNudge("ArrowUp", false)).toBe(0);
    expect(addDays("2026-12-30", 7)).toBe("2027-01-06");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
  it("labels a move", () => {
    expect(daysLabel(1)).toBe("+1 day");
    expect(daysLabel(-14)).toBe("−14 days");
  });
});

describe("scenario draft", () => {
  it("keeps one move per release, in the order first added", () => {
    let d = addMove([], { release: 1, to: "2026-01-05" });
    d = addMove(d, { release: 2, to: "2026-01-06" });
    d = addMove(d, { release: 1, to: "2026-01-12" });
    expect(d).toEqual([
      { release: 1, to: "2026-01-12" },
      { release: 2, to: "2026-01-06" },
    ]);
    expect(removeMove(d, 1)).toEqual([{ release: 2, to: "2026-01-06" }]);
  });
});

describe("chain arrows", () => {
  const edge = (a: number, b: number, broken = false): ChainEdge => ({
    dependency_id: 1,
    blocker_id: a,
    blocker: `R${a}`,
    blocker_date: null,
    blocked_id: b,
    blocked: `R${b}`,
    blocked_date: null,
    broken,
    direct: a === 1 || b === 1,
    note: "",
  });
  const pts = new Map([
    [1, { x: 100, y: 40 }],
    [2, { x: 300, y: 116 }],
    [3, { x: 50, y: 40 }],
  ]);
  it("draws one arrow per edge with both ends on screen, broken ones flagged", () => {
    const arrows = chainArrows([edge(1, 2), edge(1, 2), edge(3, 1, true), edge(1, 9)], (id) => pts.get(id));
    expect(arrows.map((a) => a.key)).toEqual(["1-2", "3-1"]);
    expect(arrows[0]!.path.startsWith("M109,40 C")).toBe(true);
    expect(arrows[0]!.path.endsWith(" 291,116")).toBe(true);
    expect(arrows[1]!.broken).toBe(true);
    // Same lane: the curve bows below the track.
    expect(arrows[1]!.path).toContain(",66 ");
  });
  it("points backwards when the blocker is drawn after what it blocks", () => {
    const [a] = chainArrows([edge(2, 1, true)], (id) => pts.get(id));
    expect(a!.path.startsWith("M291,116")).toBe(true);
    expect(a!.path.endsWith(" 109,40")).toBe(true);
  });
});

describe("undo key", () => {
  const ev = { key: "z", ctrlKey: true, metaKey: false, shiftKey: false, altKey: false };
  it("undoes on Ctrl+Z unless a text field has focus", () => {
    expect(undoKey(ev, { tagName: "BUTTON" } as unknown as EventTarget)).toBe(true);
    expect(undoKey(ev, { tagName: "INPUT" } as unknown as EventTarget)).toBe(false);
    expect(undoKey({ ...ev, ctrlKey: false }, null)).toBe(false);
    expect(undoKey({ ...ev, shiftKey: true }, null)).toBe(false);
  });
});
