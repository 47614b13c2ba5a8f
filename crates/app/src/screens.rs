//! What the desktop window's Metrics screen reads in one call: the DORA document of a
//! period, the same numbers for the period before it, the charts (the SVGs of
//! `switchyard chart`), the scopes to choose from, and the records behind a number.

use crate::dora::{chart_title, MetricsQuery};
use crate::{AppError, ErrorCode, Result, Workspace};
use chrono::{DateTime, Days, Utc};
use serde::Serialize;
use std::collections::HashMap;
use switchyard_core::cards::{metric_cards, MetricCard};
use switchyard_core::delta::format_hours;
use switchyard_core::dora::{Bucket, DoraDocument, Drill, Metrics};
use switchyard_report::charts::{self, ChartKind};
use ts_rs::TS;

/// One chart, as SVG drawn by `switchyard-report` (every text in it escaped there).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChartView {
    /// `deployment-frequency`, `lead-time`, ... as `switchyard chart` names them.
    pub kind: String,
    pub title: String,
    pub svg: String,
}

/// The size the window's panels draw their readiness charts at (logical pixels), so the
/// chart's text keeps its own size in the 420 px wide panel.
pub const PANEL_CHART_SIZE: (u32, u32) = (420, 300);

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MetricsView {
    pub dora: DoraDocument,
    /// The period of the same length just before `dora`'s, and its metrics.
    pub previous_from: chrono::NaiveDate,
    pub previous_to: chrono::NaiveDate,
    pub previous: Metrics,
    /// The headline figures as shown, each against the previous period: what the CLI's
    /// table and the leadership report print too.
    pub cards: Vec<MetricCard>,
    /// The bucket of the series and charts.
    pub bucket: Bucket,
    pub charts: Vec<ChartView>,
    /// Scopes to choose from: every service, and every team that owns one.
    pub services: Vec<String>,
    pub teams: Vec<String>,
    /// Workflow runs of the period and scope (the pipeline chart's samples).
    #[ts(type = "number")]
    pub pipeline_runs: u64,
    /// What the workspace has synced at all: why a card or chart is empty.
    pub coverage: crate::overview::DataCoverage,
}

/// One record behind a number.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DrillRow {
    #[ts(type = "number")]
    pub id: i64,
    /// `deployment`, `change` or `incident`.
    pub kind: String,
    pub service: Option<String>,
    /// When it happened (deployed, merged, created), RFC 3339 UTC.
    pub time: Option<String>,
    pub title: String,
    pub detail: String,
    /// Where the record came from: its source and key (`github acme/web/deployments/7`,
    /// `import jenkins:101`), or null for a record made in Switchyard.
    pub origin: Option<String>,
}

/// A record's source and source key as one phrase (see [`DrillRow::origin`]).
pub fn origin_of(source: Option<switchyard_core::Source>, key: Option<&str>) -> Option<String> {
    source.map(|s| match key {
        Some(k) => format!("{s} {k}"),
        None => s.to_string(),
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DrillView {
    pub drill: Drill,
    /// How many records there are; `rows` holds the first [`DRILL_ROWS`] of them.
    #[ts(type = "number")]
    pub total: u64,
    pub rows: Vec<DrillRow>,
}

/// At most this many rows go to the window.
pub const DRILL_ROWS: usize = 500;

fn rfc3339(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

const CHARTS: [(ChartKind, &str); 6] = [
    (ChartKind::DeploymentFrequency, "Deployment frequency"),
    (ChartKind::LeadTime, "Lead time for changes"),
    (ChartKind::ChangeFailureRate, "Change failure rate"),
    (ChartKind::RecoveryTime, "Failed deployment recovery time"),
    (ChartKind::ReworkRate, "Rework rate"),
    (ChartKind::Pipeline, "Pipeline health"),
];

impl Workspace {
    /// The Metrics screen of a query: loads and links the facts once for both periods and
    /// every chart.
    pub fn metrics_view(&self, q: &MetricsQuery) -> Result<MetricsView> {
        let p = self.prepare_metrics(q)?;
        let th = &p.settings.thresholds;
        let r = p.linked.report(&p.calendar, &p.scope, th);
        let days = (q.to - q.from).num_days().max(0) as u64 + 1;
        let previous_to = q.from - Days::new(1);
        let previous_from = previous_to - Days::new(days - 1);
        let prev_q = MetricsQuery {
            from: previous_from,
            to: previous_to,
            ..q.clone()
        };
        let prev_cal = self.metrics_calendar(&prev_q, &p.settings)?;
        let previous = p.linked.report(&prev_cal, &p.scope, th).metrics;

        let title = chart_title(q);
        let s = &r.series;
        let chart_err = |e: charts::ChartError| AppError::new(ErrorCode::Internal, e.to_string());
        let health = self.pipeline_health(q)?;
        let charts = CHARTS
            .iter()
            .map(|&(kind, name)| {
                let svg = match kind {
                    ChartKind::DeploymentFrequency => charts::deployment_frequency(s, th, &title),
                    ChartKind::LeadTime => charts::lead_time(s, &title),
                    ChartKind::ChangeFailureRate => charts::change_failure_rate(s, &title),
                    ChartKind::RecoveryTime => charts::recovery_time(s, &title),
                    ChartKind::ReworkRate => charts::rework_rate(s, &title),
                    _ => charts::pipeline(&health, &title),
                }
                .map_err(chart_err)?;
                Ok(ChartView {
                    kind: kind.name().into(),
                    title: name.into(),
                    svg,
                })
            })
            .collect::<Result<Vec<_>>>()?;

        let (teams, services) = self.scopes()?;

        let cards = metric_cards(&r.metrics, Some(&previous));
        Ok(MetricsView {
            dora: DoraDocument {
                from: q.from,
                to: q.to,
                service: q.service.clone(),
                team: q.team.clone(),
                timezone: p.settings.timezone.clone(),
                metrics: r.metrics,
                series: r.series,
            },
            previous_from,
            previous_to,
            cards,
            bucket: q.bucket,
            previous,
            charts,
            services,
            teams,
            pipeline_runs: health.runs,
            coverage: self.data_coverage()?,
        })
    }

    /// Where each record behind a number came from (`dora --records` without `--json`):
    /// [`origin_of`] by id, for the kind of record `what` lists.
    pub fn record_origins(&self, what: Drill) -> Result<HashMap<i64, Option<String>>> {
        let doc = self.export()?;
        Ok(match what {
            Drill::Changes | Drill::Waiting => doc
                .work_items
                .iter()
                .map(|w| (w.id, origin_of(w.source, w.source_key.as_deref())))
                .collect(),
            Drill::UnlinkedIncidents => doc
                .incidents
                .iter()
                .map(|i| (i.id, origin_of(i.source, i.source_key.as_deref())))
                .collect(),
            _ => doc
                .deployments
                .iter()
                .map(|d| (d.id, origin_of(d.source, d.source_key.as_deref())))
                .collect(),
        })
    }

    /// The records behind a number of the whole period (`dora --records`), with what the
    /// window shows of each.
    pub fn metric_records(&self, q: &MetricsQuery, what: Drill) -> Result<DrillView> {
        let p = self.prepare_metrics(q)?;
        let ids = p.linked.drill(&p.calendar, &p.scope, what, None);
        let doc = self.export()?;
        let hours = |secs: i64| format_hours(secs as f64 / 3600.0);
        let short = |sha: &str| sha.chars().take(10).collect::<String>();
        // Every row says what makes it count; newest first.
        let mut rows: Vec<DrillRow> = match what {
            Drill::Changes | Drill::Waiting => {
                let leads = p.linked.change_leads(&ids);
                let by_id: HashMap<_, _> = doc.work_items.iter().map(|w| (w.id, w)).collect();
                ids.iter()
                    .filter_map(|id| by_id.get(id))
                    .map(|w| {
                        let key = w.source_key.clone().unwrap_or_else(|| w.id.to_string());
                        let detail = match leads.get(&w.id) {
                            Some((_, secs)) if what == Drill::Changes => {
                                format!("lead time {} · {key}", hours(*secs))
                            }
                            _ => format!("merged, not deployed by the period's end · {key}"),
                        };
                        DrillRow {
                            id: w.id,
                            kind: "change".into(),
                            service: w.service.clone(),
                            time: w.merged_at.as_ref().map(rfc3339),
                            title: w.title.clone(),
                            detail,
                            origin: origin_of(w.source, w.source_key.as_deref()),
                        }
                    })
                    .collect()
            }
            Drill::UnlinkedIncidents => {
                let by_id: HashMap<_, _> = doc.incidents.iter().map(|i| (i.id, i)).collect();
                ids.iter()
                    .filter_map(|id| by_id.get(id))
                    .map(|i| DrillRow {
                        id: i.id,
                        kind: "incident".into(),
                        service: i.service.clone(),
                        time: Some(rfc3339(&i.created_at)),
                        title: i.title.clone(),
                        detail: match &i.severity {
                            Some(s) => format!("{s} · traced to no deployment"),
                            None => "traced to no deployment".into(),
                        },
                        origin: origin_of(i.source, i.source_key.as_deref()),
                    })
                    .collect()
            }
            _ => {
                let failures = matches!(
                    what,
                    Drill::ChangeFailures | Drill::Recovered | Drill::OpenFailures
                );
                let reasons = if failures {
                    p.linked.failure_reasons(&ids)
                } else {
                    HashMap::new()
                };
                let incidents: HashMap<_, _> = doc.incidents.iter().map(|i| (i.id, i)).collect();
                let by_id: HashMap<_, _> = doc.deployments.iter().map(|d| (d.id, d)).collect();
                let workflows: HashMap<&str, &str> = doc
                    .pipeline_runs
                    .iter()
                    .filter_map(|r| Some((r.source_key.as_deref()?, r.workflow.as_str())))
                    .collect();
                ids.iter()
                    .filter_map(|id| by_id.get(id))
                    .map(|d| {
                        let detail = match reasons.get(&d.id) {
                            Some(r) => {
                                let mut why: Vec<String> = Vec::new();
                                if let Some(first) =
                                    r.incidents.first().and_then(|i| incidents.get(i))
                                {
                                    let more = r.incidents.len() - 1;
                                    why.push(if more > 0 {
                                        format!("caused “{}” and {more} more", first.title)
                                    } else {
                                        format!("caused “{}”", first.title)
                                    });
                                }
                                if let Some(by) = r.rolled_back_by.and_then(|b| by_id.get(&b)) {
                                    why.push(format!("rolled back by {}", short(&by.sha)));
                                }
                                why.push(match r.recovered_after_secs {
                                    Some(s) => format!("recovered after {}", hours(s)),
                                    None => "not recovered".into(),
                                });
                                why.join(" · ")
                            }
                            None => match what {
                                Drill::Rework => "deployed while an incident was open".into(),
                                _ => d.outcome.as_str().into(),
                            },
                        };
                        DrillRow {
                            id: d.id,
                            kind: "deployment".into(),
                            service: Some(d.service.clone()),
                            time: d.time.as_ref().map(rfc3339),
                            title: format!("{} to {}", short(&d.sha), d.environment),
                            detail: match deployment_origin(d, &workflows) {
                                Some(from) => format!("{detail} · {from}"),
                                None => detail,
                            },
                            origin: origin_of(d.source, d.source_key.as_deref()),
                        }
                    })
                    .collect()
            }
        };
        rows.sort_by(|a, b| b.time.cmp(&a.time).then(b.id.cmp(&a.id)));
        rows.truncate(DRILL_ROWS);
        Ok(DrillView {
            drill: what,
            total: ids.len() as u64,
            rows,
        })
    }
}

/// At most this many of a train's releases are overlaid in its readiness chart.
pub const TRAIN_OVERLAY: usize = 4;

/// The train panel: the readiness of a train's next releases in flight, overlaid.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TrainReadinessView {
    #[ts(type = "number")]
    pub train_id: i64,
    pub train: String,
    /// How many of its releases are in flight (planned or in progress) in all.
    #[ts(type = "number")]
    pub in_flight: u64,
    /// The next [`TRAIN_OVERLAY`] of them by target date: the ones drawn.
    pub releases: Vec<TrainReleaseReadiness>,
    /// The chart (percent ready over time, each release's go/no-go marked), or `null` when
    /// nothing is in flight.
    pub svg: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TrainReleaseReadiness {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub release_date: Option<chrono::NaiveDate>,
    /// Days past its date without shipping; 0 when it is not.
    #[ts(type = "number")]
    pub overdue_days: i64,
    /// Percent of its checklist done now, rule items evaluated now (0 without a checklist).
    pub percent_ready: f64,
}

impl Workspace {
    /// The train panel of train `train`, drawn `width` x `height` pixels.
    pub fn train_readiness(
        &self,
        train: i64,
        clock: &dyn crate::Clock,
        width: u32,
        height: u32,
    ) -> Result<TrainReadinessView> {
        let Some((name, in_flight)) = self.store().train_in_flight(train)? else {
            return Err(AppError::new(
                ErrorCode::NotFound,
                format!("no train with id {train}"),
            ));
        };
        let shown: Vec<(i64, String)> = in_flight
            .iter()
            .take(TRAIN_OVERLAY)
            .map(|(id, n, _)| (*id, n.clone()))
            .collect();
        let (timeline, now) = self.timeline_and_states(&shown, clock, Some("go_no_go"))?;
        let releases = in_flight
            .iter()
            .take(TRAIN_OVERLAY)
            .map(|(id, n, date)| TrainReleaseReadiness {
                id: *id,
                name: n.clone(),
                release_date: *date,
                overdue_days: date.map_or(0, |d| {
                    switchyard_core::overdue_days(
                        switchyard_core::ReleaseStatus::Planned,
                        false,
                        d,
                        clock.today(),
                    )
                }),
                percent_ready: now.get(id).and_then(|r| r.percent_ready()).unwrap_or(0.0),
            })
            .collect();
        let svg = if shown.is_empty() {
            None
        } else {
            Some(
                charts::readiness_sized(&timeline, &name, width, height)
                    .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?,
            )
        };
        Ok(TrainReadinessView {
            train_id: train,
            train: name,
            in_flight: in_flight.len() as u64,
            releases,
            svg,
        })
    }
}

/// Where a synced deployment came from: a deploy workflow's run (`deployment_workflows`)
/// or GitHub's Deployments API.
fn deployment_origin(
    d: &switchyard_core::Deployment,
    workflows: &HashMap<&str, &str>,
) -> Option<String> {
    let key = d.source_key.as_deref()?;
    if switchyard_core::deploy_runs::is_run_deployment(d.source, Some(key)) {
        let run = key.rsplit('/').next().unwrap_or(key);
        Some(match workflows.get(key) {
            Some(w) => format!("from workflow run “{w}” #{run}"),
            None => format!("from workflow run #{run}"),
        })
    } else if d.source == Some(switchyard_core::Source::Github) {
        Some("from the Deployments API".into())
    } else {
        None
    }
}
