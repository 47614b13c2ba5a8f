// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { BreakView } from "./BreakView";
import type { ConflictView } from "./ConflictView";
import type { MovedRelease } from "./MovedRelease";
import type { ScenarioMove } from "./ScenarioMove";

/**
 * What a draft of moves would do, before anything changes.
 */
export type ScenarioPreview = { moves: Array<ScenarioMove>, 
/**
 * Every release that moves, the draft's own moves first, then their ripple.
 */
moved: Array<MovedRelease>, breaks: Array<BreakView>, 
/**
 * Conflicts the plan would have that it has not now.
 */
new_conflicts: Array<ConflictView>, 
/**
 * Conflicts of the plan now that the draft resolves.
 */
resolved_conflicts: Array<ConflictView>, };
