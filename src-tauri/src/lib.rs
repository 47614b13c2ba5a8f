//! The desktop shell: opens the workspace (creating it with the demo organisation on first
//! start), and exposes typed commands over `switchyard_app` to the window.

mod commands;
mod logging;

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;
use switchyard_app::{AppError, SystemClock, Workspace};
use tauri::Manager;

/// What the commands share. The workspace is `Err` when it could not be opened (a newer
/// version, not a database...): the window then shows that error instead of a calendar.
pub struct AppState {
    pub workspace: Mutex<Result<Workspace, AppError>>,
    pub started: Instant,
}

fn workspace_path(app: &tauri::App) -> Result<PathBuf, AppError> {
    if let Some(p) = std::env::var_os("SWITCHYARD_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    match app.path().app_data_dir() {
        Ok(dir) => Ok(dir.join("switchyard.sqlite3")),
        Err(_) => switchyard_app::default_workspace_path(),
    }
}

pub fn run() {
    let started = Instant::now();
    tauri::Builder::default()
        .setup(move |app| {
            logging::init(app.path().app_log_dir().ok());
            let opened = workspace_path(app)
                .and_then(|path| Workspace::open_first_start(&path, &SystemClock));
            match &opened {
                Ok(ws) => tracing::info!(path = %ws.store().path().display(), "workspace open"),
                Err(e) => tracing::error!(code = e.code.as_str(), "{}", e.message),
            }
            app.manage(AppState {
                workspace: Mutex::new(opened),
                started,
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::get_calendar,
            commands::get_workspace_info,
            commands::mark_calendar_painted,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("error[internal]: the window could not start: {e}");
            std::process::exit(1);
        });
}
