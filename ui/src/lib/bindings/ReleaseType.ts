// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * What kind of release it is.
 */
export type ReleaseType = "regular" | "major" | "hotfix" | "emergency";
