// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * One audit event of a release, one line.
 */
export type HistoryEntry = { at: string, actor: string, action: string, 
/**
 * `name: Web 27.3 → Web 27.3a; status: planned → cancelled`.
 */
summary: string, };
