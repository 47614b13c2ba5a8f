// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Direction } from "./Direction";
import type { Verdict } from "./Verdict";

/**
 * A number against the previous period.
 */
export type Change = { 
/**
 * `None` when either period has no value.
 */
direction: Direction | null, verdict: Verdict, 
/**
 * "+0.8 pts vs previous (3.2%)", "no data in the previous period", ...
 */
text: string, };
