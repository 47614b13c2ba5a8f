// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A train as saved.
 */
export type SavedTrain = { id: number, name: string, cadence_label: string, };
