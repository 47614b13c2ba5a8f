// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { MovedRelease } from "./MovedRelease";

/**
 * The last change undo would reverse.
 */
export type UndoableChange = { change: string, 
/**
 * "Move Web 26.50 and 2 releases after it", "Add dependency A -> B"...
 */
summary: string, 
/**
 * Releases it moved, with the dates undo puts back (`from`).
 */
moved: Array<MovedRelease>, };
