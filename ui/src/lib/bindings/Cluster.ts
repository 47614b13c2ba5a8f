// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A DORA performance cluster (State of DevOps 2023/2024).
 */
export type Cluster = "elite" | "high" | "medium" | "low";
