import { describe, expect, it } from "vitest";
import type { CalendarRelease } from "./bindings/CalendarRelease";
import type { CalendarView } from "./bindings/CalendarView";
import { mergeViews, shareEqual } from "./merge";
import { calendarRelease } from "./testing";

function release(id: number, date: string): CalendarRelease {
  return calendarRelease(id, date, { name: `r${id}` });
}

function view(from: string, to: string, lanes: [number, CalendarRelease[]][]): CalendarView {
  return {
    today: "2026-11-30",
    from,
    to,
    first: "2025-01-01",
    last: "2028-12-31",
    lanes: lanes.map(([id, releases]) => ({ id, name: `t${id}`, description: "", cadence_label: "", services: [], releases })),
    freeze_windows: [],
    service_teams: [],
    holidays: [],
  };
}

describe("mergeViews", () => {
  it("adds a later range: releases joined by lane, the range widened", () => {
    const a = view("2026-01-01", "2027-06-01", [[1, [release(1, "2026-12-01")]]]);
    const b = view("2027-06-02", "2028-06-01", [
      [1, [release(7, "2028-02-01")]],
      [0, [release(9, "2028-03-01")]],
    ]);
    const m = mergeViews(a, b);
    expect(m.from).toBe("2026-01-01");
    expect(m.to).toBe("2028-06-01");
    expect(m.lanes.map((l) => l.id)).toEqual([1, 0]);
    expect(m.lanes[0]!.releases.map((r) => r.id)).toEqual([1, 7]);
    // The inputs are left as they were.
    expect(a.lanes[0]!.releases).toHaveLength(1);
  });

  it("keeps one copy of a release both ranges hold, the newer one", () => {
    const a = view("2026-01-01", "2026-12-31", [[1, [release(1, "2026-12-01")]]]);
    const newer = { ...release(1, "2026-12-01"), readiness: 0.5 };
    const m = mergeViews(a, view("2026-12-01", "2027-03-01", [[1, [newer]]]));
    expect(m.lanes[0]!.releases).toEqual([newer]);
  });

  it("keeps the holidays of both ranges, one copy each, the newer one", () => {
    const a = { ...view("2026-01-01", "2026-12-31", []), holidays: [{ id: 1, date: "2026-12-24", name: "Eve" }] };
    const b = {
      ...view("2026-12-01", "2027-03-01", []),
      holidays: [
        { id: 1, date: "2026-12-24", name: "Christmas Eve" },
        { id: 2, date: "2027-01-01", name: "New year" },
      ],
    };
    const m = mergeViews(a, b);
    expect(m.holidays.map((h) => h.name)).toEqual(["Christmas Eve", "New year"]);
    expect(a.holidays).toHaveLength(1);
  });
});

describe("shareEqual", () => {
  const items = () => [
    { key: "1", state: "pending", tags: ["a"] },
    { key: "2", state: "pending", tags: ["b"] },
    { key: "3", state: "done", tags: [] },
  ];

  it("keeps the previous object when nothing changed", () => {
    const prev = { release: { id: 1 }, items: items() };
    expect(shareEqual(prev, { release: { id: 1 }, items: items() })).toBe(prev);
  });

  it("answers a new path to the one changed item and keeps every other part", () => {
    const prev = { release: { id: 1 }, items: items(), work: [{ key: "W-1" }] };
    const changed = items();
    changed[1]!.state = "done";
    const next = shareEqual(prev, { release: { id: 1 }, items: changed, work: [{ key: "W-1" }] });
    expect(next).not.toBe(prev);
    expect(next).toEqual({ release: { id: 1 }, items: changed, work: [{ key: "W-1" }] });
    expect(next.release).toBe(prev.release);
    expect(next.work).toBe(prev.work);
    expect(next.items).not.toBe(prev.items);
    expect(next.items[0]).toBe(prev.items[0]);
    expect(next.items[1]).not.toBe(prev.items[1]);
    expect(next.items[1]!.tags).toBe(prev.items[1]!.tags);
    expect(next.items[2]).toBe(prev.items[2]);
  });

  it("sees a longer or shorter list, an added or removed key, and null against a value", () => {
    const prev = { list: [1, 2], a: 1 as number | null, b: "x" } as Record<string, unknown>;
    expect(shareEqual(prev, { list: [1, 2, 3], a: 1, b: "x" })).toEqual({ list: [1, 2, 3], a: 1, b: "x" });
    expect(shareEqual(prev, { list: [1], a: 1, b: "x" })).toEqual({ list: [1], a: 1, b: "x" });
    expect(shareEqual(prev, { list: [1, 2], a: 1 })).toEqual({ list: [1, 2], a: 1 });
    expect(shareEqual(prev, { list: [1, 2], a: 1, b: "x", c: 0 })).not.toBe(prev);
    expect(shareEqual(prev, { list: [1, 2], a: null, b: "x" })).toEqual({ list: [1, 2], a: null, b: "x" });
  });
});
