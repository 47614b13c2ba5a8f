// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
export type ReviewApproval = { role: string, approver: string, at: string, };
