// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ConflictView } from "./ConflictView";

/**
 * The plan's conflicts with their fixes.
 */
export type ConflictList = { conflicts: Array<ConflictView>, };
