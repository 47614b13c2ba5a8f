// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
export type TrainReleaseReadiness = { id: number, name: string, release_date: string | null, 
/**
 * Days past its date without shipping; 0 when it is not.
 */
overdue_days: number, 
/**
 * Percent of its checklist done now, rule items evaluated now (0 without a checklist).
 */
percent_ready: number, };
