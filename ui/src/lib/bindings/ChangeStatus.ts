// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * Where a change record stands.
 */
export type ChangeStatus = "draft" | "submitted" | "approved" | "rejected" | "closed";
