// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * The six headline metrics, in the order they are shown.
 */
export type MetricKey = "deployment_frequency" | "lead_time" | "change_failure_rate" | "recovery_time" | "rework_rate" | "deployment_success_rate";
