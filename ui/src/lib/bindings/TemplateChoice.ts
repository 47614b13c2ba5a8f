// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { MilestoneRow } from "./MilestoneRow";

/**
 * A built-in milestone template the train form offers.
 */
export type TemplateChoice = { name: string, milestones: Array<MilestoneRow>, };
