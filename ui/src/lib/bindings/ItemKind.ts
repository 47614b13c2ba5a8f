// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * How a checklist item is ticked: by a person, or by a rule over synced facts.
 */
export type ItemKind = "manual" | "rule";
