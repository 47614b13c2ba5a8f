// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { FreezeBand } from "./FreezeBand";
import type { TrainLane } from "./TrainLane";

/**
 * The release calendar for a date range: one lane per train.
 */
export type CalendarView = { today: string, from: string, to: string, lanes: Array<TrainLane>, freeze_windows: Array<FreezeBand>, };
