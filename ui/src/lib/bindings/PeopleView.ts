// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Person } from "./Person";

/**
 * The People screen's data (`get_people`).
 */
export type PeopleView = { 
/**
 * By name.
 */
people: Array<Person>, 
/**
 * Role names to offer: engineering, qa, sre, security, product, change_board,
 * release_manager, then any other a person holds.
 */
roles: Array<string>, };
