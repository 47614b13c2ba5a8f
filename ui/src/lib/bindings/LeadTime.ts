// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Cluster } from "./Cluster";

export type LeadTime = { median_hours: number | null, p90_hours: number | null, 
/**
 * The samples: changes whose deploying deployment is in the period.
 */
changes: number, waiting: number, cluster: Cluster | null, };
