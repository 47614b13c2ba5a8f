// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * Where a checklist item stands.
 */
export type ItemState = "pending" | "done" | "blocked" | "not_applicable";
