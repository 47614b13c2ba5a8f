//! The leadership report of a period: DORA headline numbers against the previous period,
//! trend charts, release delivery, readiness adherence, failure modes, change failures,
//! open action items, pipeline health and audit evidence completeness.
//!
//! Everything is computed from the export [`Document`] and the workspace [`Settings`] with
//! the DORA and pipeline functions of `switchyard-core` and the charts of this crate, so the
//! numbers are those `switchyard dora` prints. The rules for the non-DORA numbers are stated
//! in the report itself (see the `Note` blocks).

use crate::blocks::{Block, Figure, Line, ReportDoc, Span, Trend};
use crate::charts;
use chrono::{Days, NaiveDate, NaiveTime};
use std::collections::{BTreeMap, HashMap, HashSet};
use switchyard_core::cards::metric_cards;
use switchyard_core::delta::Verdict;
use switchyard_core::dora::{Bucket, Calendar, Drill, Facts, Linked, Metrics, Scope, SeriesEntry};
use switchyard_core::pipeline::{pipeline_health, PipelineHealth};
use switchyard_core::risk::RiskClass;
use switchyard_core::settings::{Cluster, Settings};
use switchyard_core::{
    ActionStatus, Document, Id, ItemState, Release, ReleaseStatus, ReleaseType, Timestamp,
};

/// Done or not applicable: nothing left to do on the item.
fn settled(state: ItemState) -> bool {
    match state {
        ItemState::Done | ItemState::NotApplicable => true,
        ItemState::Pending | ItemState::Blocked => false,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("cannot write the report: {0}")]
    Render(String),
}

pub type Result<T, E = ReportError> = std::result::Result<T, E>;

pub struct LeadershipInput<'a> {
    pub doc: &'a Document,
    pub settings: &'a Settings,
    /// The organisation, a team's services or one service.
    pub scope: &'a ReportScope,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
    pub generated_at: Timestamp,
}

/// Which part of the organisation a leadership report covers: its metrics, releases (those
/// shipping a service in scope), incidents, change failures, pipeline runs and actions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ReportScope {
    #[default]
    Organisation,
    /// The services this team owns.
    Team(String),
    Service(String),
}

impl ReportScope {
    /// `team Payments`, `service checkout`; `None` for the organisation.
    pub fn label(&self) -> Option<String> {
        match self {
            ReportScope::Organisation => None,
            ReportScope::Team(t) => Some(format!("team {t}")),
            ReportScope::Service(s) => Some(format!("service {s}")),
        }
    }

    /// The names of the services in scope (`None`: every service, and incidents without
    /// one). A team that owns no service, or a service that is not there, is `NotFound`.
    fn services<'d>(&self, doc: &'d Document) -> Result<Option<HashSet<&'d str>>> {
        let named = |keep: &dyn Fn(&switchyard_core::Service) -> bool| -> HashSet<&'d str> {
            doc.services
                .iter()
                .filter(|s| keep(s))
                .map(|s| s.name.as_str())
                .collect()
        };
        match self {
            ReportScope::Organisation => Ok(None),
            ReportScope::Team(team) => {
                let set = named(&|s| s.team.as_deref() == Some(team.as_str()));
                if set.is_empty() {
                    return Err(ReportError::NotFound(format!(
                        "no team named {team:?} owns a service"
                    )));
                }
                Ok(Some(set))
            }
            ReportScope::Service(name) => {
                let set = named(&|s| s.name == *name);
                if set.is_empty() {
                    return Err(ReportError::NotFound(format!("no service named {name:?}")));
                }
                Ok(Some(set))
            }
        }
    }
}

/// A release of the period with what the report says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseRow {
    pub id: Id,
    pub name: String,
    pub train: Option<String>,
    pub release_type: ReleaseType,
    pub status: ReleaseStatus,
    pub planned: Option<NaiveDate>,
    pub date: Option<NaiveDate>,
    pub released: bool,
    /// Days the date moved past the first plan (negative: early).
    pub slip_days: i64,
    /// Checklist complete by the end of the go/no-go day; `None` without a checklist or a
    /// go/no-go milestone.
    pub ready_by_gonogo: Option<bool>,
    /// Percent of the applicable checklist items done or not applicable by then.
    pub ready_pct_at_gonogo: Option<f64>,
    pub approvals_complete: bool,
    pub checks_complete: bool,
    pub changes_linked: bool,
}

impl ReleaseRow {
    pub fn evidence_complete(&self) -> bool {
        self.approvals_complete && self.checks_complete && self.changes_linked
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FailureMode {
    pub service: String,
    pub incidents: usize,
    pub open: usize,
    pub median_resolve_hours: Option<f64>,
    /// Up to two recent incidents: title and URL.
    pub examples: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangeFailure {
    pub deployment: Id,
    pub service: String,
    pub time: Option<Timestamp>,
    pub sha: String,
    pub record: Option<String>,
    /// Incidents it caused: label (source key or title) and URL.
    pub incidents: Vec<(String, Option<String>)>,
    /// The deployment that rolled it back, as `sha` (time).
    pub rolled_back_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    pub release: String,
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LeadershipReport {
    pub scope: ReportScope,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    pub generated_at: Timestamp,
    pub timezone: String,
    pub metrics: Metrics,
    pub previous: Metrics,
    pub series: Vec<SeriesEntry>,
    pub charts: Vec<(String, String)>,
    pub releases: Vec<ReleaseRow>,
    pub failure_modes: Vec<FailureMode>,
    pub change_failures: Vec<ChangeFailure>,
    pub actions: Vec<ActionRow>,
    pub pipeline: PipelineHealth,
}

/// The end of a day (UTC) as the last instant a thing may happen "by" that day.
fn end_of(day: NaiveDate) -> Timestamp {
    day.checked_add_days(Days::new(1))
        .unwrap_or(day)
        .and_time(NaiveTime::MIN)
        .and_utc()
}

/// Facts every report needs about a release's governance records.
pub(crate) struct Governance<'a> {
    doc: &'a Document,
    checklist: HashMap<Id, &'a switchyard_core::Checklist>,
    decision: HashMap<Id, &'a switchyard_core::Decision>,
    risk: HashMap<Id, &'a switchyard_core::RiskAssessment>,
    linked: HashSet<Id>,
}

impl<'a> Governance<'a> {
    pub(crate) fn new(doc: &'a Document) -> Self {
        let mut checklist = HashMap::new();
        for c in &doc.checklists {
            // The latest checklist (largest id) of a release counts.
            checklist.insert(c.release_id, c);
        }
        let mut decision: HashMap<Id, &switchyard_core::Decision> = HashMap::new();
        for d in &doc.decisions {
            let newer = decision.get(&d.release_id).is_none_or(|o| d.id > o.id);
            if newer {
                decision.insert(d.release_id, d);
            }
        }
        let mut risk: HashMap<Id, &switchyard_core::RiskAssessment> = HashMap::new();
        for a in &doc.risk_assessments {
            let newer = risk.get(&a.release_id).is_none_or(|o| a.id > o.id);
            if newer {
                risk.insert(a.release_id, a);
            }
        }
        let mut linked: HashSet<Id> = doc
            .work_items
            .iter()
            .flat_map(|w| w.release_ids.iter().copied())
            .collect();
        linked.extend(
            doc.change_records
                .iter()
                .filter(|c| !c.changes.is_empty())
                .map(|c| c.release_id),
        );
        Self {
            doc,
            checklist,
            decision,
            risk,
            linked,
        }
    }

    pub(crate) fn risk_class(&self, release: Id) -> Option<RiskClass> {
        self.risk.get(&release).map(|a| a.class_in_force())
    }

    /// A go decision whose approvals meet the policy for the release's risk class (at least
    /// one approver where there is no policy or class).
    pub(crate) fn approvals_complete(&self, release: Id) -> bool {
        self.approvals_complete_for(release, self.risk_class(release))
    }

    /// [`Self::approvals_complete`] under the risk class `class`.
    pub(crate) fn approvals_complete_for(&self, release: Id, class: Option<RiskClass>) -> bool {
        let Some(d) = self.decision.get(&release) else {
            return false;
        };
        if !d.outcome.ships() {
            return false;
        }
        let approvers: HashSet<&str> = d.approvals.iter().map(|a| a.approver.as_str()).collect();
        let roles: HashSet<&str> = d.approvals.iter().map(|a| a.role.as_str()).collect();
        let policy = self.doc.risk_policies.iter().max_by_key(|p| p.id);
        match (policy, class) {
            (Some(p), Some(class)) => {
                let rule = p.policy.approvals.for_class(class);
                approvers.len() >= rule.count.max(1) as usize
                    && rule.roles.iter().all(|r| roles.contains(r.as_str()))
            }
            _ => !approvers.is_empty(),
        }
    }

    pub(crate) fn checks_complete(&self, release: Id) -> bool {
        self.checklist
            .get(&release)
            .is_some_and(|c| !c.items.is_empty() && c.items.iter().all(|i| settled(i.state)))
    }

    pub(crate) fn changes_linked(&self, release: Id) -> bool {
        self.linked.contains(&release)
    }

    /// Complete by the end of `day`: every item done or not applicable, the last of them
    /// set by then.
    fn ready_by(&self, release: Id, day: NaiveDate) -> Option<(bool, f64)> {
        let c = self.checklist.get(&release)?;
        if c.items.is_empty() {
            return None;
        }
        let limit = end_of(day);
        let ok = c
            .items
            .iter()
            .filter(|i| settled(i.state) && i.updated_at < limit)
            .count();
        Some((
            ok == c.items.len(),
            100.0 * ok as f64 / c.items.len() as f64,
        ))
    }
}

fn previous_period(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let days = (to - from).num_days() as u64 + 1;
    let prev_to = from.pred_opt().unwrap_or(from);
    let prev_from = prev_to
        .checked_sub_days(Days::new(days - 1))
        .unwrap_or(prev_to);
    (prev_from, prev_to)
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    // Nearest rank, as spec/dora.md.
    Some(values[(values.len().div_ceil(2)).max(1) - 1])
}

/// Computes the leadership report of `from..=to`.
pub fn build(input: &LeadershipInput) -> Result<LeadershipReport> {
    let LeadershipInput {
        doc,
        settings,
        scope,
        from,
        to,
        today,
        generated_at,
    } = *input;
    let tz = settings
        .tz()
        .map_err(|e| ReportError::Invalid(e.to_string()))?;
    let bucket = Bucket::for_period(from, to);
    let cal =
        Calendar::new(from, to, tz, bucket).map_err(|e| ReportError::Invalid(e.to_string()))?;
    let (previous_from, previous_to) = previous_period(from, to);
    let prev_cal = Calendar::new(previous_from, previous_to, tz, bucket)
        .map_err(|e| ReportError::Invalid(e.to_string()))?;

    let facts = Facts::from_records(
        &doc.services,
        &doc.deployments,
        &doc.work_items,
        &doc.incidents,
        |flag, env| settings.is_production(flag, env),
    );
    let linked = Linked::new(facts);
    let scoped = scope.services(doc)?;
    let in_scope = |service: &str| scoped.as_ref().is_none_or(|set| set.contains(service));
    let dora_scope = match &scoped {
        None => Scope::Organisation,
        Some(set) => Scope::Services(
            set.iter()
                .filter_map(|name| linked.service_index(name))
                .collect(),
        ),
    };
    let th = &settings.thresholds;
    let current = linked.report(&cal, &dora_scope, th);
    let previous = linked.report(&prev_cal, &dora_scope, th);
    let pipeline = pipeline_health(&doc.pipeline_runs, &cal, in_scope);

    let period = format!("{from} to {to}");
    let chart_err = |e: charts::ChartError| ReportError::Render(e.to_string());
    let mut chart_list = vec![
        (
            "Deployment frequency".to_owned(),
            charts::deployment_frequency(&current.series, th, &period).map_err(chart_err)?,
        ),
        (
            "Lead time for changes".to_owned(),
            charts::lead_time(&current.series, &period).map_err(chart_err)?,
        ),
        (
            "Change failure rate".to_owned(),
            charts::change_failure_rate(&current.series, &period).map_err(chart_err)?,
        ),
        (
            "Failed deployment recovery time".to_owned(),
            charts::recovery_time(&current.series, &period).map_err(chart_err)?,
        ),
    ];
    if pipeline.runs > 0 {
        chart_list.push((
            "Pipeline health".to_owned(),
            charts::pipeline(&pipeline, &period).map_err(chart_err)?,
        ));
    }

    // Releases due or shipped in the period.
    let gov = Governance::new(doc);
    let trains: HashMap<Id, &str> = doc.trains.iter().map(|t| (t.id, t.name.as_str())).collect();
    let mut gates: HashMap<Id, NaiveDate> = HashMap::new();
    for m in doc.milestones.iter().filter(|m| m.kind == "go_no_go") {
        gates.insert(m.release_id, m.date);
    }
    let in_period = |d: Option<NaiveDate>| d.is_some_and(|d| from <= d && d <= to);
    let release_in_scope = |r: &Release| scoped.is_none() || r.services.iter().any(|s| in_scope(s));
    let mut releases: Vec<ReleaseRow> = doc
        .releases
        .iter()
        .filter(|r| !r.archived && r.status != ReleaseStatus::Cancelled)
        .filter(|r| release_in_scope(r))
        .filter(|r| {
            in_period(r.planned_date.or(r.release_date))
                || (r.released && in_period(r.release_date))
        })
        .map(|r: &Release| ReleaseRow {
            id: r.id,
            name: r.name.clone(),
            train: r
                .train_id
                .and_then(|t| trains.get(&t))
                .map(|s| s.to_string()),
            release_type: r.release_type,
            status: r.status,
            planned: r.planned_date,
            date: r.release_date,
            released: r.released,
            slip_days: match (r.planned_date, r.release_date) {
                (Some(p), Some(d)) => (d - p).num_days(),
                _ => 0,
            },
            ready_by_gonogo: gates
                .get(&r.id)
                .and_then(|g| gov.ready_by(r.id, *g))
                .map(|x| x.0),
            ready_pct_at_gonogo: gates
                .get(&r.id)
                .and_then(|g| gov.ready_by(r.id, *g))
                .map(|x| x.1),
            approvals_complete: gov.approvals_complete(r.id),
            checks_complete: gov.checks_complete(r.id),
            changes_linked: gov.changes_linked(r.id),
        })
        .collect();
    releases.sort_by_key(|r| (r.planned.or(r.date), r.id));

    // Failure modes: incidents created in the period, by service.
    let mut by_service: BTreeMap<String, Vec<&switchyard_core::Incident>> = BTreeMap::new();
    for i in &doc.incidents {
        let scoped_in = i.service.as_deref().map_or(scoped.is_none(), &in_scope);
        if scoped_in && cal.contains(i.created_at.timestamp()) {
            by_service
                .entry(i.service.clone().unwrap_or_else(|| "(no service)".into()))
                .or_default()
                .push(i);
        }
    }
    let mut failure_modes: Vec<FailureMode> = by_service
        .into_iter()
        .map(|(service, mut list)| {
            list.sort_by_key(|i| std::cmp::Reverse((i.created_at, i.id)));
            let mut hours: Vec<f64> = list
                .iter()
                .filter_map(|i| {
                    i.resolved_at
                        .map(|r| (r - i.created_at).num_seconds() as f64 / 3600.0)
                })
                .collect();
            FailureMode {
                incidents: list.len(),
                open: list.iter().filter(|i| i.resolved_at.is_none()).count(),
                median_resolve_hours: median(&mut hours),
                examples: list
                    .iter()
                    .take(2)
                    .map(|i| (i.title.clone(), i.url.clone()))
                    .collect(),
                service,
            }
        })
        .collect();
    failure_modes.sort_by(|a, b| {
        b.incidents
            .cmp(&a.incidents)
            .then(a.service.cmp(&b.service))
    });
    failure_modes.truncate(5);

    // Change failures with links to their records.
    let deployments: HashMap<Id, &switchyard_core::Deployment> =
        doc.deployments.iter().map(|d| (d.id, d)).collect();
    let incidents: HashMap<Id, &switchyard_core::Incident> =
        doc.incidents.iter().map(|i| (i.id, i)).collect();
    let mut change_failures: Vec<ChangeFailure> = linked
        .drill(&cal, &dora_scope, Drill::ChangeFailures, None)
        .into_iter()
        .filter_map(|id| deployments.get(&id).copied())
        .map(|d| ChangeFailure {
            deployment: d.id,
            service: d.service.clone(),
            time: d.time,
            sha: d.sha.chars().take(8).collect(),
            record: d.source_key.clone(),
            incidents: linked
                .incidents_caused_by(d.id)
                .into_iter()
                .filter_map(|i| incidents.get(&i))
                .map(|i| {
                    let label = match &i.source_key {
                        Some(k) => format!("{k}: {}", i.title),
                        None => i.title.clone(),
                    };
                    (label, i.url.clone())
                })
                .collect(),
            rolled_back_by: linked
                .rolled_back_by(d.id)
                .and_then(|r| deployments.get(&r))
                .map(|r| {
                    let sha: String = r.sha.chars().take(8).collect();
                    match r.time {
                        Some(t) => format!("{sha} ({})", t.format("%Y-%m-%d %H:%M")),
                        None => sha,
                    }
                }),
        })
        .collect();
    change_failures.sort_by_key(|c| (c.time, c.deployment));

    // Open post-release action items, across every review.
    let names: HashMap<Id, &str> = doc
        .releases
        .iter()
        .filter(|r| release_in_scope(r))
        .map(|r| (r.id, r.name.as_str()))
        .collect();
    let mut actions: Vec<ActionRow> = doc
        .reviews
        .iter()
        .filter(|rv| names.contains_key(&rv.release_id))
        .flat_map(|rv| {
            rv.action_items
                .iter()
                .filter(|a| a.status == ActionStatus::Open)
                .map(move |a| (rv.release_id, a))
        })
        .map(|(release, a)| ActionRow {
            release: names.get(&release).unwrap_or(&"?").to_string(),
            title: a.title.clone(),
            owner: a.owner.clone(),
            due: a.due_date,
            overdue: a.due_date.is_some_and(|d| d < today),
        })
        .collect();
    actions.sort_by(|a, b| {
        (a.due.is_none(), a.due, &a.release).cmp(&(b.due.is_none(), b.due, &b.release))
    });

    Ok(LeadershipReport {
        scope: scope.clone(),
        from,
        to,
        previous_from,
        previous_to,
        generated_at,
        timezone: settings.timezone.clone(),
        metrics: current.metrics,
        previous: previous.metrics,
        series: current.series,
        charts: chart_list,
        releases,
        failure_modes,
        change_failures,
        actions,
        pipeline,
    })
}

// ---- formatting shared by the reports ----

pub fn hours(h: Option<f64>) -> String {
    switchyard_core::cards::hours_text(h)
}

pub fn pct(v: Option<f64>) -> String {
    switchyard_core::cards::pct_text(v)
}

fn share(n: usize, d: usize) -> String {
    if d == 0 {
        "–".into()
    } else {
        format!("{:.0}% ({n} of {d})", n as f64 * 100.0 / d as f64)
    }
}

fn cluster(c: Option<Cluster>) -> Option<String> {
    c.map(|c| c.as_str().to_owned())
}

fn day(d: Option<NaiveDate>) -> String {
    d.map_or("–".into(), |d| d.to_string())
}

impl LeadershipReport {
    /// The headline figures: the cards the window and `switchyard dora` show, each against
    /// the previous period (the arrow the direction of the value, the colour the verdict).
    pub fn figures(&self) -> Vec<Figure> {
        metric_cards(&self.metrics, Some(&self.previous))
            .into_iter()
            .map(|c| Figure {
                label: c.label,
                value: c.text,
                badge: cluster(c.cluster),
                detail: c.detail,
                trend: match c.change.verdict {
                    Verdict::Better => Trend::Better,
                    Verdict::Worse => Trend::Worse,
                    Verdict::Same => Trend::Same,
                    Verdict::Unknown => Trend::Unknown,
                },
                direction: c.change.direction,
                change: c.change.text,
            })
            .collect()
    }

    /// The report as format-neutral blocks.
    pub fn to_doc(&self) -> ReportDoc {
        let mut b = Vec::new();
        b.push(Block::Heading(2, "Headline DORA metrics".into()));
        b.push(Block::Figures(self.figures()));
        b.push(Block::Note(format!(
            "Compared with the previous period of the same length, {} to {}. Clusters after the State of DevOps reports 2023/2024 (workspace thresholds); every number follows spec/dora.md, times in {}.",
            self.previous_from, self.previous_to, self.timezone
        )));

        b.push(Block::Heading(2, "Trends".into()));
        for (title, svg) in &self.charts {
            b.push(Block::Chart {
                title: title.clone(),
                svg: svg.clone(),
            });
        }

        // Delivery.
        let rows = &self.releases;
        let shipped: Vec<&ReleaseRow> = rows.iter().filter(|r| r.released).collect();
        let on_time = shipped.iter().filter(|r| r.slip_days <= 0).count();
        let late = shipped.len() - on_time;
        let due: Vec<&ReleaseRow> = rows
            .iter()
            .filter(|r| {
                r.planned
                    .or(r.date)
                    .is_some_and(|d| d <= self.to.min(self.generated_at.date_naive()))
            })
            .collect();
        let not_shipped = due.iter().filter(|r| !r.released).count();
        let due_on_time = due
            .iter()
            .filter(|r| r.released && r.slip_days <= 0)
            .count();
        let gated: Vec<&ReleaseRow> = shipped
            .iter()
            .copied()
            .filter(|r| r.ready_by_gonogo.is_some())
            .collect();
        let ready = gated
            .iter()
            .filter(|r| r.ready_by_gonogo == Some(true))
            .count();
        b.push(Block::Heading(2, "Release delivery".into()));
        b.push(Block::Table {
            head: vec!["Measure".into(), "Value".into()],
            rows: vec![
                vec![
                    vec![Span::text("Releases shipped")],
                    vec![Span::text(shipped.len().to_string())],
                ],
                vec![
                    vec![Span::text(
                        "Shipped on time (on or before the first planned date)",
                    )],
                    vec![Span::text(on_time.to_string())],
                ],
                vec![
                    vec![Span::text("Shipped late (slipped)")],
                    vec![Span::text(late.to_string())],
                ],
                vec![
                    vec![Span::text("Due in the period and not shipped")],
                    vec![Span::text(not_shipped.to_string())],
                ],
                vec![
                    vec![Span::Strong("On-time delivery of planned releases".into())],
                    vec![Span::Strong(share(due_on_time, due.len()))],
                ],
                vec![
                    vec![Span::Strong(
                        "Readiness adherence (ready by the go/no-go milestone)".into(),
                    )],
                    vec![Span::Strong(share(ready, gated.len()))],
                ],
            ],
            numeric: vec![1],
        });
        b.push(Block::Note("On time: shipped on or before the date first planned. On-time delivery: of the non-cancelled releases first planned in the period and due by today, the share shipped on time. Readiness adherence: of the shipped releases with a checklist and a go/no-go milestone, the share whose every checklist item was done or not applicable by the end of the go/no-go day.".into()));
        if !rows.is_empty() {
            b.push(Block::Table {
                head: [
                    "Release",
                    "Train",
                    "Type",
                    "Planned",
                    "Date",
                    "Slip",
                    "State",
                    "Ready by go/no-go",
                ]
                .map(String::from)
                .to_vec(),
                rows: rows
                    .iter()
                    .map(|r| {
                        vec![
                            vec![Span::text(&r.name)],
                            vec![Span::text(r.train.clone().unwrap_or_else(|| "–".into()))],
                            vec![Span::text(r.release_type.as_str())],
                            vec![Span::text(day(r.planned))],
                            vec![Span::text(day(r.date))],
                            vec![Span::text(match r.slip_days {
                                0 => "–".to_owned(),
                                d => format!("{d:+} d"),
                            })],
                            vec![Span::text(if r.released {
                                "shipped".to_owned()
                            } else {
                                r.status.label()
                            })],
                            vec![Span::text(
                                match (r.ready_by_gonogo, r.ready_pct_at_gonogo) {
                                    (Some(true), _) => "yes".to_owned(),
                                    (Some(false), Some(p)) => format!("no ({p:.0}% ready)"),
                                    _ => "–".to_owned(),
                                },
                            )],
                        ]
                    })
                    .collect(),
                numeric: vec![5],
            });
        }

        b.push(Block::Heading(2, "Top failure modes".into()));
        if self.failure_modes.is_empty() {
            b.push(Block::Para(vec![Span::text("No incidents in the period.")]));
        } else {
            b.push(Block::Table {
                head: [
                    "Service",
                    "Incidents",
                    "Open",
                    "Median time to resolve",
                    "Most recent",
                ]
                .map(String::from)
                .to_vec(),
                rows: self
                    .failure_modes
                    .iter()
                    .map(|f| {
                        let mut recent: Line = Vec::new();
                        for (i, (title, url)) in f.examples.iter().enumerate() {
                            if i > 0 {
                                recent.push(Span::text("; "));
                            }
                            recent.push(Span::link(title, url.as_deref()));
                        }
                        vec![
                            vec![Span::text(&f.service)],
                            vec![Span::text(f.incidents.to_string())],
                            vec![Span::text(f.open.to_string())],
                            vec![Span::text(hours(f.median_resolve_hours))],
                            recent,
                        ]
                    })
                    .collect(),
                numeric: vec![1, 2, 3],
            });
        }

        b.push(Block::Heading(2, "Change failures".into()));
        if self.change_failures.is_empty() {
            b.push(Block::Para(vec![Span::text(
                "No failed changes in the period.",
            )]));
        } else {
            b.push(Block::Table {
                head: ["Deployed", "Service", "Commit", "Caused", "Rolled back by"]
                    .map(String::from)
                    .to_vec(),
                rows: self
                    .change_failures
                    .iter()
                    .map(|c| {
                        let mut caused: Line = Vec::new();
                        for (i, (label, url)) in c.incidents.iter().enumerate() {
                            if i > 0 {
                                caused.push(Span::text("; "));
                            }
                            caused.push(Span::link(label, url.as_deref()));
                        }
                        if caused.is_empty() {
                            caused.push(Span::text("–"));
                        }
                        vec![
                            vec![Span::text(c.time.map_or("–".into(), |t| {
                                t.format("%Y-%m-%d %H:%M").to_string()
                            }))],
                            vec![Span::text(&c.service)],
                            vec![Span::text(&c.sha)],
                            caused,
                            vec![Span::text(
                                c.rolled_back_by.clone().unwrap_or_else(|| "–".into()),
                            )],
                        ]
                    })
                    .collect(),
                numeric: vec![],
            });
        }

        b.push(Block::Heading(2, "Open post-release action items".into()));
        if self.actions.is_empty() {
            b.push(Block::Para(vec![Span::text("None open.")]));
        } else {
            let overdue = self.actions.iter().filter(|a| a.overdue).count();
            b.push(Block::Para(vec![Span::text(format!(
                "{} open, {} overdue.",
                self.actions.len(),
                overdue
            ))]));
            b.push(Block::Table {
                head: ["Due", "Release", "Action", "Owner"]
                    .map(String::from)
                    .to_vec(),
                rows: self
                    .actions
                    .iter()
                    .map(|a| {
                        let due = day(a.due);
                        vec![
                            vec![if a.overdue {
                                Span::Strong(format!("{due} (overdue)"))
                            } else {
                                Span::text(due)
                            }],
                            vec![Span::text(&a.release)],
                            vec![Span::text(&a.title)],
                            vec![Span::text(a.owner.clone().unwrap_or_else(|| "–".into()))],
                        ]
                    })
                    .collect(),
                numeric: vec![],
            });
        }

        b.push(Block::Heading(2, "Pipeline health".into()));
        let p = &self.pipeline;
        if p.runs == 0 {
            b.push(Block::Para(vec![Span::text(
                "No pipeline runs in the period.",
            )]));
        } else {
            b.push(Block::Table {
                head: vec!["Measure".into(), "Value".into()],
                rows: vec![
                    vec![
                        vec![Span::text("Runs")],
                        vec![Span::text(p.runs.to_string())],
                    ],
                    vec![
                        vec![Span::text("Duration p50 / p90")],
                        vec![Span::text(format!(
                            "{} / {}",
                            minutes(p.duration_p50_minutes),
                            minutes(p.duration_p90_minutes)
                        ))],
                    ],
                    vec![
                        vec![Span::text("Failure rate")],
                        vec![Span::text(format!(
                            "{} ({} of {})",
                            pct(p.failure_rate.value),
                            p.failure_rate.numerator,
                            p.failure_rate.denominator
                        ))],
                    ],
                    vec![
                        vec![Span::text("Commits that passed only on a re-run (flaky)")],
                        vec![Span::text(p.flaky.to_string())],
                    ],
                ],
                numeric: vec![1],
            });
            if !p.slowest.is_empty() {
                b.push(Block::Table {
                    head: [
                        "Slowest workflows",
                        "Service",
                        "p90",
                        "Failure rate",
                        "Flaky",
                    ]
                    .map(String::from)
                    .to_vec(),
                    rows: p
                        .slowest
                        .iter()
                        .map(|w| {
                            vec![
                                vec![Span::text(&w.workflow)],
                                vec![Span::text(&w.service)],
                                vec![Span::text(minutes(w.duration_p90_minutes))],
                                vec![Span::text(pct(w.failure_rate.value))],
                                vec![Span::text(format!("{} of {}", w.flaky, w.commits))],
                            ]
                        })
                        .collect(),
                    numeric: vec![2, 3],
                });
            }
        }

        b.push(Block::Heading(2, "Audit evidence completeness".into()));
        let n = shipped.len();
        let count = |f: &dyn Fn(&ReleaseRow) -> bool| shipped.iter().filter(|r| f(r)).count();
        b.push(Block::Table {
            head: vec!["Shipped releases with".into(), "Share".into()],
            rows: vec![
                vec![vec![Span::text("Complete approvals (a go decision with the approvers the risk policy asks for)")], vec![Span::text(share(count(&|r| r.approvals_complete), n))]],
                vec![vec![Span::text("Complete checks (every checklist item done or not applicable)")], vec![Span::text(share(count(&|r| r.checks_complete), n))]],
                vec![vec![Span::text("Linked changes (work items or a change record)")], vec![Span::text(share(count(&|r| r.changes_linked), n))]],
                vec![vec![Span::Strong("All three".into())], vec![Span::Strong(share(count(&|r| r.evidence_complete()), n))]],
            ],
            numeric: vec![1],
        });
        let gaps: Vec<Line> = shipped
            .iter()
            .filter(|r| !r.evidence_complete())
            .take(20)
            .map(|r| {
                let mut missing = Vec::new();
                if !r.approvals_complete {
                    missing.push("approvals");
                }
                if !r.checks_complete {
                    missing.push("checks");
                }
                if !r.changes_linked {
                    missing.push("linked changes");
                }
                vec![
                    Span::Strong(r.name.clone()),
                    Span::text(format!(": missing {}", missing.join(", "))),
                ]
            })
            .collect();
        if !gaps.is_empty() {
            b.push(Block::Para(vec![Span::text("Releases with gaps:")]));
            b.push(Block::List(gaps));
        }

        ReportDoc {
            title: "Release and delivery report".into(),
            subtitle: format!(
                "{} to {}{} · generated {} UTC by Switchyard",
                self.from,
                self.to,
                self.scope
                    .label()
                    .map(|l| format!(" · {l}"))
                    .unwrap_or_default(),
                self.generated_at.format("%Y-%m-%d %H:%M")
            ),
            blocks: b,
        }
    }
}

fn minutes(m: Option<f64>) -> String {
    m.map_or("–".into(), |m| format!("{m:.1} min"))
}
