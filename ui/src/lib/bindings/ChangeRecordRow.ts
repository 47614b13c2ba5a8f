// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ChangeKind } from "./ChangeKind";
import type { ChangeStatus } from "./ChangeStatus";
import type { RecordApproval } from "./RecordApproval";
import type { RiskClass } from "./RiskClass";

/**
 * A change record as its section lists it.
 */
export type ChangeRecordRow = { id: number, title: string, kind: ChangeKind, status: ChangeStatus, services: Array<string>, window_start: string | null, window_end: string | null, 
/**
 * How many work items (changes) it covers.
 */
changes: number, risk_class: RiskClass | null, rollback_plan: string, evidence: Array<string>, approvals: Array<RecordApproval>, 
/**
 * What its approval rule still lacks (empty once approved).
 */
missing_approvals: Array<string>, created_at: string, created_by: string, };
