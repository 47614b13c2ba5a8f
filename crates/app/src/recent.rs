//! The workspaces the window has opened, newest first. They are kept in the app's config
//! folder so File > Open recent can list them and the window reopens the last one.

use crate::error::{AppError, ErrorCode, Result};
use crate::workspace::write_atomically;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The file in the app's config folder.
pub const RECENT_FILE: &str = "recent-workspaces.json";
/// How many workspaces the list keeps.
pub const KEEP: usize = 8;

#[derive(Debug, Default, Serialize, Deserialize)]
struct RecentFile {
    workspaces: Vec<PathBuf>,
}

/// The list, read from and written to one file.
#[derive(Debug, Clone)]
pub struct RecentWorkspaces {
    file: PathBuf,
}

impl RecentWorkspaces {
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            file: dir.join(RECENT_FILE),
        }
    }

    /// Newest first. A missing file is an empty list; so is a damaged one (logged), since
    /// the list is a convenience and the workspaces themselves are untouched.
    pub fn list(&self) -> Vec<PathBuf> {
        let text = match std::fs::read_to_string(&self.file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
            Err(e) => {
                tracing::warn!(file = %self.file.display(), "recent workspaces unreadable: {e}");
                return Vec::new();
            }
        };
        match serde_json::from_str::<RecentFile>(&text) {
            Ok(f) => f.workspaces,
            Err(e) => {
                tracing::warn!(file = %self.file.display(), "recent workspaces damaged: {e}");
                Vec::new()
            }
        }
    }

    /// Puts `path` first (once), keeping at most [`KEEP`].
    pub fn remember(&self, path: &Path) -> Result<()> {
        let path = absolute(path);
        let mut list = self.list();
        list.retain(|p| p != &path);
        list.insert(0, path);
        list.truncate(KEEP);
        self.write(list)
    }

    pub fn forget(&self, path: &Path) -> Result<()> {
        let path = absolute(path);
        let mut list = self.list();
        list.retain(|p| p != &path);
        self.write(list)
    }

    /// Whether `path` is on the list: the window may reopen only what a person chose before.
    pub fn contains(&self, path: &Path) -> bool {
        let path = absolute(path);
        self.list().iter().any(|p| p == &path)
    }

    fn write(&self, workspaces: Vec<PathBuf>) -> Result<()> {
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                AppError::new(
                    ErrorCode::Io,
                    format!("cannot create {}: {e}", dir.display()),
                )
            })?;
        }
        let mut text = serde_json::to_string_pretty(&RecentFile { workspaces })
            .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
        text.push('\n');
        write_atomically(&self.file, text.as_bytes())
    }
}

/// The workspace at `path` that the window asks to reopen by path (File > Open recent):
/// only one on the recent list, so the window can reopen what a person chose before and
/// nothing else by path.
pub fn reopenable(recent: Option<&RecentWorkspaces>, path: &str) -> Result<PathBuf> {
    let path = absolute(Path::new(path));
    if recent.is_some_and(|r| r.contains(&path)) {
        Ok(path)
    } else {
        Err(AppError::new(
            ErrorCode::InvalidInput,
            format!(
                "{} is not a recent workspace: use Open workspace…",
                path.display()
            ),
        ))
    }
}

/// The path made absolute against the current directory (symlinks kept as they are).
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// The workspace the window opens at start: `$SWITCHYARD_DB` when set, else the last one
/// opened that still exists, else the default one in the user data folder.
pub fn startup_path(env: Option<PathBuf>, recent: &[PathBuf], default: PathBuf) -> PathBuf {
    env.or_else(|| recent.iter().find(|p| p.is_file()).cloned())
        .unwrap_or(default)
}

/// One entry of File > Open recent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RecentWorkspace {
    pub path: String,
    /// The file name without its extension ("switchyard", "payments-2027").
    pub name: String,
    /// False when the file is gone (deleted, or on a drive not mounted now).
    pub exists: bool,
}

impl RecentWorkspace {
    pub fn of(path: &Path) -> Self {
        Self {
            path: path.display().to_string(),
            name: workspace_name(path),
            exists: path.is_file(),
        }
    }
}

pub fn workspace_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Which workspace the window has, for its File menu and title bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WorkspaceSession {
    /// The workspace file, open or not.
    pub path: String,
    pub name: String,
    /// Why it could not be opened (damaged, from a newer Switchyard, unreadable); the
    /// window then offers New, Open, Open recent and Show in folder instead of a calendar.
    pub error: Option<AppError>,
    /// Newest first, without the one shown.
    pub recent: Vec<RecentWorkspace>,
}

impl WorkspaceSession {
    pub fn new(path: &Path, error: Option<AppError>, recent: &[PathBuf]) -> Self {
        let here = absolute(path);
        Self {
            path: path.display().to_string(),
            name: workspace_name(path),
            error,
            recent: recent
                .iter()
                .filter(|p| **p != here)
                .map(|p| RecentWorkspace::of(p))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_newest_first_once_and_at_most_keep() {
        let dir = tempfile::tempdir().unwrap();
        let recent = RecentWorkspaces::in_dir(&dir.path().join("config"));
        assert!(recent.list().is_empty());
        for i in 0..KEEP + 2 {
            recent
                .remember(&dir.path().join(format!("w{i}.sqlite3")))
                .unwrap();
        }
        recent.remember(&dir.path().join("w3.sqlite3")).unwrap();
        let list = recent.list();
        assert_eq!(list.len(), KEEP);
        assert_eq!(list[0], dir.path().join("w3.sqlite3"));
        assert_eq!(list[1], dir.path().join(format!("w{}.sqlite3", KEEP + 1)));
        assert_eq!(list.iter().filter(|p| p.ends_with("w3.sqlite3")).count(), 1);
        assert!(
            !list.iter().any(|p| p.ends_with("w0.sqlite3")),
            "the oldest went"
        );
        assert!(recent.contains(&dir.path().join("w3.sqlite3")));
        let w3 = dir.path().join("w3.sqlite3");
        assert_eq!(
            reopenable(Some(&recent), &w3.to_string_lossy()).unwrap(),
            w3
        );
        let w0 = dir.path().join("w0.sqlite3");
        let refused = reopenable(Some(&recent), &w0.to_string_lossy()).unwrap_err();
        assert_eq!(refused.code, ErrorCode::InvalidInput);
        assert!(refused.message.contains("is not a recent workspace"));
        // Without a config folder nothing is recent.
        assert!(reopenable(None, &w3.to_string_lossy()).is_err());
        recent.forget(&dir.path().join("w3.sqlite3")).unwrap();
        assert!(!recent.contains(&dir.path().join("w3.sqlite3")));
        assert_eq!(recent.list().len(), KEEP - 1);
    }

    #[test]
    fn a_damaged_list_reads_as_empty_and_is_replaced_on_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(RECENT_FILE), "{ not json").unwrap();
        let recent = RecentWorkspaces::in_dir(dir.path());
        assert!(recent.list().is_empty());
        recent.remember(&dir.path().join("a.sqlite3")).unwrap();
        assert_eq!(recent.list(), vec![dir.path().join("a.sqlite3")]);
    }

    #[test]
    fn the_window_starts_on_the_variable_then_the_last_workspace_that_exists() {
        let dir = tempfile::tempdir().unwrap();
        let (gone, here) = (
            dir.path().join("gone.sqlite3"),
            dir.path().join("here.sqlite3"),
        );
        std::fs::write(&here, b"").unwrap();
        let default = dir.path().join("default.sqlite3");
        let recent = vec![gone.clone(), here.clone()];
        assert_eq!(startup_path(None, &recent, default.clone()), here);
        assert_eq!(
            startup_path(Some(gone.clone()), &recent, default.clone()),
            gone
        );
        assert_eq!(startup_path(None, &[gone], default.clone()), default);
    }

    #[test]
    fn the_session_lists_the_other_workspaces_and_marks_missing_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.sqlite3"), dir.path().join("b.sqlite3"));
        std::fs::write(&a, b"").unwrap();
        let s = WorkspaceSession::new(&a, None, &[a.clone(), b.clone()]);
        assert_eq!(s.name, "a");
        assert_eq!(
            s.recent,
            vec![RecentWorkspace {
                path: b.display().to_string(),
                name: "b".into(),
                exists: false
            }]
        );
    }
}
