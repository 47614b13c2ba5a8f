//! One release's readiness report: state and checklist, risk with its factors, dependencies
//! and their state, approvals and the go/no-go record, the change record and the linked
//! changes. Built from the export [`Document`].

use crate::blocks::{Block, Line, ReportDoc, Span};
use crate::leadership::{Governance, ReportError, Result};
use std::collections::HashMap;
use switchyard_core::readiness::percent_ready;
use switchyard_core::{
    ChangeRecord, Checklist, Decision, Document, Id, ItemKind, ItemState, Milestone, RecordedBy,
    Release, ReleaseApproval, RiskAssessment, Timestamp, WorkItem,
};

#[derive(Debug, Clone, PartialEq)]
pub struct DependencyRow {
    /// `needs` (this release waits for it) or `needed by`.
    pub direction: &'static str,
    pub kind: String,
    pub other: String,
    pub state: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseReport {
    pub release: Release,
    pub train: Option<String>,
    pub generated_at: Timestamp,
    pub milestones: Vec<Milestone>,
    pub checklist: Option<Checklist>,
    pub risk: Option<RiskAssessment>,
    pub dependencies: Vec<DependencyRow>,
    /// Approvals not yet taken by a decision.
    pub open_approvals: Vec<ReleaseApproval>,
    /// Newest first.
    pub decisions: Vec<Decision>,
    pub change_records: Vec<ChangeRecord>,
    pub changes: Vec<WorkItem>,
    pub approvals_complete: bool,
    /// The audit log's signed head, shown with the approvals (set by the caller).
    pub audit_head: Option<crate::blocks::AuditHead>,
}

fn key_of(source_key: &Option<String>, id: Id) -> String {
    source_key.clone().unwrap_or_else(|| id.to_string())
}

/// A release's risk and checklist as they stand now (evaluated from the current data by
/// the caller), shown instead of the last recorded ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub risk: Option<RiskAssessment>,
    pub checklist: Option<Checklist>,
}

pub fn build(doc: &Document, release: Id, generated_at: Timestamp) -> Result<ReleaseReport> {
    build_standing(doc, release, generated_at, None)
}

/// [`build`], with the release's risk and checklist as they stand now when given.
pub fn build_standing(
    doc: &Document,
    release: Id,
    generated_at: Timestamp,
    standing: Option<Standing>,
) -> Result<ReleaseReport> {
    let r = doc
        .releases
        .iter()
        .find(|r| r.id == release)
        .ok_or_else(|| ReportError::NotFound(format!("release {release}")))?;
    let gov = Governance::new(doc);
    let mut milestones: Vec<Milestone> = doc
        .milestones
        .iter()
        .filter(|m| m.release_id == r.id)
        .cloned()
        .collect();
    milestones.sort_by_key(|m| (m.date, m.id));
    let checklist = doc
        .checklists
        .iter()
        .filter(|c| c.release_id == r.id)
        .max_by_key(|c| c.id)
        .cloned();
    let risk = doc
        .risk_assessments
        .iter()
        .filter(|a| a.release_id == r.id)
        .max_by_key(|a| a.id)
        .cloned();

    // Dependencies on releases and on the services this release ships.
    let releases_by_key: HashMap<String, &Release> = doc
        .releases
        .iter()
        .map(|x| (key_of(&x.source_key, x.id), x))
        .collect();
    let services_by_key: HashMap<String, &str> = doc
        .services
        .iter()
        .map(|s| (key_of(&s.source_key, s.id), s.name.as_str()))
        .collect();
    let me = key_of(&r.source_key, r.id);
    let mut dependencies = Vec::new();
    for d in &doc.dependencies {
        match d.kind.as_str() {
            "release" => {
                let (direction, other) = if d.blocked == me {
                    ("needs", &d.blocker)
                } else if d.blocker == me {
                    ("needed by", &d.blocked)
                } else {
                    continue;
                };
                let (name, state) = match releases_by_key.get(other) {
                    Some(o) => {
                        let date = o.release_date.map_or("no date".into(), |d| d.to_string());
                        let order = match (direction, o.release_date, r.release_date) {
                            ("needs", Some(a), Some(b)) if a > b => " — ships after this release",
                            ("needed by", Some(a), Some(b)) if a < b => {
                                " — ships before this release"
                            }
                            _ => "",
                        };
                        (
                            o.name.clone(),
                            format!("{}, {date}{order}", o.status.label()),
                        )
                    }
                    None => (other.clone(), "unknown release".into()),
                };
                dependencies.push(DependencyRow {
                    direction,
                    kind: "release".into(),
                    other: name,
                    state,
                    note: d.note.clone(),
                });
            }
            "service" => {
                let blocked = services_by_key.get(&d.blocked).copied();
                let blocker = services_by_key.get(&d.blocker).copied();
                if let (Some(bd), Some(bk)) = (blocked, blocker) {
                    if r.services.iter().any(|s| s == bd) {
                        dependencies.push(DependencyRow {
                            direction: "needs",
                            kind: "service".into(),
                            other: format!("{bk} (for {bd})"),
                            state: "service dependency".into(),
                            note: d.note.clone(),
                        });
                    }
                }
            }
            _ => {}
        }
    }

    let open_approvals: Vec<ReleaseApproval> = doc
        .release_approvals
        .iter()
        .filter(|a| a.release_id == r.id && a.decision_id.is_none())
        .cloned()
        .collect();
    let mut decisions: Vec<Decision> = doc
        .decisions
        .iter()
        .filter(|d| d.release_id == r.id)
        .cloned()
        .collect();
    decisions.sort_by_key(|d| std::cmp::Reverse(d.id));
    let change_records: Vec<ChangeRecord> = doc
        .change_records
        .iter()
        .filter(|c| c.release_id == r.id)
        .cloned()
        .collect();
    let mut changes: Vec<WorkItem> = doc
        .work_items
        .iter()
        .filter(|w| {
            w.release_ids.contains(&r.id)
                || change_records.iter().any(|c| c.changes.contains(&w.id))
        })
        .cloned()
        .collect();
    changes.sort_by_key(|w| w.id);
    let (checklist, risk) = match standing {
        Some(now) => (now.checklist, now.risk),
        None => (checklist, risk),
    };
    let class = risk.as_ref().map(|a| a.class_in_force());
    Ok(ReleaseReport {
        train: r
            .train_id
            .and_then(|t| doc.trains.iter().find(|x| x.id == t))
            .map(|t| t.name.clone()),
        release: r.clone(),
        generated_at,
        milestones,
        checklist,
        risk,
        dependencies,
        open_approvals,
        decisions,
        change_records,
        changes,
        approvals_complete: gov.approvals_complete_for(r.id, class),
        audit_head: None,
    })
}

fn t(ts: &Timestamp) -> String {
    ts.format("%Y-%m-%d %H:%M").to_string()
}

/// Where a record was written from: `user@host`, or `–` for records from before Switchyard
/// kept it.
fn recorded_on(r: &RecordedBy) -> String {
    match (&r.os_user, &r.os_host) {
        (Some(u), Some(h)) => format!("{u}@{h}"),
        (Some(u), None) => u.clone(),
        (None, Some(h)) => format!("@{h}"),
        (None, None) => "–".into(),
    }
}

/// A table of approvals: role, approver, when and from which OS user and host, one row each.
fn approval_table<'a>(
    head: [&str; 4],
    approvals: impl Iterator<Item = (&'a String, &'a String, &'a Timestamp, &'a RecordedBy)>,
) -> Block {
    Block::Table {
        head: head.map(String::from).to_vec(),
        rows: approvals
            .map(|(role, approver, at, rec)| {
                vec![
                    vec![Span::text(role)],
                    vec![Span::text(approver)],
                    vec![Span::text(t(at))],
                    vec![Span::text(recorded_on(rec))],
                ]
            })
            .collect(),
        numeric: vec![],
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "–".into())
}

/// A work item as a link to its Jira or GitHub record.
pub(crate) fn item_link(w: &WorkItem) -> Span {
    // The record's own name: its source key, else the number its URL ends in.
    let from_url = w
        .url
        .as_deref()
        .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .map(|n| format!("#{n}"));
    let label = match (&w.source_key, from_url) {
        (Some(k), _) => k.clone(),
        (None, Some(n)) => n,
        (None, None) => format!("#{}", w.id),
    };
    Span::link(label, w.url.as_deref())
}

impl ReleaseReport {
    pub fn to_doc(&self) -> ReportDoc {
        let r = &self.release;
        let mut b = Vec::new();
        b.push(Block::Heading(2, "Release".into()));
        let mut facts = vec![
            ("Name", r.name.clone()),
            ("Version", opt(&r.version)),
            ("Train", opt(&self.train)),
            ("Type", r.release_type.to_string()),
            ("Status", r.status.label()),
            (
                "Release date",
                r.release_date.map_or("–".into(), |d| d.to_string()),
            ),
            (
                "First planned",
                r.planned_date.map_or("–".into(), |d| d.to_string()),
            ),
            (
                "Services",
                if r.services.is_empty() {
                    "–".into()
                } else {
                    r.services.join(", ")
                },
            ),
        ];
        let overdue = r.overdue_days(self.generated_at.date_naive());
        if overdue > 0 {
            facts.insert(
                6,
                (
                    "Overdue",
                    format!(
                        "{overdue} day{} past its date, not shipped",
                        if overdue == 1 { "" } else { "s" }
                    ),
                ),
            );
        }
        if let Some(c) = &self.checklist {
            facts.push(("Ready", format!("{:.0}%", percent_ready(&c.items))));
        }
        if let Some(d) = self.decisions.first() {
            facts.push((
                "Go/no-go",
                format!(
                    "{} ({} by {})",
                    d.outcome.label(),
                    t(&d.decided_at),
                    d.decided_by
                ),
            ));
        }
        b.push(Block::Table {
            head: vec!["".into(), "".into()],
            rows: facts
                .into_iter()
                .map(|(k, v)| vec![vec![Span::Strong(k.into())], vec![Span::text(v)]])
                .collect(),
            numeric: vec![],
        });
        if !r.description.is_empty() {
            b.push(Block::Para(vec![Span::text(&r.description)]));
        }

        if !self.milestones.is_empty() {
            b.push(Block::Heading(2, "Milestones".into()));
            b.push(Block::Table {
                head: ["Milestone", "Date", "Done"].map(String::from).to_vec(),
                rows: self
                    .milestones
                    .iter()
                    .map(|m| {
                        vec![
                            vec![Span::text(&m.name)],
                            vec![Span::text(m.date.to_string())],
                            vec![Span::text(m.completed_at.as_ref().map_or("–".into(), t))],
                        ]
                    })
                    .collect(),
                numeric: vec![],
            });
        }

        b.push(Block::Heading(2, "Readiness checklist".into()));
        match &self.checklist {
            None => b.push(Block::Para(vec![Span::text("No checklist yet.")])),
            Some(c) => {
                b.push(Block::Para(vec![
                    Span::Strong(format!("{:.0}% ready", percent_ready(&c.items))),
                    Span::Muted(format!(
                        " · template {} · {} items",
                        c.template,
                        c.items.len()
                    )),
                ]));
                b.push(Block::Table {
                    head: ["Item", "State", "Owner", "Evidence", "Note"]
                        .map(String::from)
                        .to_vec(),
                    rows: c
                        .items
                        .iter()
                        .map(|i| {
                            let state = match (i.kind, &i.rule) {
                                (ItemKind::Rule, Some(rule)) => {
                                    format!("{} (rule {rule})", i.state.label())
                                }
                                (ItemKind::Rule, None) | (ItemKind::Manual, _) => i.state.label(),
                            };
                            vec![
                                vec![Span::text(&i.title)],
                                vec![if i.state == ItemState::Blocked {
                                    Span::Strong(state)
                                } else {
                                    Span::text(state)
                                }],
                                vec![Span::text(opt(&i.owner))],
                                vec![match &i.evidence_url {
                                    Some(u) => Span::link("evidence", Some(u)),
                                    None => Span::text("–"),
                                }],
                                vec![Span::text(&i.note)],
                            ]
                        })
                        .collect(),
                    numeric: vec![],
                });
            }
        }

        b.push(Block::Heading(2, "Risk".into()));
        match &self.risk {
            None => b.push(Block::Para(vec![Span::text("Not assessed yet.")])),
            Some(a) => {
                let mut line: Line = vec![Span::Strong(format!(
                    "{} (score {:.0})",
                    a.class_in_force(),
                    a.score
                ))];
                if let Some(o) = &a.override_class {
                    line.push(Span::text(format!(
                        " — overridden from {} to {o}: {}",
                        a.class,
                        a.override_reason.clone().unwrap_or_default()
                    )));
                }
                line.push(Span::Muted(format!(
                    " · assessed {} by {}",
                    t(&a.assessed_at),
                    a.assessed_by
                )));
                b.push(Block::Para(line));
                let factors: Vec<Vec<Line>> = a
                    .factors
                    .as_array()
                    .map(|list| {
                        list.iter()
                            .map(|f| {
                                let s = |k: &str| {
                                    f.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned()
                                };
                                let c = f
                                    .get("contribution")
                                    .and_then(|v| v.as_f64())
                                    .unwrap_or(0.0);
                                vec![
                                    vec![Span::text(s("factor").replace('_', " "))],
                                    vec![Span::text(format!("{c:+.1}"))],
                                    vec![Span::text(s("reason"))],
                                ]
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if !factors.is_empty() {
                    b.push(Block::Table {
                        head: ["Factor", "Contribution", "Reason"]
                            .map(String::from)
                            .to_vec(),
                        rows: factors,
                        numeric: vec![1],
                    });
                }
            }
        }

        b.push(Block::Heading(2, "Dependencies".into()));
        if self.dependencies.is_empty() {
            b.push(Block::Para(vec![Span::text("None recorded.")]));
        } else {
            b.push(Block::Table {
                head: ["", "Kind", "What", "State", "Note"]
                    .map(String::from)
                    .to_vec(),
                rows: self
                    .dependencies
                    .iter()
                    .map(|d| {
                        vec![
                            vec![Span::text(d.direction)],
                            vec![Span::text(&d.kind)],
                            vec![Span::text(&d.other)],
                            vec![Span::text(&d.state)],
                            vec![Span::text(&d.note)],
                        ]
                    })
                    .collect(),
                numeric: vec![],
            });
        }

        b.push(Block::Heading(2, "Approvals and go/no-go".into()));
        b.push(Block::Para(vec![Span::text(if self.approvals_complete {
            "Approvals complete for the risk class."
        } else {
            "Approvals not complete for the risk class."
        })]));
        if let Some(head) = &self.audit_head {
            b.push(Block::Para(head.line()));
        }
        if !self.open_approvals.is_empty() {
            b.push(approval_table(
                ["Pending approval: role", "Approver", "At", "Recorded by"],
                self.open_approvals
                    .iter()
                    .map(|a| (&a.role, &a.approver, &a.approved_at, &a.recorded)),
            ));
        }
        if self.decisions.is_empty() {
            b.push(Block::Para(vec![Span::text(
                "No go/no-go decision recorded.",
            )]));
        }
        for (k, d) in self.decisions.iter().enumerate() {
            b.push(Block::Heading(
                3,
                format!(
                    "{}Decision: {} — {} by {}{}",
                    if k > 0 { "Earlier " } else { "" },
                    d.outcome.label(),
                    t(&d.decided_at),
                    d.decided_by,
                    if d.recorded.os_user.is_some() || d.recorded.os_host.is_some() {
                        format!(" (recorded as {})", recorded_on(&d.recorded))
                    } else {
                        String::new()
                    }
                ),
            ));
            if !d.notes.is_empty() {
                b.push(Block::Para(vec![Span::text(&d.notes)]));
            }
            if !d.approvals.is_empty() {
                b.push(approval_table(
                    ["Role", "Approver", "Approved", "Recorded by"],
                    d.approvals
                        .iter()
                        .map(|a| (&a.role, &a.approver, &a.approved_at, &a.recorded)),
                ));
            }
            if let Some(list) = d.criteria.as_array().filter(|l| !l.is_empty()) {
                let items: Vec<Line> = list
                    .iter()
                    .map(|c| {
                        let s = |k: &str| {
                            c.get(k)
                                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                                .unwrap_or_default()
                        };
                        let name = [s("title"), s("name"), s("criterion")]
                            .into_iter()
                            .find(|x| !x.is_empty())
                            .unwrap_or_else(|| c.to_string());
                        let state = [s("state"), s("result"), s("passed")]
                            .into_iter()
                            .find(|x| !x.is_empty())
                            .unwrap_or_default();
                        vec![
                            Span::text(name),
                            Span::Muted(if state.is_empty() {
                                String::new()
                            } else {
                                format!(" — {state}")
                            }),
                        ]
                    })
                    .collect();
                b.push(Block::List(items));
            }
        }

        b.push(Block::Heading(2, "Change record".into()));
        if self.change_records.is_empty() {
            b.push(Block::Para(vec![Span::text("No change record.")]));
        }
        for c in &self.change_records {
            b.push(Block::Table {
                head: vec![format!("Change record {}", c.id), "".into()],
                rows: vec![
                    ("Title", c.title.clone()),
                    ("Kind / status", format!("{} / {}", c.kind, c.status)),
                    ("Risk class", opt(&c.risk_class.map(|c| c.to_string()))),
                    ("Services", c.services.join(", ")),
                    (
                        "Window",
                        match (&c.window_start, &c.window_end) {
                            (Some(a), Some(z)) => format!("{} to {}", t(a), t(z)),
                            _ => "–".into(),
                        },
                    ),
                    ("Rollback plan", c.rollback_plan.clone()),
                    (
                        "Approvals",
                        c.approvals
                            .iter()
                            .map(|a| format!("{} ({})", a.approver, a.role))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    (
                        "Created",
                        format!("{} by {}", t(&c.created_at), c.created_by),
                    ),
                ]
                .into_iter()
                .map(|(k, v)| vec![vec![Span::Strong(k.into())], vec![Span::text(v)]])
                .collect(),
                numeric: vec![],
            });
            if !c.evidence.is_empty() {
                b.push(Block::List(
                    c.evidence
                        .iter()
                        .map(|e| vec![Span::text("Evidence: "), Span::link(e, Some(e))])
                        .collect(),
                ));
            }
        }

        b.push(Block::Heading(
            2,
            format!("Linked changes ({})", self.changes.len()),
        ));
        if self.changes.is_empty() {
            b.push(Block::Para(vec![Span::text(
                "No changes linked to this release.",
            )]));
        } else {
            b.push(Block::Table {
                head: ["Record", "Title", "Kind", "Status", "Author"]
                    .map(String::from)
                    .to_vec(),
                rows: self
                    .changes
                    .iter()
                    .map(|w| {
                        vec![
                            vec![item_link(w)],
                            vec![Span::text(&w.title)],
                            vec![Span::text(w.kind.replace('_', " "))],
                            vec![Span::text(&w.status)],
                            vec![Span::text(opt(&w.author))],
                        ]
                    })
                    .collect(),
                numeric: vec![],
            });
        }

        ReportDoc {
            title: format!("Release readiness: {}", r.name),
            subtitle: format!("Generated {} UTC by Switchyard", t(&self.generated_at)),
            blocks: b,
        }
    }
}
