// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * One milestone of a train's template as its form edits it.
 */
export type MilestoneRow = { kind: string, name: string, offset_days: number, };
