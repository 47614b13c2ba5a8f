//! The window's File menu: which workspace is shown, New, Open, Open recent, Show in
//! folder, and loading the demo organisation into an empty workspace. Files are chosen in
//! native dialogs shown from here, so the window itself has no dialog or file access.

use crate::commands::{reveal, with_workspace, OPEN_WAIT};
use crate::AppState;
use std::path::{Path, PathBuf};
use switchyard_app::core::views::WorkspaceInfo;
use switchyard_app::ingest::{IngestKind, IngestRequest, IngestResult};
use switchyard_app::recent::{absolute, reopenable, RecentWorkspaces, WorkspaceSession};
use switchyard_app::{AppError, ErrorCode, SystemClock, Workspace};
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;

const EXTENSIONS: &[&str] = &["sqlite3", "sqlite", "db"];

fn recent(state: &State<'_, AppState>) -> Option<RecentWorkspaces> {
    state.recent.lock().ok().and_then(|r| r.clone())
}

fn session(state: &State<'_, AppState>) -> Result<WorkspaceSession, AppError> {
    let (path, error) = state.workspace.shown(OPEN_WAIT)?;
    let listed = recent(state).map(|r| r.list()).unwrap_or_default();
    Ok(WorkspaceSession::new(&path, error, &listed))
}

/// The workspace shown (open or why not) and the recent ones, for the File menu.
#[tauri::command(async)]
pub fn get_workspace_session(state: State<'_, AppState>) -> Result<WorkspaceSession, AppError> {
    session(&state)
}

/// Where a dialog starts: the folder of the workspace shown, else the documents folder.
fn start_dir<R: Runtime>(app: &AppHandle<R>, state: &State<'_, AppState>) -> Option<PathBuf> {
    let shown = state.workspace.shown(OPEN_WAIT).ok().map(|(p, _)| p);
    shown
        .as_deref()
        .and_then(Path::parent)
        .filter(|d| d.is_dir())
        .map(Path::to_owned)
        .or_else(|| app.path().document_dir().ok().filter(|d| d.is_dir()))
}

/// Shows `ws` instead of the workspace shown now, and puts it first in Open recent.
fn show(
    state: &State<'_, AppState>,
    path: PathBuf,
    ws: Workspace,
) -> Result<WorkspaceSession, AppError> {
    tracing::info!(path = %path.display(), "workspace open");
    if let Some(r) = recent(state) {
        if let Err(e) = r.remember(&path) {
            tracing::warn!("recent workspaces not written: {}", e.message);
        }
    }
    state.workspace.fill(path, Ok(ws));
    session(state)
}

fn picked(file: Option<tauri_plugin_dialog::FilePath>) -> Result<Option<PathBuf>, AppError> {
    file.map(|f| {
        f.into_path()
            .map(|p| absolute(&p))
            .map_err(|e| AppError::new(ErrorCode::InvalidInput, format!("not a local file: {e}")))
    })
    .transpose()
}

/// File > Open: `path` from Open recent, or `None` for the native Open dialog. `Ok(None)`
/// when the dialog was cancelled. A file that cannot be opened leaves the workspace shown
/// as it is and answers why (`not_a_database`, `db_newer_version`, `not_found`).
#[tauri::command(async)]
pub fn open_workspace<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: Option<String>,
) -> Result<Option<WorkspaceSession>, AppError> {
    state.syncs.refuse_switch()?;
    let path = match path {
        Some(p) => reopenable(recent(&state).as_ref(), &p)?,
        None => {
            let mut dialog = app
                .dialog()
                .file()
                .set_title("Open workspace")
                .add_filter("Switchyard workspace", EXTENSIONS);
            if let Some(dir) = start_dir(&app, &state) {
                dialog = dialog.set_directory(dir);
            }
            match picked(dialog.blocking_pick_file())? {
                Some(p) => p,
                None => return Ok(None),
            }
        }
    };
    let ws = Workspace::open_existing(&path)?;
    show(&state, path, ws).map(Some)
}

/// File > New: an empty workspace where the native Save dialog says. `Ok(None)` when the
/// dialog was cancelled; an existing file is never overwritten.
#[tauri::command(async)]
pub fn new_workspace<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<WorkspaceSession>, AppError> {
    state.syncs.refuse_switch()?;
    let mut dialog = app
        .dialog()
        .file()
        .set_title("New workspace")
        .set_file_name("release-plan.sqlite3")
        .set_can_create_directories(true)
        .add_filter("Switchyard workspace", EXTENSIONS);
    if let Some(dir) = start_dir(&app, &state) {
        dialog = dialog.set_directory(dir);
    }
    let Some(path) = picked(dialog.blocking_save_file())? else {
        return Ok(None);
    };
    let ws = Workspace::create(&path)?;
    show(&state, path, ws).map(Some)
}

/// The import of the Sync screen: a deployments or incidents file picked in the native
/// Open dialog. It is kept as the only file [`ingest_file`] may read, so the window never
/// names a file of its own. `Ok(None)` when the dialog was cancelled.
#[tauri::command(async)]
pub fn pick_ingest_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    kind: IngestKind,
) -> Result<Option<String>, AppError> {
    let title = match kind {
        IngestKind::Deployments => "Open deployments file",
        IngestKind::Incidents => "Open incidents file",
    };
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter("CSV or NDJSON", &["csv", "ndjson", "jsonl"]);
    if let Some(dir) = start_dir(&app, &state) {
        dialog = dialog.set_directory(dir);
    }
    let Some(path) = picked(dialog.blocking_pick_file())? else {
        return Ok(None);
    };
    let shown = path.to_string_lossy().into_owned();
    if let Ok(mut pick) = state.ingest_pick.lock() {
        *pick = Some(path);
    }
    Ok(Some(shown))
}

/// Ingests (or, dry, previews) the file last picked by [`pick_ingest_file`]; any other
/// path is refused.
#[tauri::command(async)]
pub fn ingest_file(
    state: State<'_, AppState>,
    request: IngestRequest,
) -> Result<IngestResult, AppError> {
    let pick = state.ingest_pick.lock().ok().and_then(|p| p.clone());
    match pick {
        Some(p) if p.to_string_lossy() == request.path => {}
        _ => {
            return Err(AppError::new(
                ErrorCode::InvalidInput,
                "choose the file in the Open dialog first",
            )
            .about("path"))
        }
    }
    with_workspace(&state, |ws| ws.ingest(&SystemClock, &request))
}

/// File > Show in folder: the workspace file, open or not, in the file manager.
#[tauri::command(async)]
pub fn reveal_workspace(state: State<'_, AppState>) -> Result<(), AppError> {
    let (path, _) = state.workspace.shown(OPEN_WAIT)?;
    if !path.exists() {
        return Err(AppError::new(
            ErrorCode::NotFound,
            format!("{} no longer exists", path.display()),
        ));
    }
    reveal(&path)
}

/// Loads the demo organisation into the workspace shown (the empty state's button).
#[tauri::command(async)]
pub fn load_demo(state: State<'_, AppState>) -> Result<WorkspaceInfo, AppError> {
    state
        .workspace
        .with_mut(OPEN_WAIT, |ws| ws.load_demo(&SystemClock).map(|_| ()))?;
    with_workspace(&state, |ws| ws.info())
}
