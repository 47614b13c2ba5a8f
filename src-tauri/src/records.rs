//! Change records, hotfixes and post-release reviews: thin wrappers over
//! `switchyard_app::records`; each write answers the refreshed view.

use crate::commands::{with_workspace, with_workspace_mut};
use crate::AppState;
use switchyard_app::records::{
    ChangeRecordForm, ChangeRecordsView, HotfixForm, HotfixFormView, HotfixStarted, PostReviewsView,
};
use switchyard_app::{AppError, SystemClock};
use tauri::State;

#[tauri::command(async)]
pub fn get_change_records(
    state: State<'_, AppState>,
    release: i64,
) -> Result<ChangeRecordsView, AppError> {
    with_workspace(&state, |ws| ws.change_records_view(release, &SystemClock))
}

#[tauri::command(async)]
pub fn create_change_record(
    state: State<'_, AppState>,
    release: i64,
    form: ChangeRecordForm,
) -> Result<ChangeRecordsView, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.raise_change_record(release, &form, &SystemClock, actor)
    })
}

/// The approver is the person named in the form (as the CLI's `--as`).
#[tauri::command(async)]
pub fn approve_change_record(
    state: State<'_, AppState>,
    release: i64,
    record: i64,
    role: String,
    approver: String,
) -> Result<ChangeRecordsView, AppError> {
    with_workspace_mut(&state, |ws, _actor| {
        ws.approve_change_record_as(release, record, &role, &approver, &SystemClock)
    })
}

#[tauri::command(async)]
pub fn reject_change_record(
    state: State<'_, AppState>,
    release: i64,
    record: i64,
    reason: String,
) -> Result<ChangeRecordsView, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.reject_change_record_with(release, record, &reason, &SystemClock, actor)
    })
}

#[tauri::command(async)]
pub fn get_hotfix_form(
    state: State<'_, AppState>,
    release: Option<i64>,
    service: Option<String>,
) -> Result<HotfixFormView, AppError> {
    with_workspace(&state, |ws| {
        ws.hotfix_form(release, service.as_deref(), &SystemClock)
    })
}

#[tauri::command(async)]
pub fn start_hotfix(
    state: State<'_, AppState>,
    form: HotfixForm,
) -> Result<HotfixStarted, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.start_hotfix(&form, &SystemClock, actor)
    })
}

#[tauri::command(async)]
pub fn get_post_reviews(
    state: State<'_, AppState>,
    release: i64,
) -> Result<PostReviewsView, AppError> {
    with_workspace(&state, |ws| ws.post_reviews_view(release, &SystemClock))
}

#[tauri::command(async)]
pub fn schedule_post_review(
    state: State<'_, AppState>,
    release: i64,
    due: String,
) -> Result<PostReviewsView, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.schedule_post_review(release, &due, &SystemClock, actor)
    })
}

#[tauri::command(async)]
pub fn add_review_action(
    state: State<'_, AppState>,
    release: i64,
    title: String,
    owner: String,
    due: String,
) -> Result<PostReviewsView, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.add_post_review_action(release, &title, &owner, &due, &SystemClock, actor)
    })
}

#[tauri::command(async)]
pub fn set_review_action(
    state: State<'_, AppState>,
    release: i64,
    action: i64,
    done: bool,
) -> Result<PostReviewsView, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.mark_post_review_action(release, action, done, &SystemClock, actor)
    })
}

#[tauri::command(async)]
pub fn complete_post_review(
    state: State<'_, AppState>,
    release: i64,
    findings: String,
) -> Result<PostReviewsView, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.complete_post_review(release, &findings, &SystemClock, actor)
    })
}
