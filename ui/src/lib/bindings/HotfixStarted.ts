// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ChangeRecordRow } from "./ChangeRecordRow";
import type { ChecklistRow } from "./ChecklistRow";
import type { ReleaseType } from "./ReleaseType";
import type { ReviewRow } from "./ReviewRow";
import type { RiskClass } from "./RiskClass";

/**
 * A hotfix just started: the new release, its reduced checklist, its change record and
 * the review it owes.
 */
export type HotfixStarted = { release: number, name: string, release_type: ReleaseType, date: string | null, services: Array<string>, risk_class: RiskClass, template: string, percent_ready: number, checklist: Array<ChecklistRow>, change_record: ChangeRecordRow, review: ReviewRow, };
