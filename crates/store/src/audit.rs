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
    Ok(hash)
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
