// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * The latest deployment of one of the release's services to one environment.
 */
export type EnvironmentState = { service: string, environment: string, production: boolean, 
/**
 * `success`, `failure` or `pending`.
 */
outcome: string, at: string, sha: string, 
/**
 * The latest deployment there is this release's.
 */
this_release: boolean, 
/**
 * How many deployments of this release went there.
 */
release_deployments: number, };
