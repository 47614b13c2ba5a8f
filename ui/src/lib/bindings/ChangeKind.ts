// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * What kind of change a change record asks for.
 */
export type ChangeKind = "standard" | "normal" | "emergency";
