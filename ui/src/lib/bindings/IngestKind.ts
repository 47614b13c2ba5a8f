// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * What a file holds.
 */
export type IngestKind = "deployments" | "incidents";
