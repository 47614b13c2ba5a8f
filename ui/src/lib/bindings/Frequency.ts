// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Cluster } from "./Cluster";

export type Frequency = { 
/**
 * Successful production deployments in the period.
 */
count: number, per_week: number, deploy_days_per_week: number, cluster: Cluster | null, };
