// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Cluster } from "./Cluster";

export type ChangeFailureRate = { numerator: number, denominator: number, value: number | null, cluster: Cluster | null, };
