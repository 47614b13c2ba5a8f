// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A record a conflict involves.
 */
export type ConflictRecord = { 
/**
 * `release`, `service`, `work_item`, `dependency`, `freeze_window`, `holiday`,
 * `milestone` or `risk_assessment`.
 */
kind: string, id: number, name: string, };
