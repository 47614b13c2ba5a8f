// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * One record behind a number.
 */
export type DrillRow = { id: number, 
/**
 * `deployment`, `change` or `incident`.
 */
kind: string, service: string | null, 
/**
 * When it happened (deployed, merged, created), RFC 3339 UTC.
 */
time: string | null, title: string, detail: string, 
/**
 * Where the record came from: its source and key (`github acme/web/deployments/7`,
 * `import jenkins:101`), or null for a record made in Switchyard.
 */
origin: string | null, };
