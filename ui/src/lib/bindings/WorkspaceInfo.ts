// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { WorkspaceCounts } from "./WorkspaceCounts";

export type WorkspaceInfo = { path: string, schema_version: number, demo_loaded: boolean, counts: WorkspaceCounts, 
/**
 * Team and service names, sorted: the scopes of the Metrics screen and of exports.
 */
teams: Array<string>, services: Array<string>, };
