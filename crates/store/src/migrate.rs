//! Schema versions by `PRAGMA user_version`. Step N takes a database from version N-1 to N
//! inside one transaction (the version bump included), so a failed step leaves the file
//! as it was. Before upgrading a database that already has data, a copy is written next to
//! it with `VACUUM INTO`.

use crate::{Result, StoreError};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// The SQL of each step; `MIGRATIONS[0]` creates version 1, `MIGRATIONS[n]` takes n to n+1.
/// A step never changes once it has shipped: a change is a new step.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/v1.sql"),
    include_str!("migrations/v2.sql"),
    include_str!("migrations/v3.sql"),
    include_str!("migrations/v4.sql"),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const _: () = assert!(SCHEMA_VERSION == switchyard_core::SCHEMA_VERSION);

pub(crate) fn upgrade(conn: &mut Connection, path: &Path, from: i64) -> Result<()> {
    upgrade_with(conn, path, from, MIGRATIONS)
}

/// `upgrade` over any list of steps; public so tests can run a future step against a
/// database of today's schema.
#[doc(hidden)]
pub fn upgrade_with(conn: &mut Connection, path: &Path, from: i64, steps: &[&str]) -> Result<()> {
    let target = steps.len() as i64;
    if from >= target {
        return Ok(());
    }
    if from > 0 {
        let backup = backup_path(path, from);
        tracing::info!(from, to = target, backup = %backup.display(), "backing up workspace before upgrade");
        conn.execute("VACUUM INTO ?1", [backup.to_string_lossy()])?;
    }
    for (step, sql) in steps.iter().enumerate().skip(from as usize) {
        let to = step as i64 + 1;
        let tx = conn.transaction()?;
        let applied = tx
            .execute_batch(sql)
            .and_then(|_| tx.pragma_update(None, "user_version", to))
            .and_then(|_| tx.commit());
        if let Err(e) = applied {
            // SQLite's own message, without the step's SQL that rusqlite would append.
            let why = match &e {
                rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
                other => other.to_string(),
            };
            return Err(StoreError::UpgradeFailed {
                path: path.to_owned(),
                from: to - 1,
                to,
                why: why.lines().next().unwrap_or_default().to_owned(),
            });
        }
        tracing::info!(to, "workspace schema upgraded");
    }
    Ok(())
}

/// `<file>.v<N>.backup`, or `<file>.v<N>.backup.<k>` when that exists already.
fn backup_path(path: &Path, version: i64) -> PathBuf {
    let base = format!("{}.v{version}.backup", path.display());
    let mut candidate = PathBuf::from(&base);
    let mut k = 1;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{base}.{k}"));
        k += 1;
    }
    candidate
}
