// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { ChangeFailureRate } from "./ChangeFailureRate";
import type { Frequency } from "./Frequency";
import type { LeadTime } from "./LeadTime";
import type { Ratio } from "./Ratio";
import type { RecoveryTime } from "./RecoveryTime";

/**
 * The metrics of one period or bucket, as docs/metrics.md names them in the JSON.
 */
export type Metrics = { deployment_frequency: Frequency, deployment_success_rate: Ratio, lead_time: LeadTime, change_failure_rate: ChangeFailureRate, recovery_time: RecoveryTime, rework_rate: Ratio, unlinked_incidents: number, };
