//! Change records and their approvals.

use super::*;

/// Change records, by id: of one release or all.
pub fn change_records(conn: &Connection, release: Option<Id>) -> Result<Vec<ChangeRecord>> {
    let mut services = group(all(
        conn,
        "SELECT cs.change_record_id, s.name FROM change_record_services cs
           JOIN services s ON s.id = cs.service_id ORDER BY cs.change_record_id, s.id",
        [],
        |r| Ok((r.get(0)?, r.get::<_, String>(1)?)),
    )?);
    let mut items = group(all(
        conn,
        "SELECT change_record_id, work_item_id FROM change_record_items ORDER BY change_record_id, work_item_id",
        [],
        |r| Ok((r.get(0)?, r.get::<_, Id>(1)?)),
    )?);
    let mut approvals = group(all(
        conn,
        "SELECT change_record_id, role, approver, approved_at FROM change_record_approvals
          ORDER BY change_record_id, id",
        [],
        rows::keyed_approval,
    )?);
    all(
        conn,
        "SELECT id, release_id, title, kind, status, window_start, window_end, risk_class,
                rollback_plan, evidence, created_at, created_by
           FROM change_records WHERE ?1 IS NULL OR release_id = ?1 ORDER BY id",
        [release],
        |r| {
            let id: Id = r.get(0)?;
            Ok(ChangeRecord {
                id,
                release_id: r.get(1)?,
                title: r.get(2)?,
                kind: get_word(r, 3)?,
                status: get_word(r, 4)?,
                services: services.remove(&id).unwrap_or_default(),
                window_start: get_ts_opt(r, 5)?,
                window_end: get_ts_opt(r, 6)?,
                changes: items.remove(&id).unwrap_or_default(),
                risk_class: get_word_opt(r, 7)?,
                rollback_plan: r.get(8)?,
                evidence: get_json(r, 9)?,
                approvals: approvals.remove(&id).unwrap_or_default(),
                created_at: get_ts(r, 10)?,
                created_by: r.get(11)?,
            })
        },
    )
}

pub(super) fn insert_change_record_with_id(conn: &Connection, c: &ChangeRecord) -> Result<Id> {
    let id: Option<Id> = (c.id > 0).then_some(c.id);
    conn.prepare_cached(
        "INSERT INTO change_records (id, release_id, title, kind, status, window_start, window_end,
                                     risk_class, rollback_plan, evidence, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        id,
        c.release_id,
        c.title,
        c.kind.as_str(),
        c.status.as_str(),
        ts_opt(&c.window_start),
        ts_opt(&c.window_end),
        c.risk_class.map(RiskClass::as_str),
        c.rollback_plan,
        json(&c.evidence),
        ts(&c.created_at),
        c.created_by
    ])?;
    let id = conn.last_insert_rowid();
    for s in &c.services {
        let sid = service_id(conn, s)?
            .ok_or_else(|| crate::StoreError::Invalid(format!("unknown service {s:?}")))?;
        conn.prepare_cached(
            "INSERT INTO change_record_services (change_record_id, service_id) VALUES (?1, ?2)",
        )?
        .execute(params![id, sid])?;
    }
    for w in &c.changes {
        conn.prepare_cached(
            "INSERT INTO change_record_items (change_record_id, work_item_id) VALUES (?1, ?2)",
        )?
        .execute(params![id, w])?;
    }
    for a in &c.approvals {
        insert_change_record_approval(conn, id, &a.role, &a.approver, a.approved_at)?;
    }
    Ok(id)
}

/// Inserts a new change record (`id` 0 picks a fresh id); returns its id.
pub fn insert_change_record(conn: &Connection, c: &ChangeRecord) -> Result<Id> {
    insert_change_record_with_id(conn, c)
}

pub fn insert_change_record_approval(
    conn: &Connection,
    record: Id,
    role: &str,
    approver: &str,
    at: Timestamp,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO change_record_approvals (change_record_id, role, approver, approved_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![record, role, approver, ts(&at)])?;
    Ok(())
}

pub fn set_change_record_status(conn: &Connection, record: Id, status: ChangeStatus) -> Result<()> {
    conn.prepare_cached("UPDATE change_records SET status = ?2 WHERE id = ?1")?
        .execute(params![record, status.as_str()])?;
    Ok(())
}

/// Ids of the release's work items (its changes).
pub fn work_item_ids(conn: &Connection, release: Id) -> Result<Vec<Id>> {
    all(
        conn,
        "SELECT work_item_id FROM work_item_releases WHERE release_id = ?1 ORDER BY work_item_id",
        [release],
        |r| r.get(0),
    )
}
