// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * Where a post-release review stands.
 */
export type ReviewStatus = "scheduled" | "done";
