// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { DeploySource } from "./DeploySource";

/**
 * One rule of `deployment_workflows`: the completed runs of the workflows named
 * `workflow` in the repositories named `repository` are deployments to `environment`
 * (see [`crate::deploy_runs`]). Both names are glob patterns (`*`, `?`, `[...]`), matched
 * ignoring case.
 */
export type DeployRule = { 
/**
 * `owner/name` pattern; `*` (every repository) when left out.
 */
repository: string, 
/**
 * Pattern of the workflow's name as GitHub shows it (`Deploy production`).
 */
workflow: string, 
/**
 * The environment these runs deploy to.
 */
environment: string, 
/**
 * Which deployments DORA counts for a repository that has both kinds; the first rule
 * whose `repository` matches decides. Runs when left out.
 */
prefer: DeploySource, };
