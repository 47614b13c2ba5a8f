// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * Whether the move is good news for the metric.
 */
export type Verdict = "better" | "worse" | "same" | "unknown";
