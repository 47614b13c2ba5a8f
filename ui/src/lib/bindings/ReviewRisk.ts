// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { RiskClass } from "./RiskClass";
import type { RiskFactorView } from "./RiskFactorView";

/**
 * The risk in force.
 */
export type ReviewRisk = { score: number, 
/**
 * The class in force: the override's when there is one.
 */
class: RiskClass, computed_class: RiskClass, override_class: RiskClass | null, override_reason: string | null, factors: Array<RiskFactorView>, assessed_at: string, assessed_by: string, };
