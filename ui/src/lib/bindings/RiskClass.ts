// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A release's risk class, lowest first (the order compares).
 */
export type RiskClass = "low" | "medium" | "high" | "critical";
