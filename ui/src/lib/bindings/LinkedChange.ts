// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A work item of the release, as the form lists the changes a record will cover.
 */
export type LinkedChange = { key: string, title: string, };
