// The periods a report can cover: the last N days up to yesterday (as the Metrics screen
// shows them), a calendar month, a quarter, or any two dates.
import { periodEndingYesterday, type PeriodDays } from "./metrics";

export type PeriodChoice =
  | { kind: "rolling"; days: PeriodDays }
  | { kind: "month"; month: string }
  | { kind: "quarter"; quarter: string }
  | { kind: "custom"; from: string; to: string };

export interface Period {
  from: string;
  to: string;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** The last day (1..31) of month `m` (1..12) of `y`. */
function lastDay(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The `n` calendar months that ended before today, newest first: "2026-10". */
export function recentMonths(today: Date, n = 12): { value: string; label: string }[] {
  const out = [];
  let y = today.getFullYear();
  let m = today.getMonth(); // 0-based: the month before this one, 1-based
  for (let i = 0; i < n; i++) {
    if (m === 0) {
      y -= 1;
      m = 12;
    }
    out.push({ value: `${y}-${pad(m)}`, label: `${MONTHS[m - 1]} ${y}` });
    m -= 1;
  }
  return out;
}

/** The `n` quarters that ended before today, newest first: "2026-Q3". */
export function recentQuarters(today: Date, n = 8): { value: string; label: string }[] {
  const out = [];
  let y = today.getFullYear();
  let q = Math.floor(today.getMonth() / 3); // the quarter before this one, 1-based
  for (let i = 0; i < n; i++) {
    if (q === 0) {
      y -= 1;
      q = 4;
    }
    out.push({ value: `${y}-Q${q}`, label: `Q${q} ${y}` });
    q -= 1;
  }
  return out;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** Why a custom period cannot be used, or null when it can. */
export function customProblem(from: string, to: string): string | null {
  if (!ISO.test(from) || !ISO.test(to)) return "Choose both dates.";
  if (from > to) return "The period starts after it ends.";
  return null;
}

/** The dates a choice covers, both ends included; null for an unusable custom period. */
export function periodOf(choice: PeriodChoice, today: Date): Period | null {
  switch (choice.kind) {
    case "rolling":
      return periodEndingYesterday(choice.days, today);
    case "month": {
      const [y, m] = choice.month.split("-").map(Number) as [number, number];
      return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(lastDay(y, m))}` };
    }
    case "quarter": {
      const [ys, qs] = choice.quarter.split("-Q") as [string, string];
      const y = Number(ys);
      const first = (Number(qs) - 1) * 3 + 1;
      const last = first + 2;
      return { from: `${y}-${pad(first)}-01`, to: `${y}-${pad(last)}-${pad(lastDay(y, last))}` };
    }
    case "custom":
      return customProblem(choice.from, choice.to) === null ? { from: choice.from, to: choice.to } : null;
  }
}
