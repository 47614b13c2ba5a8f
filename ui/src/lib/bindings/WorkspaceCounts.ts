// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
export type WorkspaceCounts = { teams: number, services: number, trains: number, releases: number, deployments: number, incidents: number, work_items: number, };
