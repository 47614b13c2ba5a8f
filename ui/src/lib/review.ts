// Review mode's pure logic: the approval rule in words, the checklist's progress, the risk
// factors as bars, the item form's checks, and where a refusal is shown.

import type { ApiRequestError } from "./api";
import type { DecisionOutcome } from "./bindings/DecisionOutcome";
import type { ItemState } from "./bindings/ItemState";
import type { Person } from "./bindings/Person";
import type { ReviewApprovals } from "./bindings/ReviewApprovals";
import type { ReviewItem } from "./bindings/ReviewItem";
import type { RiskFactorView } from "./bindings/RiskFactorView";

/** "a", "a and b", "a, b and c". */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** A role as people say it: `qa` → "QA", `change_board` → "change board". */
export function roleLabel(role: string): string {
  const upper = new Set(["qa", "sre", "it", "cab"]);
  return role
    .split("_")
    .map((w) => (upper.has(w) ? w.toUpperCase() : w))
    .join(" ");
}

/**
 * The approval rule before anyone approves ("A critical release needs approvals from 3
 * people, including SRE and change board."), then what is still needed.
 */
export function approvalRule(a: ReviewApprovals): { rule: string; needed: string } {
  const roles = a.roles.map(roleLabel);
  const release = `A ${a.risk_class} release`;
  const people = a.count === 1 ? "1 person" : `${a.count} people`;
  let rule: string;
  if (a.count === 0 && roles.length === 0) rule = `${release} needs no approvals.`;
  else if (roles.length === 0) rule = `${release} needs approvals from ${people}.`;
  else if (a.count <= roles.length) rule = `${release} needs ${listWords(roles)} approvals.`;
  else rule = `${release} needs approvals from ${people}, including ${listWords(roles)}.`;
  const approvers = new Set(a.given.map((g) => g.approver.trim().toLowerCase())).size;
  const more = Math.max(0, a.count - approvers) - a.missing_roles.length;
  const parts: string[] = [...a.missing_roles.map(roleLabel)];
  if (more > 0) parts.push(`${more} more ${more === 1 ? "person" : "people"}`);
  const needed = parts.length === 0 ? "Nothing more is needed." : `Still needed: ${listWords(parts)}.`;
  return { rule, needed };
}

export interface Progress {
  done: number;
  notApplicable: number;
  pending: number;
  blocked: number;
  total: number;
  /** 0..100, rounded; null without items. */
  percent: number | null;
}

/** The checklist's counts; the percent is the backend's when given (its rule), else done over applicable. */
export function progress(items: readonly ReviewItem[], percent: number | null = null): Progress {
  const count = (s: ItemState) => items.filter((i) => i.state === s).length;
  const done = count("done");
  const notApplicable = count("not_applicable");
  const applicable = items.length - notApplicable;
  const own = applicable > 0 ? (done / applicable) * 100 : items.length > 0 ? 100 : null;
  const p = percent ?? own;
  return {
    done,
    notApplicable,
    pending: count("pending"),
    blocked: count("blocked"),
    total: items.length,
    percent: p === null ? null : Math.round(p),
  };
}

export interface FactorBar {
  factor: string;
  label: string;
  contribution: number;
  /** 0..100 of the largest contribution. */
  width: number;
  reason: string;
}

/** The factors as bars, largest contribution first; a factor that adds nothing stays, at 0. */
export function factorBars(factors: readonly RiskFactorView[]): FactorBar[] {
  const max = Math.max(0, ...factors.map((f) => Math.abs(f.contribution)));
  return [...factors]
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.factor.localeCompare(b.factor))
    .map((f) => ({
      factor: f.factor,
      label: f.factor.replace(/_/g, " "),
      contribution: f.contribution,
      width: max > 0 ? Math.round((Math.abs(f.contribution) / max) * 100) : 0,
      reason: f.reason,
    }));
}

/** A contribution as the bar list prints it: "+12.5", "0". */
export function signed(n: number): string {
  const r = Math.round(n * 10) / 10;
  if (r === 0) return "0";
  return r > 0 ? `+${r}` : `${r}`;
}

/** The item form's own checks, before anything is sent: field → sentence. */
export function itemFormErrors(state: ItemState, evidence: string, note: string): Record<string, string> {
  const out: Record<string, string> = {};
  const link = evidence.trim();
  if (link && !/^https?:\/\/[^\s/]+/.test(link)) out.evidence = "The evidence must be an http(s) link.";
  if (state === "not_applicable" && !note.trim()) out.note = "Say why it does not apply.";
  return out;
}

/** The decision form's own check. */
export function decisionFormError(outcome: DecisionOutcome, notes: string): string | null {
  return outcome === "go_with_conditions" && !notes.trim() ? "Go with conditions needs the conditions in the notes." : null;
}

/**
 * Which input of a form a refusal belongs to: the backend's `field` (with its aliases),
 * or null for the form's own line.
 */
export function errorField(err: ApiRequestError | null, fields: readonly string[]): string | null {
  if (!err?.field) return null;
  const alias: Record<string, string> = { evidence_url: "evidence", notes: "note" };
  const f = alias[err.field] ?? err.field;
  return fields.includes(f) ? f : null;
}

export const ITEM_STATE_LABELS: Record<ItemState, string> = {
  pending: "Pending",
  done: "Done",
  blocked: "Blocked",
  not_applicable: "Not applicable",
};

export const OUTCOME_LABELS: Record<DecisionOutcome, string> = {
  go: "Go",
  no_go: "No-go",
  go_with_conditions: "Go with conditions",
};

/** The roster's people who hold `role`, by name: who may approve in it. */
export function approversFor(roster: readonly Person[], role: string): Person[] {
  return roster
    .filter((p) => p.roles.includes(role))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The roles an approval can be given in: the rule's (those still needed first), then the
 * other roles the roster's people hold (a rule that asks for more people than roles is met
 * by approvals in any role).
 */
export function approvalRoles(a: ReviewApprovals, roster: readonly Person[]): string[] {
  const rule = [...a.missing_roles, ...a.roles.filter((r) => !a.missing_roles.includes(r))];
  const others = [...new Set(roster.flatMap((p) => p.roles))].filter((r) => !rule.includes(r)).sort();
  return [...rule, ...others];
}
