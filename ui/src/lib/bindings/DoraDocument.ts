// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ChangeFailureRate } from "./ChangeFailureRate";
import type { Frequency } from "./Frequency";
import type { LeadTime } from "./LeadTime";
import type { Ratio } from "./Ratio";
import type { RecoveryTime } from "./RecoveryTime";
import type { SeriesEntry } from "./SeriesEntry";

/**
 * `switchyard dora --json`: the document docs/metrics.md describes.
 */
export type DoraDocument = { from: string, to: string, service: string | null, team?: string | null, timezone: string, series: Array<SeriesEntry>, deployment_frequency: Frequency, deployment_success_rate: Ratio, lead_time: LeadTime, change_failure_rate: ChangeFailureRate, recovery_time: RecoveryTime, rework_rate: Ratio, unlinked_incidents: number, };
