// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * Which way the value moved.
 */
export type Direction = "up" | "down" | "flat";
