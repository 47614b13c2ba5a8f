// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * Where a synced record came from. Local records have none.
 */
export type Source = "jira" | "github" | "import";
