// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ReleaseStatus } from "./ReleaseStatus";

/**
 * A release as saved.
 */
export type SavedRelease = { id: number, name: string, version: string | null, status: ReleaseStatus, release_date: string | null, };
