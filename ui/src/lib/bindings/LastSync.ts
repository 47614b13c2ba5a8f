// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ErrorCode } from "./ErrorCode";

/**
 * How the last run of one sync ended.
 */
export type LastSync = { 
/**
 * RFC 3339 UTC.
 */
finished_at: string, ok: boolean, 
/**
 * What was synced, or the error's message.
 */
summary: string, 
/**
 * The error's code when it failed.
 */
error_code: ErrorCode | null, };
