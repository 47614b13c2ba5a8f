// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ReviewApproval } from "./ReviewApproval";
import type { ReviewReopened } from "./ReviewReopened";
import type { RiskClass } from "./RiskClass";

/**
 * The approval rule of the class in force and where it stands.
 */
export type ReviewApprovals = { risk_class: RiskClass, 
/**
 * Distinct approvers the rule asks for.
 */
count: number, 
/**
 * Roles the rule asks one approval of each.
 */
roles: Array<string>, 
/**
 * Approvals given since the last decision that count.
 */
given: Array<ReviewApproval>, 
/**
 * Approvals given since the last decision that segregation of duties re-opened.
 */
reopened: Array<ReviewReopened>, 
/**
 * The rule's roles nobody approved in yet.
 */
missing_roles: Array<string>, 
/**
 * What the rule still lacks, as the use case says it (roles, then approvers).
 */
missing: Array<string>, 
/**
 * Every item settled and the rule met.
 */
ready_for_go: boolean, };
