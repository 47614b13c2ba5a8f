//! Transactions and links between work items and releases.

use super::*;

pub use rusqlite::Connection as Conn;

/// Runs `f` in one transaction on the store's connection: committed when `f` returns Ok,
/// rolled back otherwise (nothing written); the commit is flushed to disk before it returns
/// ([`crate::Store::transact_durable`]).
pub fn transact<T, E: From<crate::StoreError>>(
    store: &crate::Store,
    f: impl FnOnce(&Connection) -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    store.transact_durable(|tx| f(tx))
}

/// Links a work item to a release (a change it ships).
pub fn link_work_item(conn: &Connection, work_item: Id, release: Id) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO work_item_releases (work_item_id, release_id) VALUES (?1, ?2)",
    )?
    .execute(params![work_item, release])?;
    Ok(())
}
