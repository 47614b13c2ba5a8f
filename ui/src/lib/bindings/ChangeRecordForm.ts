// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ChangeKind } from "./ChangeKind";

/**
 * The change record form: what a person may set; services, changes and the risk class
 * come from the release.
 */
export type ChangeRecordForm = { title: string, kind: ChangeKind, 
/**
 * `YYYY-MM-DD HH:MM` (UTC) or RFC 3339; empty: none.
 */
window_start: string, window_end: string, rollback_plan: string, 
/**
 * http(s) links, one each.
 */
evidence: Array<string>, };
