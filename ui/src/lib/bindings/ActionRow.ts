// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ActionStatus } from "./ActionStatus";

/**
 * An action item of a post-release review.
 */
export type ActionRow = { id: number, title: string, owner: string | null, due_date: string | null, status: ActionStatus, 
/**
 * Open with its due day gone by.
 */
overdue: boolean, };
