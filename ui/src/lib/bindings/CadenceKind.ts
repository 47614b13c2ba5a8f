// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * How a train's cadence is given in its form.
 */
export type CadenceKind = "every" | "monthly" | "dates";
