// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * One entry of File > Open recent.
 */
export type RecentWorkspace = { path: string, 
/**
 * The file name without its extension ("switchyard", "payments-2027").
 */
name: string, 
/**
 * False when the file is gone (deleted, or on a drive not mounted now).
 */
exists: boolean, };
