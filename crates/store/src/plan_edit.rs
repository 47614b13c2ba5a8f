//! Edits of the plan made in the window: a train's settings, a release's name, version,
//! type, status and services, freeze windows and holidays changed or removed; and what the
//! release panel reads besides the calendar (its work items, its audit history). Writes
//! take a `Transaction` so the use case adds its audit event to the same one.

use crate::codec::*;
use crate::rows::all;
use crate::{Result, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use switchyard_core::*;

fn service_id(tx: &Transaction, name: &str) -> Result<Id> {
    tx.prepare_cached("SELECT id FROM services WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("service {name:?}")))
}

fn changed(n: usize, what: &str) -> Result<()> {
    if n == 0 {
        Err(StoreError::NotFound(what.to_owned()))
    } else {
        Ok(())
    }
}

/// Replaces a train's settings and services (its releases stay as they are).
pub fn update_train(tx: &Transaction, train: &Train) -> Result<()> {
    let n = tx
        .prepare_cached(
            "UPDATE trains SET name = ?2, description = ?3, cadence = ?4, milestone_template = ?5,
                    freeze_rule = ?6 WHERE id = ?1",
        )?
        .execute(params![
            train.id,
            train.name,
            train.description,
            json(&train.cadence),
            json(&train.milestone_template),
            match train.freeze_rule {
                FreezeRule::Move => "move",
                FreezeRule::Flag => "flag",
            }
        ])?;
    changed(n, &format!("train {}", train.id))?;
    tx.prepare_cached("DELETE FROM train_services WHERE train_id = ?1")?
        .execute([train.id])?;
    for s in &train.services {
        let sid = service_id(tx, s)?;
        tx.prepare_cached("INSERT INTO train_services (train_id, service_id) VALUES (?1, ?2)")?
            .execute(params![train.id, sid])?;
    }
    Ok(())
}

/// What the release form changes: name, version, type, status and services.
pub fn update_release(tx: &Transaction, r: &Release) -> Result<()> {
    let n = tx
        .prepare_cached(
            "UPDATE releases SET name = ?2, version = ?3, release_type = ?4, status = ?5
              WHERE id = ?1",
        )?
        .execute(params![
            r.id,
            r.name,
            r.version,
            r.release_type.as_str(),
            r.status.as_str()
        ])?;
    changed(n, &format!("release {}", r.id))?;
    tx.prepare_cached("DELETE FROM release_services WHERE release_id = ?1")?
        .execute([r.id])?;
    for s in &r.services {
        let sid = service_id(tx, s)?;
        tx.prepare_cached("INSERT INTO release_services (release_id, service_id) VALUES (?1, ?2)")?
            .execute(params![r.id, sid])?;
    }
    Ok(())
}

pub fn update_freeze_window(tx: &Transaction, w: &FreezeWindow) -> Result<()> {
    let n = tx
        .prepare_cached(
            "UPDATE freeze_windows SET name = ?2, start_date = ?3, end_date = ?4, reason = ?5
              WHERE id = ?1",
        )?
        .execute(params![
            w.id,
            w.name,
            date(&w.start_date),
            date(&w.end_date),
            w.reason
        ])?;
    changed(n, &format!("freeze window {}", w.id))?;
    tx.prepare_cached("DELETE FROM freeze_window_services WHERE freeze_window_id = ?1")?
        .execute([w.id])?;
    for s in &w.services {
        let sid = service_id(tx, s)?;
        tx.prepare_cached(
            "INSERT INTO freeze_window_services (freeze_window_id, service_id) VALUES (?1, ?2)",
        )?
        .execute(params![w.id, sid])?;
    }
    Ok(())
}

pub fn delete_freeze_window(tx: &Transaction, id: Id) -> Result<()> {
    let n = tx
        .prepare_cached("DELETE FROM freeze_windows WHERE id = ?1")?
        .execute([id])?;
    changed(n, &format!("freeze window {id}"))
}

pub fn update_holiday(tx: &Transaction, h: &Holiday) -> Result<()> {
    let n = tx
        .prepare_cached("UPDATE holidays SET date = ?2, name = ?3 WHERE id = ?1")?
        .execute(params![h.id, date(&h.date), h.name])
        .map_err(|e| match &e {
            rusqlite::Error::SqliteFailure(_, Some(m)) if m.contains("UNIQUE") => {
                StoreError::Invalid(format!("{} is a holiday already", h.date))
            }
            _ => e.into(),
        })?;
    changed(n, &format!("holiday {}", h.id))
}

pub fn delete_holiday(tx: &Transaction, id: Id) -> Result<()> {
    let n = tx
        .prepare_cached("DELETE FROM holidays WHERE id = ?1")?
        .execute([id])?;
    changed(n, &format!("holiday {id}"))
}

/// Every service name, sorted.
pub fn service_names(conn: &Connection) -> Result<Vec<String>> {
    all(conn, "SELECT name FROM services ORDER BY name", [], |r| {
        r.get(0)
    })
}

/// A work item of a release, as its panel lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkItemRow {
    pub key: String,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub status_category: String,
    pub source: Option<String>,
    pub url: Option<String>,
}

/// The work items a release ships, by key.
pub fn work_items_of_release(conn: &Connection, release: Id) -> Result<Vec<WorkItemRow>> {
    all(
        conn,
        "SELECT coalesce(w.source_key, '#' || w.id), w.title, w.status, w.status_category,
                w.source, w.url, w.kind
           FROM work_items w JOIN work_item_releases wr ON wr.work_item_id = w.id
          WHERE wr.release_id = ?1 ORDER BY w.source, coalesce(w.source_key, ''), w.id",
        [release],
        |r| {
            Ok(WorkItemRow {
                key: r.get(0)?,
                title: r.get(1)?,
                status: r.get(2)?,
                status_category: r.get(3)?,
                source: r.get(4)?,
                url: r.get(5)?,
                kind: r.get(6)?,
            })
        },
    )
}

/// One event of the audit log as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub id: Id,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The events about one record (`entity`, `entity_id`), newest first.
pub fn audit_of(conn: &Connection, entity: &str, entity_id: &str) -> Result<Vec<AuditRow>> {
    all(
        conn,
        "SELECT id, at, actor, action, before, after FROM audit_events
          WHERE entity = ?1 AND entity_id = ?2 ORDER BY id DESC LIMIT 200",
        [entity, entity_id],
        |r| {
            Ok(AuditRow {
                id: r.get(0)?,
                at: get_ts(r, 1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                before: r.get(4)?,
                after: r.get(5)?,
            })
        },
    )
}
