// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A service and the team that owns it.
 */
export type ServiceTeam = { service: string, team: string | null, };
