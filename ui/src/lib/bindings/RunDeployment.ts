// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Outcome } from "./Outcome";

/**
 * A deployment derived from a workflow run.
 */
export type RunDeployment = { 
/**
 * `owner/name/runs/<id>`: the deployment's source key (source `github`).
 */
key: string, 
/**
 * The stored run (its latest attempt).
 */
run: number, service: string, repository: string, workflow: string, 
/**
 * Index of the rule that matched, in `deployment_workflows`.
 */
rule: number, environment: string, production: boolean, sha: string, outcome: Outcome, 
/**
 * The latest attempt's start (the deployment's creation).
 */
started: string, 
/**
 * The latest attempt's completion (the deployment's time).
 */
time: string, attempt: number, };
