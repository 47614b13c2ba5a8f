// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { DecisionOutcome } from "./DecisionOutcome";
import type { ReviewApproval } from "./ReviewApproval";

export type ReviewDecision = { id: number, outcome: DecisionOutcome, notes: string, decided_by: string, decided_at: string, approvals: Array<ReviewApproval>, percent_ready: number | null, risk_class: string | null, open_items: Array<string>, };
