// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { HotfixForm } from "./HotfixForm";

/**
 * The hotfix dialog before anything is created: the form (filled from a release or a
 * service), the services, and what the expedited path brings (its reduced checklists and
 * the post-release review's deadline).
 */
export type HotfixFormView = { form: HotfixForm, 
/**
 * The release it was started from, if any.
 */
from_release: string | null, services: Array<string>, today: string, hotfix_checklist: Array<string>, emergency_checklist: Array<string>, hotfix_review_days: number, emergency_review_days: number, };
