// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { HistoryEntry } from "./HistoryEntry";
import type { WorkItemLink } from "./WorkItemLink";

/**
 * What the release panel reads besides the calendar.
 */
export type ReleaseDetails = { id: number, work_items: Array<WorkItemLink>, history: Array<HistoryEntry>, };
