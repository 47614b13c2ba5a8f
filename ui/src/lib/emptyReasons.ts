// Why a card, a cell or a chart of the Metrics screen has nothing to show: one sentence
// derived from the numbers of the period and from what the workspace has synced at all
// (`DataCoverage`), naming the setting or the sync that would fill it.
import type { DataCoverage } from "./bindings/DataCoverage";
import type { MetricKey } from "./bindings/MetricKey";
import type { Metrics } from "./bindings/Metrics";
import type { PipelineHealth } from "./bindings/PipelineHealth";

/** What the sentences say about where: the scope and the period. */
export interface Where {
  /** "checkout", "team Payments", or null for the organisation. */
  scope: string | null;
  from: string;
  to: string;
}

function list(names: string[]): string {
  return names.length === 0 ? "none" : names.join(", ");
}

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function inScope(w: Where): string {
  return w.scope === null ? "" : ` for ${w.scope}`;
}

/**
 * Why there is no production deployment to count: none synced at all, none of the synced
 * ones in a production environment (naming the setting), or none in this period and scope.
 */
export function noDeploymentReason(c: DataCoverage, w: Where): string {
  if (c.deployments === 0) {
    return "No deployments have been synced: sync GitHub deployments on the Sync screen.";
  }
  if (c.production_deployments === 0) {
    return (
      `None of the ${plural(c.deployments, "synced deployment")} went to a production environment: ` +
      `the production environments setting names ${list(c.production_environments)}, ` +
      `the deployments went to ${list(c.other_environments)}.`
    );
  }
  return `No production deployment${inScope(w)} between ${w.from} and ${w.to}.`;
}

/**
 * Why metric `key` has no value in `m` (its period and scope), or null when it has one.
 * Deployment frequency is never empty by itself ("0 per week" is a measurement), except
 * when nothing was deployed at all.
 */
export function metricEmptyReason(key: MetricKey, m: Metrics, c: DataCoverage, w: Where): string | null {
  const deployed = m.deployment_frequency.count > 0 || m.deployment_success_rate.denominator > 0;
  switch (key) {
    case "deployment_frequency":
      return deployed ? null : noDeploymentReason(c, w);
    case "deployment_success_rate":
      return m.deployment_success_rate.value !== null ? null : noDeploymentReason(c, w);
    case "change_failure_rate":
    case "rework_rate": {
      const r = key === "rework_rate" ? m.rework_rate : m.change_failure_rate;
      if (r.value !== null) return null;
      return m.deployment_frequency.count === 0
        ? deployed
          ? `No successful production deployment${inScope(w)} between ${w.from} and ${w.to}, only failed ones.`
          : noDeploymentReason(c, w)
        : null;
    }
    case "lead_time": {
      if (m.lead_time.median_hours !== null) return null;
      if (c.changes === 0) {
        return "No merged pull requests have been synced, so no change can be linked to a deployment: sync GitHub pull requests.";
      }
      if (m.deployment_frequency.count === 0) return noDeploymentReason(c, w);
      if (m.lead_time.waiting > 0) {
        return `No changes linked to deployments: ${plural(m.lead_time.waiting, "merged change")} waited, none shipped by a production deployment${inScope(w)} in the period (a change is linked by the deployed commit).`;
      }
      return `No changes linked to deployments: the ${plural(m.deployment_frequency.count, "production deployment")}${inScope(w)} shipped no synced pull request (a change is linked by the deployed commit).`;
    }
    case "recovery_time": {
      if (m.recovery_time.median_hours !== null) return null;
      if (m.recovery_time.open > 0) {
        return `${plural(m.recovery_time.open, "failed change")} ${m.recovery_time.open === 1 ? "has" : "have"} not recovered yet.`;
      }
      if (m.deployment_frequency.count === 0) return noDeploymentReason(c, w);
      if (c.incidents === 0) {
        return `No incidents have been synced (incident label: “${c.incident_label}”), so only a rollback makes a failed change, and none was rolled back.`;
      }
      return `No failed change${inScope(w)} between ${w.from} and ${w.to}: no deployment caused an incident or was rolled back, so nothing had to recover.`;
    }
  }
}

/** Why the pipeline health of a period and scope (`runs` workflow runs) is empty, or null. */
export function pipelineEmptyReason(runs: number, c: DataCoverage, w: Where): string | null {
  if (runs > 0) return null;
  if (c.pipeline_runs === 0) {
    return "No workflow runs have been synced for pipeline health: sync GitHub Actions runs on the Sync screen.";
  }
  return `No workflow run${inScope(w)} started between ${w.from} and ${w.to}.`;
}

/** Why the slowest-workflows table is empty, or null when it has rows. */
export function slowestEmptyReason(h: PipelineHealth, c: DataCoverage, w: Where): string | null {
  if (h.slowest.length > 0) return null;
  return pipelineEmptyReason(h.runs, c, w) ?? "No run of the period has finished, so no workflow has a duration yet.";
}

/** Why the flakiest-workflows table is empty, or null when it has rows. */
export function flakiestEmptyReason(h: PipelineHealth, c: DataCoverage, w: Where): string | null {
  if (h.flakiest.length > 0) return null;
  return (
    pipelineEmptyReason(h.runs, c, w) ??
    `No flaky commits: none of the ${plural(h.runs, "run")} failed and then passed on a re-run of the same commit.`
  );
}

/** The metric each chart of the Metrics screen draws (`ChartView.kind`). */
export const CHART_METRIC: Record<string, MetricKey> = {
  "deployment-frequency": "deployment_frequency",
  "lead-time": "lead_time",
  "change-failure-rate": "change_failure_rate",
  "recovery-time": "recovery_time",
  "rework-rate": "rework_rate",
};

/** Why chart `kind` of the Metrics screen is empty, or null when it has something to draw. */
export function chartEmptyReason(
  kind: string,
  m: Metrics,
  pipelineRuns: number,
  c: DataCoverage,
  w: Where,
): string | null {
  if (kind === "pipeline") return pipelineEmptyReason(pipelineRuns, c, w);
  const key = CHART_METRIC[kind];
  return key ? metricEmptyReason(key, m, c, w) : null;
}
