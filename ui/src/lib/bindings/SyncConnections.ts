// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { GithubConnection } from "./GithubConnection";
import type { JiraConnection } from "./JiraConnection";

export type SyncConnections = { jira: JiraConnection, github: GithubConnection, };
