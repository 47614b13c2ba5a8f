//! The conflicts `plan check` reports.

use super::*;

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
    pub(super) fn new(kind: &str, id: Id, name: impl Into<String>) -> Self {
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

pub(super) fn is_live(r: &Release) -> bool {
    r.status != ReleaseStatus::Cancelled && !r.archived
}

pub(super) fn is_open(r: &Release) -> bool {
    is_live(r) && !r.released
}

pub(super) fn plural(n: i64, word: &str) -> String {
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

pub(super) fn dep_label(input: &PlanInput, id: Id) -> String {
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

pub(super) fn cycle_conflict(input: &PlanInput, kind: DepKind, cycle: &[Id]) -> Conflict {
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
