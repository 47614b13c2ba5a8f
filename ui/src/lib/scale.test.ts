import { describe, expect, it } from "vitest";
import type { CalendarView } from "./bindings/CalendarView";
import { formatIso, parseDay, toYmd } from "./dates";
import {
  missingRange,
  createScale,
  monthTicks,
  pxPerDayFor,
  scrollLeftFor,
  viewRange,
  weekTicks,
} from "./scale";
import { calendarRelease } from "./testing";

describe("time scale", () => {
  const start = parseDay("2026-01-01");
  const scale = createScale(start, parseDay("2027-01-01"), 6);

  it("maps days linearly and inverts", () => {
    expect(scale.x(start)).toBe(0);
    expect(scale.width).toBe(365 * 6);
    const today = parseDay("2026-12-08");
    expect(scale.x(today)).toBe((341) * 6);
    expect(scale.center(today)).toBe(341 * 6 + 3);
    expect(scale.dayAt(scale.x(today))).toBe(today);
  });

  it("rejects empty ranges and non-positive zoom", () => {
    expect(() => createScale(10, 10, 6)).toThrow();
    expect(() => createScale(0, 10, 0)).toThrow();
  });

  it("has a zoom table from quarter to year", () => {
    expect(pxPerDayFor("quarter")).toBeGreaterThan(pxPerDayFor("half"));
    expect(pxPerDayFor("half")).toBeGreaterThan(pxPerDayFor("year"));
  });

  it("puts today a third of the way into the viewport, clamped to the content", () => {
    const today = parseDay("2026-06-15");
    const vw = 900;
    const left = scrollLeftFor(scale, today, vw, 1 / 3);
    expect(Math.abs(scale.center(today) - left - vw / 3)).toBeLessThanOrEqual(1);
    expect(scrollLeftFor(scale, start, vw, 1 / 3)).toBe(0);
    expect(scrollLeftFor(scale, parseDay("2026-12-31"), vw, 1 / 3)).toBe(scale.width - vw);
  });
});

describe("ticks", () => {
  it("lists the first of each month with the year at January", () => {
    const ticks = monthTicks(parseDay("2026-10-15"), parseDay("2027-03-01"));
    expect(ticks.map((t) => formatIso(t.day))).toEqual([
      "2026-11-01",
      "2026-12-01",
      "2027-01-01",
      "2027-02-01",
    ]);
    expect(ticks.map((t) => t.label)).toEqual(["Nov 2026", "Dec", "Jan 2027", "Feb"]);
    expect(ticks.filter((t) => t.isYearStart).map((t) => t.year)).toEqual([2027]);
  });

  it("includes a tick on the first day when the range starts on a month", () => {
    const ticks = monthTicks(parseDay("2026-01-01"), parseDay("2026-04-01"));
    expect(ticks.map((t) => t.label)).toEqual(["Jan 2026", "Feb", "Mar"]);
  });

  it("lists every Monday in range, a week apart", () => {
    const weeks = weekTicks(parseDay("2026-12-01"), parseDay("2027-01-01"));
    expect(weeks.map(formatIso)).toEqual(["2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28"]);
    for (const w of weeks) expect(toYmd(w).weekday).toBe(1);
    // A range starting on a Monday includes it.
    expect(formatIso(weekTicks(parseDay("2026-12-07"), parseDay("2026-12-08"))[0]!)).toBe("2026-12-07");
  });
});

describe("viewRange", () => {
  const view: CalendarView = {
    today: "2026-12-08",
    from: "2026-03-10",
    to: "2027-06-02",
    first: "2025-01-07",
    last: "2028-03-01",
    lanes: [
      {
        id: 1,
        name: "Web",
        description: "",
        cadence_label: "",
        services: [],
        releases: [
          calendarRelease(1, "2027-07-20", {
            name: "late",
            milestones: [{ kind: "branch_cut", name: "cut", date: "2026-02-20", done: true }],
          }),
        ],
      },
    ],
    freeze_windows: [],
    service_teams: [],
    holidays: [],
  };

  it("widens to cover all data and snaps to whole months", () => {
    const [a, b] = viewRange({ ...view, first: null, last: null });
    expect(formatIso(a)).toBe("2026-02-01");
    expect(formatIso(b)).toBe("2027-08-01");
  });

  it("spans the whole workspace, loaded or not", () => {
    const [a, b] = viewRange(view);
    expect(formatIso(a)).toBe("2025-01-01");
    expect(formatIso(b)).toBe("2028-04-01");
  });
});

describe("missingRange", () => {
  const loaded: [number, number] = [1000, 1500];
  it("asks for nothing while the view is well inside what is loaded", () => {
    expect(missingRange(loaded, [1200, 1300], [0, 5000])).toBeNull();
  });
  it("loads ahead on the side the view comes near, within the workspace's span", () => {
    expect(missingRange(loaded, [1400, 1480], [0, 5000])).toEqual([1501, 1600]);
    expect(missingRange(loaded, [1010, 1100], [0, 5000])).toEqual([890, 999]);
    // The workspace ends at 1550: nothing past it is asked for.
    expect(missingRange(loaded, [1400, 1480], [0, 1550])).toEqual([1501, 1550]);
    expect(missingRange(loaded, [1400, 1480], [0, 1500])).toBeNull();
  });
  it("jumps: a view far past what is loaded asks from the edge of what is loaded", () => {
    expect(missingRange(loaded, [2400, 2500], [0, 5000])).toEqual([1501, 2620]);
  });
});
