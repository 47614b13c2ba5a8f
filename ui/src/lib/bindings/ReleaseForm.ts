// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ReleaseStatus } from "./ReleaseStatus";
import type { ReleaseType } from "./ReleaseType";

/**
 * A release the form adds or edits. `train` and `date` are used only when adding; the
 * date of a release changes by moving it.
 */
export type ReleaseForm = { name: string, 
/**
 * Empty: none.
 */
version: string, train: number | null, date: string, release_type: ReleaseType, status: ReleaseStatus, services: Array<string>, };
