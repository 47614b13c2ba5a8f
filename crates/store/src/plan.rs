//! The planning records: the picture the planner reads (`PlanInput`), lookups by id or
//! name, and the small writes plan edits are made of. Writes take a `Transaction` so a use
//! case can put the change and its audit event in one (see `Store::write`).

use crate::codec::*;
use crate::rows::{self, all};
use crate::{Result, Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::BTreeMap;
use switchyard_core::plan::{DepKind, Edge, PlanInput};
use switchyard_core::*;

fn rule_of(s: &str) -> FreezeRule {
    if s == "flag" {
        FreezeRule::Flag
    } else {
        FreezeRule::Move
    }
}

fn rule_str(r: FreezeRule) -> &'static str {
    match r {
        FreezeRule::Move => "move",
        FreezeRule::Flag => "flag",
    }
}

impl Store {
    /// Everything the planner reads, in a handful of queries.
    pub fn plan_input(&self) -> Result<PlanInput> {
        let conn = &self.conn;
        let services: BTreeMap<Id, String> = all(conn, "SELECT id, name FROM services", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .into_iter()
        .collect();
        let dependencies = all(
            conn,
            "SELECT id, kind, blocker_id, blocked_id, note FROM dependencies ORDER BY id",
            [],
            |r| {
                let kind: String = r.get(1)?;
                Ok(Edge {
                    id: r.get(0)?,
                    kind: DepKind::parse(&kind).unwrap_or(DepKind::Release),
                    blocker: r.get(2)?,
                    blocked: r.get(3)?,
                    note: r.get(4)?,
                })
            },
        )?;
        const LINKED: &str = "(SELECT blocker_id FROM dependencies WHERE kind = 'work_item'
                               UNION SELECT blocked_id FROM dependencies WHERE kind = 'work_item')";
        let work_item_releases = all(
            conn,
            &format!(
                "SELECT work_item_id, release_id FROM work_item_releases
                  WHERE work_item_id IN {LINKED} ORDER BY 1, 2"
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let work_item_keys = all(
            conn,
            &format!(
                "SELECT id, coalesce(source_key, '#' || id) FROM work_items WHERE id IN {LINKED}"
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .into_iter()
        .collect();
        let milestones = all(
            conn,
            &format!(
                "{} JOIN releases r ON r.id = m.release_id WHERE r.released = 0 ORDER BY m.id",
                rows::MILESTONE
            ),
            [],
            rows::milestone,
        )?;
        let mut risk = BTreeMap::new();
        for (release, id, class) in all(
            conn,
            "SELECT release_id, id, coalesce(override_class, class) FROM risk_assessments
              ORDER BY release_id, id",
            [],
            |r| {
                Ok((
                    r.get::<_, Id>(0)?,
                    r.get::<_, Id>(1)?,
                    get_word::<RiskClass>(r, 2)?,
                ))
            },
        )? {
            risk.insert(release, (id, class));
        }
        Ok(PlanInput {
            releases: releases(conn)?,
            trains: trains(conn)?,
            dependencies,
            work_item_releases,
            work_item_keys,
            services,
            freeze_windows: freeze_windows(conn)?,
            holidays: holidays(conn)?,
            milestones,
            risk,
        })
    }
}

fn names_by(conn: &Connection, sql: &str) -> Result<BTreeMap<Id, Vec<String>>> {
    let mut map: BTreeMap<Id, Vec<String>> = BTreeMap::new();
    for (id, name) in all(conn, sql, [], |r| Ok((r.get::<_, Id>(0)?, r.get(1)?)))? {
        map.entry(id).or_default().push(name);
    }
    Ok(map)
}

/// Every release, ordered by id, with its services.
pub fn releases(conn: &Connection) -> Result<Vec<Release>> {
    let mut services = names_by(
        conn,
        "SELECT rs.release_id, s.name FROM release_services rs JOIN services s ON s.id = rs.service_id
          ORDER BY rs.release_id, s.id",
    )?;
    all(
        conn,
        "SELECT id, name, version, train_id, release_type, status, start_date, planned_date,
                release_date, released, archived, description, source, source_key
           FROM releases ORDER BY id",
        [],
        |r| {
            let id: Id = r.get(0)?;
            Ok(Release {
                id,
                name: r.get(1)?,
                version: r.get(2)?,
                train_id: r.get(3)?,
                release_type: get_word(r, 4)?,
                status: get_word(r, 5)?,
                start_date: get_date_opt(r, 6)?,
                planned_date: get_date_opt(r, 7)?,
                release_date: get_date_opt(r, 8)?,
                released: r.get(9)?,
                archived: r.get(10)?,
                description: r.get(11)?,
                services: services.remove(&id).unwrap_or_default(),
                source: get_source_opt(r, 12)?,
                source_key: r.get(13)?,
            })
        },
    )
}

pub fn trains(conn: &Connection) -> Result<Vec<Train>> {
    let mut services = names_by(
        conn,
        "SELECT ts.train_id, s.name FROM train_services ts JOIN services s ON s.id = ts.service_id
          ORDER BY ts.train_id, s.id",
    )?;
    all(
        conn,
        "SELECT id, name, description, cadence, milestone_template, freeze_rule FROM trains ORDER BY id",
        [],
        |r| {
            let id: Id = r.get(0)?;
            let rule: String = r.get(5)?;
            Ok(Train {
                id,
                name: r.get(1)?,
                description: r.get(2)?,
                cadence: get_json(r, 3)?,
                milestone_template: get_json(r, 4)?,
                freeze_rule: rule_of(&rule),
                services: services.remove(&id).unwrap_or_default(),
            })
        },
    )
}

pub fn freeze_windows(conn: &Connection) -> Result<Vec<FreezeWindow>> {
    let mut services = names_by(
        conn,
        "SELECT fs.freeze_window_id, s.name FROM freeze_window_services fs
           JOIN services s ON s.id = fs.service_id ORDER BY fs.freeze_window_id, s.id",
    )?;
    all(
        conn,
        "SELECT id, name, start_date, end_date, reason FROM freeze_windows ORDER BY id",
        [],
        |r| {
            let id: Id = r.get(0)?;
            Ok(FreezeWindow {
                id,
                name: r.get(1)?,
                start_date: get_date(r, 2)?,
                end_date: get_date(r, 3)?,
                services: services.remove(&id).unwrap_or_default(),
                reason: r.get(4)?,
            })
        },
    )
}

pub fn holidays(conn: &Connection) -> Result<Vec<Holiday>> {
    all(
        conn,
        "SELECT id, date, name FROM holidays ORDER BY id",
        [],
        |r| {
            Ok(Holiday {
                id: r.get(0)?,
                date: get_date(r, 1)?,
                name: r.get(2)?,
            })
        },
    )
}

pub fn milestones_of(conn: &Connection, release: Id) -> Result<Vec<Milestone>> {
    all(
        conn,
        &format!(
            "{} WHERE m.release_id = ?1 ORDER BY m.date, m.id",
            rows::MILESTONE
        ),
        [release],
        rows::milestone,
    )
}

/// Services, trains or work items whose id or name (work items: source key) is `text`.
pub fn find_named(conn: &Connection, kind: &str, text: &str) -> Result<Vec<(Id, String)>> {
    let sql = match kind {
        "service" => "SELECT id, name FROM services WHERE CAST(id AS TEXT) = ?1 OR name = ?1 OR source_key = ?1 ORDER BY id",
        "train" => "SELECT id, name FROM trains WHERE CAST(id AS TEXT) = ?1 OR name = ?1 COLLATE NOCASE ORDER BY id",
        "work_item" => "SELECT id, coalesce(source_key, '#' || id) FROM work_items
                         WHERE CAST(id AS TEXT) = ?1 OR source_key = ?1 OR '#' || id = ?1 ORDER BY id",
        other => return Err(StoreError::Invalid(format!("unknown record kind {other:?}"))),
    };
    all(conn, sql, [text], |r| Ok((r.get(0)?, r.get(1)?)))
}

fn service_id(tx: &Transaction, name: &str) -> Result<Id> {
    tx.prepare_cached("SELECT id FROM services WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("service {name:?}")))
}

/// Inserts `train` (its `id` is ignored); returns the new id.
pub fn insert_train(tx: &Transaction, train: &Train) -> Result<Id> {
    tx.prepare_cached(
        "INSERT INTO trains (name, description, cadence, milestone_template, freeze_rule)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        train.name,
        train.description,
        json(&train.cadence),
        json(&train.milestone_template),
        rule_str(train.freeze_rule)
    ])
    .map_err(|e| unique_or(e, format!("a train named {:?} exists already", train.name)))?;
    let id = tx.last_insert_rowid();
    for s in &train.services {
        let sid = service_id(tx, s)?;
        tx.prepare_cached("INSERT INTO train_services (train_id, service_id) VALUES (?1, ?2)")?
            .execute(params![id, sid])?;
    }
    Ok(id)
}

/// Inserts `release` (its `id` is ignored) with its services and milestones.
pub fn insert_release(
    tx: &Transaction,
    release: &Release,
    milestones: &[(String, String, chrono::NaiveDate)],
) -> Result<Id> {
    tx.prepare_cached(
        "INSERT INTO releases (name, version, train_id, release_type, status, start_date,
                               planned_date, release_date, released, archived, description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        release.name,
        release.version,
        release.train_id,
        release.release_type.as_str(),
        release.status.as_str(),
        date_opt(&release.start_date),
        date_opt(&release.planned_date),
        date_opt(&release.release_date),
        release.released,
        release.archived,
        release.description
    ])
    .map_err(|e| unique_or(e, format!("release {:?}", release.name)))?;
    let id = tx.last_insert_rowid();
    for s in &release.services {
        let sid = service_id(tx, s)?;
        tx.prepare_cached("INSERT INTO release_services (release_id, service_id) VALUES (?1, ?2)")?
            .execute(params![id, sid])?;
    }
    for (kind, name, day) in milestones {
        tx.prepare_cached(
            "INSERT INTO milestones (release_id, kind, name, date) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![id, kind, name, date(day)])?;
    }
    Ok(id)
}

/// Moves a release to `to`, its open milestones by the same number of days. Returns the
/// number of days moved.
pub fn move_release(tx: &Transaction, id: Id, to: chrono::NaiveDate) -> Result<i64> {
    let from: Option<String> = tx
        .prepare_cached("SELECT release_date FROM releases WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("release {id}")))?;
    let days = from
        .and_then(|f| chrono::NaiveDate::parse_from_str(&f, "%Y-%m-%d").ok())
        .map(|f| (to - f).num_days())
        .unwrap_or(0);
    tx.prepare_cached("UPDATE releases SET release_date = ?2 WHERE id = ?1")?
        .execute(params![id, date(&to)])?;
    if days != 0 {
        tx.prepare_cached(
            "UPDATE milestones SET date = date(date, ?2 || ' days')
              WHERE release_id = ?1 AND completed_at IS NULL",
        )?
        .execute(params![id, format!("{days:+}")])?;
    }
    Ok(days)
}

pub fn insert_dependency(
    tx: &Transaction,
    kind: DepKind,
    blocker: Id,
    blocked: Id,
    note: &str,
) -> Result<Id> {
    tx.prepare_cached(
        "INSERT INTO dependencies (kind, blocker_id, blocked_id, note) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![kind.as_str(), blocker, blocked, note])
    .map_err(|e| unique_or(e, "that dependency exists already".into()))?;
    Ok(tx.last_insert_rowid())
}

pub fn find_dependency(
    conn: &Connection,
    kind: DepKind,
    blocker: Id,
    blocked: Id,
) -> Result<Option<Edge>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, note FROM dependencies WHERE kind = ?1 AND blocker_id = ?2 AND blocked_id = ?3",
        )?
        .query_row(params![kind.as_str(), blocker, blocked], |r| {
            Ok(Edge {
                id: r.get(0)?,
                kind,
                blocker,
                blocked,
                note: r.get(1)?,
            })
        })
        .optional()?)
}

pub fn dependency(conn: &Connection, id: Id) -> Result<Option<Edge>> {
    Ok(conn
        .prepare_cached(
            "SELECT kind, blocker_id, blocked_id, note FROM dependencies WHERE id = ?1",
        )?
        .query_row([id], |r| {
            let kind: String = r.get(0)?;
            Ok(Edge {
                id,
                kind: DepKind::parse(&kind).unwrap_or(DepKind::Release),
                blocker: r.get(1)?,
                blocked: r.get(2)?,
                note: r.get(3)?,
            })
        })
        .optional()?)
}

pub fn delete_dependency(tx: &Transaction, id: Id) -> Result<bool> {
    Ok(tx
        .prepare_cached("DELETE FROM dependencies WHERE id = ?1")?
        .execute([id])?
        > 0)
}

pub fn insert_freeze_window(tx: &Transaction, w: &FreezeWindow) -> Result<Id> {
    tx.prepare_cached(
        "INSERT INTO freeze_windows (name, start_date, end_date, reason) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        w.name,
        date(&w.start_date),
        date(&w.end_date),
        w.reason
    ])?;
    let id = tx.last_insert_rowid();
    for s in &w.services {
        let sid = service_id(tx, s)?;
        tx.prepare_cached(
            "INSERT INTO freeze_window_services (freeze_window_id, service_id) VALUES (?1, ?2)",
        )?
        .execute(params![id, sid])?;
    }
    Ok(id)
}

pub fn insert_holiday(tx: &Transaction, h: &Holiday) -> Result<Id> {
    tx.prepare_cached("INSERT INTO holidays (date, name) VALUES (?1, ?2)")?
        .execute(params![date(&h.date), h.name])
        .map_err(|e| unique_or(e, format!("{} is a holiday already", h.date)))?;
    Ok(tx.last_insert_rowid())
}

/// A UNIQUE violation as `what`; any other constraint as its own message.
fn unique_or(e: rusqlite::Error, what: String) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("UNIQUE") => {
            StoreError::Invalid(what)
        }
        rusqlite::Error::SqliteFailure(f, Some(msg))
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::Invalid(msg.clone())
        }
        _ => e.into(),
    }
}

/// The releases a work item ships in.
pub fn releases_of_work_item(conn: &Connection, item: Id) -> Result<Vec<Id>> {
    all(
        conn,
        "SELECT release_id FROM work_item_releases WHERE work_item_id = ?1 ORDER BY release_id",
        [item],
        |r| r.get(0),
    )
}
