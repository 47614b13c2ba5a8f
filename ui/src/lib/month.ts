/** The month view: a grid of weeks (Monday first) with the releases on their days. */
import type { FreezeBand } from "./bindings/FreezeBand";
import { dayOf, parseDay, toYmd } from "./dates";
import type { TrainRelease } from "./finding";

export interface MonthCell {
  /** Day number (days since 1970-01-01). */
  day: number;
  date: number;
  inMonth: boolean;
  weekend: boolean;
}

/** The weeks that show `month` (1-based) of `year`: whole weeks, Monday to Sunday. */
export function monthGrid(year: number, month: number): MonthCell[][] {
  const first = dayOf(year, month, 1);
  const offset = (toYmd(first).weekday + 6) % 7; // days since Monday
  const start = first - offset;
  const next = month === 12 ? dayOf(year + 1, 1, 1) : dayOf(year, month + 1, 1);
  const weeks: MonthCell[][] = [];
  for (let w = start; w < next; w += 7) {
    const week: MonthCell[] = [];
    for (let d = w; d < w + 7; d++) {
      const ymd = toYmd(d);
      week.push({ day: d, date: ymd.day, inMonth: d >= first && d < next, weekend: ymd.weekday === 0 || ymd.weekday === 6 });
    }
    weeks.push(week);
  }
  return weeks;
}

/** The month `delta` months after `month` of `year`. */
export function addMonths(year: number, month: number, delta: number): { year: number; month: number } {
  const m = year * 12 + (month - 1) + delta;
  return { year: Math.floor(m / 12), month: (m % 12) + 1 };
}

/** Releases by day number, each day's in date-then-name order. */
export function releasesByDay(rows: readonly TrainRelease[]): Map<number, TrainRelease[]> {
  const byDay = new Map<number, TrainRelease[]>();
  for (const row of rows) {
    const d = parseDay(row.release.release_date);
    const list = byDay.get(d);
    if (list) list.push(row);
    else byDay.set(d, [row]);
  }
  for (const list of byDay.values()) list.sort((a, b) => a.release.name.localeCompare(b.release.name));
  return byDay;
}

/** The freeze windows covering `day`. */
export function freezesOn(day: number, windows: readonly FreezeBand[]): FreezeBand[] {
  return windows.filter((w) => parseDay(w.start_date) <= day && day <= parseDay(w.end_date));
}
