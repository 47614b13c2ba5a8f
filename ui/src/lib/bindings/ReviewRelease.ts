// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ReleaseStatus } from "./ReleaseStatus";
import type { ReleaseType } from "./ReleaseType";

/**
 * The release under review.
 */
export type ReviewRelease = { id: number, name: string, version: string | null, train: string | null, release_date: string | null, status: ReleaseStatus, release_type: ReleaseType, services: Array<string>, 
/**
 * Shipped or cancelled: its records stand as they were.
 */
closed: boolean, };
