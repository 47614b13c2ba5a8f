// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Change } from "./Change";

/**
 * One metric's change, keyed as the Metrics screen's cards are.
 */
export type MetricChange = { 
/**
 * `deployment_frequency`, `lead_time`, `change_failure_rate`, `recovery_time`,
 * `rework_rate` or `deployment_success_rate`.
 */
metric: string, change: Change, };
