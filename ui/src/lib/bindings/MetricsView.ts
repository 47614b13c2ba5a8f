// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Bucket } from "./Bucket";
import type { ChartView } from "./ChartView";
import type { DataCoverage } from "./DataCoverage";
import type { DoraDocument } from "./DoraDocument";
import type { MetricCard } from "./MetricCard";
import type { Metrics } from "./Metrics";

export type MetricsView = { dora: DoraDocument, 
/**
 * The period of the same length just before `dora`'s, and its metrics.
 */
previous_from: string, previous_to: string, previous: Metrics, 
/**
 * The headline figures as shown, each against the previous period: what the CLI's
 * table and the leadership report print too.
 */
cards: Array<MetricCard>, 
/**
 * The bucket of the series and charts.
 */
bucket: Bucket, charts: Array<ChartView>, 
/**
 * Scopes to choose from: every service, and every team that owns one.
 */
services: Array<string>, teams: Array<string>, 
/**
 * Workflow runs of the period and scope (the pipeline chart's samples).
 */
pipeline_runs: number, 
/**
 * What the workspace has synced at all: why a card or chart is empty.
 */
coverage: DataCoverage, };
