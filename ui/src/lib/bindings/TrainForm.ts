// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { CadenceKind } from "./CadenceKind";
import type { FreezeRuleWord } from "./FreezeRuleWord";
import type { MilestoneRow } from "./MilestoneRow";

/**
 * A train as its form holds it: the CLI's `train add` options, in words.
 */
export type TrainForm = { name: string, description: string, cadence: CadenceKind, 
/**
 * Every N weeks: `2w` or `2`.
 */
every: string, 
/**
 * The Nth (1-5) weekday of the month.
 */
monthly: number | null, 
/**
 * Monthly: every N months (3 for quarterly).
 */
every_months: number, 
/**
 * Hand-picked dates, `YYYY-MM-DD`.
 */
dates: Array<string>, 
/**
 * `mon`, `tue`, ... (empty: the anchor's weekday).
 */
weekday: string, 
/**
 * The first release date (every N weeks), a day in the first month (monthly);
 * empty: today.
 */
anchor: string, milestones: Array<MilestoneRow>, freeze_rule: FreezeRuleWord, services: Array<string>, };
