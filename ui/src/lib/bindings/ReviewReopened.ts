// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * An approval that no longer counts: segregation of duties, checked again now, refuses it.
 */
export type ReviewReopened = { role: string, approver: string, at: string, 
/**
 * Which change and which identity, as a new approval would be refused.
 */
reason: string, };
