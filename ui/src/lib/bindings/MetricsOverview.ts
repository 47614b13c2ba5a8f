// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { DataCoverage } from "./DataCoverage";
import type { OverviewRow } from "./OverviewRow";

/**
 * The Metrics overview of a period: one row per service, then the organisation's.
 */
export type MetricsOverview = { from: string, to: string, timezone: string, 
/**
 * Services by name.
 */
services: Array<OverviewRow>, organisation: OverviewRow, coverage: DataCoverage, };
