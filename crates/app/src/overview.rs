//! The Metrics screen's overview and pipeline health: every service's headline figures and
//! clusters in one table (each row computed as `switchyard dora --json --service S` computes
//! it), the `switchyard pipeline --json` document with its two trend charts, and what the
//! workspace has synced at all, from which the window says why a card or chart is empty.

use crate::dora::{chart_title, MetricsQuery};
use crate::screens::ChartView;
use crate::{AppError, ErrorCode, Result, Workspace};
use chrono::NaiveDate;
use serde::Serialize;
use switchyard_core::cards::{metric_cards, MetricCard};
use switchyard_core::dora::{Bucket, Metrics, Scope};
use switchyard_core::pipeline::PipelineHealth;
use switchyard_report::charts;
use ts_rs::TS;

/// What the workspace holds at all, whatever the period and scope, with the settings that
/// decide what counts: the inputs of the empty states' sentences.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DataCoverage {
    /// The `production_environments` setting.
    pub production_environments: Vec<String>,
    /// The `incident_label` setting.
    pub incident_label: String,
    /// Deployments synced, any environment.
    #[ts(type = "number")]
    pub deployments: u64,
    /// Of them, to production (flagged, or to one of `production_environments`).
    #[ts(type = "number")]
    pub production_deployments: u64,
    /// The environments synced deployments went to that do not count as production.
    pub other_environments: Vec<String>,
    /// Merged pull requests synced.
    #[ts(type = "number")]
    pub changes: u64,
    #[ts(type = "number")]
    pub incidents: u64,
    /// Workflow runs synced.
    #[ts(type = "number")]
    pub pipeline_runs: u64,
}

/// One row of the heat table: a service, or the organisation (`service` null).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OverviewRow {
    pub service: Option<String>,
    pub team: Option<String>,
    /// The numbers as `switchyard dora --json --service S` prints them.
    pub metrics: Metrics,
    /// The six headline figures as shown (no previous period: `change` is unknown).
    pub cards: Vec<MetricCard>,
}

/// The Metrics overview of a period: one row per service, then the organisation's.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MetricsOverview {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub timezone: String,
    /// Services by name.
    pub services: Vec<OverviewRow>,
    pub organisation: OverviewRow,
    pub coverage: DataCoverage,
}

/// The Pipeline health tab: `switchyard pipeline --json`'s document and its two trends.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PipelineView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub service: Option<String>,
    pub team: Option<String>,
    /// The bucket of the series and charts (the CLI's `--bucket`).
    pub bucket: Bucket,
    pub health: PipelineHealth,
    /// `pipeline-duration` (p50 and p90) and `pipeline-failure-rate`, per bucket.
    pub charts: Vec<ChartView>,
    pub coverage: DataCoverage,
}

fn chart_err(e: charts::ChartError) -> AppError {
    AppError::new(ErrorCode::Internal, e.to_string())
}

impl Workspace {
    /// What the workspace has synced, and the settings deciding what counts.
    pub fn data_coverage(&self) -> Result<DataCoverage> {
        let settings = self.settings()?;
        let counts = self.store().synced_counts()?;
        let mut production_deployments = 0;
        let mut other_environments: Vec<String> = Vec::new();
        for (env, flagged, n) in &counts.deployments_by_environment {
            if settings.is_production(*flagged, env) {
                production_deployments += n;
            } else if !other_environments.contains(env) {
                other_environments.push(env.clone());
            }
        }
        Ok(DataCoverage {
            production_environments: settings.production_environments.clone(),
            incident_label: settings.incident_label.clone(),
            deployments: counts.deployments_by_environment.iter().map(|d| d.2).sum(),
            production_deployments,
            other_environments,
            changes: counts.changes,
            incidents: counts.incidents,
            pipeline_runs: counts.pipeline_runs,
        })
    }

    /// The heat table of `from`..`to`: the facts linked once, then each service's numbers
    /// and the organisation's, each as [`Workspace::dora`] computes them for that scope.
    pub fn metrics_overview(&self, from: NaiveDate, to: NaiveDate) -> Result<MetricsOverview> {
        let q = MetricsQuery {
            from,
            to,
            service: None,
            team: None,
            bucket: Bucket::for_period(from, to),
        };
        let p = self.prepare_metrics(&q)?;
        let th = &p.settings.thresholds;
        let row = |service: Option<String>, team: Option<String>, scope: &Scope| {
            let metrics = p.linked.report(&p.calendar, scope, th).metrics;
            OverviewRow {
                service,
                team,
                cards: metric_cards(&metrics, None),
                metrics,
            }
        };
        let mut services: Vec<OverviewRow> = p
            .linked
            .services()
            .iter()
            .enumerate()
            .map(|(i, s)| {
                row(
                    Some(s.name.clone()),
                    s.team.clone(),
                    &Scope::Services(vec![i as u32]),
                )
            })
            .collect();
        services.sort_by(|a, b| a.service.cmp(&b.service));
        let organisation = row(None, None, &Scope::Organisation);
        Ok(MetricsOverview {
            from,
            to,
            timezone: p.settings.timezone.clone(),
            services,
            organisation,
            coverage: self.data_coverage()?,
        })
    }

    /// The Pipeline health tab of a query.
    pub fn pipeline_view(&self, q: &MetricsQuery) -> Result<PipelineView> {
        let health = self.pipeline_health(q)?;
        let title = chart_title(q);
        let charts = vec![
            ChartView {
                kind: "pipeline-duration".into(),
                title: "Pipeline duration".into(),
                svg: charts::pipeline_duration(&health, &title).map_err(chart_err)?,
            },
            ChartView {
                kind: "pipeline-failure-rate".into(),
                title: "Pipeline failure rate".into(),
                svg: charts::pipeline_failure_rate(&health, &title).map_err(chart_err)?,
            },
        ];
        Ok(PipelineView {
            from: q.from,
            to: q.to,
            service: q.service.clone(),
            team: q.team.clone(),
            bucket: q.bucket,
            health,
            charts,
            coverage: self.data_coverage()?,
        })
    }
}
