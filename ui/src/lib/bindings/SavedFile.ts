// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A file written.
 */
export type SavedFile = { path: string, file_name: string, bytes: number, };
