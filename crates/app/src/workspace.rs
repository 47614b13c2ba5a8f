use crate::{AppError, Clock, ErrorCode, Result};
use chrono::{Days, NaiveDate};
use std::io::Write;
use std::path::{Path, PathBuf};
use switchyard_core::views::{CalendarView, WorkspaceCounts, WorkspaceInfo};
use switchyard_core::{demo, Document};
use switchyard_store::{AuditEntry, Store, DEMO_MARKER};

/// The app's identifier; the workspace lives in `<OS data dir>/<identifier>/`, the same
/// folder Tauri's `app_data_dir()` names, so the CLI and the window share one workspace.
pub const APP_IDENTIFIER: &str = "dev.switchyard.desktop";

const FILE_NAME: &str = "switchyard.sqlite3";

/// `$SWITCHYARD_DB`, else `switchyard.sqlite3` in the OS data dir.
pub fn default_workspace_path() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("SWITCHYARD_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let base = dirs::data_dir().ok_or_else(|| {
        AppError::new(
            ErrorCode::Io,
            "no user data directory (set XDG_DATA_HOME or HOME, or name a workspace file)",
        )
        .about("db")
    })?;
    Ok(base.join(APP_IDENTIFIER).join(FILE_NAME))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoOutcome {
    Loaded,
    AlreadyLoaded,
}

pub struct Workspace {
    store: Store,
    /// The plan and its `plan check` as of a write mark (see [`Workspace::checked_plan`]).
    checked: std::sync::Mutex<Option<CheckedPlan>>,
}

/// The plan, its conflicts, and the [`Store::write_mark`] they were read under.
struct CheckedPlan {
    mark: (i64, u64),
    input: std::sync::Arc<switchyard_core::plan::PlanInput>,
    conflicts: std::sync::Arc<Vec<switchyard_core::plan::Conflict>>,
}

/// An export document from its JSON text, its schema version checked against this build's.
pub fn parse_document(text: &str) -> Result<Document> {
    let doc: Document = serde_json::from_str(text).map_err(|e| {
        AppError::new(
            ErrorCode::InvalidInput,
            format!("not a Switchyard export document: {e}"),
        )
    })?;
    if doc.schema_version > switchyard_store::SCHEMA_VERSION {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            format!(
                "the document has schema version {}; this build knows up to {}",
                doc.schema_version,
                switchyard_store::SCHEMA_VERSION
            ),
        ));
    }
    Ok(doc)
}

pub(crate) fn actor() -> String {
    std::env::var("USER")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "local".into())
}

impl Workspace {
    /// Opens (or creates) the workspace at `path`, its audit log signed from now on with
    /// the workspace's key from the OS keyring (see `audit_key`).
    pub fn open(path: &Path) -> Result<Self> {
        let store = Store::open(path)?;
        store.set_head_signer(Box::new(crate::audit_key::KeyringSigner::default()))?;
        Ok(Self {
            store,
            checked: std::sync::Mutex::new(None),
        })
    }

    /// The plan and its conflicts as they stand, read and checked once per state of the
    /// file: a slip preview after another (the window asks for one per day dragged) reuses
    /// them until something writes to the workspace.
    #[allow(clippy::type_complexity)]
    pub fn checked_plan(
        &self,
    ) -> Result<(
        std::sync::Arc<switchyard_core::plan::PlanInput>,
        std::sync::Arc<Vec<switchyard_core::plan::Conflict>>,
    )> {
        let mark = self.store.write_mark()?;
        let mut slot = self.checked.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = slot.as_ref().filter(|c| c.mark == mark) {
            return Ok((c.input.clone(), c.conflicts.clone()));
        }
        let input = std::sync::Arc::new(self.store.plan_input()?);
        let conflicts = std::sync::Arc::new(switchyard_core::plan::check(&input));
        *slot = Some(CheckedPlan {
            mark,
            input: input.clone(),
            conflicts: conflicts.clone(),
        });
        Ok((input, conflicts))
    }

    /// Opens a workspace file that is already there (File > Open, Open recent): a path
    /// that is gone is `not_found`, never a new empty workspace in its place.
    pub fn open_existing(path: &Path) -> Result<Self> {
        if !path.is_file() {
            return Err(AppError::new(
                ErrorCode::NotFound,
                format!("{} no longer exists", path.display()),
            ));
        }
        Self::open(path)
    }

    /// Creates an empty workspace at `path` (File > New). A file that is already there is
    /// left untouched: `workspace_not_empty`, open it instead.
    pub fn create(path: &Path) -> Result<Self> {
        if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
            return Err(AppError::new(
                ErrorCode::WorkspaceNotEmpty,
                format!(
                    "{} already exists: open it, or choose another name",
                    path.display()
                ),
            ));
        }
        let ws = Self::open(path)?;
        tracing::info!(path = %path.display(), "new empty workspace");
        Ok(ws)
    }

    /// Opens the workspace at `path`, creating its folder when it is the default one, and
    /// loads the demo organisation the first time a workspace is created there.
    pub fn open_first_start(path: &Path, clock: &dyn Clock) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                AppError::new(
                    ErrorCode::Io,
                    format!("cannot create {}: {e}", dir.display()),
                )
            })?;
        }
        let is_new = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
        let mut ws = Self::open(path)?;
        if is_new {
            ws.load_demo(clock)?;
            tracing::info!(path = %path.display(), "new workspace with the demo organisation");
        }
        Ok(ws)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn load_demo(&mut self, clock: &dyn Clock) -> Result<DemoOutcome> {
        if self.store.meta(DEMO_MARKER)?.is_some() {
            return Ok(DemoOutcome::AlreadyLoaded);
        }
        // One moment for the records and the event: `audit verify` rebuilds the demo's
        // records from the event's time to check them.
        let now = clock.now();
        let doc = demo::generate(now);
        let who = actor();
        let after = serde_json::json!({
            "seed": format!("{:#x}", demo::SEED),
            "anchor": clock.today().to_string(),
            "releases": doc.releases.len(),
            "deployments": doc.deployments.len(),
        });
        let event = AuditEntry {
            at: now,
            actor: &who,
            action: "demo.load",
            entity: "workspace",
            entity_id: None,
            before: None,
            after: Some(after),
        };
        // Rule items and risk as the demo's own records give them at the moment of the load,
        // in the load's transaction.
        let settle = |c: &switchyard_store::governance::Conn| {
            crate::governance::settle(c, clock, "switchyard").map(|n| {
                tracing::debug!(releases = n, "demo releases in flight settled");
            })
        };
        Ok(if self.store.load_demo_then(&doc, &event, settle)? {
            DemoOutcome::Loaded
        } else {
            DemoOutcome::AlreadyLoaded
        })
    }

    pub fn export(&self) -> Result<Document> {
        Ok(self.store.export()?)
    }

    /// The export document as pretty JSON with a final newline.
    pub fn export_json(&self) -> Result<String> {
        let mut s = serde_json::to_string_pretty(&self.export()?)
            .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
        s.push('\n');
        Ok(s)
    }

    /// Imports an export document. The workspace must be empty; nothing is written unless
    /// the whole document loads.
    pub fn import_json(&mut self, text: &str) -> Result<()> {
        let doc = parse_document(text)?;
        self.store.import(&doc)?;
        Ok(())
    }

    /// Imports an export document into the workspace at `path`. The whole document is
    /// parsed and its version checked before the file is opened, created or upgraded. A
    /// workspace that is there already takes the document in one transaction. A new one is
    /// built in a temporary file beside `path` (`.NAME.import-PID`) and takes its name only
    /// when whole, so neither a bad document nor a killed import leaves a workspace, let
    /// alone an empty or partial one, at `path`.
    pub fn import_into(path: &Path, text: &str) -> Result<Self> {
        let doc = parse_document(text)?;
        if path.exists() {
            let mut ws = Self::open(path)?;
            ws.store.import(&doc)?;
            return Ok(ws);
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("workspace");
        let tmp = path.with_file_name(format!(".{name}.import-{}", std::process::id()));
        let remove = |p: &Path| {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut f = p.as_os_str().to_owned();
                f.push(suffix);
                let _ = std::fs::remove_file(std::path::PathBuf::from(f));
            }
        };
        // Files of this kind are the remains of killed imports of earlier processes.
        for stale in killed_imports(path, name) {
            remove(&stale);
        }
        remove(&tmp);
        let built = (|| -> Result<()> {
            let mut store = Store::open(&tmp)?;
            store.import(&doc)?;
            store.close_into_one_file()?;
            let io = |e: std::io::Error| {
                AppError::new(
                    ErrorCode::Io,
                    format!("cannot write {}: {e}", path.display()),
                )
            };
            std::fs::File::open(&tmp)
                .and_then(|f| f.sync_all())
                .map_err(io)?;
            std::fs::rename(&tmp, path).map_err(io)?;
            // The rename itself reaches the disk with its folder.
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
            }
            Ok(())
        })();
        if let Err(e) = built {
            remove(&tmp);
            return Err(e);
        }
        Self::open(path)
    }

    /// The calendar the window asks for: each day `YYYY-MM-DD`, or `None` for the default.
    pub fn calendar_between(
        &self,
        clock: &dyn Clock,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<CalendarView> {
        let from = crate::dora::parse_day("from", from)?;
        let to = crate::dora::parse_day("to", to)?;
        self.calendar(clock, from, to)
    }

    /// The calendar between `from` and `to`; by default a year back to six months ahead.
    pub fn calendar(
        &self,
        clock: &dyn Clock,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<CalendarView> {
        let today = clock.today();
        let from = from.unwrap_or(today - Days::new(366));
        let to = to.unwrap_or(today + Days::new(190));
        if from > to {
            return Err(AppError::new(
                ErrorCode::InvalidInput,
                format!("the range starts ({from}) after it ends ({to})"),
            ));
        }
        // One snapshot: a sync or the CLI committing meanwhile shows entirely or not at all.
        self.store.read(|| {
            let mut view = self.store.calendar(today, from, to)?;
            // Risk and readiness as they stand now, not as last recorded.
            let ids: Vec<_> = view
                .lanes
                .iter()
                .flat_map(|l| l.releases.iter().map(|r| r.id))
                .collect();
            let now = self.releases_now(&ids, clock)?;
            for r in view.lanes.iter_mut().flat_map(|l| l.releases.iter_mut()) {
                if let Some(n) = now.get(&r.id) {
                    r.risk_class = Some(n.class);
                    r.readiness = n.percent_ready().map(|p| p / 100.0);
                }
            }
            Ok(view)
        })
    }

    /// Changes whenever something other than this workspace handle wrote to the file (the
    /// CLI, a sync, another window): the window reloads what it shows when it does.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.store.data_version()?)
    }

    /// Team names and service names, each sorted and once.
    pub fn scopes(&self) -> Result<(Vec<String>, Vec<String>)> {
        let service_teams = self.store.service_teams()?;
        let mut services: Vec<String> = service_teams.iter().map(|(s, _)| s.clone()).collect();
        services.sort();
        services.dedup();
        let mut teams: Vec<String> = service_teams.into_iter().filter_map(|(_, t)| t).collect();
        teams.sort();
        teams.dedup();
        Ok((teams, services))
    }

    pub fn info(&self) -> Result<WorkspaceInfo> {
        let c = self.store.counts()?;
        let (teams, services) = self.scopes()?;
        Ok(WorkspaceInfo {
            path: self.store.path().display().to_string(),
            schema_version: self.store.schema_version()?,
            demo_loaded: self.store.meta(DEMO_MARKER)?.is_some(),
            counts: WorkspaceCounts {
                teams: c.teams,
                services: c.services,
                trains: c.trains,
                releases: c.releases,
                deployments: c.deployments,
                incidents: c.incidents,
                work_items: c.work_items,
            },
            teams,
            services,
        })
    }
}

/// Writes `contents` to `path` through a temporary file in the same folder and a rename, so
/// a reader never sees half a file and a failed write leaves the old one.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<()> {
    let io = |e: std::io::Error| {
        AppError::new(
            ErrorCode::Io,
            format!("cannot write {}: {e}", path.display()),
        )
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(AppError::new(
            ErrorCode::Io,
            format!("the directory {} does not exist", dir.display()),
        ));
    }
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("out"),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// The temporary files (`.NAME.import-PID`) that imports into `path` killed before they ended
/// left beside it: those of processes no longer running. Whether a process runs is read from
/// `/proc`; where there is none, nothing is taken for dead (this process's own name is still
/// removed by the caller).
fn killed_imports(path: &Path, name: &str) -> Vec<std::path::PathBuf> {
    let procs = Path::new("/proc/self");
    if !procs.exists() {
        return Vec::new();
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let prefix = format!(".{name}.import-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let file = e.file_name().into_string().ok()?;
            let rest = file.strip_prefix(&prefix)?;
            let pid = rest.split('-').next()?;
            let pid: u32 = pid.parse().ok()?;
            let running = Path::new("/proc").join(pid.to_string()).exists();
            (!running).then(|| dir.join(format!("{prefix}{pid}")))
        })
        .collect();
    found.sort();
    found.dedup();
    found
}
