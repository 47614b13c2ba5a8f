// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * "Move to the next free slot": the release to move and where.
 */
export type SlotFix = { release_id: number, to: string, };
