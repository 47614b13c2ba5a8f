// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
/**
 * A release-on-release edge of a chain.
 */
export type ChainEdge = { 
/**
 * The release dependency record (removable); null for an edge rolled up from work
 * items.
 */
dependency_id: number | null, blocker_id: number, blocker: string, blocker_date: string | null, blocked_id: number, blocked: string, blocked_date: string | null, 
/**
 * The blocker is dated after what it blocks.
 */
broken: boolean, 
/**
 * Touches the focused release itself.
 */
direct: boolean, note: string, };
