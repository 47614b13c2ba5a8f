// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ErrorCode } from "./ErrorCode";

/**
 * An error as it crosses IPC: `{code, message}`. The message is one line for a person.
 */
export type ApiError = { code: ErrorCode, message: string, };
