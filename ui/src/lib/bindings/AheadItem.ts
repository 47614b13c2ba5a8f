// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { GoNoGoState } from "./GoNoGoState";
import type { RiskClass } from "./RiskClass";

/**
 * One release of the calendar's "Needs attention" panel and the ahead list.
 */
export type AheadItem = { release_id: number, name: string, train: string | null, date: string, risk_class: RiskClass | null, percent_ready: number | null, 
/**
 * "▲ +20 pts in 7 days", "= in 7 days" or "–".
 */
trend: string, go_no_go: GoNoGoState, conflicts: Array<string>, blockers: Array<string>, missing_approvals: Array<string>, 
/**
 * Why it needs attention first; empty when it does not.
 */
reasons: Array<string>, };
