// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ReviewApprovals } from "./ReviewApprovals";
import type { ReviewChecklist } from "./ReviewChecklist";
import type { ReviewDecision } from "./ReviewDecision";
import type { ReviewRelease } from "./ReviewRelease";
import type { ReviewRisk } from "./ReviewRisk";

/**
 * What a write in review mode can change, and the answer of every such write (a tick, an
 * override, an approval, a decision): the window lays it over the review it shows. Scope,
 * environments, dependencies and the roster stay as they were read, so a tick on a release
 * with thousands of work items carries none of them.
 */
export type ReviewUpdate = { release: ReviewRelease, risk: ReviewRisk, checklist: ReviewChecklist, approvals: ReviewApprovals, 
/**
 * Newest first.
 */
decisions: Array<ReviewDecision>, 
/**
 * As in [`ReleaseReview::known_people`].
 */
known_people: Array<string>, };
