// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { EnvironmentState } from "./EnvironmentState";
import type { Person } from "./Person";
import type { ReviewApprovals } from "./ReviewApprovals";
import type { ReviewChecklist } from "./ReviewChecklist";
import type { ReviewDecision } from "./ReviewDecision";
import type { ReviewDependency } from "./ReviewDependency";
import type { ReviewRelease } from "./ReviewRelease";
import type { ReviewRisk } from "./ReviewRisk";
import type { WorkItemLink } from "./WorkItemLink";

/**
 * Everything the go/no-go meeting reads, in its order.
 */
export type ReleaseReview = { release: ReviewRelease, work_items: Array<WorkItemLink>, environments: Array<EnvironmentState>, blockers: Array<ReviewDependency>, dependents: Array<ReviewDependency>, risk: ReviewRisk, checklist: ReviewChecklist, approvals: ReviewApprovals, 
/**
 * Newest first.
 */
decisions: Array<ReviewDecision>, 
/**
 * Names that approved or decided before, in this workspace (the approver input's list
 * when the roster is empty).
 */
known_people: Array<string>, 
/**
 * The workspace's roster by name: approvals pick a person holding the role from it.
 * Empty: the workspace has no people, and the approver is a name typed.
 */
roster: Array<Person>, };
