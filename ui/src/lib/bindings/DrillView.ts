// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Drill } from "./Drill";
import type { DrillRow } from "./DrillRow";

export type DrillView = { drill: Drill, 
/**
 * How many records there are; `rows` holds the first [`DRILL_ROWS`] of them.
 */
total: number, rows: Array<DrillRow>, };
