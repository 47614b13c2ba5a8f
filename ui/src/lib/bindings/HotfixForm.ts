// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * The hotfix form.
 */
export type HotfixForm = { name: string, services: Array<string>, emergency: boolean, reason: string, rollback_plan: string, 
/**
 * Ship day `YYYY-MM-DD`; empty: today.
 */
date: string, };
