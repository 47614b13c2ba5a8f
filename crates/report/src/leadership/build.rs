//! The report's numbers: the input, the scope, the rows and the build from the export document and
//! the settings.

use super::*;

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
    pub(super) fn services<'d>(&self, doc: &'d Document) -> Result<Option<HashSet<&'d str>>> {
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
    /// The audit log's signed head, shown with the audit evidence (set by the caller).
    pub audit_head: Option<crate::blocks::AuditHead>,
    /// The releases due in the next 30 days (set by the caller: see [`LeadershipReport::set_ahead`]).
    pub ahead: Option<Ahead>,
    /// The metrics of each team (organisation) or service (a team) side by side; `None` for
    /// one service.
    pub portfolio: Option<Portfolio>,
    /// The workspace's cluster thresholds and production environments, stated at the end.
    pub thresholds: Thresholds,
    pub production_environments: Vec<String>,
}

/// One team's or service's numbers of the period.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioRow {
    pub name: String,
    pub services: usize,
    pub metrics: Metrics,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    /// "Team" or "Service".
    pub by: &'static str,
    pub rows: Vec<PortfolioRow>,
}

/// Named groups of service names.
type Groups = Vec<(String, Vec<String>)>;

/// The groups the portfolio shows: each team's services for the organisation (services of
/// no team together as "(no team)"), each service of a team; none for one service.
fn portfolio_groups(scope: &ReportScope, doc: &Document) -> Option<(&'static str, Groups)> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    match scope {
        ReportScope::Service(_) => None,
        ReportScope::Organisation => {
            for s in &doc.services {
                groups
                    .entry(s.team.clone().unwrap_or_else(|| "(no team)".into()))
                    .or_default()
                    .push(s.name.clone());
            }
            Some(("Team", groups.into_iter().collect()))
        }
        ReportScope::Team(team) => {
            for s in doc
                .services
                .iter()
                .filter(|s| s.team.as_deref() == Some(team.as_str()))
            {
                groups.insert(s.name.clone(), vec![s.name.clone()]);
            }
            Some(("Service", groups.into_iter().collect()))
        }
    }
}

impl LeadershipReport {
    /// Sets the list of releases due in the 30 days after `today` (and on `today` while it is
    /// not over: `live`) from `releases` (the facts the caller gathered), keeping those that
    /// ship a service in the report's scope.
    pub fn set_ahead(
        &mut self,
        doc: &Document,
        today: NaiveDate,
        live: bool,
        releases: Vec<AheadRelease>,
    ) -> Result<()> {
        let scoped = self.scope.services(doc)?;
        let keep: HashSet<Id> = doc
            .releases
            .iter()
            .filter(|r| {
                scoped
                    .as_ref()
                    .is_none_or(|set| r.services.iter().any(|s| set.contains(s.as_str())))
            })
            .map(|r| r.id)
            .collect();
        self.ahead = Some(Ahead::new(
            today,
            live,
            releases
                .into_iter()
                .filter(|r| keep.contains(&r.id))
                .collect(),
        ));
        Ok(())
    }
}

/// The end of a day (UTC) as the last instant a thing may happen "by" that day.
pub(super) fn end_of(day: NaiveDate) -> Timestamp {
    day.checked_add_days(Days::new(1))
        .unwrap_or(day)
        .and_time(NaiveTime::MIN)
        .and_utc()
}

pub(super) fn previous_period(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let days = (to - from).num_days() as u64 + 1;
    let prev_to = from.pred_opt().unwrap_or(from);
    let prev_from = prev_to
        .checked_sub_days(Days::new(days - 1))
        .unwrap_or(prev_to);
    (prev_from, prev_to)
}

pub(super) fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    // Nearest rank, as docs/metrics.md.
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
        settings,
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
    let portfolio = portfolio_groups(scope, doc).map(|(by, groups)| Portfolio {
        by,
        rows: groups
            .into_iter()
            .map(|(name, services)| {
                let scope = Scope::Services(
                    services
                        .iter()
                        .filter_map(|s| linked.service_index(s))
                        .collect(),
                );
                PortfolioRow {
                    name,
                    services: services.len(),
                    metrics: linked.report(&cal, &scope, th).metrics,
                }
            })
            .collect(),
    });

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
        audit_head: None,
        ahead: None,
        portfolio,
        thresholds: settings.thresholds,
        production_environments: settings.production_environments.clone(),
    })
}
