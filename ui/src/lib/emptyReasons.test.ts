import { describe, expect, it } from "vitest";
import type { DataCoverage } from "./bindings/DataCoverage";
import type { Metrics } from "./bindings/Metrics";
import type { PipelineHealth } from "./bindings/PipelineHealth";
import {
  chartEmptyReason,
  flakiestEmptyReason,
  metricEmptyReason,
  noDeploymentReason,
  pipelineEmptyReason,
  slowestEmptyReason,
} from "./emptyReasons";

const where = { scope: "checkout", from: "2026-01-01", to: "2026-03-31" };
const org = { ...where, scope: null };

function coverage(over: Partial<DataCoverage> = {}): DataCoverage {
  return {
    production_environments: ["production", "prod"],
    incident_label: "incident",
    deployments: 40,
    production_deployments: 30,
    other_environments: ["staging"],
    changes: 100,
    incidents: 5,
    pipeline_runs: 200,
    ...over,
  };
}

function empty(): Metrics {
  return {
    deployment_frequency: { count: 0, per_week: 0, deploy_days_per_week: 0, cluster: "low" },
    deployment_success_rate: { numerator: 0, denominator: 0, value: null },
    lead_time: { median_hours: null, p90_hours: null, changes: 0, waiting: 0, cluster: null },
    change_failure_rate: { numerator: 0, denominator: 0, value: null, cluster: null },
    recovery_time: { median_hours: null, p90_hours: null, failures: 0, open: 0, cluster: null },
    rework_rate: { numerator: 0, denominator: 0, value: null },
    unlinked_incidents: 0,
  };
}

function deployed(): Metrics {
  const m = empty();
  m.deployment_frequency = { count: 12, per_week: 1, deploy_days_per_week: 1, cluster: "high" };
  m.deployment_success_rate = { numerator: 12, denominator: 12, value: 1 };
  m.change_failure_rate = { numerator: 0, denominator: 12, value: 0, cluster: "elite" };
  m.rework_rate = { numerator: 0, denominator: 12, value: 0 };
  return m;
}

function health(runs: number, slowest = 0, flakiest = 0): PipelineHealth {
  const w = {
    service: "checkout",
    workflow: "ci",
    runs,
    duration_p50_minutes: 3,
    duration_p90_minutes: 5,
    failure_rate: { numerator: 0, denominator: runs, value: runs ? 0 : null },
    flaky: flakiest,
    commits: runs,
  };
  return {
    runs,
    duration_p50_minutes: null,
    duration_p90_minutes: null,
    failure_rate: { numerator: 0, denominator: 0, value: null },
    flaky: 0,
    workflows: [],
    slowest: Array.from({ length: slowest }, () => w),
    flakiest: Array.from({ length: flakiest }, () => w),
    series: [],
  };
}

describe("why a metric is empty", () => {
  it("says nothing was synced, naming the Sync screen", () => {
    expect(noDeploymentReason(coverage({ deployments: 0, production_deployments: 0 }), where)).toBe(
      "No deployments have been synced: sync GitHub deployments on the Sync screen.",
    );
  });

  it("names the production environments setting when no synced deployment counts as production", () => {
    const c = coverage({ production_deployments: 0, other_environments: ["live", "staging"] });
    expect(metricEmptyReason("deployment_frequency", empty(), c, where)).toBe(
      "None of the 40 synced deployments went to a production environment: the production environments setting names production, prod, the deployments went to live, staging.",
    );
  });

  it("names the scope and the period when only this period has no deployment", () => {
    expect(metricEmptyReason("change_failure_rate", empty(), coverage(), where)).toBe(
      "No production deployment for checkout between 2026-01-01 and 2026-03-31.",
    );
    expect(metricEmptyReason("deployment_success_rate", empty(), coverage(), org)).toBe(
      "No production deployment between 2026-01-01 and 2026-03-31.",
    );
  });

  it("gives no reason for a metric that has a value, or a frequency of zero among failures", () => {
    for (const key of ["deployment_frequency", "change_failure_rate", "rework_rate", "deployment_success_rate"] as const) {
      expect(metricEmptyReason(key, deployed(), coverage(), where)).toBeNull();
    }
    const failedOnly = empty();
    failedOnly.deployment_success_rate = { numerator: 0, denominator: 2, value: 0 };
    expect(metricEmptyReason("deployment_frequency", failedOnly, coverage(), where)).toBeNull();
    expect(metricEmptyReason("change_failure_rate", failedOnly, coverage(), where)).toBe(
      "No successful production deployment for checkout between 2026-01-01 and 2026-03-31, only failed ones.",
    );
  });

  it("says no changes are linked to deployments, or none synced", () => {
    const m = deployed();
    m.lead_time.waiting = 3;
    expect(metricEmptyReason("lead_time", m, coverage(), where)).toMatch(
      /^No changes linked to deployments: 3 merged changes waited/,
    );
    m.lead_time.waiting = 0;
    expect(metricEmptyReason("lead_time", m, coverage(), where)).toMatch(
      /^No changes linked to deployments: the 12 production deployments for checkout shipped no synced pull request/,
    );
    expect(metricEmptyReason("lead_time", m, coverage({ changes: 0 }), where)).toMatch(/^No merged pull requests have been synced/);
    m.lead_time.median_hours = 5;
    expect(metricEmptyReason("lead_time", m, coverage(), where)).toBeNull();
  });

  it("says no incident label brought incidents, or nothing failed, or failures still open", () => {
    expect(metricEmptyReason("recovery_time", deployed(), coverage({ incidents: 0 }), where)).toBe(
      "No incidents have been synced (incident label: “incident”), so only a rollback makes a failed change, and none was rolled back.",
    );
    expect(metricEmptyReason("recovery_time", deployed(), coverage(), where)).toMatch(/^No failed change for checkout/);
    const open = deployed();
    open.recovery_time.open = 1;
    expect(metricEmptyReason("recovery_time", open, coverage(), where)).toBe("1 failed change has not recovered yet.");
  });
});

describe("why pipeline health is empty", () => {
  it("says no workflow runs were synced, or none in the period", () => {
    expect(pipelineEmptyReason(0, coverage({ pipeline_runs: 0 }), where)).toMatch(/^No workflow runs have been synced for pipeline health/);
    expect(pipelineEmptyReason(0, coverage(), where)).toBe("No workflow run for checkout started between 2026-01-01 and 2026-03-31.");
    expect(pipelineEmptyReason(3, coverage(), where)).toBeNull();
  });

  it("explains an empty slowest or flakiest table", () => {
    expect(slowestEmptyReason(health(4), coverage(), where)).toBe("No run of the period has finished, so no workflow has a duration yet.");
    expect(slowestEmptyReason(health(4, 1), coverage(), where)).toBeNull();
    expect(flakiestEmptyReason(health(4, 1), coverage(), where)).toBe(
      "No flaky commits: none of the 4 runs failed and then passed on a re-run of the same commit.",
    );
    expect(flakiestEmptyReason(health(4, 1, 1), coverage(), where)).toBeNull();
    expect(flakiestEmptyReason(health(0), coverage({ pipeline_runs: 0 }), where)).toMatch(/^No workflow runs have been synced/);
  });

  it("maps each Metrics chart to its metric's reason", () => {
    expect(chartEmptyReason("lead-time", empty(), 5, coverage({ changes: 0 }), where)).toMatch(/^No merged pull requests/);
    expect(chartEmptyReason("pipeline", deployed(), 0, coverage(), where)).toMatch(/^No workflow run for checkout/);
    expect(chartEmptyReason("deployment-frequency", deployed(), 0, coverage(), where)).toBeNull();
  });
});
