// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * Where a release stands.
 */
export type ReleaseStatus = "planned" | "in_progress" | "released" | "cancelled";
