// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ItemKind } from "./ItemKind";
import type { ItemState } from "./ItemState";

/**
 * One item of a checklist, as the hotfix dialog shows it.
 */
export type ChecklistRow = { title: string, kind: ItemKind, state: ItemState, note: string, };
