//! The workspace a window shows: opened on a thread of its own at start, replaced when
//! another is opened, waited for by every command.

use crate::{AppError, ErrorCode, Workspace};
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// The workspace shown, opened on a thread of its own at start while WebKit starts the
/// window, and replaced when File > New or Open picks another. Until it is there, commands
/// wait for it; it holds `Err` when it could not be opened (a newer version, not a
/// database...), and the window then offers New, Open, Open recent and Show in folder.
#[derive(Default)]
pub struct WorkspaceSlot {
    slot: Mutex<Option<Opened>>,
    opened: Condvar,
}

struct Opened {
    path: PathBuf,
    workspace: Result<Workspace, AppError>,
}

type Guard<'a> = std::sync::MutexGuard<'a, Option<Opened>>;

impl WorkspaceSlot {
    /// Puts a workspace (or why it could not be opened) in the slot, replacing the one
    /// before; the one before is closed when it drops here.
    pub fn fill(&self, path: PathBuf, workspace: Result<Workspace, AppError>) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = Some(Opened { path, workspace });
        }
        self.opened.notify_all();
    }

    fn wait(&self, wait: Duration) -> Result<Guard<'_>, AppError> {
        let poisoned = || AppError::new(ErrorCode::Internal, "the workspace lock was poisoned");
        let guard = self.slot.lock().map_err(|_| poisoned())?;
        let (guard, _) = self
            .opened
            .wait_timeout_while(guard, wait, |slot| slot.is_none())
            .map_err(|_| poisoned())?;
        if guard.is_none() {
            return Err(AppError::new(
                ErrorCode::Internal,
                format!("the workspace is still opening after {} s", wait.as_secs()),
            ));
        }
        Ok(guard)
    }

    /// Runs `f` on the open workspace, waiting up to `wait` for it to be opened.
    pub fn with<T>(
        &self,
        wait: Duration,
        f: impl FnOnce(&Workspace) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        match self.wait(wait)?.as_ref().map(|o| &o.workspace) {
            Some(Ok(ws)) => f(ws),
            Some(Err(e)) => Err(e.clone()),
            None => Err(AppError::new(ErrorCode::Internal, "no workspace")),
        }
    }

    /// As [`Self::with`], for the few commands that write through `&mut` (loading the demo).
    pub fn with_mut<T>(
        &self,
        wait: Duration,
        f: impl FnOnce(&mut Workspace) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        match self.wait(wait)?.as_mut().map(|o| &mut o.workspace) {
            Some(Ok(ws)) => f(ws),
            Some(Err(e)) => Err(e.clone()),
            None => Err(AppError::new(ErrorCode::Internal, "no workspace")),
        }
    }

    /// The workspace file shown and, when it could not be opened, why.
    pub fn shown(&self, wait: Duration) -> Result<(PathBuf, Option<AppError>), AppError> {
        let guard = self.wait(wait)?;
        let o = guard
            .as_ref()
            .ok_or_else(|| AppError::new(ErrorCode::Internal, "no workspace"))?;
        Ok((o.path.clone(), o.workspace.as_ref().err().cloned()))
    }
}
