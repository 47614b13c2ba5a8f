import { describe, expect, it } from "vitest";
import type { Metrics } from "./bindings/Metrics";
import { noDeployments, periodEndingYesterday, svgDataUrl } from "./metrics";

/** The metrics of a period without deployments, as `switchyard dora --json` gives them. */
function emptyMetrics(): Metrics {
  return {
    deployment_frequency: { count: 0, per_week: 0, deploy_days_per_week: 0, cluster: "low" },
    deployment_success_rate: { numerator: 0, denominator: 0, value: null },
    lead_time: { median_hours: null, p90_hours: null, changes: 0, waiting: 3, cluster: null },
    change_failure_rate: { numerator: 0, denominator: 0, value: null, cluster: null },
    recovery_time: { median_hours: null, p90_hours: null, failures: 0, open: 0, cluster: null },
    rework_rate: { numerator: 0, denominator: 0, value: null },
    unlinked_incidents: 0,
  };
}

describe("metrics helpers", () => {
  it("takes the period up to yesterday, both ends included", () => {
    expect(periodEndingYesterday(90, new Date(2026, 10, 28))).toEqual({ from: "2026-08-30", to: "2026-11-27" });
    expect(periodEndingYesterday(30, new Date(2026, 0, 1))).toEqual({ from: "2025-12-02", to: "2025-12-31" });
  });

  it("puts an SVG into a data URL with nothing left raw", () => {
    const url = svgDataUrl('<svg><text>&lt;script&gt;"#</text></svg>');
    expect(url.startsWith("data:image/svg+xml;charset=utf-8,")).toBe(true);
    expect(url.slice(30)).not.toMatch(/[<>"#]/);
  });
});

describe("the empty state", () => {
  it("shows the empty state only when nothing was deployed, failed ones included", () => {
    const m = emptyMetrics();
    expect(noDeployments(m)).toBe(true);
    m.deployment_success_rate = { numerator: 0, denominator: 2, value: 0 };
    expect(noDeployments(m)).toBe(false);
  });
});
