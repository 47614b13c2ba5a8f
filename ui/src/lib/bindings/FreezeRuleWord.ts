// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * `move` or `flag`: what happens to a generated release that lands in a freeze.
 */
export type FreezeRuleWord = "move" | "flag";
