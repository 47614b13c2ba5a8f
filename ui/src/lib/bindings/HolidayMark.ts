// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A holiday as the calendar marks it.
 */
export type HolidayMark = { id: number, date: string, name: string, };
