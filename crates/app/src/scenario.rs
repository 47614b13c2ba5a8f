//! Moving releases from the window: a scenario (a draft of moves) previewed with its
//! ripple, breaks and new conflicts, applied in one audited transaction; undo of the last
//! applied change; a release's dependency chain; the plan's conflicts with their fixes.
//!
//! A change's audit events share a change id (`after.change`, `chg-<id of its first
//! event>`); an undo writes new events marked `after.undoes` with the change id it
//! reverses. Nothing is ever deleted from the log. Events written before change ids (or by
//! a use case that writes one event) are each their own change, `event-<id>`.

use crate::audit::audit;
use crate::{AppError, Clock, ErrorCode, Result, Workspace};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use switchyard_core::plan::{self as core_plan, Conflict, ConflictKind, DepKind, Graph, PlanInput};
use switchyard_core::{Id, ReleaseStatus};
use switchyard_store::plan as db;
use switchyard_store::{next_audit_id, recent_audit, AuditRecord, StoreError, Transaction};
use ts_rs::TS;

/// One move of a draft: `release` to the date `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScenarioMove {
    pub release: Id,
    pub to: NaiveDate,
}

/// A release a scenario moves, directly or pushed by a blocker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MovedRelease {
    pub release_id: Id,
    pub name: String,
    /// Its date in the plan (the ghost).
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
    pub days: i64,
    /// Moved by the draft itself (false: pushed along by a blocker).
    pub direct: bool,
    /// The blocker that pushes it (a ripple).
    pub because_of: Option<Id>,
    pub because_of_name: Option<String>,
    /// A freeze window or holiday it lands in.
    pub lands_in: Option<String>,
}

/// A dependency a move breaks that moving dependents cannot fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BreakView {
    pub release_id: Id,
    pub name: String,
    pub reason: String,
}

/// A record a conflict involves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConflictRecord {
    /// `release`, `service`, `work_item`, `dependency`, `freeze_window`, `holiday`,
    /// `milestone` or `risk_assessment`.
    pub kind: String,
    pub id: Id,
    pub name: String,
}

/// "Move to the next free slot": the release to move and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct SlotFix {
    pub release_id: Id,
    pub to: NaiveDate,
}

/// A conflict of `plan check` as the window lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConflictView {
    /// `cycle`, `dependency_order`, `freeze_window`, `risk_overlap` or `milestone_order`.
    pub kind: String,
    pub message: String,
    pub records: Vec<ConflictRecord>,
    /// The releases it involves (to highlight on the calendar).
    pub release_ids: Vec<Id>,
    pub fix: Option<SlotFix>,
}

/// What a draft of moves would do, before anything changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ScenarioPreview {
    pub moves: Vec<ScenarioMove>,
    /// Every release that moves, the draft's own moves first, then their ripple.
    pub moved: Vec<MovedRelease>,
    pub breaks: Vec<BreakView>,
    /// Conflicts the plan would have that it has not now.
    pub new_conflicts: Vec<ConflictView>,
    /// Conflicts of the plan now that the draft resolves.
    pub resolved_conflicts: Vec<ConflictView>,
}

/// A change written (or reversed) by the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppliedChange {
    pub change: String,
    pub moved: Vec<MovedRelease>,
}

/// The last change undo would reverse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UndoableChange {
    pub change: String,
    /// "Move Web 26.50 and 2 releases after it", "Add dependency A -> B"...
    pub summary: String,
    /// Releases it moved, with the dates undo puts back (`from`).
    pub moved: Vec<MovedRelease>,
}

/// What an undo did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UndoResult {
    pub undone: String,
    pub change: String,
    pub summary: String,
}

/// A release-on-release edge of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChainEdge {
    /// The release dependency record (removable); null for an edge rolled up from work
    /// items.
    pub dependency_id: Option<Id>,
    pub blocker_id: Id,
    pub blocker: String,
    pub blocker_date: Option<NaiveDate>,
    pub blocked_id: Id,
    pub blocked: String,
    pub blocked_date: Option<NaiveDate>,
    /// The blocker is dated after what it blocks.
    pub broken: bool,
    /// Touches the focused release itself.
    pub direct: bool,
    pub note: String,
}

/// The focused release's dependencies: everything upstream (what it waits for, directly
/// or not) and downstream (what waits for it), and its critical path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReleaseChain {
    pub release_id: Id,
    pub upstream: Vec<ChainEdge>,
    pub downstream: Vec<ChainEdge>,
    /// Release ids of the critical path, earliest blocker first, the release last.
    pub critical_path: Vec<Id>,
}

/// The plan's conflicts with their fixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConflictList {
    pub conflicts: Vec<ConflictView>,
}

fn invalid(msg: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidInput, msg)
}

fn kind_word(k: ConflictKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The conflict as the window shows it, with "move to the next free slot" for a release
/// in a freeze window or dated before its blocker, when such a slot exists.
pub fn conflict_view(input: &PlanInput, c: &Conflict) -> ConflictView {
    let release_ids: Vec<Id> = c
        .records
        .iter()
        .filter(|r| r.kind == "release")
        .map(|r| r.id)
        .collect();
    let target = match c.kind {
        ConflictKind::FreezeWindow => release_ids.first().copied(),
        ConflictKind::DependencyOrder => release_ids.get(1).copied(),
        _ => None,
    };
    let fix = target.and_then(|id| {
        core_plan::next_free_slot(input, id).map(|to| SlotFix { release_id: id, to })
    });
    ConflictView {
        kind: kind_word(c.kind),
        message: c.message.clone(),
        records: c
            .records
            .iter()
            .map(|r| ConflictRecord {
                kind: r.kind.clone(),
                id: r.id,
                name: r.name.clone(),
            })
            .collect(),
        release_ids,
        fix,
    }
}

/// A draft worked out in memory over the plan.
struct Simulation {
    after: PlanInput,
    moved: Vec<MovedRelease>,
    breaks: Vec<BreakView>,
}

fn set_date(input: &mut PlanInput, id: Id, to: NaiveDate) {
    let Ok(i) = input.releases.binary_search_by_key(&id, |r| r.id) else {
        return;
    };
    let from = input.releases[i].release_date;
    input.releases[i].release_date = Some(to);
    if let Some(days) = from.map(|f| (to - f).num_days()).filter(|d| *d != 0) {
        for m in input
            .milestones
            .iter_mut()
            .filter(|m| m.release_id == id && m.completed_at.is_none())
        {
            m.date += chrono::Duration::days(days);
        }
    }
}

fn simulate(input: &PlanInput, moves: &[ScenarioMove]) -> Result<Simulation> {
    if moves.is_empty() {
        return Err(invalid("a scenario needs at least one move"));
    }
    let mut after = input.clone();
    let mut moved: Vec<MovedRelease> = Vec::new();
    let mut breaks: Vec<BreakView> = Vec::new();
    let upsert = |m: MovedRelease, moved: &mut Vec<MovedRelease>| match moved
        .iter_mut()
        .find(|x| x.release_id == m.release_id)
    {
        Some(x) => {
            x.to = m.to;
            x.lands_in = m.lands_in;
            if m.direct {
                x.direct = true;
                x.because_of = None;
                x.because_of_name = None;
            } else if !x.direct {
                x.because_of = m.because_of;
                x.because_of_name = m.because_of_name;
            }
        }
        None => moved.push(m),
    };
    for m in moves {
        let r = input.release(m.release).ok_or_else(|| {
            AppError::new(ErrorCode::NotFound, format!("release {}", m.release)).about("release")
        })?;
        if r.released {
            return Err(invalid(format!(
                "{} has shipped; a shipped release does not move",
                r.name
            ))
            .about("to"));
        }
        if r.status == ReleaseStatus::Cancelled {
            return Err(invalid(format!("{} is cancelled; it does not move", r.name)).about("to"));
        }
        let plan = core_plan::propagate_slip(&after, m.release, m.to).map_err(|cycle| {
            AppError::new(
                ErrorCode::DependencyCycle,
                format!(
                    "the releases after {} wait for each other in a cycle: {}",
                    r.name,
                    core_plan::describe_path(&after, DepKind::Release, &cycle)
                ),
            )
        })?;
        let original = |id: Id| input.release(id).and_then(|r| r.release_date);
        upsert(
            MovedRelease {
                release_id: m.release,
                name: r.name.clone(),
                from: r.release_date,
                to: m.to,
                days: 0,
                direct: true,
                because_of: None,
                because_of_name: None,
                lands_in: plan.lands_in.clone(),
            },
            &mut moved,
        );
        set_date(&mut after, m.release, m.to);
        for s in &plan.moves {
            upsert(
                MovedRelease {
                    release_id: s.release_id,
                    name: s.name.clone(),
                    from: original(s.release_id),
                    to: s.to,
                    days: 0,
                    direct: false,
                    because_of: Some(s.because_of),
                    because_of_name: Some(after.name_of(DepKind::Release, s.because_of)),
                    lands_in: s.lands_in.clone(),
                },
                &mut moved,
            );
            set_date(&mut after, s.release_id, s.to);
        }
        for b in plan.breaks {
            if !breaks.iter().any(|x| x.reason == b.reason) {
                breaks.push(BreakView {
                    release_id: b.release_id,
                    name: b.name,
                    reason: b.reason,
                });
            }
        }
    }
    for m in &mut moved {
        m.days = m.from.map_or(0, |f| (m.to - f).num_days());
    }
    moved.retain(|m| m.from != Some(m.to));
    // The draft's own moves first, then the ripple (each group in the order found).
    moved.sort_by_key(|m| !m.direct);
    Ok(Simulation {
        after,
        moved,
        breaks,
    })
}

fn conflict_key(c: &Conflict) -> (ConflictKind, Vec<(String, Id)>) {
    (
        c.kind,
        c.records.iter().map(|r| (r.kind.clone(), r.id)).collect(),
    )
}

/// The change id of an event: its `after.change`, else its own.
fn change_of(e: &AuditRecord) -> String {
    e.after
        .as_ref()
        .and_then(|a| a.get("change"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("event-{}", e.id))
}

fn undoes_of(e: &AuditRecord) -> Option<String> {
    e.after
        .as_ref()
        .and_then(|a| a.get("undoes"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn date_in(v: &Option<Value>, key: &str) -> Option<NaiveDate> {
    v.as_ref()?.get(key)?.as_str()?.parse().ok()
}

/// The actions undo knows how to reverse.
const UNDOABLE: [&str; 3] = ["release.move", "dependency.add", "dependency.remove"];
/// How far back undo looks for the last change.
const UNDO_LOOKBACK: usize = 5000;

fn dep_summary(e: &AuditRecord) -> String {
    let side = e.after.as_ref().or(e.before.as_ref());
    let name = |k: &str| {
        side.and_then(|v| v.get(k))
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    format!("{} -> {}", name("blocker"), name("blocked"))
}

impl Workspace {
    /// What `moves` would do to the plan, changing nothing.
    pub fn preview_scenario(&self, moves: &[ScenarioMove]) -> Result<ScenarioPreview> {
        let (input, before) = self.checked_plan()?;
        let sim = simulate(&input, moves)?;
        let after = core_plan::check(&sim.after);
        let before_keys: BTreeSet<_> = before.iter().map(conflict_key).collect();
        let after_keys: BTreeSet<_> = after.iter().map(conflict_key).collect();
        Ok(ScenarioPreview {
            moves: moves.to_vec(),
            moved: sim.moved,
            breaks: sim.breaks,
            new_conflicts: after
                .iter()
                .filter(|c| !before_keys.contains(&conflict_key(c)))
                .map(|c| conflict_view(&sim.after, c))
                .collect(),
            resolved_conflicts: before
                .iter()
                .filter(|c| !after_keys.contains(&conflict_key(c)))
                .map(|c| conflict_view(&input, c))
                .collect(),
        })
    }

    /// Applies `moves` (and their ripple) in one transaction, one audit event per release
    /// moved, all sharing one change id.
    pub fn apply_scenario(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        moves: &[ScenarioMove],
    ) -> Result<AppliedChange> {
        self.apply_scenario_failing_after(clock, actor, moves, None)
    }

    fn apply_scenario_failing_after(
        &mut self,
        clock: &dyn Clock,
        actor: &str,
        moves: &[ScenarioMove],
        fail_after: Option<usize>,
    ) -> Result<AppliedChange> {
        let input = self.plan_input()?;
        let sim = simulate(&input, moves)?;
        if sim.moved.is_empty() {
            return Err(invalid(
                "nothing moves: every release is already on its date",
            ));
        }
        let direct: Vec<Id> = moves.iter().map(|m| m.release).collect();
        let moved = &sim.moved;
        let change = self.store().transact::<_, StoreError>(|tx| {
            let change = format!("chg-{}", next_audit_id(tx)?);
            for (i, m) in moved.iter().enumerate() {
                if fail_after == Some(i) {
                    return Err(StoreError::NotFound("an injected failure".into()));
                }
                let days = db::move_release(tx, m.release_id, m.to)?;
                audit(
                    tx,
                    clock,
                    actor,
                    "release.move",
                    "release",
                    m.release_id,
                    Some(json!({ "release_date": m.from })),
                    Some(json!({
                        "release_date": m.to,
                        "days": days,
                        "pushed_by": m.because_of,
                        "moved": direct,
                        "change": change,
                    })),
                )?;
            }
            Ok(change)
        })?;
        Ok(AppliedChange {
            change,
            moved: sim.moved,
        })
    }

    /// The events of the last change undo would reverse: the newest move or dependency
    /// change not undone yet (and not an undo itself), oldest event first.
    fn last_change_events(&self) -> Result<Option<(String, Vec<AuditRecord>)>> {
        let events = recent_audit(self.store().conn(), &UNDOABLE, UNDO_LOOKBACK)?;
        let mut undone: BTreeSet<String> = BTreeSet::new();
        let mut target: Option<String> = None;
        for e in &events {
            if let Some(u) = undoes_of(e) {
                undone.insert(u);
                continue;
            }
            let c = change_of(e);
            if !undone.contains(&c) {
                target = Some(c);
                break;
            }
        }
        let Some(change) = target else {
            return Ok(None);
        };
        let mut group: Vec<AuditRecord> = events
            .into_iter()
            .filter(|e| undoes_of(e).is_none() && change_of(e) == change)
            .collect();
        group.reverse();
        Ok(Some((change, group)))
    }

    /// The last change undo would reverse, or null when there is none.
    pub fn last_change(&self) -> Result<Option<UndoableChange>> {
        let Some((change, events)) = self.last_change_events()? else {
            return Ok(None);
        };
        let input = self.plan_input()?;
        let mut moved = Vec::new();
        let mut summary = String::new();
        for e in &events {
            match e.action.as_str() {
                "release.move" => {
                    let id: Id = e
                        .entity_id
                        .as_deref()
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0);
                    let (Some(to), from) = (
                        date_in(&e.after, "release_date"),
                        date_in(&e.before, "release_date"),
                    ) else {
                        continue;
                    };
                    let direct = e
                        .after
                        .as_ref()
                        .and_then(|a| a.get("pushed_by"))
                        .is_none_or(Value::is_null);
                    moved.push(MovedRelease {
                        release_id: id,
                        name: input.name_of(DepKind::Release, id),
                        from,
                        to,
                        days: from.map_or(0, |f| (to - f).num_days()),
                        direct,
                        because_of: None,
                        because_of_name: None,
                        lands_in: None,
                    });
                }
                "dependency.add" => summary = format!("Add the dependency {}", dep_summary(e)),
                "dependency.remove" => {
                    summary = format!("Remove the dependency {}", dep_summary(e))
                }
                _ => {}
            }
        }
        if !moved.is_empty() {
            let firsts: Vec<&str> = moved
                .iter()
                .filter(|m| m.direct)
                .map(|m| m.name.as_str())
                .collect();
            let others = moved.len() - firsts.len();
            summary = format!(
                "Move {}{}",
                if firsts.is_empty() {
                    moved[0].name.clone()
                } else {
                    firsts.join(", ")
                },
                match others {
                    0 => String::new(),
                    1 => " and 1 release after it".into(),
                    n => format!(" and {n} releases after it"),
                }
            );
        }
        Ok(Some(UndoableChange {
            change,
            summary,
            moved,
        }))
    }

    /// Reverses the last change: moves every release it moved back (refused when one has
    /// moved since), removes a dependency it added or adds back one it removed; new audit
    /// events marked as undoing it, in one transaction.
    pub fn undo_last_change(&mut self, clock: &dyn Clock, actor: &str) -> Result<UndoResult> {
        let Some(last) = self.last_change()? else {
            return Err(AppError::new(
                ErrorCode::NotFound,
                "there is no change to undo",
            ));
        };
        let Some((undone, events)) = self.last_change_events()? else {
            return Err(AppError::new(
                ErrorCode::NotFound,
                "there is no change to undo",
            ));
        };
        let input = self.plan_input()?;
        for m in &last.moved {
            let now = input.release(m.release_id).and_then(|r| r.release_date);
            if now != Some(m.to) {
                return Err(invalid(format!(
                    "{} has moved since (it is on {}, not {}); undo would overwrite that",
                    m.name,
                    now.map_or("no date".into(), |d| d.to_string()),
                    m.to
                )));
            }
            if m.from.is_none() {
                return Err(invalid(format!(
                    "{} had no date before; nothing to go back to",
                    m.name
                )));
            }
        }
        let graph_edges: Vec<(Id, Id)> = input
            .release_edges()
            .iter()
            .map(|e| (e.blocker, e.blocked))
            .collect();
        let u = &undone;
        let change = self.store().transact::<_, AppError>(|tx| {
            let change = format!("chg-{}", next_audit_id(tx)?);
            for m in &last.moved {
                let from = m.from.expect("checked above");
                let days = db::move_release(tx, m.release_id, from)?;
                audit(
                    tx,
                    clock,
                    actor,
                    "release.move",
                    "release",
                    m.release_id,
                    Some(json!({ "release_date": m.to })),
                    Some(json!({
                        "release_date": from,
                        "days": days,
                        "undoes": u,
                        "change": change,
                    })),
                )?;
            }
            for e in events
                .iter()
                .filter(|e| e.action.starts_with("dependency."))
            {
                undo_dependency(tx, clock, actor, e, u, &change, &graph_edges, &input)?;
            }
            Ok(change)
        })?;
        Ok(UndoResult {
            undone,
            change,
            summary: last.summary,
        })
    }

    /// The focused release's chain: upstream and downstream edges, each flagged broken
    /// when its blocker is dated after what it blocks, and its critical path.
    pub fn release_chain(&self, release: Id) -> Result<ReleaseChain> {
        let input = self.plan_input()?;
        if input.release(release).is_none() {
            return Err(AppError::new(
                ErrorCode::NotFound,
                format!("release {release}"),
            ));
        }
        Ok(chain_of(&input, release))
    }

    /// Every conflict of the plan, with "move to the next free slot" where one exists.
    pub fn plan_conflicts(&self) -> Result<ConflictList> {
        let (input, conflicts) = self.checked_plan()?;
        Ok(ConflictList {
            conflicts: conflicts.iter().map(|c| conflict_view(&input, c)).collect(),
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn undo_dependency(
    tx: &Transaction,
    clock: &dyn Clock,
    actor: &str,
    e: &AuditRecord,
    undone: &str,
    change: &str,
    edges: &[(Id, Id)],
    input: &PlanInput,
) -> Result<()> {
    let ids = |v: &Option<Value>| -> Option<(String, Id, Id, String)> {
        let v = v.as_ref()?;
        Some((
            v.get("kind")?.as_str()?.to_owned(),
            v.get("blocker_id")?.as_i64()?,
            v.get("blocked_id")?.as_i64()?,
            v.get("note")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        ))
    };
    match e.action.as_str() {
        "dependency.add" => {
            let id: Id = e
                .entity_id
                .as_deref()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| invalid("the change names no dependency"))?;
            if db::dependency(tx, id)?.is_none() {
                return Err(invalid(format!(
                    "the dependency {} has been removed since; nothing to undo",
                    dep_summary(e)
                )));
            }
            db::delete_dependency(tx, id)?;
            audit(
                tx,
                clock,
                actor,
                "dependency.remove",
                "dependency",
                id,
                e.after.clone(),
                Some(json!({ "undoes": undone, "change": change })),
            )?;
        }
        "dependency.remove" => {
            let (kind, a, b, note) =
                ids(&e.before).ok_or_else(|| invalid("the change does not say what it removed"))?;
            let kind =
                DepKind::parse(&kind).ok_or_else(|| invalid("an unknown dependency kind"))?;
            if kind == DepKind::Release {
                if let Some(cycle) = Graph::new(edges.iter().copied()).closes_cycle(a, b) {
                    return Err(AppError::new(
                        ErrorCode::DependencyCycle,
                        format!(
                            "adding {} back closes the cycle {}",
                            dep_summary(e),
                            core_plan::describe_path(input, DepKind::Release, &cycle)
                        ),
                    ));
                }
            }
            let id = db::insert_dependency(tx, kind, a, b, &note)?;
            let mut after = e.before.clone().unwrap_or(json!({}));
            after["id"] = json!(id);
            after["undoes"] = json!(undone);
            after["change"] = json!(change);
            audit(
                tx,
                clock,
                actor,
                "dependency.add",
                "dependency",
                id,
                None,
                Some(after),
            )?;
        }
        _ => {}
    }
    Ok(())
}

fn chain_of(input: &PlanInput, release: Id) -> ReleaseChain {
    let g = input.release_graph();
    let down = g.descendants(release);
    let up = Graph::new(
        input
            .release_edges()
            .into_iter()
            .map(|e| (e.blocked, e.blocker)),
    )
    .descendants(release);
    let live = |id: Id| {
        input
            .release(id)
            .is_some_and(|r| r.status != ReleaseStatus::Cancelled)
    };
    let date = |id: Id| input.release(id).and_then(|r| r.release_date);
    let release_dep: BTreeMap<Id, &str> = input
        .dependencies
        .iter()
        .filter(|d| d.kind == DepKind::Release)
        .map(|d| (d.id, d.note.as_str()))
        .collect();
    let mut upstream = Vec::new();
    let mut downstream = Vec::new();
    for e in input.release_edges() {
        if !live(e.blocker) || !live(e.blocked) {
            continue;
        }
        let is_up = up.contains(&e.blocker) && (e.blocked == release || up.contains(&e.blocked));
        let is_down =
            down.contains(&e.blocked) && (e.blocker == release || down.contains(&e.blocker));
        if !is_up && !is_down {
            continue;
        }
        let dep = e.via.iter().find(|d| release_dep.contains_key(d)).copied();
        let (bd, kd) = (date(e.blocker), date(e.blocked));
        let edge = ChainEdge {
            dependency_id: dep,
            blocker_id: e.blocker,
            blocker: input.name_of(DepKind::Release, e.blocker),
            blocker_date: bd,
            blocked_id: e.blocked,
            blocked: input.name_of(DepKind::Release, e.blocked),
            blocked_date: kd,
            broken: matches!((bd, kd), (Some(a), Some(b)) if a > b),
            direct: e.blocker == release || e.blocked == release,
            note: dep
                .and_then(|d| release_dep.get(&d))
                .map(|s| s.to_string())
                .unwrap_or_default(),
        };
        if is_up {
            upstream.push(edge);
        } else {
            downstream.push(edge);
        }
    }
    ReleaseChain {
        release_id: release,
        upstream,
        downstream,
        critical_path: core_plan::critical_path(input, release)
            .iter()
            .map(|s| s.release_id)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FixedClock;
    use chrono::{TimeZone, Utc};

    #[test]
    fn a_failure_inside_an_apply_leaves_every_date_and_the_log_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ws.sqlite3");
        let clock = FixedClock(Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap());
        let mut ws = Workspace::open(&path).unwrap();
        ws.load_demo(&clock).unwrap();
        let input = ws.plan_input().unwrap();
        // A release with a dependent, so the apply writes at least two releases.
        let g = input.release_graph();
        let r = input
            .releases
            .iter()
            .find(|r| !r.released && g.successors(r.id).next().is_some())
            .unwrap();
        let to = r.release_date.unwrap() + chrono::Duration::days(60);
        let moves = [ScenarioMove { release: r.id, to }];
        let preview = ws.preview_scenario(&moves).unwrap();
        assert!(preview.moved.len() >= 2, "{preview:?}");
        let before = ws.export_json().unwrap();
        let e = ws
            .apply_scenario_failing_after(&clock, "t", &moves, Some(1))
            .unwrap_err();
        assert!(e.message.contains("injected"), "{e:?}");
        assert_eq!(ws.export_json().unwrap(), before);
    }
}
