// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * Where a release's go/no-go stands: pending until a decision, then its outcome.
 */
export type GoNoGoState = "pending" | "go" | "no_go" | "go_with_conditions";
