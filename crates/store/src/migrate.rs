//! Schema versions by `PRAGMA user_version`. An upgrade runs every missing step inside one
//! IMMEDIATE transaction (the version bump included), so a failed step leaves the file as
//! it was, and two processes opening one old file (the CLI and the window) cannot both run
//! a step: the second waits for the write lock, reads the version again and finds the file
//! upgraded. Before upgrading a database that already has data, a copy of it as it is is
//! written next to it while the lock is held.

use crate::{Result, StoreError};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};

/// The SQL of each step; `MIGRATIONS[0]` creates version 1, `MIGRATIONS[n]` takes n to n+1.
/// A step never changes once it has shipped: a change is a new step.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/v1.sql"),
    include_str!("migrations/v2.sql"),
    include_str!("migrations/v3.sql"),
    include_str!("migrations/v4.sql"),
    include_str!("migrations/v5.sql"),
    include_str!("migrations/v6.sql"),
    include_str!("migrations/v7.sql"),
    include_str!("migrations/v8.sql"),
    include_str!("migrations/v9.sql"),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const _: () = assert!(SCHEMA_VERSION == switchyard_core::SCHEMA_VERSION);

pub(crate) fn upgrade(conn: &mut Connection, path: &Path, from: i64) -> Result<()> {
    upgrade_with(conn, path, from, MIGRATIONS)
}

/// `upgrade` over any list of steps; public so tests can run a future step against a
/// database of today's schema. `from` is the version the caller read; the one that counts
/// is read again once the write lock is held.
#[doc(hidden)]
pub fn upgrade_with(conn: &mut Connection, path: &Path, from: i64, steps: &[&str]) -> Result<()> {
    let target = steps.len() as i64;
    if from >= target {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if now > target {
        return Err(StoreError::NewerVersion {
            path: path.to_owned(),
            found: now,
            known: target,
        });
    }
    if now == target {
        tracing::info!(
            version = now,
            "workspace upgraded by another process meanwhile"
        );
        return Ok(());
    }
    if now > 0 {
        let backup = backup_path(path, now);
        tracing::info!(from = now, to = target, backup = %backup.display(), "backing up workspace before upgrade");
        write_backup(path, &backup)?;
    }
    for (step, sql) in steps.iter().enumerate().skip(now as usize) {
        let to = step as i64 + 1;
        if let Err(e) = tx.execute_batch(sql) {
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
    }
    tx.pragma_update(None, "user_version", target)?;
    tx.commit()?;
    tracing::info!(from = now, to = target, "workspace schema upgraded");
    Ok(())
}

/// A copy of the committed file at `path` into `backup`, read through a connection of its
/// own (the caller holds the write lock, so nothing changes meanwhile), as a plain
/// rollback-journal database. It is written as `<backup>.partial` and takes its name only
/// when whole, so a process killed while copying leaves no file under a backup's name
/// that is not one (the next upgrade writes the partial file again from the start).
fn write_backup(path: &Path, backup: &Path) -> Result<()> {
    let partial = PathBuf::from(format!("{}.partial", backup.display()));
    // What a killed copy left, its rollback journal included (SQLite would play a stale
    // journal back into the new copy).
    for suffix in ["", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
    }
    let src = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mut dst = Connection::open(&partial)?;
    rusqlite::backup::Backup::new(&src, &mut dst)?.run_to_completion(
        1024,
        std::time::Duration::ZERO,
        None,
    )?;
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    drop(dst);
    let io = |source| StoreError::Io {
        path: partial.clone(),
        source,
    };
    std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    std::fs::rename(&partial, backup).map_err(io)?;
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
