// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { PipelineBucket } from "./PipelineBucket";
import type { Ratio } from "./Ratio";
import type { WorkflowHealth } from "./WorkflowHealth";

export type PipelineHealth = { runs: number, duration_p50_minutes: number | null, duration_p90_minutes: number | null, failure_rate: Ratio, flaky: number, 
/**
 * Every workflow, by service and name.
 */
workflows: Array<WorkflowHealth>, 
/**
 * Up to five workflows by p90 duration, slowest first.
 */
slowest: Array<WorkflowHealth>, 
/**
 * Up to five workflows with flaky commits, by flaky share, flakiest first.
 */
flakiest: Array<WorkflowHealth>, series: Array<PipelineBucket>, };
