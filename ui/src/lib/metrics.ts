// The Metrics screen: periods, colours and labels. The cards' figures (value, unit, change
// against the previous period) come from Rust (`MetricsView.cards`), as the CLI's table and
// the leadership report print them.
import type { Cluster } from "./bindings/Cluster";
import type { MetricKey } from "./bindings/MetricKey";
import type { Metrics } from "./bindings/Metrics";

/** The screens the top bar switches between. */
export type Screen = "calendar" | "metrics" | "sync" | "people";

export const PERIODS = [30, 90, 180, 365, 730] as const;
export type PeriodDays = (typeof PERIODS)[number];

/** Okabe–Ito, as the charts use them: safe for colour-blind readers, and named in text too. */
export const CLUSTER_COLORS: Record<Cluster, string> = {
  elite: "#009E73",
  high: "#0072B2",
  medium: "#E69F00",
  low: "#D55E00",
};

/** What the records panel lists behind each card's number. */
export const DRILL_LABELS: Record<MetricKey, string> = {
  deployment_frequency: "Successful production deployments",
  lead_time: "Changes deployed in the period",
  change_failure_rate: "Deployments that caused an incident or were rolled back",
  recovery_time: "Failed changes that recovered",
  rework_rate: "Deployments made while an incident was open",
  deployment_success_rate: "Failed production deployments",
};

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

/** No production deployment at all in the period, successful or failed: the empty state. */
export function noDeployments(m: Metrics): boolean {
  return m.deployment_frequency.count === 0 && m.deployment_success_rate.denominator === 0;
}

/** An SVG drawn by Rust as an image URL: shown through <img>, where no script can run. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
