// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { CalendarMilestone } from "./CalendarMilestone";
import type { DecisionOutcome } from "./DecisionOutcome";
import type { ReleaseStatus } from "./ReleaseStatus";
import type { ReleaseType } from "./ReleaseType";
import type { RiskClass } from "./RiskClass";

export type CalendarRelease = { id: number, name: string, version: string | null, release_type: ReleaseType, status: ReleaseStatus, release_date: string, planned_date: string | null, 
/**
 * Days between the planned and the current date (positive: later).
 */
slipped_days: number, 
/**
 * Days past its date without shipping (planned or in progress); 0 when it is not.
 */
overdue_days: number, services: Array<string>, risk_class: RiskClass | null, 
/**
 * Share of applicable checklist items done, 0..1.
 */
readiness: number | null, 
/**
 * Outcome of the newest go/no-go decision.
 */
decision: DecisionOutcome | null, milestones: Array<CalendarMilestone>, };
