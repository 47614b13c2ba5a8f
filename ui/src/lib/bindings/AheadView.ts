// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { AheadItem } from "./AheadItem";

/**
 * The releases due in the 30 days after today, those needing attention first.
 */
export type AheadView = { today: string, until: string, releases: Array<AheadItem>, };
