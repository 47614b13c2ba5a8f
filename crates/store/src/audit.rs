//! The audit log: append-only (triggers refuse UPDATE and DELETE) and hash-chained, so an
//! edited or removed event shows up in `verify_audit`.

use crate::codec::*;
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use switchyard_core::Timestamp;

/// What a local change records.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry<'a> {
    pub at: Timestamp,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<&'a str>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

fn chain_hash(prev_hash: &str, entry: &AuditEntry) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(json(entry).as_bytes());
    hex::encode(h.finalize())
}

/// Appends `entry` after the newest event; returns its hash.
pub fn append_audit(conn: &Connection, entry: &AuditEntry) -> Result<String> {
    let prev: String = conn
        .prepare_cached("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_default();
    let hash = chain_hash(&prev, entry);
    conn.prepare_cached(
        "INSERT INTO audit_events (at, actor, action, entity, entity_id, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        ts(&entry.at),
        entry.actor,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.before.as_ref().map(json),
        entry.after.as_ref().map(json),
        prev,
        hash
    ])?;
    let seq = conn.last_insert_rowid();
    set_audit_head(conn, &hash)?;
    crate::audit_sign::sign_head(conn, seq, &hash)?;
    Ok(hash)
}

/// Meta key holding the hash of the newest event, so a removed last event shows too.
const AUDIT_HEAD: &str = "audit_head";

pub(crate) fn set_audit_head(conn: &Connection, hash: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![AUDIT_HEAD, hash])?;
    Ok(())
}

/// The outcome of `check_audit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    /// Events in the log.
    pub events: i64,
    /// The first event that does not match, and why.
    pub broken: Option<(i64, String)>,
}

/// Walks the whole chain: every event's hash, its link to the one before, and the newest
/// hash against the head kept in `meta` (a workspace from before the head was kept has
/// none, and only the chain is checked).
pub fn check_audit(conn: &Connection) -> Result<AuditCheck> {
    let events: i64 = conn.query_row("SELECT count(*) FROM audit_events", [], |r| r.get(0))?;
    if let Some(id) = verify_audit(conn)? {
        let linked: Option<String> = conn
            .prepare_cached("SELECT prev_hash FROM audit_events WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let expected: String = conn
            .prepare_cached(
                "SELECT coalesce((SELECT hash FROM audit_events WHERE id < ?1 ORDER BY id DESC LIMIT 1), '')",
            )?
            .query_row([id], |r| r.get(0))?;
        let why = if linked.as_deref() != Some(expected.as_str()) {
            "does not link to the event before it (an event was removed or rewritten)"
        } else {
            "does not match its hash (it was edited)"
        };
        return Ok(AuditCheck {
            events,
            broken: Some((id, why.into())),
        });
    }
    let head: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([AUDIT_HEAD], |r| r.get(0))
        .optional()?;
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some(head) = head {
        if last.as_ref().map(|(_, h)| h) != Some(&head) {
            let next = last.map_or(1, |(id, _)| id + 1);
            return Ok(AuditCheck {
                events,
                broken: Some((
                    next,
                    "is missing: the log was cut after the event before it".into(),
                )),
            });
        }
    }
    Ok(AuditCheck {
        events,
        broken: None,
    })
}

/// The id of the first event whose hash or link does not match, if any.
pub fn verify_audit(conn: &Connection) -> Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, action, entity, entity_id, before, after, prev_hash, hash
           FROM audit_events ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = String::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let (actor, action, entity): (String, String, String) = (r.get(2)?, r.get(3)?, r.get(4)?);
        let entity_id: Option<String> = r.get(5)?;
        let entry = AuditEntry {
            at: get_ts(r, 1)?,
            actor: &actor,
            action: &action,
            entity: &entity,
            entity_id: entity_id.as_deref(),
            before: get_json_opt(r, 6)?,
            after: get_json_opt(r, 7)?,
        };
        let (prev_hash, hash): (String, String) = (r.get(8)?, r.get(9)?);
        if prev_hash != prev || chain_hash(&prev, &entry) != hash {
            return Ok(Some(id));
        }
        prev = hash;
    }
    Ok(None)
}

/// One event as a planning undo reads it back.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub id: i64,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The newest `limit` events whose action starts with one of `prefixes`, newest first.
pub fn recent_audit(
    conn: &Connection,
    prefixes: &[&str],
    limit: usize,
) -> Result<Vec<AuditRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, action, entity, entity_id, before, after FROM audit_events
          ORDER BY id DESC",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str::<Value>(&s).ok());
    while let Some(r) = rows.next()? {
        let action: String = r.get(1)?;
        if !prefixes.iter().any(|p| action.starts_with(p)) {
            continue;
        }
        out.push(AuditRecord {
            id: r.get(0)?,
            action,
            entity: r.get(2)?,
            entity_id: r.get(3)?,
            before: parse(r.get(4)?),
            after: parse(r.get(5)?),
        });
        if out.len() >= limit {
            break;
        }
    }
    Ok(out)
}

/// The id the next event appended will get (inside a write transaction, nothing else can
/// take it first).
pub fn next_audit_id(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(id), 0) + 1 FROM audit_events",
        [],
        |r| r.get(0),
    )?)
}

/// A release's date and status as a sync run's audit event compares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseState {
    pub id: i64,
    pub name: String,
    pub release_date: Option<String>,
    pub status: String,
}

/// Every release's id, name, date and status (one read before a sync, one after).
pub fn release_states(conn: &Connection) -> Result<Vec<ReleaseState>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, name, release_date, status FROM releases ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(ReleaseState {
            id: r.get(0)?,
            name: r.get(1)?,
            release_date: r.get(2)?,
            status: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
