// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { LastSync } from "./LastSync";
import type { SyncConnections } from "./SyncConnections";

export type SyncStatus = { connections: SyncConnections, 
/**
 * A token is in the keyring or the environment (the token itself never leaves Rust).
 */
jira_token: boolean, github_token: boolean, last_jira: LastSync | null, last_github: LastSync | null, };
