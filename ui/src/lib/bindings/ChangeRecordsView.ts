// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ChangeRecordForm } from "./ChangeRecordForm";
import type { ChangeRecordRow } from "./ChangeRecordRow";
import type { LinkedChange } from "./LinkedChange";
import type { RiskClass } from "./RiskClass";

/**
 * A release's change records and the form for a new one, filled from the release.
 */
export type ChangeRecordsView = { release: number, release_name: string, 
/**
 * The class in force now (what a new record is raised under).
 */
risk_class: RiskClass, 
/**
 * The approval rule of that class: roles that must approve, distinct approvers.
 */
required_roles: Array<string>, required_count: number, 
/**
 * Oldest first.
 */
records: Array<ChangeRecordRow>, 
/**
 * The record approvals and rejections act on (the newest not rejected), if any.
 */
open_record: number | null, 
/**
 * A new record's values: title, the release day as its window, the checklist's
 * evidence links and rollback note.
 */
draft: ChangeRecordForm, 
/**
 * From the release, not editable: its services and its work items.
 */
services: Array<string>, changes: Array<LinkedChange>, };
