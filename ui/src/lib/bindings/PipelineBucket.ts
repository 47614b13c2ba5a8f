// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Ratio } from "./Ratio";

export type PipelineBucket = { period_start: string, period_end: string, runs: number, duration_p50_minutes: number | null, duration_p90_minutes: number | null, failure_rate: Ratio, flaky: number, };
