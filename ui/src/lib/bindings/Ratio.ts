// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
export type Ratio = { numerator: number, denominator: number, 
/**
 * `numerator / denominator`; `null` when the denominator is 0.
 */
value: number | null, };
