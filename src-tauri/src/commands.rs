//! Typed commands: thin wrappers over `switchyard_app`, errors as `{code, message}`.

use crate::AppState;
use chrono::NaiveDate;
use std::time::Duration;
use switchyard_app::core::views::{CalendarView, WorkspaceInfo};
use switchyard_app::{AppError, ErrorCode, SystemClock, Workspace};
use tauri::State;

/// How long a command waits for the workspace to finish opening (first start loads the
/// demo organisation, a large workspace may be upgraded).
const OPEN_WAIT: Duration = Duration::from_secs(60);

fn with_workspace<T>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&Workspace) -> Result<T, AppError>,
) -> Result<T, AppError> {
    state.workspace.with(OPEN_WAIT, f)
}

fn parse_date(field: &str, value: Option<String>) -> Result<Option<NaiveDate>, AppError> {
    value
        .map(|s| {
            NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| {
                AppError::new(
                    ErrorCode::InvalidInput,
                    format!("{field} must be a date like 2026-01-31, not {s:?}"),
                )
            })
        })
        .transpose()
}

// `async`: queries run on Tauri's thread pool, never on the UI thread.
#[tauri::command(async)]
pub fn get_calendar(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> Result<CalendarView, AppError> {
    let (from, to) = (parse_date("from", from)?, parse_date("to", to)?);
    with_workspace(&state, |ws| ws.calendar(&SystemClock, from, to))
}

#[tauri::command(async)]
pub fn get_workspace_info(state: State<'_, AppState>) -> Result<WorkspaceInfo, AppError> {
    with_workspace(&state, |ws| ws.info())
}

/// The window calls this once the calendar is on screen: the startup time, measured.
#[tauri::command]
pub fn mark_calendar_painted(state: State<'_, AppState>) {
    let ms = state.started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        target: "switchyard::startup",
        elapsed_ms = ms,
        "calendar painted {ms:.0} ms after launch"
    );
}
