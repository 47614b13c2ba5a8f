// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { CalendarRelease } from "./CalendarRelease";

export type TrainLane = { id: number, name: string, description: string, 
/**
 * "Every 2 weeks on Tuesday", "2nd Wednesday of every month", ...
 */
cadence_label: string, services: Array<string>, releases: Array<CalendarRelease>, };
