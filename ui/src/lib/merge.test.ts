import { describe, expect, it } from "vitest";
import type { CalendarRelease } from "./bindings/CalendarRelease";
import type { CalendarView } from "./bindings/CalendarView";
import { mergeViews } from "./merge";
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
