// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A work item of a release, as its panel lists it.
 */
export type WorkItemLink = { key: string, title: string, 
/**
 * `story`, `bug`, `pull_request`, ...
 */
kind: string, status: string, status_category: string, source: string | null, 
/**
 * Only http(s) links; anything else is left out.
 */
url: string | null, };
