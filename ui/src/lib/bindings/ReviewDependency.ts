// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ReleaseStatus } from "./ReleaseStatus";

/**
 * A release this one waits for (a blocker) or that waits for it (a dependent).
 */
export type ReviewDependency = { release_id: number, name: string, date: string | null, status: ReleaseStatus, 
/**
 * The blocker is dated after what it blocks.
 */
broken: boolean, note: string, };
