// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * One factor of the risk score.
 */
export type RiskFactorView = { factor: string, input: number, weight: number, contribution: number, reason: string, };
