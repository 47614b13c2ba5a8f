// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
export type FreezeForm = { name: string, start_date: string, 
/**
 * Inclusive.
 */
end_date: string, 
/**
 * Empty: every service.
 */
services: Array<string>, reason: string, };
