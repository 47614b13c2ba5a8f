// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A person as the form (and `people add`) gives them: the lists are taken whole.
 */
export type PersonForm = { name: string, roles: Array<string>, github: Array<string>, jira: Array<string>, };
