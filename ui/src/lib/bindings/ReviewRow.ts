// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ActionRow } from "./ActionRow";
import type { ReviewStatus } from "./ReviewStatus";

export type ReviewRow = { id: number, due_date: string, status: ReviewStatus, 
/**
 * The findings, once held.
 */
summary: string, held_at: string | null, created_by: string, 
/**
 * Scheduled with its due day gone by.
 */
overdue: boolean, actions: Array<ActionRow>, };
