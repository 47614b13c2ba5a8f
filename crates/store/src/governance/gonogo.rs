//! Go/no-go: approvals and decisions.

use super::*;

/// Approvals of releases, oldest first: of one release or all; only those no decision took
/// yet when `open_only`.
pub fn release_approvals(
    conn: &Connection,
    release: Option<Id>,
    open_only: bool,
) -> Result<Vec<ReleaseApproval>> {
    all(
        conn,
        "SELECT id, release_id, role, approver, approved_at, decision_id, person_id, os_user,
                os_host FROM release_approvals
          WHERE (?1 IS NULL OR release_id = ?1) AND (?2 = 0 OR decision_id IS NULL) ORDER BY id",
        params![release, open_only],
        |r| {
            Ok(ReleaseApproval {
                id: r.get(0)?,
                release_id: r.get(1)?,
                role: r.get(2)?,
                approver: r.get(3)?,
                approved_at: get_ts(r, 4)?,
                decision_id: r.get(5)?,
                recorded: rows::recorded_by(r, 6)?,
            })
        },
    )
}

pub fn insert_release_approval(
    conn: &Connection,
    release: Id,
    role: &str,
    approver: &str,
    at: Timestamp,
    recorded: &RecordedBy,
) -> Result<Id> {
    conn.prepare_cached(
        "INSERT INTO release_approvals (release_id, role, approver, approved_at, person_id,
                                        os_user, os_host)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        release,
        role,
        approver,
        ts(&at),
        recorded.person_id,
        recorded.os_user,
        recorded.os_host
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The release's decisions, oldest first.
pub fn decisions_of(conn: &Connection, release: Id) -> Result<Vec<Decision>> {
    rows::decisions(conn, Some(release))
}

/// Records a decision with the open approvals `taken` (their ids), marking them as taken.
pub fn insert_decision(conn: &Connection, d: &Decision, taken: &[Id]) -> Result<Id> {
    let id = insert_decision_with_id(conn, None, d)?;
    for t in taken {
        conn.prepare_cached("UPDATE release_approvals SET decision_id = ?2 WHERE id = ?1")?
            .execute(params![t, id])?;
    }
    Ok(id)
}

/// Inserts decision `d` with its approvals under `id`, or a fresh id when `None`; returns
/// the id.
pub(crate) fn insert_decision_with_id(
    conn: &Connection,
    id: Option<Id>,
    d: &Decision,
) -> rusqlite::Result<Id> {
    conn.prepare_cached(
        "INSERT INTO decisions (id, release_id, outcome, criteria, notes, decided_by, decided_at,
                                supersedes, person_id, os_user, os_host)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        id,
        d.release_id,
        d.outcome.as_str(),
        json(&d.criteria),
        d.notes,
        d.decided_by,
        ts(&d.decided_at),
        d.supersedes,
        d.recorded.person_id,
        d.recorded.os_user,
        d.recorded.os_host
    ])?;
    let id = conn.last_insert_rowid();
    for a in &d.approvals {
        conn.prepare_cached(
            "INSERT INTO approvals (decision_id, role, approver, approved_at, person_id, os_user,
                                    os_host)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            id,
            a.role,
            a.approver,
            ts(&a.approved_at),
            a.recorded.person_id,
            a.recorded.os_user,
            a.recorded.os_host
        ])?;
    }
    Ok(id)
}
