// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Ratio } from "./Ratio";

export type WorkflowHealth = { service: string, workflow: string, runs: number, duration_p50_minutes: number | null, duration_p90_minutes: number | null, failure_rate: Ratio, 
/**
 * Commits that failed and then passed on a re-run.
 */
flaky: number, 
/**
 * Commits run at all (the denominator of the flaky share).
 */
commits: number, };
