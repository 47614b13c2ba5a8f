// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * The closed list of error codes. The CLI prints them as `error[CODE]`, the UI receives
 * them in `ApiError.code`; both match on them, so a code is never renamed.
 */
export type ErrorCode = "db_newer_version" | "not_a_database" | "io" | "db" | "not_found" | "invalid_input" | "workspace_not_empty" | "internal" | "dependency_cycle" | "ambiguous" | "audit_broken" | "sod_violation" | "approvals_missing" | "jira_auth" | "jira_rate_limited" | "jira_unavailable" | "jira_bad_response" | "jira_request" | "cancelled" | "github_auth" | "github_forbidden" | "github_rate_limited" | "github_unavailable" | "github_bad_response" | "unknown_person" | "read_only" | "disk_full";
