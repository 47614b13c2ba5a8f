/**
 * Colours. Status and risk use the Okabe–Ito colour-blind-safe palette;
 * every colour is paired with a shape or text so colour is never the only cue.
 */

import type { DecisionOutcome } from "./bindings/DecisionOutcome";
import type { ReleaseStatus } from "./bindings/ReleaseStatus";
import type { ReleaseType } from "./bindings/ReleaseType";
import type { RiskClass } from "./bindings/RiskClass";

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

export type { DecisionOutcome, ReleaseStatus, ReleaseType, RiskClass };

export interface MarkerStyle {
  fill: string;
  stroke: string;
  strokeWidth: number;
  dash: string | null;
  /** Text colour for the label. */
  text: string;
  opacity: number;
}

// Every map below is keyed by a closed vocabulary from the generated bindings: a value the
// Rust side adds and the window forgets fails `npm run check`.

const STATUS_STYLES: Record<ReleaseStatus, MarkerStyle> = {
  released: { fill: "#A3B1C6", stroke: "#7C8DA6", strokeWidth: 1, dash: null, text: "#5B6B82", opacity: 1 },
  in_progress: { fill: OKABE_ITO.blue, stroke: "#005A8C", strokeWidth: 1, dash: null, text: "#0B3C5D", opacity: 1 },
  planned: { fill: "#FFFFFF", stroke: OKABE_ITO.blue, strokeWidth: 2, dash: null, text: "#1F2A37", opacity: 1 },
  cancelled: { fill: "#FFFFFF", stroke: "#9AA4B2", strokeWidth: 1.5, dash: "2 2", text: "#9AA4B2", opacity: 0.8 },
};

export function statusStyle(status: ReleaseStatus): MarkerStyle {
  return STATUS_STYLES[status];
}

const STATUS_LABELS: Record<ReleaseStatus, string> = {
  planned: "Planned",
  in_progress: "In progress",
  released: "Released",
  cancelled: "Cancelled",
};

/** Every release status, in the legend's order (shipped first). */
export const RELEASE_STATUSES: readonly ReleaseStatus[] = ["released", "in_progress", "planned", "cancelled"];

export function statusLabel(status: ReleaseStatus): string {
  return STATUS_LABELS[status];
}

const RISK_COLORS: Record<RiskClass, string> = {
  low: OKABE_ITO.bluishGreen,
  medium: OKABE_ITO.orange,
  high: OKABE_ITO.vermillion,
  critical: OKABE_ITO.reddishPurple,
};

const RISK_LABELS: Record<RiskClass, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "Critical",
};

/** Every risk class, lowest first. */
export const RISK_CLASSES: readonly RiskClass[] = ["low", "medium", "high", "critical"];

/** Colour for a risk class, or null when not assessed. */
export function riskColor(risk: RiskClass | null): string | null {
  return risk ? RISK_COLORS[risk] : null;
}

export function riskLabel(risk: RiskClass | null): string {
  return risk ? RISK_LABELS[risk] : "Not assessed";
}

const DECISION_LABELS: Record<DecisionOutcome, string> = {
  go: "Go",
  no_go: "No-go",
  go_with_conditions: "Go with conditions",
};

export function decisionLabel(decision: DecisionOutcome | null): string {
  return decision ? DECISION_LABELS[decision] : "Pending";
}

type Tone = "good" | "bad" | "warn" | "neutral";

const DECISION_TONES: Record<DecisionOutcome, Tone> = {
  go: "good",
  no_go: "bad",
  go_with_conditions: "warn",
};

export function decisionTone(decision: DecisionOutcome | null): Tone {
  return decision ? DECISION_TONES[decision] : "neutral";
}

const RELEASE_TYPE_LABELS: Record<ReleaseType, string> = {
  regular: "Regular",
  major: "Major",
  hotfix: "Hotfix",
  emergency: "Emergency",
};

export function releaseTypeLabel(t: ReleaseType): string {
  return RELEASE_TYPE_LABELS[t];
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

const MARKER_SHAPES: Record<ReleaseType, "diamond" | "circle"> = {
  regular: "diamond",
  major: "diamond",
  hotfix: "circle",
  emergency: "circle",
};

/** Marker shape per release type: hotfixes / emergencies are circles. */
export function markerShape(releaseType: ReleaseType): "diamond" | "circle" {
  return MARKER_SHAPES[releaseType];
}

const MARKER_SIZES: Record<ReleaseType, number> = {
  regular: 6.5,
  major: 8.5,
  hotfix: 6.5,
  emergency: 6.5,
};

/** Half-size of the marker in px. */
export function markerSize(releaseType: ReleaseType): number {
  return MARKER_SIZES[releaseType];
}
