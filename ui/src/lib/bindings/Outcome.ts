// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * How a deployment (or a CI run) ended.
 */
export type Outcome = "success" | "failure" | "pending";
