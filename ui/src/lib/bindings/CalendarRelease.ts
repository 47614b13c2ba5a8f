// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { CalendarMilestone } from "./CalendarMilestone";

export type CalendarRelease = { id: number, name: string, version: string | null, release_type: string, status: string, release_date: string, planned_date: string | null, 
/**
 * Days between the planned and the current date (positive: later).
 */
slipped_days: number, 
/**
 * Days past its date without shipping (planned or in progress); 0 when it is not.
 */
overdue_days: number, services: Array<string>, risk_class: string | null, 
/**
 * Share of applicable checklist items done, 0..1.
 */
readiness: number | null, 
/**
 * Outcome of the newest go/no-go decision.
 */
decision: string | null, milestones: Array<CalendarMilestone>, };
