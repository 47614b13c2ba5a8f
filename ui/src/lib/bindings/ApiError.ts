// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ErrorCode } from "./ErrorCode";

/**
 * An error as it crosses IPC: `{code, message, field}`. The message is one line for a
 * person and speaks of the product, not of one front end: it names what is missing in
 * words ("a risk override needs a reason"). `field` names the input it is about; the CLI
 * adds its flag (`--reason`), the window can point at its form field.
 */
export type ApiError = { code: ErrorCode, message: string, 
/**
 * The input the error is about (`reason`, `service`, `email`...), when there is one.
 */
field: string | null, };
