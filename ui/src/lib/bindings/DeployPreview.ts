// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { RunDeployment } from "./RunDeployment";

/**
 * The runs some rules would count, before they are saved.
 */
export type DeployPreview = { 
/**
 * Newest first, the first [`PREVIEW_ROWS`].
 */
rows: Array<RunDeployment>, total: number, successes: number, failures: number, production: number, 
/**
 * How many runs each rule counts, by the rule's place in the list.
 */
per_rule: Array<number>, };
