import type { CalendarView } from "./bindings/CalendarView";
import {
  MONTHS,
  dayOf,
  parseDay,
  startOfMonth,
  startOfNextMonth,
  toYmd,
} from "./dates";

export type ZoomLevel = "quarter" | "half" | "year";

export const ZOOM_LEVELS: ReadonlyArray<{ id: ZoomLevel; label: string; pxPerDay: number }> = [
  { id: "quarter", label: "Quarter", pxPerDay: 12 },
  { id: "half", label: "Half year", pxPerDay: 6 },
  { id: "year", label: "Year", pxPerDay: 3 },
];

export function pxPerDayFor(zoom: ZoomLevel): number {
  return ZOOM_LEVELS.find((z) => z.id === zoom)?.pxPerDay ?? 6;
}

/** Linear day → pixel scale. Day `d` occupies [x(d), x(d + 1)). */
export interface TimeScale {
  readonly startDay: number;
  /** exclusive */
  readonly endDay: number;
  readonly pxPerDay: number;
  readonly width: number;
  /** Left edge of a day. */
  x(day: number): number;
  /** Horizontal centre of a day: where point events (releases, today) sit. */
  center(day: number): number;
  /** Inverse of x(): the day under a pixel position (fractional). */
  dayAt(px: number): number;
}

export function createScale(startDay: number, endDay: number, pxPerDay: number): TimeScale {
  if (!(endDay > startDay)) throw new Error("scale needs endDay > startDay");
  if (!(pxPerDay > 0)) throw new Error("pxPerDay must be positive");
  return {
    startDay,
    endDay,
    pxPerDay,
    width: (endDay - startDay) * pxPerDay,
    x: (day) => (day - startDay) * pxPerDay,
    center: (day) => (day - startDay + 0.5) * pxPerDay,
    dayAt: (px) => startDay + px / pxPerDay,
  };
}

/**
 * Day range to draw for a calendar view: the requested range widened to
 * cover every release, milestone, freeze window and today, then snapped to
 * whole months. Returns [start, endExclusive].
 */
export function viewRange(view: CalendarView): [number, number] {
  let lo = parseDay(view.from);
  let hi = parseDay(view.to);
  const take = (iso: string | null) => {
    if (!iso) return;
    const d = parseDay(iso);
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  };
  take(view.today);
  // Everything the workspace has, loaded or not: the rest loads as it scrolls into view.
  take(view.first);
  take(view.last);
  for (const lane of view.lanes) {
    for (const r of lane.releases) {
      take(r.release_date);
      take(r.planned_date);
      for (const m of r.milestones) take(m.date);
    }
  }
  for (const f of view.freeze_windows) {
    take(f.start_date);
    take(f.end_date);
  }
  return [startOfMonth(lo), startOfNextMonth(hi)];
}

export interface MonthTick {
  day: number;
  year: number;
  month: number;
  /** "Jan 2026" at January and at the first tick, otherwise "Feb". */
  label: string;
  isYearStart: boolean;
}

/** First-of-month ticks in [startDay, endDay). */
export function monthTicks(startDay: number, endDay: number): MonthTick[] {
  const ticks: MonthTick[] = [];
  let d = startOfMonth(startDay);
  if (d < startDay) d = startOfNextMonth(startDay);
  while (d < endDay) {
    const { year, month } = toYmd(d);
    const isYearStart = month === 1;
    const name = MONTHS[month - 1] ?? "";
    ticks.push({
      day: d,
      year,
      month,
      label: isYearStart || ticks.length === 0 ? `${name} ${year}` : name,
      isYearStart,
    });
    d = month === 12 ? dayOf(year + 1, 1, 1) : dayOf(year, month + 1, 1);
  }
  return ticks;
}

/** Mondays in [startDay, endDay). */
export function weekTicks(startDay: number, endDay: number): number[] {
  const out: number[] = [];
  const wd = toYmd(startDay).weekday; // 0 = Sunday
  let d = startDay + ((8 - wd) % 7);
  for (; d < endDay; d += 7) out.push(d);
  return out;
}

/** scrollLeft that puts `day` at `fraction` of the visible timeline width. */
export function scrollLeftFor(scale: TimeScale, day: number, viewportWidth: number, fraction: number): number {
  const target = scale.center(day) - viewportWidth * fraction;
  const max = Math.max(0, scale.width - viewportWidth);
  return Math.min(max, Math.max(0, Math.round(target)));
}

/** How far beyond the visible days the calendar loads ahead, in days. */
export const LOAD_AHEAD_DAYS = 120;

/**
 * The range to load so that the visible days [visibleFrom, visibleTo] are covered with
 * LOAD_AHEAD_DAYS to spare, given what is loaded and the workspace's span; null when
 * nothing is missing. Only the part on one side is asked at a time (the nearer gap).
 */
export function missingRange(
  loaded: [number, number],
  visible: [number, number],
  span: [number | null, number | null],
): [number, number] | null {
  const [lo, hi] = loaded;
  const first = span[0] ?? lo;
  const last = span[1] ?? hi;
  const wantLo = Math.max(first, visible[0] - LOAD_AHEAD_DAYS);
  const wantHi = Math.min(last, visible[1] + LOAD_AHEAD_DAYS);
  if (wantLo < lo && visible[0] - LOAD_AHEAD_DAYS / 2 < lo) return [wantLo, lo - 1];
  if (wantHi > hi && visible[1] + LOAD_AHEAD_DAYS / 2 > hi) return [hi + 1, wantHi];
  return null;
}
