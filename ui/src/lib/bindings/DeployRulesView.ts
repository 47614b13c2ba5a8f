// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { DeployRule } from "./DeployRule";

/**
 * The rules as the Sync screen shows them.
 */
export type DeployRulesView = { rules: Array<DeployRule>, 
/**
 * The environments that count as production (the `production_environments` setting).
 */
production_environments: Array<string>, 
/**
 * Deployments derived from workflow runs in the workspace now.
 */
derived: number, 
/**
 * GitHub workflow runs synced (what rules can match).
 */
runs: number, };
