// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { MetricCard } from "./MetricCard";
import type { Metrics } from "./Metrics";

/**
 * One row of the heat table: a service, or the organisation (`service` null).
 */
export type OverviewRow = { service: string | null, team: string | null, 
/**
 * The numbers as `switchyard dora --json --service S` prints them.
 */
metrics: Metrics, 
/**
 * The six headline figures as shown (no previous period: `change` is unknown).
 */
cards: Array<MetricCard>, };
