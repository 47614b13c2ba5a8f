/**
 * Calendar dates are exchanged as "YYYY-MM-DD" strings. Internally they are
 * handled as integer day numbers (days since 1970-01-01, UTC) so that layout
 * arithmetic never touches the local time zone or DST.
 */

const MS_PER_DAY = 86_400_000;

export const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
export const MONTHS = [
  "Jan", "Feb", "Mar", "Apr", "May", "Jun",
  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
] as const;
export const MONTHS_LONG = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
] as const;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parse "YYYY-MM-DD" into a day number. Throws on malformed input. */
export function parseDay(iso: string): number {
  const m = ISO_DATE.exec(iso);
  if (!m) throw new Error(`invalid date: ${JSON.stringify(iso)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new Error(`invalid date: ${JSON.stringify(iso)}`);
  }
  return Math.round(ms / MS_PER_DAY);
}

/** Day number for a calendar date (month is 1-based). */
export function dayOf(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

export interface Ymd {
  year: number;
  /** 1-based month */
  month: number;
  day: number;
  /** 0 = Sunday */
  weekday: number;
}

export function toYmd(dayNum: number): Ymd {
  const d = new Date(dayNum * MS_PER_DAY);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  };
}

/** Day number back to "YYYY-MM-DD". */
export function formatIso(dayNum: number): string {
  const { year, month, day } = toYmd(dayNum);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** "Tue 8 Dec" */
export function formatShort(iso: string): string {
  const { month, day, weekday } = toYmd(parseDay(iso));
  return `${WEEKDAYS[weekday]} ${day} ${MONTHS[month - 1]}`;
}

/** "Tue 8 Dec 2026" */
export function formatLong(iso: string): string {
  const { year } = toYmd(parseDay(iso));
  return `${formatShort(iso)} ${year}`;
}

/** "Tue 8 Dec", with the year appended when it differs from `refYear`. */
export function formatRelativeYear(iso: string, refYear: number): string {
  const { year } = toYmd(parseDay(iso));
  return year === refYear ? formatShort(iso) : formatLong(iso);
}

/** Signed number of days from `a` to `b`. */
export function daysBetween(a: string, b: string): number {
  return parseDay(b) - parseDay(a);
}

/** "in 3 days", "today", "5 days ago", "tomorrow", "yesterday". */
export function relativeDays(iso: string, todayIso: string): string {
  const n = daysBetween(todayIso, iso);
  if (n === 0) return "today";
  if (n === 1) return "tomorrow";
  if (n === -1) return "yesterday";
  if (n > 0) return n < 14 ? `in ${n} days` : `in ${Math.round(n / 7)} weeks`;
  const p = -n;
  return p < 14 ? `${p} days ago` : `${Math.round(p / 7)} weeks ago`;
}

/** First day of the month containing `dayNum`. */
export function startOfMonth(dayNum: number): number {
  const { year, month } = toYmd(dayNum);
  return dayOf(year, month, 1);
}

/** First day of the month after the one containing `dayNum`. */
export function startOfNextMonth(dayNum: number): number {
  const { year, month } = toYmd(dayNum);
  return month === 12 ? dayOf(year + 1, 1, 1) : dayOf(year, month + 1, 1);
}
