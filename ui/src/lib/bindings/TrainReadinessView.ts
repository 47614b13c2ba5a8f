// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { TrainReleaseReadiness } from "./TrainReleaseReadiness";

/**
 * The train panel: the readiness of a train's next releases in flight, overlaid.
 */
export type TrainReadinessView = { train_id: number, train: string, 
/**
 * How many of its releases are in flight (planned or in progress) in all.
 */
in_flight: number, 
/**
 * The next [`TRAIN_OVERLAY`] of them by target date: the ones drawn.
 */
releases: Array<TrainReleaseReadiness>, 
/**
 * The chart (percent ready over time, each release's go/no-go marked), or `null` when
 * nothing is in flight.
 */
svg: string | null, };
