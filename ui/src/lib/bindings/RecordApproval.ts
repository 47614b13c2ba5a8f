// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * One approval of a change record.
 */
export type RecordApproval = { role: string, approver: string, approved_at: string, };
