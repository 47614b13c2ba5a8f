// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * How a file is written.
 */
export type IngestFormat = "csv" | "ndjson";
