//! Metrics use cases: DORA numbers and their records, pipeline health, workspace settings,
//! and the charts of them.

use crate::governance::ReleaseNow;
use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use switchyard_core::dora::{Bucket, Calendar, DoraDocument, Drill, Linked, Scope};
use switchyard_core::pipeline::{pipeline_health, PipelineHealth};
use switchyard_core::settings::Settings;
use switchyard_core::timeline::{ReadinessPoint, ReadinessTimeline};
use switchyard_core::Id;
use switchyard_report::charts::{self, ChartKind};

/// What `switchyard dora` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub service: Option<String>,
    pub team: Option<String>,
    pub bucket: Bucket,
}

/// `value` as a day (`2026-01-31`); `None` stays `None`.
pub fn parse_day(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>> {
    value
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                invalid(format!("{field} must be a date like 2026-01-31, not {s:?}")).about(field)
            })
        })
        .transpose()
}

impl MetricsQuery {
    /// The query the window sends: both days required, `from` not after `to`, empty names
    /// meaning none, and without a bucket the rule the reports use.
    pub fn from_input(
        from: &str,
        to: &str,
        service: Option<String>,
        team: Option<String>,
        bucket: Option<Bucket>,
    ) -> Result<Self> {
        let required = |field: &str, v: &str| -> Result<NaiveDate> {
            parse_day(field, Some(v))?
                .ok_or_else(|| invalid(format!("{field} is required")).about(field))
        };
        let (from, to) = (required("from", from)?, required("to", to)?);
        if from > to {
            return Err(invalid(format!(
                "the period starts ({from}) after it ends ({to})"
            )));
        }
        Ok(MetricsQuery {
            from,
            to,
            service: service.filter(|s| !s.is_empty()),
            team: team.filter(|t| !t.is_empty()),
            bucket: bucket.unwrap_or_else(|| Bucket::for_period(from, to)),
        })
    }
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidInput, message)
}

fn svg_time(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The subtitle of every chart of a query: its scope and period.
pub(crate) fn chart_title(q: &MetricsQuery) -> String {
    let scope = q
        .service
        .clone()
        .or_else(|| q.team.clone().map(|t| format!("team {t}")))
        .unwrap_or_else(|| "organisation".into());
    format!("{scope}, {} to {}", q.from, q.to)
}

/// The linked facts, a calendar and a scope for one query.
pub struct Prepared {
    pub linked: std::sync::Arc<Linked>,
    pub calendar: Calendar,
    pub scope: Scope,
    pub settings: Settings,
}

/// After a sync: links the facts it wrote and keeps the links in the workspace, so the
/// first metrics query afterwards reads them back instead of linking (seconds on a large
/// workspace). Best effort: a failure is logged and the sync's result stands.
pub(crate) fn link_after_sync(store: &switchyard_store::Store) {
    let started = std::time::Instant::now();
    let linked = store
        .settings()
        .and_then(|settings| store.linked_facts(&settings));
    match linked {
        Ok(_) => tracing::info!(elapsed = ?started.elapsed(), "DORA facts linked after the sync"),
        Err(e) => tracing::warn!(error = %e, "the DORA facts were not linked after the sync"),
    }
}

impl Workspace {
    pub fn settings(&self) -> Result<Settings> {
        Ok(self.store().settings()?)
    }

    pub(crate) fn metrics_calendar(
        &self,
        q: &MetricsQuery,
        settings: &Settings,
    ) -> Result<Calendar> {
        let tz = settings.tz().map_err(|e| invalid(e.to_string()))?;
        Calendar::new(q.from, q.to, tz, q.bucket).map_err(|e| invalid(e.to_string()))
    }

    /// Loads and links the facts for a query (the expensive part; reuse it for drill-downs).
    pub fn prepare_metrics(&self, q: &MetricsQuery) -> Result<Prepared> {
        if q.service.is_some() && q.team.is_some() {
            return Err(invalid("choose a service or a team, not both").about("service"));
        }
        let settings = self.settings()?;
        let calendar = self.metrics_calendar(q, &settings)?;
        let linked = self.store().linked_facts(&settings)?;
        let scope = match (&q.service, &q.team) {
            (Some(name), _) => {
                Scope::Services(vec![linked.service_index(name).ok_or_else(|| {
                    AppError::new(ErrorCode::NotFound, format!("no service named {name:?}"))
                })?])
            }
            (_, Some(team)) => linked.team_scope(team).ok_or_else(|| {
                AppError::new(
                    ErrorCode::NotFound,
                    format!("no team named {team:?} owns a service"),
                )
            })?,
            _ => Scope::Organisation,
        };
        Ok(Prepared {
            linked,
            calendar,
            scope,
            settings,
        })
    }

    /// The document of `switchyard dora --json`.
    pub fn dora(&self, q: &MetricsQuery) -> Result<DoraDocument> {
        let p = self.prepare_metrics(q)?;
        let r = p
            .linked
            .report(&p.calendar, &p.scope, &p.settings.thresholds);
        Ok(DoraDocument {
            from: q.from,
            to: q.to,
            service: q.service.clone(),
            team: q.team.clone(),
            timezone: p.settings.timezone.clone(),
            metrics: r.metrics,
            series: r.series,
        })
    }

    /// The ids of the records behind a number (the whole period, or bucket `bucket`).
    pub fn dora_records(
        &self,
        q: &MetricsQuery,
        what: Drill,
        bucket: Option<usize>,
    ) -> Result<Vec<Id>> {
        let p = self.prepare_metrics(q)?;
        Ok(p.linked.drill(&p.calendar, &p.scope, what, bucket))
    }

    pub fn pipeline_health(&self, q: &MetricsQuery) -> Result<PipelineHealth> {
        let settings = self.settings()?;
        let cal = self.metrics_calendar(q, &settings)?;
        let runs = self
            .store()
            .pipeline_runs_between(&svg_time(cal.start()), &svg_time(cal.end()))?;
        let team_services: Option<Vec<String>> = match &q.team {
            Some(team) => {
                let services: Vec<String> = self
                    .store()
                    .service_teams()?
                    .into_iter()
                    .filter(|(_, t)| t.as_deref() == Some(team.as_str()))
                    .map(|(s, _)| s)
                    .collect();
                if services.is_empty() {
                    return Err(AppError::new(
                        ErrorCode::NotFound,
                        format!("no team named {team:?} owns a service"),
                    ));
                }
                Some(services)
            }
            None => None,
        };
        let service = q.service.clone();
        Ok(pipeline_health(&runs, &cal, |s| {
            service.as_deref().is_none_or(|x| x == s)
                && team_services
                    .as_ref()
                    .is_none_or(|l| l.iter().any(|x| x == s))
        }))
    }

    /// The readiness timeline of a release (id, name or version) or of a train's releases.
    pub fn readiness_timeline(
        &self,
        release: &str,
        clock: &dyn Clock,
    ) -> Result<ReadinessTimeline> {
        let releases = self.store().find_releases_or_train(release)?;
        if releases.is_empty() {
            return Err(AppError::new(
                ErrorCode::NotFound,
                format!("no release or train named {release:?}"),
            ));
        }
        self.timeline_now(&releases, clock, None)
    }

    /// The recorded history of `releases`' readiness, ending where each release stands now:
    /// an unshipped release whose rule items, evaluated now, give another share than its
    /// last recorded state gets a point at `now` (so the chart ends where the panel's bar
    /// and the report stand). Marks only milestones of kind `kind` when given.
    pub(crate) fn timeline_now(
        &self,
        releases: &[(Id, String)],
        clock: &dyn Clock,
        kind: Option<&str>,
    ) -> Result<ReadinessTimeline> {
        Ok(self.timeline_and_states(releases, clock, kind)?.0)
    }

    /// [`Self::timeline_now`] and where each release stands now, evaluated once for both.
    pub(crate) fn timeline_and_states(
        &self,
        releases: &[(Id, String)],
        clock: &dyn Clock,
        kind: Option<&str>,
    ) -> Result<(ReadinessTimeline, BTreeMap<Id, ReleaseNow>)> {
        let mut t = self
            .store()
            .readiness_timeline_marking(releases, clock.today(), kind)?;
        let ids: Vec<Id> = releases.iter().map(|(id, _)| *id).collect();
        let now = self.releases_now(&ids, clock)?;
        for ((id, _), line) in releases.iter().zip(t.releases.iter_mut()) {
            let Some(n) = now.get(id) else { continue };
            if n.closed {
                continue;
            }
            let Some(percent) = n.percent_ready() else {
                continue;
            };
            let last = line.points.last().map(|p| p.percent);
            if last.is_none_or(|l| (l - percent).abs() >= 0.05) {
                line.points.push(ReadinessPoint {
                    at: clock.now(),
                    percent,
                });
            }
        }
        Ok((t, now))
    }

    /// What the readiness chart of `release` (or a train's releases) is drawn from, read
    /// from the workspace. The window draws it after letting the workspace go
    /// ([`ReadinessChartInput::draw`]), so a tick of the checklist does not wait for a chart
    /// being drawn.
    pub fn readiness_chart_input(
        &self,
        release: &str,
        clock: &dyn Clock,
    ) -> Result<ReadinessChartInput> {
        let timeline = self.readiness_timeline(release, clock)?;
        // Named as the release is, even when asked for by id.
        let title = match timeline.releases.as_slice() {
            [one] => one.release.clone(),
            _ => release.to_owned(),
        };
        Ok(ReadinessChartInput { timeline, title })
    }

    /// One chart as SVG. `release` is needed for the readiness chart only.
    pub fn chart(
        &self,
        kind: ChartKind,
        q: &MetricsQuery,
        release: Option<&str>,
        clock: &dyn Clock,
    ) -> Result<String> {
        let title = chart_title(q);
        let chart_err = |e: charts::ChartError| AppError::new(ErrorCode::Internal, e.to_string());
        match kind {
            ChartKind::Pipeline => {
                charts::pipeline(&self.pipeline_health(q)?, &title).map_err(chart_err)
            }
            ChartKind::Readiness => {
                let release = release.ok_or_else(|| {
                    invalid("the readiness chart needs a release or a train").about("release")
                })?;
                let t = self.readiness_timeline(release, clock)?;
                charts::readiness(&t, release).map_err(chart_err)
            }
            _ => {
                let doc = self.dora(q)?;
                let th = self.settings()?.thresholds;
                let s = &doc.series;
                match kind {
                    ChartKind::DeploymentFrequency => charts::deployment_frequency(s, &th, &title),
                    ChartKind::LeadTime => charts::lead_time(s, &title),
                    ChartKind::ChangeFailureRate => charts::change_failure_rate(s, &title),
                    ChartKind::RecoveryTime => charts::recovery_time(s, &title),
                    _ => charts::rework_rate(s, &title),
                }
                .map_err(chart_err)
            }
        }
    }
}

/// A readiness timeline and its title: the readiness chart before it is drawn.
pub struct ReadinessChartInput {
    timeline: ReadinessTimeline,
    title: String,
}

impl ReadinessChartInput {
    /// The chart as SVG, `width` by `height` pixels.
    pub fn draw(&self, width: u32, height: u32) -> Result<String> {
        charts::readiness_sized(&self.timeline, &self.title, width, height)
            .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))
    }
}
