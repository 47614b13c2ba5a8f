import type { ApiRequestError } from "./api";
import type { FreezeBand } from "./bindings/FreezeBand";
import type { FreezeForm } from "./bindings/FreezeForm";
import type { HolidayMark } from "./bindings/HolidayMark";
import type { MilestoneRow } from "./bindings/MilestoneRow";
import type { TemplateChoice } from "./bindings/TemplateChoice";

/** What the planning dialogs open for: created from the New menu, or edited from a panel. */
export type PlanAction =
  | { kind: "train"; id: number | null }
  | { kind: "generate"; train: number; name: string }
  | { kind: "release"; id: number | null; train: number | null }
  | { kind: "cancel"; id: number; name: string }
  | { kind: "freeze"; band: FreezeBand | null }
  | { kind: "holiday"; mark: HolidayMark | null }
  /** A hotfix, from a release (its services) or from the New menu (`release` null). */
  | { kind: "hotfix"; release: number | null };

/**
 * A refused write, split for the form: its message next to the field it names when the
 * form has that field, else (or when it names none) as the form's own error line with the
 * code.
 */
export interface FormErrors {
  fields: Record<string, string>;
  general: { code: string; message: string } | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, general: null };

export function formErrors(err: ApiRequestError | null, fields: readonly string[]): FormErrors {
  if (!err) return NO_ERRORS;
  if (err.field && fields.includes(err.field)) {
    return { fields: { [err.field]: err.message }, general: null };
  }
  return { fields: {}, general: { code: err.code, message: err.message } };
}

/** The template whose milestones are exactly `rows`, or "custom". */
export function templateOf(rows: readonly MilestoneRow[], templates: readonly TemplateChoice[]): string {
  const same = (a: readonly MilestoneRow[], b: readonly MilestoneRow[]) =>
    a.length === b.length &&
    a.every((m, i) => m.kind === b[i]!.kind && m.name === b[i]!.name && m.offset_days === b[i]!.offset_days);
  return templates.find((t) => same(t.milestones, rows))?.name ?? "custom";
}

/** Dates typed one per line or comma separated, blanks dropped. */
export function splitDates(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** `T-5`, `T+7`, `T` for a milestone's offset from the release date. */
export function offsetLabel(days: number): string {
  if (days === 0) return "T";
  return days < 0 ? `T${days}` : `T+${days}`;
}

/** The freeze form for `band` (`null`: a new window starting `today`). */
export function freezeFormOf(band: FreezeBand | null, today: string): FreezeForm {
  return band
    ? {
        name: band.name,
        start_date: band.start_date,
        end_date: band.end_date,
        services: [...band.services],
        reason: band.reason,
      }
    : { name: "", start_date: today, end_date: today, services: [], reason: "" };
}

/** `release.edit` → "Edited"; an action the list does not know, as it is. */
export function actionLabel(action: string): string {
  const known: Record<string, string> = {
    "release.add": "Added",
    "release.edit": "Edited",
    "release.cancel": "Cancelled",
    "release.move": "Moved",
    "release.risk_override": "Risk overridden",
  };
  return known[action] ?? action;
}

/** `day` (`YYYY-MM-DD`) plus `n` days, as `YYYY-MM-DD`. */
export function plusDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
