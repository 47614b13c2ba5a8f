//! One reader per record type: the `SELECT` a record is read with and the mapper from its
//! row, shared by the export and the per-release queries (which add their own `WHERE` and
//! `ORDER BY`).

use crate::codec::*;
use crate::Result;
use rusqlite::{Connection, Row};
use std::collections::HashMap;
use switchyard_core::*;

/// Every row of `sql` with parameters `p`, mapped by `f`.
pub(crate) fn all<T>(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
    f: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(p, f)?;
    Ok(rows.collect::<rusqlite::Result<Vec<T>>>()?)
}

/// `(parent id, record)` pairs as `parent id -> records`, in the order given.
pub(crate) fn group<T>(pairs: Vec<(Id, T)>) -> HashMap<Id, Vec<T>> {
    let mut map: HashMap<Id, Vec<T>> = HashMap::new();
    for (parent, t) in pairs {
        map.entry(parent).or_default().push(t);
    }
    map
}

pub(crate) const ASSESSMENT: &str =
    "SELECT id, release_id, score, class, factors, override_class, override_reason,
            assessed_at, assessed_by FROM risk_assessments";

pub(crate) fn assessment(r: &Row) -> rusqlite::Result<RiskAssessment> {
    Ok(RiskAssessment {
        id: r.get(0)?,
        release_id: r.get(1)?,
        score: r.get(2)?,
        class: get_word(r, 3)?,
        factors: get_json(r, 4)?,
        override_class: get_word_opt(r, 5)?,
        override_reason: r.get(6)?,
        assessed_at: get_ts(r, 7)?,
        assessed_by: r.get(8)?,
    })
}

pub(crate) const MILESTONE: &str =
    "SELECT m.id, m.release_id, m.kind, m.name, m.date, m.completed_at FROM milestones m";

pub(crate) fn milestone(r: &Row) -> rusqlite::Result<Milestone> {
    Ok(Milestone {
        id: r.get(0)?,
        release_id: r.get(1)?,
        kind: r.get(2)?,
        name: r.get(3)?,
        date: get_date(r, 4)?,
        completed_at: get_ts_opt(r, 5)?,
    })
}

pub(crate) const PIPELINE_RUN: &str =
    "SELECT p.id, p.source, p.source_key, s.name, p.workflow, p.head_sha, p.event,
            p.status, p.conclusion, p.attempt, p.started_at, p.finished_at
       FROM pipeline_runs p JOIN services s ON s.id = p.service_id";

pub(crate) fn pipeline_run(r: &Row) -> rusqlite::Result<PipelineRun> {
    Ok(PipelineRun {
        id: r.get(0)?,
        source: get_source_opt(r, 1)?,
        source_key: r.get(2)?,
        service: r.get(3)?,
        workflow: r.get(4)?,
        head_sha: r.get(5)?,
        event: r.get(6)?,
        status: r.get(7)?,
        conclusion: r.get(8)?,
        attempt: r.get(9)?,
        started_at: get_ts(r, 10)?,
        finished_at: get_ts_opt(r, 11)?,
    })
}

/// An approval selected as `parent id, role, approver, approved_at`.
pub(crate) fn keyed_approval(r: &Row) -> rusqlite::Result<(Id, Approval)> {
    Ok((
        r.get(0)?,
        Approval {
            role: r.get(1)?,
            approver: r.get(2)?,
            approved_at: get_ts(r, 3)?,
            recorded: RecordedBy::default(),
        },
    ))
}

/// Who recorded an approval or decision, from the columns `person_id, os_user, os_host`
/// starting at `col`.
pub(crate) fn recorded_by(r: &Row, col: usize) -> rusqlite::Result<RecordedBy> {
    Ok(RecordedBy {
        person_id: r.get(col)?,
        os_user: r.get(col + 1)?,
        os_host: r.get(col + 2)?,
    })
}

/// A decision's approval selected as `decision id, role, approver, approved_at, person_id,
/// os_user, os_host`.
fn keyed_decision_approval(r: &Row) -> rusqlite::Result<(Id, Approval)> {
    Ok((
        r.get(0)?,
        Approval {
            role: r.get(1)?,
            approver: r.get(2)?,
            approved_at: get_ts(r, 3)?,
            recorded: recorded_by(r, 4)?,
        },
    ))
}

/// Checklist items as `(checklist id, item)`, by checklist, position and id: all of them,
/// or those of one checklist.
pub(crate) fn checklist_items(
    conn: &Connection,
    checklist: Option<Id>,
) -> Result<Vec<(Id, ChecklistItem)>> {
    all(
        conn,
        "SELECT checklist_id, id, position, title, kind, rule, owner, state, evidence_url,
                note, updated_at FROM checklist_items
          WHERE ?1 IS NULL OR checklist_id = ?1 ORDER BY checklist_id, position, id",
        [checklist],
        |r| {
            Ok((
                r.get(0)?,
                ChecklistItem {
                    id: r.get(1)?,
                    position: r.get(2)?,
                    title: r.get(3)?,
                    kind: get_word(r, 4)?,
                    rule: r.get(5)?,
                    owner: r.get(6)?,
                    state: get_word(r, 7)?,
                    evidence_url: r.get(8)?,
                    note: r.get(9)?,
                    updated_at: get_ts(r, 10)?,
                },
            ))
        },
    )
}

/// Go/no-go decisions with their approvals: all by id (the export), or those of one
/// release oldest first.
pub(crate) fn decisions(conn: &Connection, release: Option<Id>) -> Result<Vec<Decision>> {
    let mut approvals = group(all(
        conn,
        "SELECT a.decision_id, a.role, a.approver, a.approved_at, a.person_id, a.os_user,
                a.os_host FROM approvals a
           JOIN decisions d ON d.id = a.decision_id
          WHERE ?1 IS NULL OR d.release_id = ?1 ORDER BY a.decision_id, a.id",
        [release],
        keyed_decision_approval,
    )?);
    // Decisions are appended: the last one recorded (largest id) is the latest, whatever
    // time it carries.
    all(
        conn,
        "SELECT id, release_id, outcome, criteria, notes, decided_by, decided_at, supersedes,
                person_id, os_user, os_host
           FROM decisions WHERE ?1 IS NULL OR release_id = ?1 ORDER BY id",
        [release],
        |r| {
            let id: Id = r.get(0)?;
            Ok(Decision {
                id,
                release_id: r.get(1)?,
                outcome: get_word(r, 2)?,
                criteria: get_json(r, 3)?,
                approvals: approvals.remove(&id).unwrap_or_default(),
                notes: r.get(4)?,
                decided_by: r.get(5)?,
                decided_at: get_ts(r, 6)?,
                supersedes: r.get(7)?,
                recorded: recorded_by(r, 8)?,
            })
        },
    )
}
