// The Metrics screen's cards: which numbers of the DORA document they show, and how.
import type { Cluster } from "./bindings/Cluster";
import type { Direction } from "./bindings/Direction";
import type { Drill } from "./bindings/Drill";
import type { MetricChange } from "./bindings/MetricChange";
import type { Verdict } from "./bindings/Verdict";
import type { Metrics } from "./bindings/Metrics";

/** The screens the top bar switches between. */
export type Screen = "calendar" | "metrics" | "sync";

export const PERIODS = [30, 90, 180, 365] as const;
export type PeriodDays = (typeof PERIODS)[number];

/** Okabe–Ito, as the charts use them: safe for colour-blind readers, and named in text too. */
export const CLUSTER_COLORS: Record<Cluster, string> = {
  elite: "#009E73",
  high: "#0072B2",
  medium: "#E69F00",
  low: "#D55E00",
};

export type MetricKey =
  | "deployment_frequency"
  | "lead_time"
  | "change_failure_rate"
  | "recovery_time"
  | "rework_rate"
  | "deployment_success_rate";

export interface CardModel {
  key: MetricKey;
  label: string;
  /** The raw number, or null when there were no samples. */
  value: number | null;
  /** The number as shown. */
  display: string;
  unit: string;
  cluster: Cluster | null;
  /** Numerator/denominator or sample counts, in words. */
  detail: string;
  /** The previous period's value, shown for comparison. */
  previous: number | null;
  previousDisplay: string;
  drill: Drill;
  drillLabel: string;
}

export function iso(d: Date): string {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, "0");
  const day = String(d.getDate()).padStart(2, "0");
  return `${y}-${m}-${day}`;
}

/** The last `days` days up to yesterday, as the reports' default period. */
export function periodEndingYesterday(days: number, today: Date = new Date()): { from: string; to: string } {
  const to = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  const from = new Date(to.getFullYear(), to.getMonth(), to.getDate() - (days - 1));
  return { from: iso(from), to: iso(to) };
}

export function pct(v: number | null): string {
  return v === null ? "–" : `${(v * 100).toFixed(1)}`;
}

export function hours(v: number | null): string {
  return v === null ? "–" : v.toFixed(1);
}

export function perWeek(v: number): string {
  return v.toFixed(2);
}

export function cards(m: Metrics, prev: Metrics): CardModel[] {
  const f = m.deployment_frequency;
  const lt = m.lead_time;
  const cfr = m.change_failure_rate;
  const r = m.recovery_time;
  const rw = m.rework_rate;
  const sr = m.deployment_success_rate;
  return [
    {
      key: "deployment_frequency",
      label: "Deployment frequency",
      value: f.per_week,
      display: perWeek(f.per_week),
      unit: "per week",
      cluster: f.cluster,
      detail: `${f.count} deployments · ${f.deploy_days_per_week.toFixed(2)} deploy-days/week`,
      previous: prev.deployment_frequency.per_week,
      previousDisplay: `${perWeek(prev.deployment_frequency.per_week)} per week`,
      drill: "deployments",
      drillLabel: "Successful production deployments",
    },
    {
      key: "lead_time",
      label: "Lead time for changes",
      value: lt.median_hours,
      display: hours(lt.median_hours),
      unit: "h median",
      cluster: lt.cluster,
      detail: `p90 ${hours(lt.p90_hours)} h · ${lt.changes} changes, ${lt.waiting} waiting`,
      previous: prev.lead_time.median_hours,
      previousDisplay: `${hours(prev.lead_time.median_hours)} h`,
      drill: "changes",
      drillLabel: "Changes deployed in the period",
    },
    {
      key: "change_failure_rate",
      label: "Change failure rate",
      value: cfr.value,
      display: pct(cfr.value),
      unit: "%",
      cluster: cfr.cluster,
      detail: `${cfr.numerator} of ${cfr.denominator} deployments`,
      previous: prev.change_failure_rate.value,
      previousDisplay: `${pct(prev.change_failure_rate.value)} %`,
      drill: "change_failures",
      drillLabel: "Deployments that caused an incident or were rolled back",
    },
    {
      key: "recovery_time",
      label: "Failed deployment recovery time",
      value: r.median_hours,
      display: hours(r.median_hours),
      unit: "h median",
      cluster: r.cluster,
      detail: `p90 ${hours(r.p90_hours)} h · ${r.failures} recovered, ${r.open} open`,
      previous: prev.recovery_time.median_hours,
      previousDisplay: `${hours(prev.recovery_time.median_hours)} h`,
      drill: "recovered",
      drillLabel: "Failed changes that recovered",
    },
    {
      key: "rework_rate",
      label: "Rework rate",
      value: rw.value,
      display: pct(rw.value),
      unit: "%",
      cluster: null,
      detail: `${rw.numerator} of ${rw.denominator} deployments`,
      previous: prev.rework_rate.value,
      previousDisplay: `${pct(prev.rework_rate.value)} %`,
      drill: "rework",
      drillLabel: "Deployments made while an incident was open",
    },
    {
      key: "deployment_success_rate",
      label: "Deployment success rate",
      value: sr.value,
      display: pct(sr.value),
      unit: "%",
      cluster: null,
      detail: `${sr.numerator} of ${sr.denominator} deployments`,
      previous: prev.deployment_success_rate.value,
      previousDisplay: `${pct(prev.deployment_success_rate.value)} %`,
      drill: "failed_deployments",
      drillLabel: "Failed production deployments",
    },
  ];
}

/** No production deployment at all in the period, successful or failed: the empty state. */
export function noDeployments(m: Metrics): boolean {
  return m.deployment_frequency.count === 0 && m.deployment_success_rate.denominator === 0;
}

const ARROWS: Record<Direction, string> = { up: "▲", down: "▼", flat: "=" };

/**
 * A card's change against the previous period as Rust computed it for the reports too:
 * the arrow is the direction of the value, `verdict` (better or worse) its colour, and the
 * difference is in the metric's own unit (points for rates). Null without a comparison.
 */
export function change(
  changes: MetricChange[],
  key: MetricKey,
): { line: string; verdict: Verdict } | null {
  const c = changes.find((x) => x.metric === key)?.change;
  if (!c || c.direction === null) return null;
  return { line: `${ARROWS[c.direction]} ${c.text}`, verdict: c.verdict };
}

/** An SVG drawn by Rust as an image URL: shown through <img>, where no script can run. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
