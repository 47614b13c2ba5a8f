// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * What [`Linked::drill`] lists.
 */
export type Drill = "deployments" | "failed_deployments" | "change_failures" | "recovered" | "open_failures" | "rework" | "changes" | "waiting" | "unlinked_incidents";
