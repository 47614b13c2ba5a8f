//! The planning core (no I/O): dependency graphs and their cycles, topological order, the
//! critical path that sets a release's date, slip propagation, calendar generation from a
//! train's cadence, and the conflicts `plan check` reports.
//!
//! Dependencies are edges `blocker -> blocked` ("blocked needs blocker first"). Release
//! edges are direct; work-item edges (Jira "blocks" links) roll up to the releases the two
//! items ship in; service edges order no dates but make two releases "dependent" for the
//! risk-overlap check.

use crate::cadence::{apply_freeze_rule, occurrences};
use crate::model::*;
use crate::vocab::*;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// What the two ends of a dependency are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepKind {
    Release,
    Service,
    WorkItem,
}

impl DepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DepKind::Release => "release",
            DepKind::Service => "service",
            DepKind::WorkItem => "work_item",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "release" => Some(DepKind::Release),
            "service" => Some(DepKind::Service),
            "work_item" => Some(DepKind::WorkItem),
            _ => None,
        }
    }
}

/// A stored dependency: `blocker` and `blocked` are ids in the table `kind` names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub id: Id,
    pub kind: DepKind,
    pub blocker: Id,
    pub blocked: Id,
    pub note: String,
}

// ---------------------------------------------------------------------------------------
// Graphs

/// A directed graph over ids, ordered so every answer is deterministic.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    succ: BTreeMap<Id, BTreeSet<Id>>,
    pred: BTreeMap<Id, BTreeSet<Id>>,
}

impl Graph {
    pub fn new(edges: impl IntoIterator<Item = (Id, Id)>) -> Self {
        let mut g = Graph::default();
        for (a, b) in edges {
            g.add(a, b);
        }
        g
    }

    pub fn add(&mut self, from: Id, to: Id) {
        self.succ.entry(from).or_default().insert(to);
        self.pred.entry(to).or_default().insert(from);
        self.succ.entry(to).or_default();
        self.pred.entry(from).or_default();
    }

    pub fn nodes(&self) -> impl Iterator<Item = Id> + '_ {
        self.succ.keys().copied()
    }

    pub fn successors(&self, id: Id) -> impl Iterator<Item = Id> + '_ {
        self.succ.get(&id).into_iter().flatten().copied()
    }

    pub fn predecessors(&self, id: Id) -> impl Iterator<Item = Id> + '_ {
        self.pred.get(&id).into_iter().flatten().copied()
    }

    /// The shortest path `from -> ... -> to` (both ends included), if any.
    pub fn path(&self, from: Id, to: Id) -> Option<Vec<Id>> {
        self.path_within(from, to, |_| true)
    }

    fn path_within(&self, from: Id, to: Id, allowed: impl Fn(Id) -> bool) -> Option<Vec<Id>> {
        let mut parent: BTreeMap<Id, Id> = BTreeMap::new();
        let mut queue = VecDeque::from([from]);
        let mut seen = BTreeSet::from([from]);
        while let Some(x) = queue.pop_front() {
            for y in self.successors(x) {
                if y == to {
                    let mut path = vec![to, x];
                    let mut cur = x;
                    while let Some(&p) = parent.get(&cur) {
                        path.push(p);
                        cur = p;
                    }
                    path.reverse();
                    return Some(path);
                }
                if allowed(y) && seen.insert(y) {
                    parent.insert(y, x);
                    queue.push_back(y);
                }
            }
        }
        None
    }

    /// The cycle that adding `blocker -> blocked` would close, as a closed path
    /// `[blocker, blocked, ..., blocker]`; `None` when the edge is safe.
    pub fn closes_cycle(&self, blocker: Id, blocked: Id) -> Option<Vec<Id>> {
        if blocker == blocked {
            return Some(vec![blocker, blocker]);
        }
        let back = self.path(blocked, blocker)?;
        let mut cycle = vec![blocker];
        cycle.extend(back);
        Some(cycle)
    }

    /// Everything reachable from `id` (not `id` itself unless it sits on a cycle).
    pub fn descendants(&self, id: Id) -> BTreeSet<Id> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<Id> = self.successors(id).collect();
        while let Some(x) = stack.pop() {
            if seen.insert(x) {
                stack.extend(self.successors(x));
            }
        }
        seen
    }

    /// Strongly connected components (Kosaraju, iterative), each sorted, in order of
    /// their smallest id.
    pub fn components(&self) -> Vec<Vec<Id>> {
        let mut order = Vec::new();
        let mut seen = BTreeSet::new();
        for start in self.nodes() {
            if !seen.insert(start) {
                continue;
            }
            let mut stack: Vec<(Id, Vec<Id>)> = vec![(start, self.successors(start).collect())];
            while let Some((node, rest)) = stack.last_mut() {
                if let Some(next) = rest.pop() {
                    if seen.insert(next) {
                        let succ = self.successors(next).collect();
                        stack.push((next, succ));
                    }
                } else {
                    order.push(*node);
                    stack.pop();
                }
            }
        }
        let mut assigned = BTreeSet::new();
        let mut comps = Vec::new();
        for &start in order.iter().rev() {
            if !assigned.insert(start) {
                continue;
            }
            let mut comp = vec![start];
            let mut stack = vec![start];
            while let Some(x) = stack.pop() {
                for p in self.predecessors(x) {
                    if assigned.insert(p) {
                        comp.push(p);
                        stack.push(p);
                    }
                }
            }
            comp.sort_unstable();
            comps.push(comp);
        }
        comps.sort();
        comps
    }

    /// One closed path per cyclic component, starting and ending at its smallest id.
    pub fn cycles(&self) -> Vec<Vec<Id>> {
        let mut out = Vec::new();
        for comp in self.components() {
            let start = comp[0];
            let cyclic = comp.len() > 1 || self.successors(start).any(|s| s == start);
            if !cyclic {
                continue;
            }
            let members: BTreeSet<Id> = comp.iter().copied().collect();
            if let Some(path) = self.path_within(start, start, |x| members.contains(&x)) {
                out.push(path);
            }
        }
        out
    }

    /// `nodes` in dependency order (every blocker before what it blocks), ties broken by
    /// `key` then id. `Err` with a cycle when there is no such order.
    pub fn topo_order<K: Ord>(
        &self,
        nodes: &[Id],
        key: impl Fn(Id) -> K,
    ) -> Result<Vec<Id>, Vec<Id>> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let set: BTreeSet<Id> = nodes.iter().copied().collect();
        let mut indeg: BTreeMap<Id, usize> = set
            .iter()
            .map(|&n| (n, self.predecessors(n).filter(|p| set.contains(p)).count()))
            .collect();
        let mut ready: BinaryHeap<Reverse<(K, Id)>> = indeg
            .iter()
            .filter(|(_, d)| **d == 0)
            .map(|(&n, _)| Reverse((key(n), n)))
            .collect();
        let mut out = Vec::with_capacity(set.len());
        while let Some(Reverse((_, n))) = ready.pop() {
            out.push(n);
            for s in self.successors(n) {
                if let Some(d) = indeg.get_mut(&s) {
                    *d -= 1;
                    if *d == 0 {
                        ready.push(Reverse((key(s), s)));
                    }
                }
            }
        }
        if out.len() == set.len() {
            return Ok(out);
        }
        let done: BTreeSet<Id> = out.into_iter().collect();
        let left: Vec<(Id, Id)> = set
            .iter()
            .filter(|n| !done.contains(n))
            .flat_map(|&n| {
                self.successors(n)
                    .filter(|s| set.contains(s) && !done.contains(s))
                    .map(move |s| (n, s))
                    .collect::<Vec<_>>()
            })
            .collect();
        Err(Graph::new(left)
            .cycles()
            .into_iter()
            .next()
            .unwrap_or_default())
    }
}

// ---------------------------------------------------------------------------------------
// The planning picture

/// Everything the planner reads, loaded by the store.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub releases: Vec<Release>,
    pub trains: Vec<Train>,
    pub dependencies: Vec<Edge>,
    /// `(work item id, release id)`: the releases a work item ships in.
    pub work_item_releases: Vec<(Id, Id)>,
    /// Display keys of work items (`ABC-123`, or `#id`).
    pub work_item_keys: BTreeMap<Id, String>,
    pub services: BTreeMap<Id, String>,
    pub freeze_windows: Vec<FreezeWindow>,
    pub holidays: Vec<Holiday>,
    pub milestones: Vec<Milestone>,
    /// The latest risk assessment per release: `(assessment id, effective class)`.
    pub risk: BTreeMap<Id, (Id, RiskClass)>,
}

impl PlanInput {
    /// The planning picture of an export document (the store loads the same from SQL).
    pub fn from_document(doc: &Document) -> Self {
        let services: BTreeMap<Id, String> = doc
            .services
            .iter()
            .map(|s| (s.id, s.name.clone()))
            .collect();
        let service_by_key = |key: &str| {
            doc.services
                .iter()
                .find(|s| s.source_key.as_deref() == Some(key) || s.id.to_string() == key)
                .map(|s| s.id)
        };
        let release_by_key = |key: &str| {
            doc.releases
                .iter()
                .find(|r| r.source_key.as_deref() == Some(key) || r.id.to_string() == key)
                .map(|r| r.id)
        };
        let item_by_key = |key: &str| {
            doc.work_items
                .iter()
                .find(|w| w.source_key.as_deref() == Some(key) || w.id.to_string() == key)
                .map(|w| w.id)
        };
        let dependencies = doc
            .dependencies
            .iter()
            .filter_map(|d| {
                let kind = DepKind::parse(&d.kind)?;
                let find = |k: &str| match kind {
                    DepKind::Release => release_by_key(k),
                    DepKind::Service => service_by_key(k),
                    DepKind::WorkItem => item_by_key(k),
                };
                Some(Edge {
                    id: d.id,
                    kind,
                    blocker: find(&d.blocker)?,
                    blocked: find(&d.blocked)?,
                    note: d.note.clone(),
                })
            })
            .collect::<Vec<_>>();
        let linked: BTreeSet<Id> = dependencies
            .iter()
            .filter(|d| d.kind == DepKind::WorkItem)
            .flat_map(|d| [d.blocker, d.blocked])
            .collect();
        // The latest assessment is the last one appended (largest id), whatever its time.
        let mut risk: BTreeMap<Id, (Id, RiskClass)> = BTreeMap::new();
        for a in &doc.risk_assessments {
            let class = a.class_in_force();
            let newer = risk.get(&a.release_id).is_none_or(|(id, _)| a.id > *id);
            if newer {
                risk.insert(a.release_id, (a.id, class));
            }
        }
        let mut releases = doc.releases.clone();
        releases.sort_by_key(|r| r.id);
        PlanInput {
            releases,
            trains: doc.trains.clone(),
            work_item_releases: doc
                .work_items
                .iter()
                .filter(|w| linked.contains(&w.id))
                .flat_map(|w| w.release_ids.iter().map(move |r| (w.id, *r)))
                .collect(),
            work_item_keys: doc
                .work_items
                .iter()
                .filter(|w| linked.contains(&w.id))
                .map(|w| {
                    (
                        w.id,
                        w.source_key.clone().unwrap_or_else(|| format!("#{}", w.id)),
                    )
                })
                .collect(),
            dependencies,
            services,
            freeze_windows: doc.freeze_windows.clone(),
            holidays: doc.holidays.clone(),
            milestones: doc.milestones.clone(),
            risk,
        }
    }
}

/// A release-on-release constraint and the dependency records it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseEdge {
    pub blocker: Id,
    pub blocked: Id,
    pub via: Vec<Id>,
}

impl PlanInput {
    pub fn release(&self, id: Id) -> Option<&Release> {
        self.releases
            .binary_search_by_key(&id, |r| r.id)
            .ok()
            .map(|i| &self.releases[i])
    }

    fn release_name(&self, id: Id) -> String {
        self.release(id)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| format!("release {id}"))
    }

    /// The display name of one end of a dependency.
    pub fn name_of(&self, kind: DepKind, id: Id) -> String {
        match kind {
            DepKind::Release => self.release_name(id),
            DepKind::Service => self
                .services
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("service {id}")),
            DepKind::WorkItem => self
                .work_item_keys
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("#{id}")),
        }
    }

    fn train_rule(&self, r: &Release) -> Option<FreezeRule> {
        let tid = r.train_id?;
        self.trains
            .iter()
            .find(|t| t.id == tid)
            .map(|t| t.freeze_rule)
    }

    /// Release edges: direct ones, and work-item "blocks" links rolled up to the releases
    /// the two items ship in (A in R1 blocks B in R2 => R1 before R2).
    pub fn release_edges(&self) -> Vec<ReleaseEdge> {
        let mut items: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
        for &(w, r) in &self.work_item_releases {
            items.entry(w).or_default().push(r);
        }
        let mut edges: BTreeMap<(Id, Id), Vec<Id>> = BTreeMap::new();
        for d in &self.dependencies {
            match d.kind {
                DepKind::Release => edges.entry((d.blocker, d.blocked)).or_default().push(d.id),
                DepKind::WorkItem => {
                    for &ra in items.get(&d.blocker).into_iter().flatten() {
                        for &rb in items.get(&d.blocked).into_iter().flatten() {
                            if ra != rb {
                                edges.entry((ra, rb)).or_default().push(d.id);
                            }
                        }
                    }
                }
                DepKind::Service => {}
            }
        }
        edges
            .into_iter()
            .map(|((blocker, blocked), via)| ReleaseEdge {
                blocker,
                blocked,
                via,
            })
            .collect()
    }

    /// The graph of releases (rolled up), skipping cancelled releases.
    pub fn release_graph(&self) -> Graph {
        let live = |id: Id| {
            self.release(id)
                .is_some_and(|r| r.status != ReleaseStatus::Cancelled)
        };
        Graph::new(
            self.release_edges()
                .into_iter()
                .filter(|e| live(e.blocker) && live(e.blocked))
                .map(|e| (e.blocker, e.blocked)),
        )
    }

    pub fn kind_graph(&self, kind: DepKind) -> Graph {
        Graph::new(
            self.dependencies
                .iter()
                .filter(|d| d.kind == kind)
                .map(|d| (d.blocker, d.blocked)),
        )
    }

    /// Freeze windows and holidays.
    pub fn blackout_windows(&self) -> Vec<Blackout> {
        blackouts(&self.freeze_windows, &self.holidays)
    }
}

/// Freeze windows and holidays as one list (a holiday freezes every service).
pub fn blackouts(windows: &[FreezeWindow], holidays: &[Holiday]) -> Vec<Blackout> {
    windows
        .iter()
        .cloned()
        .map(Blackout::Freeze)
        .chain(holidays.iter().cloned().map(Blackout::Holiday))
        .collect()
}

/// `A -> B -> C` with the names of the ids in `cycle`.
pub fn describe_path(input: &PlanInput, kind: DepKind, path: &[Id]) -> String {
    path.iter()
        .map(|&id| input.name_of(kind, id))
        .collect::<Vec<_>>()
        .join(" -> ")
}

// ---------------------------------------------------------------------------------------
// Critical path

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathStep {
    pub release_id: Id,
    pub name: String,
    pub release_date: Option<NaiveDate>,
    /// Days between this release and the next one on the path (None for the last).
    pub slack_days: Option<i64>,
}

/// The chain of blockers that sets `release`'s date: from the release, repeatedly the
/// blocker dated latest (ties: the one with the longer chain behind it, then the lower
/// id), earliest first and `release` last.
pub fn critical_path(input: &PlanInput, release: Id) -> Vec<PathStep> {
    let g = input.release_graph();
    let date = |id: Id| input.release(id).and_then(|r| r.release_date);
    let mut chain = vec![release];
    let mut seen = BTreeSet::from([release]);
    let mut cur = release;
    loop {
        let next = g
            .predecessors(cur)
            .filter(|p| !seen.contains(p) && date(*p).is_some())
            .max_by(|a, b| date(*a).cmp(&date(*b)).then(b.cmp(a)));
        match next {
            Some(p) => {
                seen.insert(p);
                chain.push(p);
                cur = p;
            }
            None => break,
        }
    }
    chain.reverse();
    let mut steps: Vec<PathStep> = chain
        .iter()
        .map(|&id| PathStep {
            release_id: id,
            name: input.release_name(id),
            release_date: date(id),
            slack_days: None,
        })
        .collect();
    for i in 0..steps.len().saturating_sub(1) {
        if let (Some(a), Some(b)) = (steps[i].release_date, steps[i + 1].release_date) {
            steps[i].slack_days = Some((b - a).num_days());
        }
    }
    steps
}

// ---------------------------------------------------------------------------------------
// Slip propagation

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlipMove {
    pub release_id: Id,
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    /// The blocker that pushes it.
    pub because_of: Id,
    /// A freeze window or holiday it lands in (flag-rule trains and off-train releases).
    pub lands_in: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlipBreak {
    pub release_id: Id,
    pub name: String,
    pub reason: String,
}

/// What moving one release does to the plan: a preview that changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlipPlan {
    pub release_id: Id,
    pub name: String,
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
    pub days: Option<i64>,
    /// A freeze window or holiday the moved release lands in.
    pub lands_in: Option<String>,
    /// Every dependent that has to move, in dependency order.
    pub moves: Vec<SlipMove>,
    /// Every dependency the move breaks that moving dependents cannot fix.
    pub breaks: Vec<SlipBreak>,
}

fn next_weekday(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = d.succ_opt().unwrap_or(d);
    }
    d
}

fn blackout_at<'a>(
    windows: &'a [Blackout],
    services: &[String],
    day: NaiveDate,
) -> Option<&'a Blackout> {
    windows
        .iter()
        .find(|w| w.covers(day) && w.applies_to_any(services))
}

/// Moving `release` to `to`: every dependent (downstream in the release graph) that must
/// move so that no blocker ships after what it blocks, moved just as far as needed (then
/// to a weekday, and out of freeze windows when its train's rule is `move`); and what
/// breaks (a dependent that already shipped, or a blocker now dated after the release).
/// `Err` with a cycle when the dependents are cyclic.
pub fn propagate_slip(input: &PlanInput, release: Id, to: NaiveDate) -> Result<SlipPlan, Vec<Id>> {
    let g = input.release_graph();
    let windows = input.blackout_windows();
    let target = input.release(release);
    let from = target.and_then(|r| r.release_date);
    let mut plan = SlipPlan {
        release_id: release,
        name: input.release_name(release),
        from,
        to,
        days: from.map(|f| (to - f).num_days()),
        lands_in: target
            .and_then(|r| blackout_at(&windows, &r.services, to))
            .map(Blackout::label),
        moves: vec![],
        breaks: vec![],
    };
    let mut new_date: BTreeMap<Id, NaiveDate> = BTreeMap::new();
    new_date.insert(release, to);
    let date = |id: Id, nd: &BTreeMap<Id, NaiveDate>| {
        nd.get(&id)
            .copied()
            .or_else(|| input.release(id).and_then(|r| r.release_date))
    };
    // Blockers of the moved release that now ship after it.
    for b in g.predecessors(release) {
        if let Some(bd) = date(b, &new_date) {
            if bd > to {
                plan.breaks.push(SlipBreak {
                    release_id: b,
                    name: input.release_name(b),
                    reason: format!(
                        "{} needs {} first, which ships on {bd}, after the new date {to}",
                        plan.name,
                        input.release_name(b)
                    ),
                });
            }
        }
    }
    let down: Vec<Id> = g.descendants(release).into_iter().collect();
    if down.contains(&release) {
        return Err(g
            .path(release, release)
            .unwrap_or_else(|| vec![release, release]));
    }
    let order = g.topo_order(&down, |id| date(id, &BTreeMap::new()))?;
    for id in order {
        let Some(r) = input.release(id) else { continue };
        let Some(current) = r.release_date else {
            continue;
        };
        // The latest (new) date among its blockers.
        let pushing = g
            .predecessors(id)
            .filter_map(|b| date(b, &new_date).map(|d| (d, b)))
            .max();
        let Some((required, because_of)) = pushing else {
            continue;
        };
        if current >= required {
            continue;
        }
        if r.released {
            plan.breaks.push(SlipBreak {
                release_id: id,
                name: r.name.clone(),
                reason: format!(
                    "{} shipped on {current}, but its blocker {} would now ship on {required}",
                    r.name,
                    input.release_name(because_of)
                ),
            });
            continue;
        }
        let (landed, lands_in) = if input.train_rule(r) == Some(FreezeRule::Move) {
            let (d, _) = apply_freeze_rule(required, FreezeRule::Move, &windows, &r.services);
            (
                d,
                blackout_at(&windows, &r.services, d).map(Blackout::label),
            )
        } else {
            let d = next_weekday(required);
            (
                d,
                blackout_at(&windows, &r.services, d).map(Blackout::label),
            )
        };
        new_date.insert(id, landed);
        plan.moves.push(SlipMove {
            release_id: id,
            name: r.name.clone(),
            from: current,
            to: landed,
            days: (landed - current).num_days(),
            because_of,
            lands_in,
        });
    }
    Ok(plan)
}

// ---------------------------------------------------------------------------------------
// Calendar generation

/// Built-in milestone templates: `standard` is the design's T-5/-3/-2/-1/0/+7.
pub fn milestone_template(name: &str) -> Option<Vec<MilestoneOffset>> {
    let list: &[(&str, &str, i32)] = match name {
        "standard" => &[
            ("branch_cut", "Branch cut", -5),
            ("code_freeze", "Code freeze", -3),
            ("rc", "Release candidate", -2),
            ("go_no_go", "Go/no-go", -1),
            ("release", "Release", 0),
            ("review", "Post-release review", 7),
        ],
        "long" => &[
            ("branch_cut", "Branch cut", -21),
            ("code_freeze", "Code freeze", -14),
            ("rc", "Release candidate", -10),
            ("go_no_go", "Go/no-go", -2),
            ("release", "Release", 0),
            ("review", "Post-release review", 14),
        ],
        "none" => &[],
        _ => return None,
    };
    Some(
        list.iter()
            .map(|(kind, name, offset_days)| MilestoneOffset {
                kind: (*kind).into(),
                name: (*name).into(),
                offset_days: *offset_days,
            })
            .collect(),
    )
}

/// Milestone dates for a release on `day`: on working days (not weekends or holidays),
/// earlier milestones moving back, later ones forward.
pub fn milestone_dates(
    template: &[MilestoneOffset],
    day: NaiveDate,
    holidays: &[Holiday],
) -> Vec<(MilestoneOffset, NaiveDate)> {
    let off = |d: NaiveDate| {
        matches!(d.weekday(), Weekday::Sat | Weekday::Sun) || holidays.iter().any(|h| h.date == d)
    };
    template
        .iter()
        .map(|m| {
            let mut date = day + chrono::Duration::days(i64::from(m.offset_days));
            let mut guard = 0;
            while m.offset_days != 0 && off(date) && guard < 31 {
                date = if m.offset_days < 0 {
                    date - Days::new(1)
                } else {
                    date + Days::new(1)
                };
                guard += 1;
            }
            (m.clone(), date)
        })
        .collect()
}

/// One release a train's cadence asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedRelease {
    pub name: String,
    pub version: String,
    /// The cadence date.
    pub cadence_date: NaiveDate,
    /// Where it lands after the freeze rule.
    pub release_date: NaiveDate,
    /// The freeze window or holiday it sits in (flag rule), if any.
    pub flagged: Option<String>,
    /// The id of the release that already stands for this date, if any.
    pub existing: Option<Id>,
    pub milestones: Vec<(String, String, NaiveDate)>,
}

/// The releases `train` asks for in `from..=until`, each marked with the existing release
/// that already stands for it (same train and planned date, or same version), so
/// generating again creates nothing twice.
pub fn plan_train(
    train: &Train,
    from: NaiveDate,
    until: NaiveDate,
    windows: &[FreezeWindow],
    holidays: &[Holiday],
    existing: &[Release],
) -> Vec<PlannedRelease> {
    let all = blackouts(windows, holidays);
    occurrences(&train.cadence, from, until)
        .into_iter()
        .map(|cadence_date| {
            let (release_date, frozen) =
                apply_freeze_rule(cadence_date, train.freeze_rule, &all, &train.services);
            let flagged = frozen
                .then(|| blackout_at(&all, &train.services, release_date).map(Blackout::label))
                .flatten();
            let version = cadence_date.format("%Y.%m.%d").to_string();
            let existing = existing
                .iter()
                .find(|r| {
                    r.train_id == Some(train.id)
                        && (r.planned_date == Some(release_date)
                            || r.planned_date == Some(cadence_date)
                            || r.version.as_deref() == Some(version.as_str()))
                })
                .map(|r| r.id);
            PlannedRelease {
                name: format!("{} {version}", train.name),
                version,
                cadence_date,
                release_date,
                flagged,
                existing,
                milestones: milestone_dates(&train.milestone_template, release_date, holidays)
                    .into_iter()
                    .map(|(m, d)| (m.kind, m.name, d))
                    .collect(),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Conflicts

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    Cycle,
    DependencyOrder,
    FreezeWindow,
    RiskOverlap,
    MilestoneOrder,
}

/// A record a conflict involves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RecordRef {
    /// `release`, `service`, `work_item`, `dependency`, `freeze_window`, `holiday`,
    /// `milestone` or `risk_assessment`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Id,
    pub name: String,
}

impl RecordRef {
    fn new(kind: &str, id: Id, name: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            id,
            name: name.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub kind: ConflictKind,
    pub records: Vec<RecordRef>,
    pub message: String,
}

/// Two high-risk releases closer than this many days on dependent services overlap.
pub const RISK_OVERLAP_DAYS: i64 = 2;

fn is_live(r: &Release) -> bool {
    r.status != ReleaseStatus::Cancelled && !r.archived
}

fn is_open(r: &Release) -> bool {
    is_live(r) && !r.released
}

fn plural(n: i64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Every conflict in the plan: dependency cycles, dependency order broken by dates,
/// releases in freeze windows or on holidays, high-risk releases close together on
/// dependent services, and milestones out of order. Shipped and cancelled releases are
/// history: only what can still change is checked (a cycle is reported wherever it is).
pub fn check(input: &PlanInput) -> Vec<Conflict> {
    let mut out = Vec::new();
    let rel = |id: Id| RecordRef::new("release", id, input.release_name(id));

    // Cycles, in each kind's own graph and in the rolled-up release graph.
    let mut seen_release_cycles = BTreeSet::new();
    for kind in [DepKind::Release, DepKind::Service, DepKind::WorkItem] {
        for cycle in input.kind_graph(kind).cycles() {
            if kind == DepKind::Release {
                seen_release_cycles.insert(cycle.clone());
            }
            out.push(cycle_conflict(input, kind, &cycle));
        }
    }
    for cycle in input.release_graph().cycles() {
        if !seen_release_cycles.contains(&cycle) {
            out.push(cycle_conflict(input, DepKind::Release, &cycle));
        }
    }

    // Dependency order broken by dates.
    for e in input.release_edges() {
        let (Some(a), Some(b)) = (input.release(e.blocker), input.release(e.blocked)) else {
            continue;
        };
        if !is_live(a) || !is_live(b) || (a.released && b.released) {
            continue;
        }
        let (Some(da), Some(db)) = (a.release_date, b.release_date) else {
            continue;
        };
        if da > db {
            let mut records = vec![rel(a.id), rel(b.id)];
            records.extend(
                e.via
                    .iter()
                    .map(|&d| RecordRef::new("dependency", d, dep_label(input, d))),
            );
            out.push(Conflict {
                kind: ConflictKind::DependencyOrder,
                records,
                message: format!(
                    "{} ({db}) needs {} first, but {} is dated {da}, {} later.",
                    b.name,
                    a.name,
                    a.name,
                    plural((da - db).num_days(), "day")
                ),
            });
        }
    }

    // Releases in freeze windows or on holidays.
    let windows = input.blackout_windows();
    for r in input.releases.iter().filter(|r| is_open(r)) {
        let Some(day) = r.release_date else { continue };
        for w in windows
            .iter()
            .filter(|w| w.covers(day) && w.applies_to_any(&r.services))
        {
            let (record, what) = match w {
                Blackout::Holiday(h) => (
                    RecordRef::new("holiday", h.id, h.name.clone()),
                    format!("the holiday {}", h.name),
                ),
                Blackout::Freeze(w) => {
                    let scope = if w.services.is_empty() {
                        "every service".to_string()
                    } else {
                        w.services
                            .iter()
                            .filter(|s| r.services.contains(s))
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    (
                        RecordRef::new("freeze_window", w.id, w.name.clone()),
                        format!(
                            "the freeze window {} ({} to {}, freezing {scope})",
                            w.name, w.start_date, w.end_date
                        ),
                    )
                }
            };
            out.push(Conflict {
                kind: ConflictKind::FreezeWindow,
                records: vec![rel(r.id), record],
                message: format!("{} is planned for {day}, inside {what}.", r.name),
            });
        }
    }

    // High-risk releases close together on dependent services.
    let service_ids: BTreeMap<&str, Id> = input
        .services
        .iter()
        .map(|(id, name)| (name.as_str(), *id))
        .collect();
    let service_edges: BTreeSet<(&str, &str)> = input
        .dependencies
        .iter()
        .filter(|d| d.kind == DepKind::Service)
        .filter_map(|d| {
            Some((
                input.services.get(&d.blocker)?.as_str(),
                input.services.get(&d.blocked)?.as_str(),
            ))
        })
        .collect();
    let risky: Vec<(&Release, NaiveDate, &(Id, RiskClass))> = input
        .releases
        .iter()
        .filter(|r| is_open(r))
        .filter_map(|r| {
            let risk = input.risk.get(&r.id)?;
            (risk.1 >= RiskClass::High).then_some((r, r.release_date?, risk))
        })
        .collect();
    for (i, (a, da, ra)) in risky.iter().enumerate() {
        for (b, db, rb) in &risky[i + 1..] {
            let gap = (*db - *da).num_days().abs();
            if gap > RISK_OVERLAP_DAYS {
                continue;
            }
            let link = a.services.iter().find_map(|sa| {
                if b.services.contains(sa) {
                    return Some((sa.clone(), sa.clone()));
                }
                b.services.iter().find_map(|sb| {
                    if service_edges.contains(&(sa.as_str(), sb.as_str())) {
                        Some((sa.clone(), sb.clone()))
                    } else if service_edges.contains(&(sb.as_str(), sa.as_str())) {
                        Some((sb.clone(), sa.clone()))
                    } else {
                        None
                    }
                })
            });
            let Some((s1, s2)) = link else { continue };
            let how = if s1 == s2 {
                format!("both ship {s1}")
            } else {
                format!("{s2} depends on {s1}")
            };
            let when = if gap == 0 {
                "on the same day".to_string()
            } else {
                format!("within {} of each other", plural(gap, "day"))
            };
            let mut records = vec![
                rel(a.id),
                rel(b.id),
                RecordRef::new("risk_assessment", ra.0, format!("{} risk", ra.1)),
                RecordRef::new("risk_assessment", rb.0, format!("{} risk", rb.1)),
            ];
            for s in [&s1, &s2] {
                if let Some(&sid) = service_ids.get(s.as_str()) {
                    let r = RecordRef::new("service", sid, s.clone());
                    if !records.contains(&r) {
                        records.push(r);
                    }
                }
            }
            out.push(Conflict {
                kind: ConflictKind::RiskOverlap,
                records,
                message: format!(
                    "{} ({} risk, {da}) and {} ({} risk, {db}) ship {when}, and {how}.",
                    a.name, ra.1, b.name, rb.1
                ),
            });
        }
    }

    // Milestones out of order.
    let rank = |kind: &str| {
        [
            "branch_cut",
            "code_freeze",
            "rc",
            "go_no_go",
            "release",
            "review",
        ]
        .iter()
        .position(|k| *k == kind)
    };
    let mut by_release: BTreeMap<Id, Vec<&Milestone>> = BTreeMap::new();
    for m in &input.milestones {
        by_release.entry(m.release_id).or_default().push(m);
    }
    for (rid, ms) in by_release {
        let Some(r) = input.release(rid).filter(|r| is_open(r)) else {
            continue;
        };
        let mut ranked: Vec<(usize, &Milestone)> = ms
            .iter()
            .filter_map(|m| Some((rank(&m.kind)?, *m)))
            .collect();
        ranked.sort_by_key(|(k, m)| (*k, m.id));
        let bad = ranked.iter().enumerate().find_map(|(i, (_, a))| {
            ranked[i + 1..]
                .iter()
                .find(|(kb, b)| b.date < a.date && *kb > ranked[i].0)
                .map(|(_, b)| (*a, *b))
        });
        if let Some((a, b)) = bad {
            out.push(Conflict {
                kind: ConflictKind::MilestoneOrder,
                records: vec![
                    rel(r.id),
                    RecordRef::new("milestone", a.id, a.name.clone()),
                    RecordRef::new("milestone", b.id, b.name.clone()),
                ],
                message: format!(
                    "{}: {} ({}) comes after {} ({}), which should follow it.",
                    r.name, a.name, a.date, b.name, b.date
                ),
            });
        }
    }
    out.sort_by(|a, b| (a.kind, &a.records).cmp(&(b.kind, &b.records)));
    out
}

fn dep_label(input: &PlanInput, id: Id) -> String {
    input
        .dependencies
        .iter()
        .find(|d| d.id == id)
        .map(|d| {
            format!(
                "{} -> {}",
                input.name_of(d.kind, d.blocker),
                input.name_of(d.kind, d.blocked)
            )
        })
        .unwrap_or_else(|| format!("dependency {id}"))
}

fn cycle_conflict(input: &PlanInput, kind: DepKind, cycle: &[Id]) -> Conflict {
    let mut records: Vec<RecordRef> = Vec::new();
    for &id in &cycle[..cycle.len().saturating_sub(1)] {
        records.push(RecordRef::new(kind.as_str(), id, input.name_of(kind, id)));
    }
    let what = match kind {
        DepKind::Release => "releases",
        DepKind::Service => "services",
        DepKind::WorkItem => "work items",
    };
    Conflict {
        kind: ConflictKind::Cycle,
        records,
        message: format!(
            "These {what} wait for each other in a circle, so none can go first: {}.",
            describe_path(input, kind, cycle)
        ),
    }
}

#[cfg(test)]
mod tests;
