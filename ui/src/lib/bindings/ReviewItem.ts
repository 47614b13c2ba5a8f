// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ItemKind } from "./ItemKind";
import type { ItemState } from "./ItemState";

/**
 * One checklist item as it stands now (rule items evaluated from the synced data).
 */
export type ReviewItem = { 
/**
 * 0 for an item of the template not stored yet (its title names it).
 */
id: number, 
/**
 * What `set_checklist_item` takes to name it: its id, or its title.
 */
key: string, position: number, title: string, kind: ItemKind, rule: string | null, owner: string | null, state: ItemState, evidence_url: string | null, note: string, updated_at: string, 
/**
 * Who set its state last (null: never set by anyone).
 */
updated_by: string | null, 
/**
 * `rollout` or `rollback` for the items that carry those plans.
 */
plan: string | null, };
