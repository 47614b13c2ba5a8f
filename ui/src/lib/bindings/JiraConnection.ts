// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
export type JiraConnection = { 
/**
 * `https://example.atlassian.net` or a Data Center base URL.
 */
url: string, projects: Array<string>, 
/**
 * With an email the token is a Cloud API token (basic auth), else a PAT.
 */
email: string | null, };
