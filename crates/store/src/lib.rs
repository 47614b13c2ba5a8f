//! The workspace: one SQLite file. Opening it checks that it is ours and not from a newer
//! build before anything is written, then sets WAL, foreign keys and a busy timeout, and
//! upgrades the schema step by step (each step one transaction, a `VACUUM INTO` backup
//! first).

mod audit;
mod audit_sign;
mod calendar;
mod codec;
pub mod deploy_runs;
mod dora;
mod export;
pub mod governance;
mod import;
pub mod ingest;
pub mod lookup;
mod migrate;
pub mod plan;
pub mod plan_edit;
mod rows;
mod synced;

pub use audit::{
    append_audit, check_audit, next_audit_id, recent_audit, release_states, verify_audit,
    AuditCheck, AuditEntry, AuditRecord, ReleaseState,
};
pub use audit_sign::{
    check_signatures, head_message, key_fingerprint, verify_signature, workspace_id, HeadSigner,
    SignatureCheck, SignedHead, WorkspaceKey, AUDIT_PUBLIC_KEY, WORKSPACE_ID,
};
pub use calendar::OFF_TRAIN_LANE;
pub use dora::{LinkPath, SyncedCounts, SETTINGS_KEY};
pub use import::DEMO_MARKER;
pub use migrate::{upgrade_with, MIGRATIONS, SCHEMA_VERSION};
pub use rusqlite::Transaction;

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the directory {0} does not exist")]
    MissingDirectory(PathBuf),
    #[error("{path} is not a Switchyard workspace: {why}")]
    NotADatabase { path: PathBuf, why: String },
    #[error("{path} was written by a newer Switchyard (schema version {found}; this build knows up to {known}); it was left untouched")]
    NewerVersion {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the workspace already holds data ({0}); an import or the demo loads only into an empty workspace")]
    NotEmpty(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{path}: upgrading to schema version {to} failed ({why}); the workspace was left at version {from}")]
    UpgradeFailed {
        path: PathBuf,
        from: i64,
        to: i64,
        why: String,
    },
    /// A column holds a word its closed vocabulary does not (a status, class, ...).
    #[error("the workspace holds a value this build does not know: {0}")]
    UnknownValue(switchyard_core::UnknownValue),
    /// SQLite could not write: the file, its folder or its disk is read-only. The change
    /// was rolled back whole.
    #[error("the workspace cannot be written: its file, folder or disk is read-only; the change was not made and nothing is lost")]
    ReadOnly,
    /// SQLite could not write: the disk is full. The change was rolled back whole.
    #[error("the disk holding the workspace is full; the change was not made and nothing is lost (free some space and try again)")]
    DiskFull,
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            if let Some(u) = inner.downcast_ref::<switchyard_core::UnknownValue>() {
                return StoreError::UnknownValue(u.clone());
            }
        }
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ReadOnly) => StoreError::ReadOnly,
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::DiskFull,
            _ => StoreError::Sqlite(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open workspace.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The DORA links last read or made, with their facts version and production
    /// environments: a long-running app asks for many periods and scopes of the same facts.
    linked: std::sync::Mutex<Option<dora::KeptLinks>>,
    /// Relinked DORA links being written to `dora_linked` on a thread of their own.
    keeper: dora::Keeper,
    /// Opened for reading only, as an immutable file (it is on a read-only disk).
    immutable: bool,
}

/// How long a statement waits for another connection's write to finish.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Puts the file in WAL mode. Converting a rollback-journal file needs it to itself for a
/// moment, and SQLite answers "locked" at once, without waiting, while another process
/// (the window, the CLI) reads it; so this asks again until the busy timeout.
fn wal_mode(conn: &Connection) -> Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return Ok(other?),
        }
    }
}

impl Store {
    /// Opens (or creates) the workspace at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_at(path).map_err(|e| match e {
            // Opening a workspace makes its write-ahead log's index beside it; on a full disk
            // that fails as an I/O error.
            StoreError::Sqlite(s)
                if s.sqlite_error_code() == Some(rusqlite::ErrorCode::SystemIoFailure)
                    && disk_is_full(path) =>
            {
                StoreError::DiskFull
            }
            e => e,
        })
    }

    fn open_at(path: &Path) -> Result<Self> {
        check_file(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| not_a_db_or(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Read-only checks first: nothing is written to a file we refuse.
        let version = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
        // A workspace on a read-only disk: SQLite cannot make the write-ahead log's index
        // beside it, so it is read as an immutable file (nothing can change it there); every
        // write then fails as `ReadOnly`.
        if matches!(&version, Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen))
            && on_read_only_disk(path)
        {
            return Self::open_immutable(path);
        }
        let version = version.map_err(|e| not_a_db_or(path, e))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerVersion {
                path: path.to_owned(),
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        if version == 0 {
            let tables: i64 = conn.query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
                [],
                |r| r.get(0),
            )?;
            if tables > 0 {
                return Err(StoreError::NotADatabase {
                    path: path.to_owned(),
                    why: "it is an SQLite database of another program (tables but no Switchyard schema version)".into(),
                });
            }
        }
        wal_mode(&conn)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Reads straight from the OS cache, without a copy per page (writes still go
        // through the journal): the kept DORA links are one large blob.
        conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
            linked: Default::default(),
            keeper: Default::default(),
            immutable: false,
        };
        migrate::upgrade(&mut store.conn, path, version)?;
        Ok(store)
    }

    /// The workspace at `path` on a read-only disk, read as it is; an out-of-date schema
    /// cannot be upgraded there (`ReadOnly`).
    fn open_immutable(path: &Path) -> Result<Self> {
        let conn = Connection::open_with_flags(
            immutable_uri(path),
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| not_a_db_or(path, e))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| not_a_db_or(path, e))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerVersion {
                path: path.to_owned(),
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        if version < SCHEMA_VERSION {
            return Err(StoreError::ReadOnly);
        }
        tracing::info!(path = %path.display(), "workspace on a read-only disk: opened for reading only");
        Ok(Store {
            conn,
            path: path.to_owned(),
            linked: Default::default(),
            keeper: Default::default(),
            immutable: true,
        })
    }

    /// A second connection for reading beside this one (the DORA loader's).
    pub(crate) fn reader(&self) -> Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Ok(if self.immutable {
            Connection::open_with_flags(
                immutable_uri(&self.path),
                flags | OpenFlags::SQLITE_OPEN_URI,
            )?
        } else {
            Connection::open_with_flags(&self.path, flags)?
        })
    }

    /// Whether the workspace was opened for reading only (it is on a read-only disk).
    pub fn read_only(&self) -> bool {
        self.immutable
    }

    /// Hands the workspace's audit signer to this connection: from now on every audit
    /// event appended through it also stores its signed head (see `audit_sign`).
    pub fn set_head_signer(&self, signer: Box<dyn HeadSigner>) -> Result<()> {
        audit_sign::register_signer(&self.conn, signer)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The one way to write: `f` runs in an IMMEDIATE transaction, committed when it
    /// returns `Ok` and rolled back otherwise (nothing written). IMMEDIATE takes the write
    /// lock first, waiting up to the busy timeout for another process's write, so a read
    /// that turns into a write can never deadlock with the CLI or the window.
    pub fn transact<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let tx = self.begin()?;
        let out = f(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// [`Store::transact`] with its commit flushed to disk before it returns
    /// (`synchronous=FULL` for this transaction, `NORMAL` again after): the governance
    /// records (approvals, decisions, change records, checklist states, overrides), which a
    /// power cut must not take back once they were shown as recorded. Other writes keep
    /// `NORMAL`, where a power cut can lose the last commits but never tear one.
    pub fn transact_durable<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(StoreError::from)?;
        let out = self.transact(f);
        let restored = self.conn.pragma_update(None, "synchronous", "NORMAL");
        let out = out?;
        restored.map_err(StoreError::from)?;
        Ok(out)
    }

    /// Runs `f`, a reader of several statements, on one snapshot of the file: a DEFERRED
    /// transaction (in WAL mode it blocks no writer and no writer blocks it), so a sync or
    /// the CLI committing meanwhile is seen entirely or not at all, never half (a calendar
    /// with a release's date from before a move and its milestones from after). Inside a
    /// transaction already, `f` simply runs in it.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce() -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        if !self.conn.is_autocommit() {
            return f();
        }
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(StoreError::from)?;
        let out = f();
        // Ending a read transaction cannot lose anything; a failure to end it is reported
        // unless `f` failed first.
        let ended = self.conn.execute_batch("COMMIT");
        let out = out?;
        ended.map_err(StoreError::from)?;
        Ok(out)
    }

    /// An IMMEDIATE transaction for a writer that commits it itself (the syncs, which
    /// write a page at a time); prefer [`Store::transact`].
    pub fn begin(&self) -> Result<Transaction<'_>> {
        Ok(Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?)
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Closes the workspace with everything in its main file: the write-ahead log is
    /// checkpointed and removed (rollback-journal mode, which the next open turns back into
    /// WAL), so the file alone can be moved or renamed. Only for a file no one else has open.
    pub fn close_into_one_file(self) -> Result<()> {
        self.keeper.wait();
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(StoreError::Invalid(format!(
                "the write-ahead log was not folded into the file (journal mode {mode})"
            )));
        }
        self.conn.close().map_err(|(_, e)| StoreError::from(e))
    }

    /// SQLite's `data_version` of this connection: it changes when another connection (this
    /// process's sync, the CLI, another window) commits a change to the file, and not for
    /// this connection's own writes. The window polls it to follow the workspace.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// A mark that moves with every write to the file: another connection's commit
    /// (`data_version`) or a row this connection changed (`total_changes`, which a rolled
    /// back write moves too). Equal marks mean the same data, so a result read under one
    /// mark can be kept until the mark moves.
    pub fn write_mark(&self) -> Result<(i64, u64)> {
        Ok((self.data_version()?, self.conn.total_changes()))
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Sets a `meta` value (the caller's fixed key).
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([key, value])?;
        Ok(())
    }

    /// Row counts of the main tables, for the status line and for "is it empty?".
    pub fn counts(&self) -> Result<Counts> {
        let c = |table: &str| -> Result<i64> {
            // Table names come from the fixed list below, never from input.
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(Counts {
            teams: c("teams")?,
            services: c("services")?,
            trains: c("trains")?,
            releases: c("releases")?,
            deployments: c("deployments")?,
            incidents: c("incidents")?,
            work_items: c("work_items")?,
            audit_events: c("audit_events")?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub teams: i64,
    pub services: i64,
    pub trains: i64,
    pub releases: i64,
    pub deployments: i64,
    pub incidents: i64,
    pub work_items: i64,
    pub audit_events: i64,
}

impl Counts {
    pub fn is_empty(&self) -> bool {
        *self == Counts::default()
    }
}

fn check_file(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            return Err(StoreError::MissingDirectory(parent.to_owned()));
        }
    }
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(StoreError::Io {
                path: path.to_owned(),
                source,
            })
        }
    };
    if meta.is_dir() {
        return Err(StoreError::NotADatabase {
            path: path.to_owned(),
            why: "it is a directory".into(),
        });
    }
    // The header is not read here: SQLite refuses a file that is not a database at its
    // first read (`not_a_db_or`), before anything is written. Opening the file with an own
    // descriptor and closing it would drop every POSIX lock this process holds on it (the
    // window's open workspace), and another process would then take the file as unused and
    // remove its write-ahead log under it (SQLite's "How To Corrupt", 2.2).
    Ok(())
}

/// Whether `path` is on a file system mounted read-only (`statvfs`'s `ST_RDONLY`).
fn on_read_only_disk(path: &Path) -> bool {
    rustix::fs::statvfs(path)
        .is_ok_and(|st| st.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY))
}

/// Whether the file system of `path` has less than 64 KiB left for an unprivileged writer.
fn disk_is_full(path: &Path) -> bool {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    rustix::fs::statvfs(dir).is_ok_and(|st| st.f_bavail.saturating_mul(st.f_frsize) < 64 * 1024)
}

/// The `file:` URI of `path` opened as immutable, every byte but a path's plain ones
/// percent-encoded.
fn immutable_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri + "?immutable=1"
}

fn not_a_db_or(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotADatabase {
            path: path.to_owned(),
            why: "the file is not an SQLite database".into(),
        },
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => StoreError::NotADatabase {
            path: path.to_owned(),
            why: "the file is damaged".into(),
        },
        _ => e.into(),
    }
}
