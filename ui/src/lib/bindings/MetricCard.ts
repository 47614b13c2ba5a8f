// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Change } from "./Change";
import type { Cluster } from "./Cluster";
import type { Drill } from "./Drill";
import type { MetricKey } from "./MetricKey";

/**
 * One headline figure of a period, ready to show.
 */
export type MetricCard = { metric: MetricKey, label: string, 
/**
 * The raw number (per week, hours, or a share 0..1); `None` without samples.
 */
value: number | null, 
/**
 * The number as shown, without its unit: "3.20", "12.5", "4.0", or "–".
 */
figure: string, 
/**
 * "/ week", "min", "h", "days" or "%"; empty without a number.
 */
unit: string, 
/**
 * The figure and its unit together: "3.20 / week", "12.5 h", "4.0%", "–".
 */
text: string, 
/**
 * The same number of the period before; `None` without samples there.
 */
previous: number | null, 
/**
 * As `text`, for the period before.
 */
previous_text: string, 
/**
 * Against the period before: the direction of the value (the arrow), whether that is
 * better or worse for the metric (the colour), and the difference in words.
 */
change: Change, 
/**
 * The arrow and the change ("▲ +0.8 pts vs previous (3.2%)"); `None` when the two
 * periods could not be compared.
 */
change_line: string | null, cluster: Cluster | null, 
/**
 * The samples behind the number: "12 deployments · 1.75 deploy-days / week".
 */
detail: string, 
/**
 * The records behind the number.
 */
drill: Drill, };
