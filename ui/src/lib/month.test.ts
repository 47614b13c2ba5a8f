import { describe, expect, it } from "vitest";
import type { TrainLane } from "./bindings/TrainLane";
import { dayOf, formatIso } from "./dates";
import { addMonths, freezesOn, monthGrid, releasesByDay } from "./month";
import { calendarRelease } from "./testing";

describe("monthGrid", () => {
  it("shows whole weeks from Monday, the month's days flagged", () => {
    const weeks = monthGrid(2026, 12); // 1 December 2026 is a Tuesday
    const cell = (w: number, d: number) => weeks[w]![d]!;
    expect(weeks).toHaveLength(5);
    expect(formatIso(cell(0, 0).day)).toBe("2026-11-30");
    expect(cell(0, 0).inMonth).toBe(false);
    expect(cell(0, 1).date).toBe(1);
    expect(formatIso(cell(4, 6).day)).toBe("2027-01-03");
    expect(weeks.flat().filter((c) => c.inMonth)).toHaveLength(31);
    expect(cell(0, 5).weekend && cell(0, 6).weekend && !cell(0, 4).weekend).toBe(true);
  });

  it("starts on the 1st when it is a Monday", () => {
    const weeks = monthGrid(2027, 2); // 1 February 2027 is a Monday
    expect(formatIso(weeks[0]![0]!.day)).toBe("2027-02-01");
    expect(weeks).toHaveLength(4);
  });
});

describe("addMonths", () => {
  it("crosses years both ways", () => {
    expect(addMonths(2026, 12, 1)).toEqual({ year: 2027, month: 1 });
    expect(addMonths(2026, 1, -1)).toEqual({ year: 2025, month: 12 });
    expect(addMonths(2026, 5, -17)).toEqual({ year: 2024, month: 12 });
  });
});

describe("releasesByDay and freezesOn", () => {
  it("puts releases on their days, by name", () => {
    const train: TrainLane = { id: 1, name: "Web", description: "", cadence_label: "", services: [], releases: [] };
    const map = releasesByDay([
      { train, release: calendarRelease(1, "2026-12-01", { name: "B" }) },
      { train, release: calendarRelease(2, "2026-12-01", { name: "A" }) },
      { train, release: calendarRelease(3, "2026-12-02", { name: "C" }) },
    ]);
    expect(map.get(dayOf(2026, 12, 1))?.map((r) => r.release.name)).toEqual(["A", "B"]);
    expect(map.get(dayOf(2026, 12, 3))).toBeUndefined();
  });

  it("finds the freeze windows of a day, ends inclusive", () => {
    const w = { id: 1, name: "Year-end", start_date: "2026-12-20", end_date: "2027-01-02", services: [], reason: "" };
    expect(freezesOn(dayOf(2027, 1, 2), [w])).toHaveLength(1);
    expect(freezesOn(dayOf(2027, 1, 3), [w])).toHaveLength(0);
    expect(freezesOn(dayOf(2026, 12, 19), [w])).toHaveLength(0);
  });
});
