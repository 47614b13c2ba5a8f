// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * One move of a draft: `release` to the date `to`.
 */
export type ScenarioMove = { release: number, to: string, };
