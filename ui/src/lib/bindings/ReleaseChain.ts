// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ChainEdge } from "./ChainEdge";

/**
 * The focused release's dependencies: everything upstream (what it waits for, directly
 * or not) and downstream (what waits for it), and its critical path.
 */
export type ReleaseChain = { release_id: number, upstream: Array<ChainEdge>, downstream: Array<ChainEdge>, 
/**
 * Release ids of the critical path, earliest blocker first, the release last.
 */
critical_path: Array<number>, };
