// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Bucket } from "./Bucket";
import type { ChartView } from "./ChartView";
import type { DataCoverage } from "./DataCoverage";
import type { PipelineHealth } from "./PipelineHealth";

/**
 * The Pipeline health tab: `switchyard pipeline --json`'s document and its two trends.
 */
export type PipelineView = { from: string, to: string, service: string | null, team: string | null, 
/**
 * The bucket of the series and charts (the CLI's `--bucket`).
 */
bucket: Bucket, health: PipelineHealth, 
/**
 * `pipeline-duration` (p50 and p90) and `pipeline-failure-rate`, per bucket.
 */
charts: Array<ChartView>, coverage: DataCoverage, };
