fn main() {
    // Only these commands exist for the window, and capabilities/ grants each by name.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "get_calendar",
        "get_workspace_info",
        "get_workspace_version",
        "get_workspace_session",
        "open_workspace",
        "new_workspace",
        "reveal_workspace",
        "load_demo",
        "mark_calendar_painted",
        "get_metrics",
        "get_metric_records",
        "get_readiness_chart",
        "get_train_readiness",
        "save_export",
        "reveal_export",
        "get_sync_status",
        "save_sync_settings",
        "store_sync_token",
        "run_sync",
        "cancel_sync",
        "preview_scenario",
        "apply_scenario",
        "get_last_change",
        "undo_last_change",
        "get_release_chain",
        "add_release_dependency",
        "remove_release_dependency",
        "get_plan_conflicts",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed");
}
