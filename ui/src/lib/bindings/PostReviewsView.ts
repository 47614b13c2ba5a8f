// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ReviewRow } from "./ReviewRow";

/**
 * A release's post-release reviews.
 */
export type PostReviewsView = { release: number, release_name: string, today: string, 
/**
 * Oldest first; actions are added to the newest.
 */
reviews: Array<ReviewRow>, 
/**
 * Open action items across its reviews, and how many of them are overdue.
 */
open_actions: number, overdue_actions: number, 
/**
 * A new review's due day: the release day (or today, if later) plus the policy's
 * hotfix review days.
 */
suggested_due: string, };
