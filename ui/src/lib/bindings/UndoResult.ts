// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * What an undo did.
 */
export type UndoResult = { undone: string, change: string, summary: string, };
