import { describe, expect, it } from "vitest";
import type { CalendarRelease } from "./bindings/CalendarRelease";
import type { TrainLane } from "./bindings/TrainLane";
import { formatIso, parseDay } from "./dates";
import {
  edgeLabels,
  inWindow,
  markerWindow,
  WINDOW_FROM,
  type PlacedRelease,
  BAND_STRIP,
  LANE_HEIGHT,
  TRACK_Y,
  SUBROW_HEIGHT,
  STACK,
  CLUSTER_GAP,
  CLUSTER_MAX_WIDTH,
  labelBaseline,
  laneHeight,
  layoutLanes,
  trackY,
  bandTooltip,
  layoutBands,
  layoutLane,
  milestonesVisible,
  slipBadge,
} from "./layout";
import { createScale } from "./scale";
import { calendarRelease } from "./testing";

const today = parseDay("2026-12-08");

function release(id: number, date: string, extra: Partial<CalendarRelease> = {}): CalendarRelease {
  const d = parseDay(date);
  return calendarRelease(id, date, {
    milestones: [
      { kind: "code_freeze", name: "Code freeze", date: formatIso(d - 7), done: false },
      { kind: "branch_cut", name: "Branch cut", date: formatIso(d - 10), done: false },
      { kind: "release", name: "Release", date, done: false },
    ],
    ...extra,
  });
}

function lane(releases: CalendarRelease[]): TrainLane {
  return { id: 1, name: "Web", description: "", cadence_label: "Weekly", services: [], releases };
}

describe("layoutLane", () => {
  const scale = createScale(parseDay("2026-01-01"), parseDay("2027-07-01"), 3);

  it("positions lanes and releases, sorted by date", () => {
    const pl = layoutLane(lane([release(2, "2026-12-20"), release(1, "2026-12-10")]), 100, scale, today);
    expect(pl.top).toBe(100);
    expect(pl.height).toBe(LANE_HEIGHT);
    expect(pl.releases.map((r) => r.release.id)).toEqual([1, 2]);
    expect(pl.releases[0]!.x).toBe(scale.center(parseDay("2026-12-10")));
  });

  it("shows milestones near today, sorted, with a span from the first", () => {
    const pl = layoutLane(lane([release(1, "2026-12-15")]), BAND_STRIP, scale, today);
    const r = pl.releases[0]!;
    // The "release" milestone on the release date is the marker itself.
    expect(r.milestones.map((m) => m.milestone.kind)).toEqual(["branch_cut", "code_freeze"]);
    expect(r.spanFrom).toBe(scale.center(parseDay("2026-12-05")));
  });

  it("hides milestones far from today unless zoomed in", () => {
    const far = release(1, "2026-03-01");
    expect(milestonesVisible(far, today, 3)).toBe(false);
    expect(milestonesVisible(far, today, 12)).toBe(true);
    expect(milestonesVisible(release(2, "2027-01-10"), today, 3)).toBe(true); // within six weeks
    const pl = layoutLane(lane([far]), BAND_STRIP, scale, today);
    expect(pl.releases[0]!.milestones).toEqual([]);
    expect(pl.releases[0]!.spanFrom).toBeNull();
  });

  it("never overlaps labels for a crowded lane", () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      release(i + 1, formatIso(today - 40 + i * 2), { slipped_days: i % 3 }),
    );
    const pl = layoutLane(lane(many), BAND_STRIP, scale, today);
    const shown = pl.releases.filter((r) => r.labelRow >= 0);
    for (const a of shown) {
      for (const b of shown) {
        if (a === b || a.labelRow !== b.labelRow) continue;
        const overlap = a.labelLeft < b.labelLeft + b.labelWidth && b.labelLeft < a.labelLeft + a.labelWidth;
        expect(overlap).toBe(false);
      }
    }
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(many.length);
    // The release closest to today keeps its label.
    const closest = pl.releases.reduce((best, r) =>
      Math.abs(r.day - today) < Math.abs(best.day - today) ? r : best,
    );
    expect(closest.labelRow).toBeGreaterThanOrEqual(0);
  });

  it("adds a slip badge only for slipped releases", () => {
    expect(slipBadge(release(1, "2026-12-10", { slipped_days: 4 }))).toBe("+4d");
    expect(slipBadge(release(1, "2026-12-10"))).toBeNull();
    expect(slipBadge(release(1, "2026-01-08", { overdue_days: 326, slipped_days: 4 }))).toBe("overdue");
  });
});

describe("layoutLanes: sub-rows and clusters", () => {
  const scale = createScale(parseDay("2026-01-01"), parseDay("2027-07-01"), 6);

  it("stacks releases of one day into sub-rows, the lane growing and the next moving down", () => {
    const same = [1, 2, 3].map((id) => release(id, "2026-12-10"));
    const [a, b] = layoutLanes([lane(same), { ...lane([release(9, "2026-12-10")]), id: 2 }], scale, today);
    expect(a!.rows).toBe(3);
    expect(a!.releases.map((p) => p.row)).toEqual([0, 1, 2]);
    expect(a!.releases.map((p) => p.y)).toEqual([TRACK_Y, TRACK_Y + SUBROW_HEIGHT, TRACK_Y + 2 * SUBROW_HEIGHT]);
    expect(a!.height).toBe(laneHeight(3));
    expect(a!.height).toBe(LANE_HEIGHT + 2 * SUBROW_HEIGHT);
    expect(a!.clusters).toEqual([]);
    expect(b!.top).toBe(BAND_STRIP + a!.height);
    expect(b!.rows).toBe(1);
    // Each label sits on the row above its marker's track or the one below it.
    for (const p of a!.releases) if (p.labelRow >= 0) expect([p.row, p.row + 1]).toContain(p.labelRow);
  });

  it("puts the label rows between the tracks, clear of the markers", () => {
    expect(labelBaseline(0)).toBeLessThan(trackY(0) - 11);
    for (let k = 0; k < STACK.maxRows; k++) {
      // Below track k: under its markers (11 px half-size) and, with the text 12 px tall,
      // above those of track k + 1.
      expect(labelBaseline(k + 1) - 12).toBeGreaterThan(trackY(k) + 11);
      expect(labelBaseline(k + 1) + 3).toBeLessThan(trackY(k + 1) - 11);
    }
    expect(labelBaseline(STACK.maxRows)).toBeLessThan(laneHeight(STACK.maxRows));
  });

  it("clusters a dense lane: each release drawn once, by itself or in one cluster", () => {
    // 8 releases a day for 30 days: far more than three sub-rows hold at 6 px a day.
    const many = Array.from({ length: 240 }, (_, i) => release(i + 1, formatIso(today - 15 + Math.floor(i / 8))));
    const [pl] = layoutLanes([lane(many)], scale, today);
    expect(pl!.clusters.length).toBeGreaterThan(0);
    const ids = [...pl!.releases.map((p) => p.release.id), ...pl!.clusters.flatMap((c) => c.releases.map((r) => r.id))];
    expect(ids.sort((a, b) => a - b)).toEqual(many.map((r) => r.id));
    expect(pl!.rows).toBeLessThanOrEqual(STACK.maxRows);
    for (const c of pl!.clusters) {
      expect(c.y).toBe(trackY(0));
      expect(c.fromDay).toBeLessThanOrEqual(c.toDay);
      // Its releases all lie in its bin.
      for (const r of c.releases) expect(Math.abs(scale.center(parseDay(r.release_date)) - c.x)).toBeLessThanOrEqual(STACK.bin / 2);
      // No marker of the first sub-row under the cluster marker.
      for (const p of pl!.releases) {
        if (p.row === 0) expect(Math.abs(p.x - c.x)).toBeGreaterThanOrEqual(CLUSTER_MAX_WIDTH / 2 + CLUSTER_GAP);
      }
    }
  });

  it("leaves out milestones that would run into another marker or a cluster", () => {
    // Milestones 7 and 10 days before each release; at 12 px a day two releases 3 days
    // apart sit on one sub-row (36 px apart) and the later one's milestones cross the first.
    const quarter = createScale(parseDay("2026-01-01"), parseDay("2027-07-01"), 12);
    const [pl] = layoutLanes([lane([release(1, "2026-12-10"), release(2, "2026-12-13")])], quarter, today);
    const [a, b] = pl!.releases;
    expect(a!.row).toBe(b!.row);
    expect(a!.milestones.map((m) => m.milestone.kind)).toEqual(["branch_cut", "code_freeze"]);
    expect(b!.milestones).toEqual([]);
    expect(b!.spanFrom).toBeNull();
    // Alone, the second keeps them.
    const [alone] = layoutLanes([lane([release(2, "2026-12-13")])], quarter, today);
    expect(alone!.releases[0]!.milestones).toHaveLength(2);
  });

  it("sizes labels with the measure it is given", () => {
    const [pl] = layoutLanes([lane([release(1, "2026-12-10", { name: "abc" })])], scale, today, (t) => t.length * 100);
    expect(pl!.releases[0]!.labelWidth).toBe(300);
  });
});

describe("layoutBands", () => {
  const scale = createScale(parseDay("2026-12-01"), parseDay("2027-02-01"), 6);

  it("spans the inclusive date range and marks partial freezes", () => {
    const [full, partial] = layoutBands(
      [
        { id: 1, name: "Holiday freeze", start_date: "2026-12-18", end_date: "2027-01-04", services: [], reason: "" },
        { id: 2, name: "Ledger", start_date: "2027-01-20", end_date: "2027-01-20", services: ["ledger"], reason: "audit" },
      ],
      scale,
    );
    expect(full!.x).toBe(17 * 6);
    expect(full!.width).toBe(18 * 6);
    expect(full!.partial).toBe(false);
    expect(full!.label).toBe("Holiday freeze");
    expect(partial!.width).toBe(6);
    expect(partial!.partial).toBe(true);
    expect(partial!.label).toBe("Ledger · 1 service");
  });

  it("drops a colliding label, keeping the full freeze", () => {
    const bands = layoutBands(
      [
        { id: 1, name: "Quarter close", start_date: "2026-12-15", end_date: "2026-12-16", services: ["a"], reason: "" },
        { id: 2, name: "Holiday freeze", start_date: "2026-12-18", end_date: "2027-01-04", services: [], reason: "" },
      ],
      scale,
    );
    expect(bands.map((b) => b.label)).toEqual([null, "Holiday freeze"]);
  });

  it("describes scope in the tooltip", () => {
    expect(
      bandTooltip({ id: 1, name: "F", start_date: "2026-12-18", end_date: "2026-12-20", services: [], reason: "r" }),
    ).toContain("All services");
    expect(
      bandTooltip({ id: 1, name: "F", start_date: "2026-12-18", end_date: "2026-12-20", services: ["a", "b"], reason: "" }),
    ).toContain("Services: a, b");
  });
});

describe("edgeLabels", () => {
  const placed = (id: number, x: number, labelLeft: number, labelWidth: number, labelRow = 0): PlacedRelease => ({
    release: release(id, "2026-12-10"),
    day: 0,
    x,
    row: 0,
    y: TRACK_Y,
    labelRow,
    labelLeft,
    labelWidth,
    textWidth: labelWidth,
    slipBadge: null,
    milestones: [],
    spanFrom: null,
  });

  it("leaves labels in view alone and slides a cut one to the edge when its marker shows", () => {
    const lane = [placed(1, 130, 90, 80), placed(2, 400, 360, 80)];
    expect(edgeLabels(lane, 0).size).toBe(0);
    // Scrolled so the first label would start 20 px under the headers.
    expect(edgeLabels(lane, 110)).toEqual(new Map([[1, 114]]));
  });

  it("hides a cut label whose marker is gone or that would run into the next one", () => {
    expect(edgeLabels([placed(1, 100, 60, 80)], 120)).toEqual(new Map([[1, null]]));
    const crowded = [placed(1, 130, 90, 80), placed(2, 200, 190, 80)];
    expect(edgeLabels(crowded, 120).get(1)).toBeNull();
    // Another row does not crowd it.
    const rows = [placed(1, 130, 90, 80, 0), placed(2, 200, 190, 80, 1)];
    expect(edgeLabels(rows, 120).get(1)).toBe(124);
  });
});

describe("markerWindow", () => {
  it("draws everything in a small calendar", () => {
    expect(markerWindow(5000, 1000, WINDOW_FROM)).toBeNull();
    expect(markerWindow(5000, 0, 10_000)).toBeNull();
  });

  it("draws a viewport either side of the one in view, in whole-viewport steps", () => {
    expect(markerWindow(0, 1000, 5000)).toEqual([-1000, 2000]);
    expect(markerWindow(2500, 1000, 5000)).toEqual([1000, 4000]);
    // Scrolling within a step keeps the same window (no rebuild).
    expect(markerWindow(2999, 1000, 5000)).toEqual([1000, 4000]);
    expect(markerWindow(3000, 1000, 5000)).toEqual([2000, 5000]);
  });

  it("keeps the releases inside the window, and all without one", () => {
    const at = (x: number) => ({ x }) as PlacedRelease;
    const placed = [at(10), at(1500), at(3999), at(4001)];
    expect(inWindow(placed, [1000, 4000]).map((p) => p.x)).toEqual([1500, 3999]);
    expect(inWindow(placed, null)).toHaveLength(4);
  });
});
