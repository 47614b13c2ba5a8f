// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
export type GithubConnection = { api_url: string, 
/**
 * `owner/name` each.
 */
repos: Array<string>, };
