//! The syncs' writes: `Store` implements the sinks of `switchyard_core::synced`, so the
//! connectors never speak SQL. Each page and its cursor are one `Store::transact`.

mod github;
mod jira;
#[cfg(test)]
mod plans;

use crate::codec::ts;
use crate::{Result, Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use switchyard_core::synced::{Cursor, SinkError};

impl From<StoreError> for SinkError {
    fn from(e: StoreError) -> Self {
        use switchyard_core::synced::StorageProblem;
        let storage = match e {
            StoreError::ReadOnly => Some(StorageProblem::ReadOnly),
            StoreError::DiskFull => Some(StorageProblem::DiskFull),
            _ => None,
        };
        SinkError {
            message: e.to_string(),
            storage,
        }
    }
}

fn sink_err(e: rusqlite::Error) -> SinkError {
    StoreError::from(e).into()
}

/// The cursor of (`source`, `scope`) in `sync_state`.
fn read_cursor(store: &Store, source: &str, scope: &str) -> Result<Option<String>> {
    Ok(store
        .conn()
        .prepare_cached("SELECT cursor FROM sync_state WHERE source = ?1 AND scope = ?2")?
        .query_row([source, scope], |r| r.get(0))
        .optional()?)
}

fn write_cursor(c: &Connection, source: &str, cursor: &Cursor) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO sync_state (source, scope, cursor, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (source, scope) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
    )?
    .execute(params![source, cursor.scope, cursor.value, ts(&cursor.at)])?;
    Ok(())
}

/// Runs `f` in one IMMEDIATE transaction ([`Store::transact`]), for a sink.
fn transact<T>(
    store: &Store,
    f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> std::result::Result<T, SinkError> {
    store
        .transact(|tx| f(tx).map_err(StoreError::from))
        .map_err(SinkError::from)
}
