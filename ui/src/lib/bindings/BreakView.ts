// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A dependency a move breaks that moving dependents cannot fix.
 */
export type BreakView = { release_id: number, name: string, reason: string, };
