// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { MovedRelease } from "./MovedRelease";

/**
 * A change written (or reversed) by the window.
 */
export type AppliedChange = { change: string, moved: Array<MovedRelease>, };
