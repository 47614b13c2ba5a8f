// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * Which part of the organisation a period export covers (the Metrics screen's scope).
 */
export type ExportScope = { "kind": "organisation" } | { "kind": "team", name: string, } | { "kind": "service", name: string, };
