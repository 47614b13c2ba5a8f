import type { ActionRow } from "./bindings/ActionRow";
import type { ChangeKind } from "./bindings/ChangeKind";
import type { ChangeStatus } from "./bindings/ChangeStatus";
import type { ItemState } from "./bindings/ItemState";
import type { ReviewRow } from "./bindings/ReviewRow";
import { plusDays } from "./planForms";

// Change records, hotfixes and post-release reviews: the words and counts their sections show.

export type Tone = "good" | "bad" | "warn" | "neutral" | "info";

/** A change record's status as a chip: its words and its tone. */
export const CHANGE_STATUS: Record<ChangeStatus, { label: string; tone: Tone }> = {
  draft: { label: "Draft", tone: "neutral" },
  submitted: { label: "Awaiting approval", tone: "warn" },
  approved: { label: "Approved", tone: "good" },
  rejected: { label: "Rejected", tone: "bad" },
  closed: { label: "Closed", tone: "neutral" },
};

export const CHANGE_KIND: Record<ChangeKind, string> = {
  standard: "Standard",
  normal: "Normal",
  emergency: "Emergency",
};

export const ITEM_STATE: Record<ItemState, string> = {
  pending: "Pending",
  done: "Done",
  blocked: "Blocked",
  not_applicable: "Not applicable",
};

/** Evidence links typed one a line (or separated by spaces), blanks dropped. */
export function splitLinks(text: string): string[] {
  return text
    .split(/\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** `2026-12-01T09:00:00Z` → `2026-12-01 09:00 UTC`; null → "". */
export function instantLabel(t: string | null): string {
  if (!t) return "";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(t);
  return m ? `${m[1]} ${m[2]} UTC` : t;
}

/** A change window as one line: "2026-12-01 09:00 – 17:00 UTC", "from …", "until …", "". */
export function windowLabel(start: string | null, end: string | null): string {
  const a = instantLabel(start);
  const b = instantLabel(end);
  if (a && b) {
    const sameDay = a.slice(0, 10) === b.slice(0, 10);
    return sameDay ? `${a.slice(0, 16)} – ${b.slice(11)}` : `${a} – ${b}`;
  }
  if (a) return `from ${a}`;
  if (b) return `until ${b}`;
  return "";
}

/** Open action items across reviews, and how many of them are overdue. */
export function openActions(reviews: readonly ReviewRow[]): { open: ActionRow[]; overdue: number } {
  const open = reviews.flatMap((r) => r.actions).filter((a) => a.status === "open");
  return { open, overdue: open.filter((a) => a.overdue).length };
}

/** "2 open actions · 1 overdue", "No open actions". */
export function openActionsLabel(open: number, overdue: number): string {
  if (open === 0) return "No open actions";
  const words = `${open} open ${open === 1 ? "action" : "actions"}`;
  return overdue > 0 ? `${words} · ${overdue} overdue` : words;
}

/** The day a new hotfix's review falls due: its ship day (or today when empty) plus the days. */
export function reviewDue(date: string, today: string, days: number): string {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date.trim()) ? date.trim() : today;
  return plusDays(day, days);
}

/** The newest review (actions go to it), if any. */
export function latestReview(reviews: readonly ReviewRow[]): ReviewRow | null {
  return reviews.length > 0 ? reviews[reviews.length - 1]! : null;
}
