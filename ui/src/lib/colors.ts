/**
 * Colours. Status and risk use the Okabe–Ito colour-blind-safe palette;
 * every colour is paired with a shape or text so colour is never the only cue.
 */

export const OKABE_ITO = {
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
  black: "#000000",
} as const;

export type ReleaseStatus = "planned" | "in_progress" | "released" | "cancelled";
export type RiskClass = "low" | "medium" | "high" | "critical";

export interface MarkerStyle {
  fill: string;
  stroke: string;
  strokeWidth: number;
  dash: string | null;
  /** Text colour for the label. */
  text: string;
  opacity: number;
}

const STATUS_STYLES: Record<ReleaseStatus, MarkerStyle> = {
  released: { fill: "#A3B1C6", stroke: "#7C8DA6", strokeWidth: 1, dash: null, text: "#5B6B82", opacity: 1 },
  in_progress: { fill: OKABE_ITO.blue, stroke: "#005A8C", strokeWidth: 1, dash: null, text: "#0B3C5D", opacity: 1 },
  planned: { fill: "#FFFFFF", stroke: OKABE_ITO.blue, strokeWidth: 2, dash: null, text: "#1F2A37", opacity: 1 },
  cancelled: { fill: "#FFFFFF", stroke: "#9AA4B2", strokeWidth: 1.5, dash: "2 2", text: "#9AA4B2", opacity: 0.8 },
};

const FALLBACK_STYLE: MarkerStyle = STATUS_STYLES.planned;

export function statusStyle(status: string): MarkerStyle {
  return (STATUS_STYLES as Record<string, MarkerStyle | undefined>)[status] ?? FALLBACK_STYLE;
}

const STATUS_LABELS: Record<ReleaseStatus, string> = {
  planned: "Planned",
  in_progress: "In progress",
  released: "Released",
  cancelled: "Cancelled",
};

export function statusLabel(status: string): string {
  return (STATUS_LABELS as Record<string, string | undefined>)[status] ?? humanize(status);
}

const RISK_COLORS: Record<RiskClass, string> = {
  low: OKABE_ITO.bluishGreen,
  medium: OKABE_ITO.orange,
  high: OKABE_ITO.vermillion,
  critical: OKABE_ITO.reddishPurple,
};

/** Colour for a risk class, or null when unknown / not assessed. */
export function riskColor(risk: string | null): string | null {
  if (!risk) return null;
  return (RISK_COLORS as Record<string, string | undefined>)[risk] ?? null;
}

export function riskLabel(risk: string | null): string {
  return risk ? humanize(risk) : "Not assessed";
}

const DECISION_LABELS: Record<string, string> = {
  go: "Go",
  no_go: "No-go",
  go_with_conditions: "Go with conditions",
};

export function decisionLabel(decision: string | null): string {
  if (!decision) return "Pending";
  return DECISION_LABELS[decision] ?? humanize(decision);
}

export function decisionTone(decision: string | null): "good" | "bad" | "warn" | "neutral" {
  switch (decision) {
    case "go":
      return "good";
    case "no_go":
      return "bad";
    case "go_with_conditions":
      return "warn";
    default:
      return "neutral";
  }
}

const RELEASE_TYPE_LABELS: Record<string, string> = {
  regular: "Regular",
  major: "Major",
  hotfix: "Hotfix",
  emergency: "Emergency",
};

export function releaseTypeLabel(t: string): string {
  return RELEASE_TYPE_LABELS[t] ?? humanize(t);
}

const MILESTONE_LABELS: Record<string, string> = {
  branch_cut: "Branch cut",
  code_freeze: "Code freeze",
  rc: "Release candidate",
  go_no_go: "Go / no-go",
  release: "Release",
  review: "Review",
};

export function milestoneKindLabel(kind: string): string {
  return MILESTONE_LABELS[kind] ?? humanize(kind);
}

/** "go_with_conditions" → "Go with conditions" */
export function humanize(s: string): string {
  const t = s.replace(/[_-]+/g, " ").trim();
  return t ? t[0]!.toUpperCase() + t.slice(1) : t;
}

/** Marker shape per release type: hotfixes / emergencies are circles. */
export function markerShape(releaseType: string): "diamond" | "circle" {
  return releaseType === "hotfix" || releaseType === "emergency" ? "circle" : "diamond";
}

/** Half-size of the marker in px. */
export function markerSize(releaseType: string): number {
  return releaseType === "major" ? 8.5 : releaseType === "emergency" ? 6.5 : 6.5;
}
