// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * What the workspace holds at all, whatever the period and scope, with the settings that
 * decide what counts: the inputs of the empty states' sentences.
 */
export type DataCoverage = { 
/**
 * The `production_environments` setting.
 */
production_environments: Array<string>, 
/**
 * The `incident_label` setting.
 */
incident_label: string, 
/**
 * Deployments synced, any environment.
 */
deployments: number, 
/**
 * Of them, to production (flagged, or to one of `production_environments`).
 */
production_deployments: number, 
/**
 * The environments synced deployments went to that do not count as production.
 */
other_environments: Array<string>, 
/**
 * Merged pull requests synced.
 */
changes: number, incidents: number, 
/**
 * Workflow runs synced.
 */
pipeline_runs: number, };
