// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * Which deployments of a repository DORA counts when it has both kinds: those derived
 * from its deploy workflows' runs (`deployment_workflows`), or those of GitHub's
 * Deployments API.
 */
export type DeploySource = "runs" | "deployments";
