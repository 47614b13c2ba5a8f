import type { CalendarMilestone } from "./bindings/CalendarMilestone";
import type { CalendarRelease } from "./bindings/CalendarRelease";
import type { FreezeBand } from "./bindings/FreezeBand";
import type { TrainLane } from "./bindings/TrainLane";
import { formatIso, parseDay } from "./dates";
import { assignLabelRows, estimateTextWidth } from "./labels";
import type { TimeScale } from "./scale";
import { stackMarkers, type StackOptions } from "./stack";

/** Geometry of the lanes (px): a lane of one sub-row. */
export const LANE_HEIGHT = 76;
export const TRACK_Y = 40;
/** Text baselines for the label rows of a lane of one sub-row: above and below the track. */
export const LABEL_BASELINES = [24, 64] as const;
/** Each sub-row of markers past the first adds this much to its lane (a track and a label row). */
export const SUBROW_HEIGHT = 40;
/**
 * Markers closer than 24 px stack into at most three sub-rows; denser stretches of a lane
 * become one cluster marker per 48 px (`stack.ts`). A cluster marker is at most
 * `CLUSTER_MAX_WIDTH` wide, so it keeps `CLUSTER_GAP` clear of the neighbouring bins,
 * wider than half the largest marker (a major release's diamond, 11 px).
 */
export const STACK: StackOptions = { minGap: 24, maxRows: 3, bin: 48 };
export const CLUSTER_GAP = 12;
export const CLUSTER_MAX_WIDTH = STACK.bin - 2 * CLUSTER_GAP;

/** The track of sub-row `row`, from the top of its lane. */
export function trackY(row: number): number {
  return TRACK_Y + row * SUBROW_HEIGHT;
}

/** The baseline of label row `line`: 0 above the first track, k below track k - 1. */
export function labelBaseline(line: number): number {
  return line === 0 ? LABEL_BASELINES[0] : LABEL_BASELINES[1] + (line - 1) * SUBROW_HEIGHT;
}

/** The height of a lane of `rows` sub-rows. */
export function laneHeight(rows: number): number {
  return LANE_HEIGHT + (Math.max(1, rows) - 1) * SUBROW_HEIGHT;
}
/** Strip above the first lane holding freeze-window names. */
export const BAND_STRIP = 22;
export const HEADER_WIDTH = 232;
export const AXIS_HEIGHT = 52;
/** Milestones within this many days of today are always drawn. */
export const MILESTONE_WINDOW_DAYS = 42;
/** At or above this zoom, all milestones are drawn. */
export const ALL_MILESTONES_PX_PER_DAY = 10;

export interface PlacedMilestone {
  milestone: CalendarMilestone;
  day: number;
  x: number;
}

export interface PlacedRelease {
  release: CalendarRelease;
  day: number;
  x: number;
  /** Its sub-row of the lane, and the y of that track from the lane's top. */
  row: number;
  y: number;
  /** -1 when the label is hidden (shown on hover instead); else its label row (`labelBaseline`). */
  labelRow: number;
  labelLeft: number;
  labelWidth: number;
  /** Width of the name text alone (the slip badge follows it). */
  textWidth: number;
  slipBadge: string | null;
  milestones: PlacedMilestone[];
  /** x of the first drawn milestone, or null. */
  spanFrom: number | null;
}

/** Releases too close to draw apart: one marker with their count, on the first sub-row. */
export interface PlacedCluster {
  /** Its centre (the centre of its bin). */
  x: number;
  y: number;
  /** In date order. */
  releases: CalendarRelease[];
  /** The first and last day of its releases. */
  fromDay: number;
  toDay: number;
}

export interface PlacedLane {
  lane: TrainLane;
  top: number;
  height: number;
  /** Sub-rows in use (at least 1). */
  rows: number;
  /** The releases drawn as markers of their own, in date order. */
  releases: PlacedRelease[];
  /** The rest, in clusters, left to right. */
  clusters: PlacedCluster[];
}

/** Measures the width of a label (px) in the given font size; an estimate by default. */
export type MeasureText = (text: string, fontPx: number) => number;

/** The note after a release's name: "overdue" when its date went by unshipped, else its slip. */
export function slipBadge(r: CalendarRelease): string | null {
  if (r.overdue_days > 0) return "overdue";
  return r.slipped_days > 0 ? `+${r.slipped_days}d` : null;
}

const BADGE_FONT = 10;
const BADGE_PAD = 8;
const BADGE_GAP = 5;

export function badgeWidth(text: string, measure: MeasureText = estimateTextWidth): number {
  return measure(text, BADGE_FONT) + BADGE_PAD;
}

export function milestonesVisible(
  r: CalendarRelease,
  todayDay: number,
  pxPerDay: number,
): boolean {
  if (pxPerDay >= ALL_MILESTONES_PX_PER_DAY) return true;
  const near = (iso: string) => Math.abs(parseDay(iso) - todayDay) <= MILESTONE_WINDOW_DAYS;
  return near(r.release_date) || r.milestones.some((m) => near(m.date));
}

/** Lays out the lanes one under the other, each as tall as its sub-rows need. */
export function layoutLanes(
  lanes: readonly TrainLane[],
  scale: TimeScale,
  todayDay: number,
  measure: MeasureText = estimateTextWidth,
): PlacedLane[] {
  let top = BAND_STRIP;
  return lanes.map((lane) => {
    const pl = layoutLane(lane, top, scale, todayDay, measure);
    top += pl.height;
    return pl;
  });
}

export function layoutLane(
  lane: TrainLane,
  top: number,
  scale: TimeScale,
  todayDay: number,
  measure: MeasureText = estimateTextWidth,
): PlacedLane {
  const sorted = [...lane.releases].sort(
    (a, b) => parseDay(a.release_date) - parseDay(b.release_date) || a.id - b.id,
  );
  const days = sorted.map((r) => parseDay(r.release_date));
  const xs = days.map((d) => scale.center(d));
  const stacking = stackMarkers(xs, STACK);

  const clusters: PlacedCluster[] = stacking.clusters.map((c) => ({
    x: c.x,
    y: trackY(0),
    releases: c.members.map((i) => sorted[i]!),
    fromDay: days[c.members[0]!]!,
    toDay: days[c.members[c.members.length - 1]!]!,
  }));

  const base = sorted.flatMap((release, i) => {
    const row = stacking.rows[i]!;
    if (row < 0) return [];
    const day = days[i]!;
    const badge = slipBadge(release);
    const textWidth = measure(release.name, 12);
    const width = textWidth + (badge ? BADGE_GAP + badgeWidth(badge, measure) : 0);
    return [{ release, day, x: xs[i]!, row, badge, textWidth, width }];
  });
  // A marker's label goes on the row above its track or the one below it.
  const slots = assignLabelRows(
    base.map((b) => ({
      x: b.x,
      width: b.width,
      // Releases near today and in flight keep their labels first.
      priority:
        -Math.abs(b.day - todayDay) + (b.release.status === "in_progress" ? 10_000 : 0),
      rows: [b.row, b.row + 1],
    })),
    stacking.rowCount + 1,
    10,
    4,
  );
  const releases: PlacedRelease[] = base.map((b, i) => {
    const slot = slots[i]!;
    const milestones: PlacedMilestone[] = milestonesVisible(b.release, todayDay, scale.pxPerDay)
      ? b.release.milestones
          .filter((m) => m.kind !== "release" || m.date !== b.release.release_date)
          .map((m) => {
            const day = parseDay(m.date);
            return { milestone: m, day, x: scale.center(day) };
          })
          .sort((p, q) => p.day - q.day)
      : [];
    const first = milestones[0];
    return {
      release: b.release,
      day: b.day,
      x: b.x,
      row: b.row,
      y: trackY(b.row),
      labelRow: slot.row,
      labelLeft: slot.left,
      labelWidth: b.width,
      textWidth: b.textWidth,
      slipBadge: b.badge,
      milestones,
      spanFrom: first && first.x < b.x ? first.x : null,
    };
  });
  clearMilestones(releases, clusters);
  const rows = stacking.rowCount;
  return { lane, top, height: laneHeight(rows), rows, releases, clusters };
}

/** Half the width of the largest marker (a major release's diamond). */
const MARKER_HALF = 11;

/**
 * A release's milestones are drawn on its track before (or after) its marker; where that
 * stretch would run into another marker of the same sub-row or into a cluster, they are left
 * out (the release's panel has them), so nothing is drawn over a marker. In place.
 */
export function clearMilestones(releases: PlacedRelease[], clusters: readonly PlacedCluster[]): void {
  const byRow = new Map<number, Array<[number, number, PlacedRelease | null]>>();
  const put = (row: number, l: number, r: number, p: PlacedRelease | null) => {
    const list = byRow.get(row) ?? [];
    list.push([l, r, p]);
    byRow.set(row, list);
  };
  for (const p of releases) put(p.row, p.x - MARKER_HALF, p.x + MARKER_HALF, p);
  for (const c of clusters) put(0, c.x - CLUSTER_MAX_WIDTH / 2, c.x + CLUSTER_MAX_WIDTH / 2, null);
  for (const list of byRow.values()) list.sort((a, b) => a[0] - b[0]);
  for (const p of releases) {
    if (p.milestones.length === 0) continue;
    const xs = p.milestones.map((m) => m.x);
    const from = Math.min(p.x, ...xs) - 4;
    const to = Math.max(p.x, ...xs) + 4;
    const list = byRow.get(p.row)!;
    // The first box that ends after `from`, by binary search over the left edges (boxes are
    // at most one cluster wide, so start a cluster's width early).
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]![0] < from - CLUSTER_MAX_WIDTH) lo = mid + 1;
      else hi = mid;
    }
    let blocked = false;
    for (let k = lo; k < list.length && list[k]![0] <= to; k++) {
      const [l, r, q] = list[k]!;
      if (q !== p && r >= from && l <= to) {
        blocked = true;
        break;
      }
    }
    if (blocked) {
      p.milestones = [];
      p.spanFrom = null;
    }
  }
}

/** The text of a cluster marker: its count, "99+" past 99. */
export function clusterText(n: number): string {
  return n > 99 ? "99+" : String(n);
}

/** What a cluster stands for, for its tooltip and screen readers. */
export function clusterLabel(c: PlacedCluster): string {
  const n = c.releases.length;
  const from = formatIso(c.fromDay);
  const to = formatIso(c.toDay);
  return `${n} releases, ${from === to ? from : `${from} to ${to}`}: too close to draw apart; press to list them`;
}

/** The clusters of `clusters` to draw within `win` (all of them when `win` is null). */
export function clustersInWindow(clusters: PlacedCluster[], win: [number, number] | null): PlacedCluster[] {
  if (!win) return clusters;
  return clusters.filter((c) => c.x >= win[0] && c.x <= win[1]);
}

export interface PlacedBand {
  band: FreezeBand;
  x: number;
  width: number;
  partial: boolean;
  /** Band name shown at the top, or null when the band is too narrow. */
  label: string | null;
}

export function layoutBands(bands: readonly FreezeBand[], scale: TimeScale): PlacedBand[] {
  const placed = bands.map((band) => {
    const start = parseDay(band.start_date);
    const end = parseDay(band.end_date) + 1; // end_date is inclusive
    const x = scale.x(start);
    const width = Math.max(2, scale.x(end) - x);
    const partial = band.services.length > 0;
    const text = bandLabelText(band);
    return { band, x, width, partial, text, textWidth: estimateTextWidth(text, 11) };
  });
  // Names sit left-aligned at the top of each band, in a single row: a name
  // that would collide with another one is left to the tooltip.
  const slots = assignLabelRows(
    placed.map((p) => ({
      x: p.x + BAND_LABEL_INSET + p.textWidth / 2,
      width: p.textWidth,
      priority: (p.partial ? 0 : 1_000_000) + p.width,
    })),
    1,
    8,
    Number.NEGATIVE_INFINITY,
  );
  return placed.map((p, i) => ({
    band: p.band,
    x: p.x,
    width: p.width,
    partial: p.partial,
    label: slots[i]!.row === 0 ? p.text : null,
  }));
}

const BAND_LABEL_INSET = 6;

export function bandLabelText(band: FreezeBand): string {
  const n = band.services.length;
  return n === 0 ? band.name : `${band.name} · ${n} ${n === 1 ? "service" : "services"}`;
}

export function bandTooltip(band: FreezeBand): string {
  const scope = band.services.length > 0 ? `Services: ${band.services.join(", ")}` : "All services";
  const lines = [`${band.name}`, `${band.start_date} → ${band.end_date}`, scope];
  if (band.reason) lines.push(band.reason);
  return lines.join("\n");
}

/**
 * Where each label of a lane sits when the calendar is scrolled to `scrollX` (the left
 * edge of the visible timeline): a label that would start under the lane headers while
 * its marker is visible slides right to the edge, if it then clears the next label of
 * its row; otherwise, and when its marker is out of view too, it is hidden (null) rather
 * than cut off. Labels fully in view are not in the map.
 */
export function edgeLabels(placed: PlacedRelease[], scrollX: number): Map<number, number | null> {
  const out = new Map<number, number | null>();
  const EDGE = 4;
  const GAP = 6;
  const rows = new Map<number, PlacedRelease[]>();
  for (const p of placed) {
    if (p.labelRow < 0) continue;
    const row = rows.get(p.labelRow) ?? [];
    row.push(p);
    rows.set(p.labelRow, row);
  }
  for (const row of rows.values()) {
    row.sort((a, b) => a.labelLeft - b.labelLeft);
    row.forEach((p, i) => {
      if (p.labelLeft >= scrollX + 1) return;
      if (p.x < scrollX) {
        out.set(p.release.id, null);
        return;
      }
      const left = scrollX + EDGE;
      const next = row[i + 1];
      out.set(p.release.id, next && left + p.labelWidth + GAP > next.labelLeft ? null : left);
    });
  }
  return out;
}

/**
 * Above this many releases loaded, the timeline draws only the markers near the visible
 * part (the DOM of thousands of SVG markers costs seconds to build); below it, every marker
 * is drawn, so the page holds the whole calendar for tools and tests.
 */
export const WINDOW_FROM = 400;

/**
 * The x range of markers to draw at scroll position `scrollX` in a viewport `width` wide:
 * a viewport on each side of the one in view, moved in steps of a whole viewport so that
 * scrolling rebuilds the markers only when it crosses a step. `null`: draw them all. The
 * timeline asks the same of the vertical scroll for the lanes whose markers it draws.
 */
export function markerWindow(scrollX: number, width: number, total: number): [number, number] | null {
  if (total <= WINDOW_FROM || width <= 0) return null;
  const step = Math.floor(scrollX / width) * width;
  return [step - width, step + 2 * width];
}

/** The releases of `placed` to draw within `win` (all of them when `win` is null). */
export function inWindow(placed: PlacedRelease[], win: [number, number] | null): PlacedRelease[] {
  if (!win) return placed;
  return placed.filter((p) => p.x >= win[0] && p.x <= win[1]);
}
