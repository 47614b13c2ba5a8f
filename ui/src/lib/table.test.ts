import { describe, expect, it } from "vitest";
import type { TrainLane } from "./bindings/TrainLane";
import type { TrainRelease } from "./finding";
import { nextSort, rowWindow, scrollToRow, sortRows } from "./table";
import { calendarRelease } from "./testing";

const web: TrainLane = { id: 1, name: "Web", description: "", cadence_label: "", services: [], releases: [] };
const plat: TrainLane = { ...web, id: 2, name: "Platform" };

const rows: TrainRelease[] = [
  { train: web, release: calendarRelease(1, "2026-12-01", { name: "Web 26.10", risk_class: "high", readiness: 0.5 }) },
  { train: web, release: calendarRelease(2, "2026-11-01", { name: "Web 26.9", risk_class: null, readiness: 1 }) },
  { train: plat, release: calendarRelease(3, "2026-12-01", { name: "Platform 1", risk_class: "critical", readiness: null }) },
  { train: plat, release: calendarRelease(4, "2026-10-01", { name: "Platform 2", risk_class: "low", readiness: 0.2 }) },
];

const ids = (r: TrainRelease[]) => r.map((x) => x.release.id);

describe("sortRows", () => {
  it("sorts names naturally (26.9 before 26.10) both ways", () => {
    expect(ids(sortRows(rows, { key: "name", dir: "ascending" }))).toEqual([3, 4, 2, 1]);
    expect(ids(sortRows(rows, { key: "name", dir: "descending" }))).toEqual([1, 2, 4, 3]);
  });

  it("sorts risk by class order, unassessed last in either direction", () => {
    expect(ids(sortRows(rows, { key: "risk", dir: "ascending" }))).toEqual([4, 1, 3, 2]);
    expect(ids(sortRows(rows, { key: "risk", dir: "descending" }))).toEqual([3, 1, 4, 2]);
  });

  it("breaks ties by date then id", () => {
    expect(ids(sortRows(rows, { key: "train", dir: "ascending" }))).toEqual([4, 3, 2, 1]);
    expect(ids(sortRows(rows, { key: "date", dir: "descending" }))).toEqual([1, 3, 2, 4]);
    expect(ids(sortRows(rows, { key: "readiness", dir: "ascending" }))).toEqual([4, 1, 2, 3]);
  });

  it("leaves its input alone", () => {
    const before = ids(rows);
    sortRows(rows, { key: "name", dir: "ascending" });
    expect(ids(rows)).toEqual(before);
  });
});

describe("nextSort", () => {
  it("flips the same column, starts another ascending", () => {
    expect(nextSort({ key: "date", dir: "ascending" }, "date")).toEqual({ key: "date", dir: "descending" });
    expect(nextSort({ key: "date", dir: "descending" }, "date")).toEqual({ key: "date", dir: "ascending" });
    expect(nextSort({ key: "date", dir: "descending" }, "name")).toEqual({ key: "name", dir: "ascending" });
  });
});

describe("rowWindow", () => {
  it("renders the viewport and the overscan, padding the rest", () => {
    const w = rowWindow(3200, 600, 32, 5000, 8);
    expect(w.start).toBe(92);
    expect(w.end).toBe(100 + 20 + 8);
    expect(w.padTop).toBe(92 * 32);
    expect(w.padTop + (w.end - w.start) * 32 + w.padBottom).toBe(5000 * 32);
  });

  it("clamps at the top and the bottom", () => {
    expect(rowWindow(0, 600, 32, 5000, 8).start).toBe(0);
    const end = rowWindow(5000 * 32, 600, 32, 5000, 8);
    expect(end.end).toBe(5000);
    expect(end.padBottom).toBe(0);
    expect(end.start).toBeLessThan(5000);
    expect(rowWindow(0, 600, 32, 3, 8)).toEqual({ start: 0, end: 3, padTop: 0, padBottom: 0 });
    expect(rowWindow(0, 600, 32, 0, 8)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });
});

describe("scrollToRow", () => {
  it("moves only as far as needed to show the row whole", () => {
    expect(scrollToRow(10, 0, 320, 32, 32)).toBe(32 * 11 - 288);
    expect(scrollToRow(2, 0, 320, 32, 32)).toBe(0);
    expect(scrollToRow(2, 200, 320, 32, 32)).toBe(64);
  });
});
