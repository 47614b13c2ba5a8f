// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ReviewItem } from "./ReviewItem";

export type ReviewChecklist = { template: string, 
/**
 * 0..100 of the applicable items done; null without a checklist.
 */
percent_ready: number | null, items: Array<ReviewItem>, };
