//! Typed commands: thin wrappers over `switchyard_app`, errors as `{code, message}`.

use crate::AppState;
use std::time::Duration;
use switchyard_app::core::dora::{Bucket, Drill};
use switchyard_app::core::plan::DepKind;
use switchyard_app::core::settings::DeployRule;
use switchyard_app::core::views::{CalendarView, WorkspaceInfo};
use switchyard_app::core::vocab::{DecisionOutcome, ItemState, RiskClass};
use switchyard_app::deploy_rules::{DeployPreview, DeployRulesView};
use switchyard_app::dora::MetricsQuery;
use switchyard_app::governance::AheadView;
use switchyard_app::governance::{ItemEdit, ReleaseReview, ReviewUpdate};
use switchyard_app::menu::MenuAction;
use switchyard_app::overview::{MetricsOverview, PipelineView};
use switchyard_app::plan_edit::{
    FreezeForm, GenerateView, HolidayForm, ReleaseDetails, ReleaseForm, SavedRelease, SavedTrain,
    TrainForm, TrainFormView,
};
use switchyard_app::saved::{default_export_dir, ExportRequest, SavedFile};
use switchyard_app::scenario::{
    AppliedChange, ConflictList, ReleaseChain, ScenarioMove, ScenarioPreview, UndoResult,
    UndoableChange,
};
use switchyard_app::screens::{DrillView, MetricsView, TrainReadinessView, PANEL_CHART_SIZE};
use switchyard_app::sync_screen::{
    LastSync, SyncConnections, SyncProgress, SyncStatus, SyncTarget,
};
use switchyard_app::{AppError, ErrorCode, SystemClock, Workspace};
use tauri::ipc::Channel;
use tauri::State;

/// How long a command waits for the workspace to finish opening (first start loads the
/// demo organisation, a large workspace may be upgraded).
pub(crate) const OPEN_WAIT: Duration = Duration::from_secs(60);

pub(crate) fn with_workspace<T>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&Workspace) -> Result<T, AppError>,
) -> Result<T, AppError> {
    state.workspace.with(OPEN_WAIT, f)
}

/// As [`with_workspace`], for commands that change the workspace. The audit log names the
/// operating-system user as the actor of a change made in the window.
pub(crate) fn with_workspace_mut<T>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&mut Workspace, &str) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let actor = switchyard_app::governance::actor_name(None);
    state.workspace.with_mut(OPEN_WAIT, |ws| f(ws, &actor))
}

// `async`: queries run on Tauri's thread pool, never on the UI thread.
#[tauri::command(async)]
pub fn get_calendar(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> Result<CalendarView, AppError> {
    with_workspace(&state, |ws| {
        ws.calendar_between(&SystemClock, from.as_deref(), to.as_deref())
    })
}

#[tauri::command(async)]
pub fn get_workspace_info(state: State<'_, AppState>) -> Result<WorkspaceInfo, AppError> {
    with_workspace(&state, |ws| ws.info())
}

/// The Metrics screen: DORA numbers of a period and the one before, charts, scopes.
#[tauri::command(async)]
pub fn get_metrics(
    state: State<'_, AppState>,
    from: String,
    to: String,
    service: Option<String>,
    team: Option<String>,
    bucket: Option<Bucket>,
) -> Result<MetricsView, AppError> {
    let q = MetricsQuery::from_input(&from, &to, service, team, bucket)?;
    with_workspace(&state, |ws| ws.metrics_view(&q))
}

/// Percent ready over time of one release (its checklist history), milestones as markers
/// and a today line: the plotters SVG the reports use.
#[tauri::command(async)]
pub fn get_readiness_chart(state: State<'_, AppState>, release: i64) -> Result<String, AppError> {
    // Drawn at the release panel's width, so its text stays at its own size; drawn after
    // the workspace is let go, so a write meanwhile (a tick in review mode) does not wait.
    let input = with_workspace(&state, |ws| {
        ws.readiness_chart_input(&release.to_string(), &SystemClock)
    })?;
    let (w, h) = PANEL_CHART_SIZE;
    input.draw(w, h)
}

/// The train panel: the readiness of a train's next releases in flight, overlaid.
#[tauri::command(async)]
pub fn get_train_readiness(
    state: State<'_, AppState>,
    train: i64,
) -> Result<TrainReadinessView, AppError> {
    // Drawn at the panel's width, as the release panel's chart is.
    with_workspace(&state, |ws| {
        let (w, h) = PANEL_CHART_SIZE;
        ws.train_readiness(train, &SystemClock, w, h)
    })
}

/// The records behind one number of the Metrics screen.
#[tauri::command(async)]
pub fn get_metric_records(
    state: State<'_, AppState>,
    from: String,
    to: String,
    service: Option<String>,
    team: Option<String>,
    drill: Drill,
) -> Result<DrillView, AppError> {
    let q = MetricsQuery::from_input(&from, &to, service, team, None)?;
    with_workspace(&state, |ws| ws.metric_records(&q, drill))
}

/// Writes a report or export into the user's download directory under a new, safe name.
#[tauri::command(async)]
pub fn save_export(
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<SavedFile, AppError> {
    let dir = default_export_dir()?;
    with_workspace(&state, |ws| ws.save_export(&SystemClock, &request, &dir))
}

/// Shows a file the export dialog saved in the system's file manager.
#[tauri::command(async)]
pub fn reveal_export(path: String) -> Result<(), AppError> {
    let file = switchyard_app::saved::saved_file_in(&default_export_dir()?, &path)?;
    reveal(&file)
}

/// Shows `file` selected in the system's file manager.
pub(crate) fn reveal(file: &std::path::Path) -> Result<(), AppError> {
    tauri_plugin_opener::reveal_item_in_dir(file).map_err(|e| {
        let text = e.to_string();
        AppError::new(
            ErrorCode::Io,
            format!(
                "the file manager could not be opened: {}",
                text.lines().next().unwrap_or("")
            ),
        )
    })
}

#[tauri::command(async)]
pub fn get_sync_status(state: State<'_, AppState>) -> Result<SyncStatus, AppError> {
    with_workspace(&state, |ws| ws.sync_status())
}

#[tauri::command(async)]
pub fn save_sync_settings(
    state: State<'_, AppState>,
    connections: SyncConnections,
) -> Result<SyncStatus, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.save_sync_connections(&connections, &SystemClock, actor)?;
        ws.sync_status()
    })
}

/// Puts a token into the OS keyring. It is never sent back to the window.
#[tauri::command(async)]
pub fn store_sync_token(
    state: State<'_, AppState>,
    target: SyncTarget,
    token: String,
) -> Result<SyncStatus, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.store_sync_token(target, token, &SystemClock, actor)?;
        ws.sync_status()
    })
}

/// Runs one sync to its end (or error, or cancel), sending progress lines on `progress`.
/// The workspace lock is held only to read the settings and record the outcome; the sync
/// writes through its own connection.
#[tauri::command(async)]
pub fn run_sync(
    state: State<'_, AppState>,
    target: SyncTarget,
    progress: Channel<SyncProgress>,
) -> Result<LastSync, AppError> {
    let sink = move |p: SyncProgress| {
        if let Err(e) = progress.send(p) {
            tracing::debug!("progress not delivered: {e}");
        }
    };
    let slot = &state.workspace;
    state.syncs.run_shown(
        slot,
        OPEN_WAIT,
        target,
        &SystemClock,
        std::sync::Arc::new(sink),
    )
}

/// Asks a running sync to stop; it ends with `cancelled` at its next step.
#[tauri::command(async)]
pub fn cancel_sync(state: State<'_, AppState>, target: SyncTarget) -> Result<bool, AppError> {
    state.syncs.cancel(target)
}

#[tauri::command(async)]
pub fn get_deploy_rules(state: State<'_, AppState>) -> Result<DeployRulesView, AppError> {
    with_workspace(&state, |ws| ws.deploy_rules())
}

/// What some deploy-workflow rules would count, before they are saved (writes nothing).
#[tauri::command(async)]
pub fn preview_deploy_rules(
    state: State<'_, AppState>,
    rules: Vec<DeployRule>,
) -> Result<DeployPreview, AppError> {
    with_workspace(&state, |ws| ws.preview_deploy_rules(rules))
}

#[tauri::command(async)]
pub fn save_deploy_rules(
    state: State<'_, AppState>,
    rules: Vec<DeployRule>,
) -> Result<DeployRulesView, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.save_deploy_rules(rules, &SystemClock, actor)
    })
}

/// A number that changes when the workspace file was written from elsewhere (the CLI, a
/// sync, another window); the window polls it and reloads what it shows when it changes.
#[tauri::command(async)]
pub fn get_workspace_version(state: State<'_, AppState>) -> Result<i64, AppError> {
    with_workspace(&state, |ws| ws.data_version())
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

/// The native menu's clicks (File, View) are sent on `actions` from now on.
#[tauri::command]
pub fn listen_menu(menu: State<'_, crate::menu::MenuChannel>, actions: Channel<MenuAction>) {
    menu.listen(actions);
}

// Planning in the window: trains, releases, freeze windows and holidays.

#[tauri::command(async)]
pub fn get_train_form(
    state: State<'_, AppState>,
    train: Option<i64>,
) -> Result<TrainFormView, AppError> {
    with_workspace(&state, |ws| ws.train_form(train))
}

#[tauri::command(async)]
pub fn save_train(
    state: State<'_, AppState>,
    train: Option<i64>,
    form: TrainForm,
) -> Result<SavedTrain, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.save_train(&SystemClock, actor, train, &form)
    })
}

#[tauri::command(async)]
pub fn generate_releases(
    state: State<'_, AppState>,
    train: i64,
    from: Option<String>,
    until: String,
    apply: bool,
) -> Result<GenerateView, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.generate_releases(&SystemClock, actor, train, from.as_deref(), &until, apply)
    })
}

#[tauri::command(async)]
pub fn save_release(
    state: State<'_, AppState>,
    release: Option<i64>,
    form: ReleaseForm,
) -> Result<SavedRelease, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.save_release(&SystemClock, actor, release, &form)
    })
}

#[tauri::command(async)]
pub fn cancel_release(state: State<'_, AppState>, release: i64) -> Result<SavedRelease, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.cancel_release(&SystemClock, actor, release)
    })
}

#[tauri::command(async)]
pub fn save_freeze_window(
    state: State<'_, AppState>,
    window: Option<i64>,
    form: FreezeForm,
) -> Result<i64, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        Ok(ws
            .save_freeze_window(&SystemClock, actor, window, &form)?
            .id)
    })
}

#[tauri::command(async)]
pub fn remove_freeze_window(state: State<'_, AppState>, window: i64) -> Result<(), AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.remove_freeze_window(&SystemClock, actor, window)
    })
}

#[tauri::command(async)]
pub fn save_holiday(
    state: State<'_, AppState>,
    holiday: Option<i64>,
    form: HolidayForm,
) -> Result<i64, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        Ok(ws.save_holiday(&SystemClock, actor, holiday, &form)?.id)
    })
}

#[tauri::command(async)]
pub fn remove_holiday(state: State<'_, AppState>, holiday: i64) -> Result<(), AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.remove_holiday(&SystemClock, actor, holiday)
    })
}

#[tauri::command(async)]
pub fn get_release_details(
    state: State<'_, AppState>,
    release: i64,
) -> Result<ReleaseDetails, AppError> {
    with_workspace(&state, |ws| ws.release_details(release))
}

/// Opens a work item's link in the system browser: http and https only, checked here, so
/// the window itself holds no opener permission.
#[tauri::command(async)]
pub fn open_link(url: String) -> Result<(), AppError> {
    let url = switchyard_app::plan_edit::web_link(&url)?;
    tauri_plugin_opener::open_url(url, None::<&str>).map_err(|e| {
        let text = e.to_string();
        AppError::new(
            ErrorCode::Io,
            format!(
                "the browser could not be opened: {}",
                text.lines().next().unwrap_or("")
            ),
        )
    })
}

// Moving releases, scenarios, undo, dependencies and conflicts (the planning window).

/// What a draft of moves would do; changes nothing.
#[tauri::command(async)]
pub fn preview_scenario(
    state: State<'_, AppState>,
    moves: Vec<ScenarioMove>,
) -> Result<ScenarioPreview, AppError> {
    with_workspace(&state, |ws| ws.preview_scenario(&moves))
}

/// Applies a draft of moves in one audited transaction.
#[tauri::command(async)]
pub fn apply_scenario(
    state: State<'_, AppState>,
    moves: Vec<ScenarioMove>,
) -> Result<AppliedChange, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.apply_scenario(&SystemClock, actor, &moves)
    })
}

#[tauri::command(async)]
pub fn get_last_change(state: State<'_, AppState>) -> Result<Option<UndoableChange>, AppError> {
    with_workspace(&state, |ws| ws.last_change())
}

#[tauri::command(async)]
pub fn undo_last_change(state: State<'_, AppState>) -> Result<UndoResult, AppError> {
    with_workspace_mut(&state, |ws, actor| ws.undo_last_change(&SystemClock, actor))
}

#[tauri::command(async)]
pub fn get_release_chain(
    state: State<'_, AppState>,
    release: i64,
) -> Result<ReleaseChain, AppError> {
    with_workspace(&state, |ws| ws.release_chain(release))
}

#[tauri::command(async)]
pub fn add_release_dependency(
    state: State<'_, AppState>,
    blocker: i64,
    blocked: i64,
) -> Result<i64, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        let (a, b) = (blocker.to_string(), blocked.to_string());
        let dep = ws.add_dependency(&SystemClock, actor, DepKind::Release, &a, &b, "")?;
        Ok(dep.id)
    })
}

#[tauri::command(async)]
pub fn remove_release_dependency(state: State<'_, AppState>, id: i64) -> Result<(), AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.remove_dependency(&SystemClock, actor, Some(id), None)?;
        Ok(())
    })
}

#[tauri::command(async)]
pub fn get_plan_conflicts(state: State<'_, AppState>) -> Result<ConflictList, AppError> {
    with_workspace(&state, |ws| ws.plan_conflicts())
}

#[tauri::command(async)]
pub fn get_releases_ahead(state: State<'_, AppState>) -> Result<AheadView, AppError> {
    with_workspace(&state, |ws| ws.ahead_view(&SystemClock))
}

// ---- the roster (People screen) ----

use switchyard_app::core::Person;
use switchyard_app::people::{PeopleView, PersonForm};

#[tauri::command(async)]
pub fn get_people(state: State<'_, AppState>) -> Result<PeopleView, AppError> {
    with_workspace(&state, |ws| ws.people_view())
}

#[tauri::command(async)]
pub fn save_person(
    state: State<'_, AppState>,
    person: Option<i64>,
    form: PersonForm,
) -> Result<Person, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.save_person(person, &form, &SystemClock, actor)
    })
}

#[tauri::command(async)]
pub fn remove_person(state: State<'_, AppState>, person: i64) -> Result<(), AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.remove_person_id(person, &SystemClock, actor).map(|_| ())
    })
}

/// The Metrics overview: every service's headline figures and clusters, and the
/// organisation's, as `switchyard dora --json --service S` computes them.
#[tauri::command(async)]
pub fn get_metrics_overview(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> Result<MetricsOverview, AppError> {
    let q = MetricsQuery::from_input(&from, &to, None, None, None)?;
    with_workspace(&state, |ws| ws.metrics_overview(q.from, q.to))
}

/// Pipeline health of a period and scope: what `switchyard pipeline --json` prints, with
/// its duration and failure-rate charts.
#[tauri::command(async)]
pub fn get_pipeline_health(
    state: State<'_, AppState>,
    from: String,
    to: String,
    service: Option<String>,
    team: Option<String>,
    bucket: Option<Bucket>,
) -> Result<PipelineView, AppError> {
    let q = MetricsQuery::from_input(&from, &to, service, team, bucket)?;
    with_workspace(&state, |ws| ws.pipeline_view(&q))
}

// Review mode: the go/no-go meeting in the window. Each write answers with the review as it
// stands afterwards, so a tick shows without a second round trip.

#[tauri::command(async)]
pub fn get_release_review(
    state: State<'_, AppState>,
    release: i64,
) -> Result<ReleaseReview, AppError> {
    with_workspace(&state, |ws| ws.release_review(release, &SystemClock))
}

#[tauri::command(async)]
pub fn set_checklist_item(
    app: State<'_, AppState>,
    release: i64,
    item: String,
    state: ItemState,
    evidence_url: Option<String>,
    note: Option<String>,
) -> Result<ReviewUpdate, AppError> {
    let edit = ItemEdit {
        item,
        state,
        evidence_url,
        note,
    };
    with_workspace_mut(&app, |ws, actor| {
        ws.review_set_item(release, edit, &SystemClock, actor)
    })
}

#[tauri::command(async)]
pub fn override_risk(
    state: State<'_, AppState>,
    release: i64,
    class: RiskClass,
    reason: String,
) -> Result<ReviewUpdate, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        ws.review_override_risk(release, class, &reason, &SystemClock, actor)
    })
}

/// `approver` is the person approving (a name; segregation of duties compares it), not the
/// operating-system user.
#[tauri::command(async)]
pub fn approve_release(
    state: State<'_, AppState>,
    release: i64,
    role: String,
    approver: String,
) -> Result<ReviewUpdate, AppError> {
    with_workspace_mut(&state, |ws, _actor| {
        ws.review_approve(release, &role, &approver, &SystemClock)
    })
}

#[tauri::command(async)]
pub fn decide_release(
    state: State<'_, AppState>,
    release: i64,
    outcome: DecisionOutcome,
    notes: String,
    decider: Option<String>,
) -> Result<ReviewUpdate, AppError> {
    with_workspace_mut(&state, |ws, actor| {
        let by = decider.as_deref().map(str::trim).filter(|d| !d.is_empty());
        ws.review_decide(release, outcome, &notes, &SystemClock, by.unwrap_or(actor))
    })
}
