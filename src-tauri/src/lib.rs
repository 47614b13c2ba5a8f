//! The desktop shell: opens the workspace (creating it with the demo organisation on first
//! start), and exposes typed commands over `switchyard_app` to the window.

mod commands;
mod file_menu;
mod logging;
mod menu;
#[cfg(target_os = "linux")]
mod no_gpu;
mod records;
#[cfg(target_os = "linux")]
mod webkit_memory;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use switchyard_app::recent::{self, RecentWorkspaces};
use switchyard_app::slot::WorkspaceSlot;
use switchyard_app::sync_screen::RunningSyncs;
use switchyard_app::{AppError, SystemClock, Workspace};
use tauri::{Manager, Runtime};

pub struct AppState {
    pub workspace: Arc<WorkspaceSlot>,
    pub started: Instant,
    /// The syncs running now.
    pub syncs: RunningSyncs,
    /// File > Open recent, in the app's config folder (`None` when there is no such folder).
    pub recent: Mutex<Option<RecentWorkspaces>>,
    /// The file last picked in the import's Open dialog: the only one `ingest_file` reads.
    pub ingest_pick: Mutex<Option<PathBuf>>,
}

/// `$SWITCHYARD_DB`, else the workspace opened last that still exists, else
/// `switchyard.sqlite3` in the app's data folder.
fn workspace_path<R: Runtime>(
    app: &tauri::App<R>,
    recent: Option<&RecentWorkspaces>,
) -> Result<PathBuf, AppError> {
    let default = match app.path().app_data_dir() {
        Ok(dir) => dir.join("switchyard.sqlite3"),
        Err(_) => switchyard_app::default_workspace_path()?,
    };
    let env = std::env::var_os("SWITCHYARD_DB")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    let listed = recent.map(RecentWorkspaces::list).unwrap_or_default();
    Ok(recent::startup_path(env, &listed, default))
}

/// The window size that fits a screen of `screen` logical pixels: the configured `size`
/// when it fits, else the screen less a margin (never below the window's minimum), so a
/// 1280 x 800 window opens whole on a 1024 x 700 screen. `None` when nothing changes.
pub fn fit_window(size: (f64, f64), min: (f64, f64), screen: (f64, f64)) -> Option<(f64, f64)> {
    const MARGIN: (f64, f64) = (32.0, 48.0);
    if size.0 <= screen.0 && size.1 <= screen.1 {
        return None;
    }
    let w = size.0.min(screen.0 - MARGIN.0).max(min.0);
    let h = size.1.min(screen.1 - MARGIN.1).max(min.1);
    Some((w.floor(), h.floor()))
}

/// Shrinks the main window to the screen it opens on when it is larger, and centres it.
fn fit_to_screen<R: Runtime>(app: &tauri::App<R>) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let (Ok(Some(monitor)), Ok(size), Ok(scale)) = (
        window.current_monitor(),
        window.inner_size(),
        window.scale_factor(),
    ) else {
        return;
    };
    let screen = monitor.size().to_logical::<f64>(monitor.scale_factor());
    let now = size.to_logical::<f64>(scale);
    if let Some((w, h)) = fit_window(
        (now.width, now.height),
        (900.0, 560.0),
        (screen.width, screen.height),
    ) {
        tracing::info!(width = w, height = h, "window shrunk to fit the screen");
        let _ = window.set_size(tauri::LogicalSize::new(w, h));
        // Centred by hand: the window is not mapped yet, so center() would use no size.
        let origin = monitor.position().to_logical::<f64>(monitor.scale_factor());
        let _ = window.set_position(tauri::LogicalPosition::new(
            origin.x + ((screen.width - w) / 2.0).max(0.0),
            origin.y + ((screen.height - h) / 2.0).max(0.0),
        ));
    }
}

pub fn run() {
    let started = Instant::now();
    #[cfg(target_os = "linux")]
    {
        no_gpu::configure();
        match webkit_memory::parse(std::env::var("SWITCHYARD_WEB_MEMORY").ok().as_deref()) {
            Ok(Some(settings)) => webkit_memory::install(settings),
            Ok(None) => {}
            Err(e) => eprintln!("warning[config]: {e}; WebKit's default is kept"),
        }
    }
    // Two official plugins (tauri-apps/plugins-workspace), on the real window only: a second
    // launch focuses the first window; the window's size and position are kept.
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::SIZE
                        | tauri_plugin_window_state::StateFlags::POSITION
                        | tauri_plugin_window_state::StateFlags::MAXIMIZED,
                )
                .build(),
        )
        .menu(menu::build)
        .on_menu_event(menu::on_event);
    app(builder, started)
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("error[internal]: the window could not start: {e}");
            std::process::exit(1);
        });
}

/// The app on any Tauri runtime: the window's runtime in [`run`], the mock runtime in tests.
/// At setup the workspace is opened on a thread of its own (see [`WorkspaceSlot`]).
pub fn app<R: Runtime>(builder: tauri::Builder<R>, started: Instant) -> tauri::Builder<R> {
    let workspace = Arc::new(WorkspaceSlot::default());
    builder
        .setup({
            let workspace = Arc::clone(&workspace);
            move |app| {
                logging::init(app.path().app_log_dir().ok());
                #[cfg(target_os = "linux")]
                if let Some(d) = no_gpu::done().filter(|d| d.compositing_off) {
                    tracing::info!(
                        gdk_gl_off = d.gdk_gl_off,
                        egl_without_driver = d.egl_without_driver,
                        "no GPU render node: WebKit's compositing off, GL kept out of the window's process"
                    );
                }
                #[cfg(target_os = "linux")]
                if let Some(s) = webkit_memory::given() {
                    tracing::info!(
                        limit_mb = s.limit_mb,
                        conservative = s.conservative,
                        strict = s.strict,
                        "memory limit given to WebKit's web process"
                    );
                }
                fit_to_screen(app);
                let recent = app
                    .path()
                    .app_config_dir()
                    .ok()
                    .map(|dir| RecentWorkspaces::in_dir(&dir));
                let path = workspace_path(app, recent.as_ref());
                if let Ok(mut slot) = app.state::<AppState>().recent.lock() {
                    slot.clone_from(&recent);
                }
                std::thread::Builder::new()
                    .name("open-workspace".into())
                    .spawn(move || {
                        let (path, opened) = match path {
                            Ok(path) => {
                                let opened = Workspace::open_first_start(&path, &SystemClock);
                                (path, opened)
                            }
                            Err(e) => (PathBuf::new(), Err(e)),
                        };
                        match &opened {
                            Ok(ws) => {
                                tracing::info!(path = %ws.store().path().display(), "workspace open");
                                if let Some(r) = &recent {
                                    if let Err(e) = r.remember(&path) {
                                        tracing::warn!("recent workspaces not written: {}", e.message);
                                    }
                                }
                            }
                            Err(e) => tracing::error!(code = e.code.as_str(), "{}", e.message),
                        }
                        workspace.fill(path, opened);
                    })?;
                Ok(())
            }
        })
        .manage(AppState {
            workspace,
            started,
            syncs: RunningSyncs::default(),
            recent: Mutex::default(),
            ingest_pick: Mutex::default(),
        })
        .manage(menu::MenuChannel::default())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            commands::get_calendar,
            commands::get_workspace_info,
            commands::get_workspace_version,
            file_menu::get_workspace_session,
            file_menu::open_workspace,
            file_menu::new_workspace,
            file_menu::reveal_workspace,
            file_menu::load_demo,
            commands::mark_calendar_painted,
            commands::get_metrics,
            commands::get_metric_records,
            commands::get_readiness_chart,
            commands::get_train_readiness,
            commands::save_export,
            commands::reveal_export,
            file_menu::pick_ingest_file,
            file_menu::ingest_file,
            commands::get_sync_status,
            commands::save_sync_settings,
            commands::store_sync_token,
            commands::run_sync,
            commands::cancel_sync,
            commands::get_deploy_rules,
            commands::preview_deploy_rules,
            commands::save_deploy_rules,
            commands::listen_menu,
            commands::get_train_form,
            commands::save_train,
            commands::generate_releases,
            commands::save_release,
            commands::cancel_release,
            commands::save_freeze_window,
            commands::remove_freeze_window,
            commands::save_holiday,
            commands::remove_holiday,
            commands::get_release_details,
            commands::open_link,
            commands::preview_scenario,
            commands::apply_scenario,
            commands::get_last_change,
            commands::undo_last_change,
            commands::get_release_chain,
            commands::add_release_dependency,
            commands::remove_release_dependency,
            commands::get_plan_conflicts,
            commands::get_releases_ahead,
            commands::get_people,
            commands::save_person,
            commands::remove_person,
            records::get_change_records,
            records::create_change_record,
            records::approve_change_record,
            records::reject_change_record,
            records::get_hotfix_form,
            records::start_hotfix,
            records::get_post_reviews,
            records::schedule_post_review,
            records::add_review_action,
            records::set_review_action,
            records::complete_post_review,
            commands::get_metrics_overview,
            commands::get_pipeline_health,
            commands::get_release_review,
            commands::set_checklist_item,
            commands::override_risk,
            commands::approve_release,
            commands::decide_release,
        ])
}

#[cfg(test)]
mod tests {
    use super::fit_window;

    #[test]
    fn the_window_fits_the_screen_it_opens_on() {
        let (size, min) = ((1280.0, 800.0), (900.0, 560.0));
        assert_eq!(fit_window(size, min, (1920.0, 1080.0)), None);
        assert_eq!(fit_window(size, min, (1280.0, 800.0)), None);
        assert_eq!(fit_window(size, min, (1024.0, 700.0)), Some((992.0, 652.0)));
        // Never below the minimum the window can be used at.
        assert_eq!(fit_window(size, min, (800.0, 600.0)), Some((900.0, 560.0)));
    }

    /// Help > About, `switchyard --version`, the package the Tauri CLI builds and the UI all
    /// say the same version: the one in the workspace's Cargo.toml.
    #[test]
    fn every_place_that_states_the_version_states_the_same_one() {
        let version = env!("CARGO_PKG_VERSION");
        let json = |text: &str| -> String {
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            v["version"].as_str().unwrap().to_string()
        };
        assert_eq!(json(include_str!("../../tauri.conf.json")), version);
        assert_eq!(json(include_str!("../../ui/package.json")), version);
        let changelog = include_str!("../../CHANGELOG.md");
        assert!(
            changelog.contains(&format!("## {version}")),
            "CHANGELOG.md has no section for {version}"
        );
    }
}

/// The window's commands are named in five places: the app's command table (what the
/// window's TypeScript is generated from), build.rs's manifest, `generate_handler!`, the
/// handlers themselves and the capability. These tests fail when one of them differs.
#[cfg(test)]
mod command_lists {
    use std::collections::BTreeMap;
    use switchyard_app::commands::{command_names, table};

    const BUILD_RS: &str = include_str!("../build.rs");
    const LIB_RS: &str = include_str!("lib.rs");
    const HANDLERS: [&str; 3] = [
        include_str!("commands.rs"),
        include_str!("file_menu.rs"),
        include_str!("records.rs"),
    ];
    const CAPABILITY: &str = include_str!("../../capabilities/main-window.json");

    /// The text between `open` and the `close` after it.
    fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
        let start = text.find(open).map(|i| i + open.len()).expect(open);
        let end = text[start..].find(close).expect(close);
        &text[start..start + end]
    }

    fn build_rs() -> Vec<String> {
        between(BUILD_RS, ".commands(&[", "]")
            .split(',')
            .map(|s| s.trim().trim_matches('"').to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn generate_handler() -> Vec<String> {
        // The first match is the app's; this test's own string comes later in the file.
        let start = LIB_RS
            .find(".invoke_handler(tauri::generate_handler![")
            .expect("the handler");
        between(&LIB_RS[start..], "generate_handler![", "]")
            .split(',')
            .map(|s| s.trim().rsplit("::").next().unwrap_or("").to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn capability() -> Vec<String> {
        let json: serde_json::Value = serde_json::from_str(CAPABILITY).expect("json");
        json["permissions"]
            .as_array()
            .expect("permissions")
            .iter()
            .filter_map(|p| p.as_str())
            .filter_map(|p| p.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect()
    }

    fn squeeze(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// Splits at commas outside `<>` and `()`.
    fn split_top(s: &str) -> Vec<String> {
        let (mut depth, mut out, mut cur) = (0i32, Vec::new(), String::new());
        for c in s.chars() {
            match c {
                '<' | '(' => depth += 1,
                '>' | ')' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(std::mem::take(&mut cur));
                    continue;
                }
                _ => {}
            }
            cur.push(c);
        }
        out.push(cur);
        out.into_iter()
            .map(|s| squeeze(&s))
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Each `#[tauri::command]` handler: its IPC arguments (name, type) and what it
    /// answers (`T` of `Result<T, AppError>`, `()` for nothing) and whether it can fail.
    type Signature = (Vec<(String, String)>, String, bool);

    fn handlers() -> BTreeMap<String, Signature> {
        let mut out = BTreeMap::new();
        for text in HANDLERS {
            for part in text.split("#[tauri::command").skip(1) {
                let after = &part[part.find("pub fn ").expect("pub fn") + 7..];
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                // The parameters: from the `(` after the name to its matching `)`.
                let open = after.find('(').expect("(");
                let mut depth = 0;
                let mut close = open;
                for (i, c) in after[open..].char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                close = open + i;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let args = split_top(&after[open + 1..close])
                    .into_iter()
                    .filter_map(|p| {
                        let (n, t) = p.split_once(':')?;
                        // What Tauri fills in itself never crosses IPC.
                        let injected = ["State<", "AppHandle<", "Window<", "WebviewWindow<"];
                        (!injected.iter().any(|i| t.starts_with(i)))
                            .then(|| (n.to_owned(), t.to_owned()))
                    })
                    .collect();
                let rest = &after[close + 1..after.find('{').expect("{")];
                let (result, fallible) = match rest.trim().strip_prefix("->") {
                    None => ("()".to_owned(), false),
                    Some(ret) => {
                        let ret = squeeze(ret);
                        match ret
                            .strip_prefix("Result<")
                            .and_then(|r| r.strip_suffix(",AppError>"))
                        {
                            Some(ok) => (ok.to_owned(), true),
                            None => (ret, false),
                        }
                    }
                };
                out.insert(name, (args, result, fallible));
            }
        }
        out
    }

    #[test]
    fn every_list_names_the_commands_of_the_table() {
        let table: Vec<String> = command_names().iter().map(|s| s.to_string()).collect();
        assert_eq!(table.len(), 67, "{table:?}");
        assert_eq!(build_rs(), table, "src-tauri/build.rs");
        assert_eq!(
            generate_handler(),
            table,
            "generate_handler! in src-tauri/src/lib.rs"
        );
        assert_eq!(capability(), table, "capabilities/main-window.json");
        let handlers: Vec<String> = handlers().into_keys().collect();
        let mut sorted = table.clone();
        sorted.sort();
        assert_eq!(handlers, sorted, "#[tauri::command] handlers");
    }

    #[test]
    fn every_handler_takes_and_answers_what_the_table_says() {
        let handlers = handlers();
        for c in table() {
            let (args, result, fallible) = &handlers[c.name];
            let want: Vec<(String, String)> = c
                .args
                .iter()
                .map(|a| (a.name.to_owned(), squeeze(a.rust)))
                .collect();
            assert_eq!(args, &want, "{}: arguments", c.name);
            assert_eq!(result, &squeeze(c.result_rust), "{}: result", c.name);
            assert_eq!(
                *fallible, c.fallible,
                "{}: Result<_, AppError> or not",
                c.name
            );
        }
    }

    #[test]
    fn the_lists_are_read_as_they_are_written() {
        // The parsers themselves: a list they read empty would compare equal to nothing.
        assert!(build_rs().contains(&"run_sync".to_owned()));
        assert!(generate_handler().contains(&"load_demo".to_owned()));
        assert!(capability().contains(&"get_calendar".to_owned()));
        let h = handlers();
        assert_eq!(
            h["run_sync"].0,
            vec![
                ("target".to_owned(), "SyncTarget".to_owned()),
                ("progress".to_owned(), "Channel<SyncProgress>".to_owned())
            ]
        );
        assert_eq!(h["open_workspace"].1, "Option<WorkspaceSession>");
        assert_eq!(h["mark_calendar_painted"], (vec![], "()".to_owned(), false));
    }
}

/// The shell on Tauri's mock runtime: commands called through the real IPC path, with the
/// app's own config and capabilities, against a real workspace file.
#[cfg(test)]
mod mock_runtime {
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
    use tauri::webview::InvokeRequest;
    use tauri::{Manager, WebviewWindowBuilder};

    fn invoke(
        webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
        cmd: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        get_ipc_response(
            webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().expect("a url"),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<serde_json::Value>().expect("json"))
    }

    #[test]
    fn the_window_s_commands_answer_through_ipc_and_capabilities() {
        let dir = tempfile::tempdir().expect("a temp dir");
        // Only this test in this binary reads these: the workspace and the app's folders.
        std::env::set_var("SWITCHYARD_DB", dir.path().join("ws.sqlite3"));
        std::env::set_var("XDG_DATA_HOME", dir.path().join("data"));
        std::env::set_var("XDG_CONFIG_HOME", dir.path().join("config"));
        let mut app = super::app(mock_builder(), std::time::Instant::now())
            .build(tauri::generate_context!())
            .expect("the app builds on the mock runtime");
        // One turn of the event loop runs setup: the config's windows, then ours (which
        // starts opening the workspace). Called once, so the busy loop it is deprecated for
        // does not happen; run_return would keep the mock loop running.
        #[allow(deprecated)]
        app.run_iteration(|_, _| {});
        let webview = match app.get_webview_window("main") {
            Some(w) => w,
            None => WebviewWindowBuilder::new(&app, "main", Default::default())
                .build()
                .expect("the main window"),
        };

        // First start: the demo organisation in the workspace named by SWITCHYARD_DB.
        let info = invoke(&webview, "get_workspace_info", serde_json::json!({})).expect("info");
        assert_eq!(info["counts"]["trains"], 3, "{info}");
        assert!(info["path"].as_str().unwrap_or("").ends_with("ws.sqlite3"));

        let session =
            invoke(&webview, "get_workspace_session", serde_json::json!({})).expect("session");
        assert_eq!(session["name"], "ws");
        assert!(session["error"].is_null());

        // An error crosses IPC as {code, message, field}.
        let err = invoke(
            &webview,
            "get_calendar",
            serde_json::json!({ "from": "yesterday", "to": null }),
        )
        .expect_err("a bad date is refused");
        assert_eq!(err["code"], "invalid_input");
        assert_eq!(err["field"], "from");

        // A link that is not http(s) is refused before anything is opened.
        let refused = invoke(
            &webview,
            "open_link",
            serde_json::json!({ "url": "file:///etc/passwd" }),
        )
        .expect_err("only web links open");
        assert_eq!(refused["code"], "invalid_input");
        assert_eq!(refused["field"], "url");

        // The roster crosses IPC: the demo's people, and a refusal about one field.
        let people = invoke(&webview, "get_people", serde_json::json!({})).expect("people");
        assert_eq!(
            people["people"].as_array().map(Vec::len),
            Some(8),
            "{people}"
        );
        let nameless = invoke(
            &webview,
            "save_person",
            serde_json::json!({
                "person": null,
                "form": { "name": " ", "roles": [], "github": [], "jira": [] }
            }),
        )
        .expect_err("a person needs a name");
        assert_eq!(nameless["code"], "invalid_input");
        assert_eq!(nameless["field"], "name");

        // A command the capability does not grant is refused by Tauri itself.
        let denied = invoke(&webview, "no_such_command", serde_json::json!({}));
        assert!(denied.is_err(), "{denied:?}");
    }
}
