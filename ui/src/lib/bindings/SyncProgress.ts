// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { SyncTarget } from "./SyncTarget";

/**
 * One line of progress for the window.
 */
export type SyncProgress = { target: SyncTarget, 
/**
 * `ABC: issues 200/450`, `waiting 4s: ...`.
 */
line: string, 
/**
 * Done share of the current list when the server says how many there are.
 */
fraction: number | null, 
/**
 * Records so far in the current list.
 */
total: number, };
