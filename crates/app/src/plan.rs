//! Planning use cases: trains and their calendars, releases and slips, dependencies,
//! freeze windows and holidays, `plan check`, and the audit log's verification. Every
//! change runs in one transaction together with its audit event.

use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{json, Value};
use switchyard_core::plan::{
    self as core_plan, Conflict, ConflictKind, DepKind, PathStep, PlanInput, PlannedRelease,
    SlipPlan,
};
use switchyard_core::*;
use switchyard_store::plan as db;

/// A new train.
#[derive(Debug, Clone)]
pub struct TrainSpec {
    pub name: String,
    pub description: String,
    pub cadence: Cadence,
    pub template: Vec<MilestoneOffset>,
    pub freeze_rule: FreezeRule,
    pub services: Vec<String>,
}

/// A new release.
#[derive(Debug, Clone)]
pub struct ReleaseSpec {
    pub name: String,
    pub version: Option<String>,
    /// A train id or name.
    pub train: Option<String>,
    pub date: NaiveDate,
    pub release_type: ReleaseType,
    /// Services by name; empty: the train's.
    pub services: Vec<String>,
}

/// Where a release moves.
#[derive(Debug, Clone, Copy)]
pub enum MoveTo {
    Date(NaiveDate),
    ByDays(i64),
}

#[derive(Debug, Clone, Serialize)]
pub struct GenerateReport {
    pub train: String,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub applied: bool,
    /// Releases created (or, in a dry run, that would be), with their ids once created.
    pub created: Vec<GeneratedRelease>,
    /// Cadence dates a release already stands for.
    pub existing: Vec<GeneratedRelease>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GeneratedRelease {
    pub id: Option<Id>,
    #[serde(flatten)]
    pub planned: PlannedRelease,
}

#[derive(Debug, Clone, Serialize)]
pub struct MoveReport {
    pub applied: bool,
    #[serde(flatten)]
    pub plan: SlipPlan,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    pub count: usize,
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderedRelease {
    pub id: Id,
    pub name: String,
    pub release_date: Option<NaiveDate>,
    /// Ids of the releases it waits for.
    pub after: Vec<Id>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriticalPath {
    pub release_id: Id,
    pub name: String,
    pub release_date: Option<NaiveDate>,
    /// Earliest blocker first, the release last.
    pub path: Vec<PathStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DependencyView {
    pub id: Id,
    pub kind: DepKind,
    pub blocker_id: Id,
    pub blocker: String,
    pub blocked_id: Id,
    pub blocked: String,
    pub note: String,
}

fn invalid(msg: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidInput, msg)
}

use crate::audit::audit;

use crate::lookup::one;

impl Workspace {
    /// A release by id, name or version; `ambiguous` lists the candidates.
    pub fn resolve_release(&self, text: &str) -> Result<(Id, String)> {
        crate::lookup::resolve_release(self.store().conn(), text)
    }

    fn resolve(&self, kind: DepKind, text: &str) -> Result<(Id, String)> {
        match kind {
            DepKind::Release => self.resolve_release(text),
            DepKind::Service => one(
                "service",
                text,
                db::find_named(self.store().conn(), "service", text)?,
            ),
            DepKind::WorkItem => one(
                "work item",
                text,
                db::find_named(self.store().conn(), "work_item", text)?,
            ),
        }
    }

    fn resolve_train(&self, text: &str) -> Result<Train> {
        let (id, _) = one(
            "train",
            text,
            db::find_named(self.store().conn(), "train", text)?,
        )?;
        db::trains(self.store().conn())?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| AppError::new(ErrorCode::NotFound, format!("train {id}")))
    }

    pub fn plan_input(&self) -> Result<PlanInput> {
        Ok(self.store().plan_input()?)
    }

    pub fn add_train(&mut self, clock: &dyn Clock, actor: &str, spec: TrainSpec) -> Result<Train> {
        if spec.name.trim().is_empty() {
            return Err(invalid("a train needs a name"));
        }
        if let Cadence::EveryNWeeks { weeks: 0, .. }
        | Cadence::Monthly {
            every_months: 0, ..
        } = spec.cadence
        {
            return Err(invalid("a cadence repeats at least every 1 week or month"));
        }
        let mut train = Train {
            id: 0,
            name: spec.name,
            description: spec.description,
            cadence: spec.cadence,
            milestone_template: spec.template,
            freeze_rule: spec.freeze_rule,
            services: spec.services,
        };
        let t = &mut train;
        self.store()
            .transact::<_, switchyard_store::StoreError>(|tx| {
                t.id = db::insert_train(tx, t)?;
                audit(
                    tx,
                    clock,
                    actor,
                    "train.add",
                    "train",
                    Some(t.id.to_string()),
                    None,
                    Some(json!(t)),
                )
            })?;
        Ok(train)
    }

    /// The releases `train`'s cadence asks for from `from` (default today) to `until`;
    /// created unless `dry_run`. Generating again creates nothing twice.
    pub fn generate_train(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        train: &str,
        from: Option<NaiveDate>,
        until: NaiveDate,
        dry_run: bool,
    ) -> Result<GenerateReport> {
        let train = self.resolve_train(train)?;
        let from = from.unwrap_or_else(|| clock.today());
        if from > until {
            return Err(invalid(format!(
                "the range starts ({from}) after it ends ({until})"
            )));
        }
        if (until - from).num_days() > 3 * 366 {
            return Err(invalid("generate at most three years at a time"));
        }
        let input = self.plan_input()?;
        let planned = core_plan::plan_train(
            &train,
            from,
            until,
            &input.freeze_windows,
            &input.holidays,
            &input.releases,
        );
        let (existing, new): (Vec<_>, Vec<_>) =
            planned.into_iter().partition(|p| p.existing.is_some());
        let mut created: Vec<GeneratedRelease> = new
            .into_iter()
            .map(|planned| GeneratedRelease { id: None, planned })
            .collect();
        if !dry_run && !created.is_empty() {
            let c = &mut created;
            self.store().transact::<_, switchyard_store::StoreError>(|tx| {
                for g in c.iter_mut() {
                    let p = &g.planned;
                    let start = p.milestones.iter().map(|m| m.2).min();
                    let release = Release {
                        id: 0,
                        name: p.name.clone(),
                        version: Some(p.version.clone()),
                        train_id: Some(train.id),
                        release_type: ReleaseType::Regular,
                        status: ReleaseStatus::Planned,
                        start_date: start.or(Some(p.release_date)),
                        planned_date: Some(p.release_date),
                        release_date: Some(p.release_date),
                        released: false,
                        archived: false,
                        description: format!("{} train release.", train.name),
                        services: train.services.clone(),
                        source: None,
                        source_key: None,
                    };
                    g.id = Some(db::insert_release(tx, &release, &p.milestones)?);
                }
                audit(
                    tx,
                    clock,
                    actor,
                    "train.generate",
                    "train",
                    Some(train.id.to_string()),
                    None,
                    Some(json!({
                        "from": from,
                        "until": until,
                        "created": c.iter().map(|g| json!({"id": g.id, "name": g.planned.name, "release_date": g.planned.release_date})).collect::<Vec<_>>(),
                    })),
                )
            })?;
        }
        Ok(GenerateReport {
            train: train.name,
            from,
            until,
            applied: !dry_run,
            created,
            existing: existing
                .into_iter()
                .map(|planned| GeneratedRelease {
                    id: planned.existing,
                    planned,
                })
                .collect(),
        })
    }

    pub fn add_release(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        spec: ReleaseSpec,
    ) -> Result<Release> {
        if spec.name.trim().is_empty() {
            return Err(invalid("a release needs a name"));
        }
        let train = match &spec.train {
            Some(t) => Some(self.resolve_train(t)?),
            None => None,
        };
        let holidays = db::holidays(self.store().conn())?;
        let milestones: Vec<(String, String, NaiveDate)> = train
            .as_ref()
            .map(|t| {
                core_plan::milestone_dates(&t.milestone_template, spec.date, &holidays)
                    .into_iter()
                    .map(|(m, d)| (m.kind, m.name, d))
                    .collect()
            })
            .unwrap_or_else(|| vec![("release".into(), "Release".into(), spec.date)]);
        let services = if spec.services.is_empty() {
            train
                .as_ref()
                .map(|t| t.services.clone())
                .unwrap_or_default()
        } else {
            spec.services
        };
        let mut release = Release {
            id: 0,
            name: spec.name,
            version: spec.version,
            train_id: train.as_ref().map(|t| t.id),
            release_type: spec.release_type,
            status: ReleaseStatus::Planned,
            start_date: milestones.iter().map(|m| m.2).min(),
            planned_date: Some(spec.date),
            release_date: Some(spec.date),
            released: false,
            archived: false,
            description: String::new(),
            services,
            source: None,
            source_key: None,
        };
        let r = &mut release;
        self.store()
            .transact::<_, switchyard_store::StoreError>(|tx| {
                r.id = db::insert_release(tx, r, &milestones)?;
                audit(
                    tx,
                    clock,
                    actor,
                    "release.add",
                    "release",
                    Some(r.id.to_string()),
                    None,
                    Some(json!(r)),
                )
            })?;
        Ok(release)
    }

    /// Moving a release: a preview unless `apply`, which moves it and every dependent the
    /// preview lists (milestones along), with one audit event per release moved.
    pub fn move_release(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        release: &str,
        to: MoveTo,
        apply: bool,
    ) -> Result<MoveReport> {
        let (id, name) = self.resolve_release(release)?;
        let input = self.plan_input()?;
        let r = input
            .release(id)
            .ok_or_else(|| AppError::new(ErrorCode::NotFound, format!("release {id}")))?;
        if r.released {
            return Err(invalid(format!(
                "{name} has shipped; a shipped release does not move"
            )));
        }
        let to = match to {
            MoveTo::Date(d) => d,
            MoveTo::ByDays(n) => {
                let from = r.release_date.ok_or_else(|| {
                    invalid(format!(
                        "{name} has no date yet; give the date to move it to"
                    ))
                    .about("to")
                })?;
                from.checked_add_signed(chrono::Duration::days(n))
                    .ok_or_else(|| invalid(format!("cannot move {name} by {n} days")))?
            }
        };
        let plan = core_plan::propagate_slip(&input, id, to).map_err(|cycle| {
            AppError::new(
                ErrorCode::DependencyCycle,
                format!(
                    "the releases after {name} wait for each other in a cycle: {}",
                    core_plan::describe_path(&input, DepKind::Release, &cycle)
                ),
            )
        })?;
        if apply {
            let p = &plan;
            self.store()
                .transact::<_, switchyard_store::StoreError>(|tx| {
                    // One change id for every event of the move (what undo reverses).
                    let change = format!("chg-{}", switchyard_store::next_audit_id(tx)?);
                    let mut moves = vec![(p.release_id, p.from, p.to, None)];
                    moves.extend(
                        p.moves
                            .iter()
                            .map(|m| (m.release_id, Some(m.from), m.to, Some(m.because_of))),
                    );
                    for (rid, from, to, because) in moves {
                        let days = db::move_release(tx, rid, to)?;
                        audit(
                            tx,
                            clock,
                            actor,
                            "release.move",
                            "release",
                            Some(rid.to_string()),
                            Some(json!({ "release_date": from })),
                            Some(json!({
                                "release_date": to,
                                "days": days,
                                "pushed_by": because,
                                "moved": p.release_id,
                                "change": change,
                            })),
                        )?;
                    }
                    Ok(())
                })?;
        }
        Ok(MoveReport {
            applied: apply,
            plan,
        })
    }

    /// Adds `blocker -> blocked`; refused with the cycle's path when it would close one.
    pub fn add_dependency(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        kind: DepKind,
        blocker: &str,
        blocked: &str,
        note: &str,
    ) -> Result<DependencyView> {
        let (a, an) = self.resolve(kind, blocker)?;
        let (b, bn) = self.resolve(kind, blocked)?;
        let input = self.plan_input()?;
        let refuse = |names: String| {
            AppError::new(
                ErrorCode::DependencyCycle,
                format!("adding {an} -> {bn} closes the cycle {names}"),
            )
        };
        if let Some(cycle) = input.kind_graph(kind).closes_cycle(a, b) {
            return Err(refuse(core_plan::describe_path(&input, kind, &cycle)));
        }
        match kind {
            DepKind::Release => {
                if let Some(cycle) = input.release_graph().closes_cycle(a, b) {
                    return Err(refuse(core_plan::describe_path(
                        &input,
                        DepKind::Release,
                        &cycle,
                    )));
                }
            }
            DepKind::WorkItem => {
                // Work items roll up to their releases: that graph must stay acyclic too.
                let rels = |item: Id| -> Result<Vec<Id>> {
                    Ok(db::releases_of_work_item(self.store().conn(), item)?)
                };
                let g = input.release_graph();
                for ra in rels(a)? {
                    for rb in rels(b)? {
                        if ra == rb {
                            continue;
                        }
                        if let Some(cycle) = g.closes_cycle(ra, rb) {
                            return Err(refuse(format!(
                                "{} (the releases they ship in)",
                                core_plan::describe_path(&input, DepKind::Release, &cycle)
                            )));
                        }
                    }
                }
            }
            DepKind::Service => {}
        }
        let view = DependencyView {
            id: 0,
            kind,
            blocker_id: a,
            blocker: an,
            blocked_id: b,
            blocked: bn,
            note: note.into(),
        };
        let v = &view;
        let id = self
            .store()
            .transact::<_, switchyard_store::StoreError>(|tx| {
                let id = db::insert_dependency(tx, kind, a, b, note)?;
                audit(
                    tx,
                    clock,
                    actor,
                    "dependency.add",
                    "dependency",
                    Some(id.to_string()),
                    None,
                    Some(dep_json(id, v)),
                )?;
                Ok(id)
            })?;
        Ok(DependencyView { id, ..view })
    }

    /// Removes a dependency, by id or by its two ends.
    pub fn remove_dependency(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        id: Option<Id>,
        ends: Option<(DepKind, &str, &str)>,
    ) -> Result<DependencyView> {
        let edge = match (id, ends) {
            (Some(id), _) => db::dependency(self.store().conn(), id)?
                .ok_or_else(|| AppError::new(ErrorCode::NotFound, format!("dependency {id}")))?,
            (None, Some((kind, blocker, blocked))) => {
                let (a, an) = self.resolve(kind, blocker)?;
                let (b, bn) = self.resolve(kind, blocked)?;
                db::find_dependency(self.store().conn(), kind, a, b)?.ok_or_else(|| {
                    AppError::new(
                        ErrorCode::NotFound,
                        format!("no {} dependency {an} -> {bn}", kind.as_str()),
                    )
                })?
            }
            (None, None) => return Err(invalid("name the dependency: an id, or its two ends")),
        };
        let input = self.plan_input()?;
        let view = DependencyView {
            id: edge.id,
            kind: edge.kind,
            blocker_id: edge.blocker,
            blocker: input.name_of(edge.kind, edge.blocker),
            blocked_id: edge.blocked,
            blocked: input.name_of(edge.kind, edge.blocked),
            note: edge.note.clone(),
        };
        let v = &view;
        self.store()
            .transact::<_, switchyard_store::StoreError>(|tx| {
                db::delete_dependency(tx, v.id)?;
                audit(
                    tx,
                    clock,
                    actor,
                    "dependency.remove",
                    "dependency",
                    Some(v.id.to_string()),
                    Some(dep_json(v.id, v)),
                    None,
                )
            })?;
        Ok(view)
    }

    /// Adds `window` (its id is ignored) and returns it with its id.
    pub fn add_freeze_window(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        window: FreezeWindow,
    ) -> Result<FreezeWindow> {
        let (from, to) = (window.start_date, window.end_date);
        if from > to {
            return Err(invalid(format!(
                "the window starts ({from}) after it ends ({to})"
            )));
        }
        if window.name.trim().is_empty() {
            return Err(invalid("a freeze window needs a name"));
        }
        let mut w = FreezeWindow { id: 0, ..window };
        let wr = &mut w;
        self.store()
            .transact::<_, switchyard_store::StoreError>(|tx| {
                wr.id = db::insert_freeze_window(tx, wr)?;
                audit(
                    tx,
                    clock,
                    actor,
                    "freeze_window.add",
                    "freeze_window",
                    Some(wr.id.to_string()),
                    None,
                    Some(json!(wr)),
                )
            })?;
        Ok(w)
    }

    pub fn add_holiday(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        date: NaiveDate,
        name: &str,
    ) -> Result<Holiday> {
        if name.trim().is_empty() {
            return Err(invalid("a holiday needs a name"));
        }
        let mut h = Holiday {
            id: 0,
            date,
            name: name.into(),
        };
        let hr = &mut h;
        self.store()
            .transact::<_, switchyard_store::StoreError>(|tx| {
                hr.id = db::insert_holiday(tx, hr)?;
                audit(
                    tx,
                    clock,
                    actor,
                    "holiday.add",
                    "holiday",
                    Some(hr.id.to_string()),
                    None,
                    Some(json!(hr)),
                )
            })?;
        Ok(h)
    }

    /// Every conflict in the plan (see `core::plan::check`).
    pub fn plan_check(&self) -> Result<PlanReport> {
        let conflicts = core_plan::check(&self.plan_input()?);
        Ok(PlanReport {
            count: conflicts.len(),
            conflicts,
        })
    }

    /// Open releases (not shipped, not cancelled) in dependency order, ties by date.
    pub fn plan_order(&self) -> Result<Vec<OrderedRelease>> {
        let input = self.plan_input()?;
        let g = input.release_graph();
        let open: Vec<Id> = input
            .releases
            .iter()
            .filter(|r| !r.released && r.status != ReleaseStatus::Cancelled && !r.archived)
            .map(|r| r.id)
            .collect();
        let date = |id: Id| input.release(id).and_then(|r| r.release_date);
        let order = g.topo_order(&open, date).map_err(|cycle| {
            AppError::new(
                ErrorCode::DependencyCycle,
                format!(
                    "no order exists: {}",
                    core_plan::describe_path(&input, DepKind::Release, &cycle)
                ),
            )
        })?;
        Ok(order
            .into_iter()
            .filter_map(|id| {
                let r = input.release(id)?;
                Some(OrderedRelease {
                    id,
                    name: r.name.clone(),
                    release_date: r.release_date,
                    after: g.predecessors(id).collect(),
                })
            })
            .collect())
    }

    pub fn critical_path(&self, release: &str) -> Result<CriticalPath> {
        let (id, name) = self.resolve_release(release)?;
        let input = self.plan_input()?;
        Ok(CriticalPath {
            release_id: id,
            name,
            release_date: input.release(id).and_then(|r| r.release_date),
            path: core_plan::critical_path(&input, id),
        })
    }
}

fn dep_json(id: Id, v: &DependencyView) -> Value {
    json!({
        "id": id,
        "kind": v.kind,
        "blocker_id": v.blocker_id,
        "blocker": v.blocker,
        "blocked_id": v.blocked_id,
        "blocked": v.blocked,
        "note": v.note,
    })
}

/// How many conflicts of each kind a report holds (for the summary line).
pub fn conflict_counts(report: &PlanReport) -> Vec<(ConflictKind, usize)> {
    let mut out: Vec<(ConflictKind, usize)> = Vec::new();
    for c in &report.conflicts {
        match out.iter_mut().find(|(k, _)| *k == c.kind) {
            Some((_, n)) => *n += 1,
            None => out.push((c.kind, 1)),
        }
    }
    out
}
