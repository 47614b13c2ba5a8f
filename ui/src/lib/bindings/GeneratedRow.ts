// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * One release of "Generate until…": made (or to be made), or already standing for its
 * cadence date.
 */
export type GeneratedRow = { id: number | null, name: string, version: string, cadence_date: string, release_date: string, 
/**
 * The freeze window or holiday it sits in (flag rule).
 */
flagged: string | null, };
