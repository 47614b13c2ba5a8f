// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A person of the workspace's roster. `roles` are normalised words (`engineering`, `qa`,
 * `sre`, `security`, `product`, `change_board`, or any other); `github` are GitHub logins
 * and `jira` Jira account ids or emails, each belonging to one person at most. Segregation
 * of duties compares these identities with the authors and deployers of a release's
 * changes.
 */
export type Person = { id: number, name: string, roles: Array<string>, github: Array<string>, jira: Array<string>, created_at: string, updated_at: string, };
