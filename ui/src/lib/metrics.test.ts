import { describe, expect, it } from "vitest";
import type { Metrics } from "./bindings/Metrics";
import { cards, change, noDeployments, periodEndingYesterday, svgDataUrl } from "./metrics";

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

  it("shows Rust's change against the previous period: arrow by direction, colour by verdict", () => {
    const changes = [
      {
        metric: "change_failure_rate",
        change: { direction: "up" as const, verdict: "worse" as const, text: "+0.8 pts vs previous (3.2%)" },
      },
      {
        metric: "lead_time",
        change: { direction: "down" as const, verdict: "better" as const, text: "−10.0 h vs previous (30.0 h)" },
      },
      { metric: "rework_rate", change: { direction: null, verdict: "unknown" as const, text: "no data" } },
    ];
    expect(change(changes, "change_failure_rate")).toEqual({ line: "▲ +0.8 pts vs previous (3.2%)", verdict: "worse" });
    expect(change(changes, "lead_time")).toEqual({ line: "▼ −10.0 h vs previous (30.0 h)", verdict: "better" });
    expect(change(changes, "rework_rate")).toBeNull();
    expect(change(changes, "deployment_frequency")).toBeNull();
  });

  it("puts an SVG into a data URL with nothing left raw", () => {
    const url = svgDataUrl('<svg><text>&lt;script&gt;"#</text></svg>');
    expect(url.startsWith("data:image/svg+xml;charset=utf-8,")).toBe(true);
    expect(url.slice(30)).not.toMatch(/[<>"#]/);
  });
});

describe("metric cards", () => {
  it("shows the empty state only when nothing was deployed, failed ones included", () => {
    const m = emptyMetrics();
    expect(noDeployments(m)).toBe(true);
    m.deployment_success_rate = { numerator: 0, denominator: 2, value: 0 };
    expect(noDeployments(m)).toBe(false);
  });

  it("shows a dash, not zero, for a metric without samples", () => {
    const c = cards(emptyMetrics(), emptyMetrics());
    expect(c.map((x) => x.key)).toEqual([
      "deployment_frequency",
      "lead_time",
      "change_failure_rate",
      "recovery_time",
      "rework_rate",
      "deployment_success_rate",
    ]);
    const [freq, lead, cfr] = c;
    expect(freq?.display).toBe("0.00");
    expect(freq?.cluster).toBe("low");
    expect(lead?.display).toBe("–");
    expect(lead?.detail).toBe("p90 – h · 0 changes, 3 waiting");
    expect(cfr?.display).toBe("–");
    expect(cfr?.detail).toBe("0 of 0 deployments");
  });
});
