// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * The outcome of a go/no-go decision.
 */
export type DecisionOutcome = "go" | "no_go" | "go_with_conditions";
