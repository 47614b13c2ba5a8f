// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Cluster } from "./Cluster";

export type RecoveryTime = { median_hours: number | null, p90_hours: number | null, 
/**
 * Failed deployments that recovered (the samples).
 */
failures: number, 
/**
 * Failed deployments with no recovery yet.
 */
open: number, cluster: Cluster | null, };
