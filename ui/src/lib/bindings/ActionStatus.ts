// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * Where a review's action item stands.
 */
export type ActionStatus = "open" | "done" | "dropped";
