// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ConflictRecord } from "./ConflictRecord";
import type { SlotFix } from "./SlotFix";

/**
 * A conflict of `plan check` as the window lists it.
 */
export type ConflictView = { 
/**
 * `cycle`, `dependency_order`, `freeze_window`, `risk_overlap` or `milestone_order`.
 */
kind: string, message: string, records: Array<ConflictRecord>, 
/**
 * The releases it involves (to highlight on the calendar).
 */
release_ids: Array<number>, fix: SlotFix | null, };
