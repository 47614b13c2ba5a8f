// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A release a scenario moves, directly or pushed by a blocker.
 */
export type MovedRelease = { release_id: number, name: string, 
/**
 * Its date in the plan (the ghost).
 */
from: string | null, to: string, days: number, 
/**
 * Moved by the draft itself (false: pushed along by a blocker).
 */
direct: boolean, 
/**
 * The blocker that pushes it (a ripple).
 */
because_of: number | null, because_of_name: string | null, 
/**
 * A freeze window or holiday it lands in.
 */
lands_in: string | null, };
