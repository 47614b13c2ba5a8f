// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ApiError } from "./ApiError";
import type { RecentWorkspace } from "./RecentWorkspace";

/**
 * Which workspace the window has, for its File menu and title bar.
 */
export type WorkspaceSession = { 
/**
 * The workspace file, open or not.
 */
path: string, name: string, 
/**
 * Why it could not be opened (damaged, from a newer Switchyard, unreadable); the
 * window then offers New, Open, Open recent and Show in folder instead of a calendar.
 */
error: ApiError | null, 
/**
 * Newest first, without the one shown.
 */
recent: Array<RecentWorkspace>, };
