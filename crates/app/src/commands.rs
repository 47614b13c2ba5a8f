//! The window's commands in one table: each command's name, its arguments (name and Rust
//! type) and what it answers. `./dev bindings` writes the table into
//! ui/src/lib/bindings/commands.ts as a typed command map (TypeScript names from ts-rs),
//! with the list of error codes; the desktop shell's tests check that `src-tauri/build.rs`,
//! its `generate_handler!`, the handlers' signatures and `capabilities/main-window.json`
//! name the same commands with the same arguments.

use crate::error::{AppError, ErrorCode};
use crate::governance::AheadView;
use crate::people::{PeopleView, PersonForm};

use crate::deploy_rules::{DeployPreview, DeployRulesView};
use crate::ingest::{IngestKind, IngestRequest, IngestResult};
use crate::overview::{MetricsOverview, PipelineView};
use crate::plan_edit::{
    FreezeForm, GenerateView, HolidayForm, ReleaseDetails, ReleaseForm, SavedRelease, SavedTrain,
    TrainForm, TrainFormView,
};
use crate::recent::WorkspaceSession;
use crate::records::{
    ChangeRecordForm, ChangeRecordsView, HotfixForm, HotfixFormView, HotfixStarted, PostReviewsView,
};
use crate::saved::{ExportRequest, SavedFile};
use crate::scenario::{
    AppliedChange, ConflictList, ReleaseChain, ScenarioMove, ScenarioPreview, UndoResult,
    UndoableChange,
};
use crate::screens::{DrillView, MetricsView, TrainReadinessView};
use crate::sync_screen::{LastSync, SyncConnections, SyncProgress, SyncStatus, SyncTarget};
use std::collections::BTreeSet;
use switchyard_core::dora::{Bucket, Drill};
use switchyard_core::settings::DeployRule;
use switchyard_core::views::{CalendarView, WorkspaceInfo};
use switchyard_core::Person;
use ts_rs::{Config, Dependency, TypeVisitor, TS};

/// A type as TypeScript spells it, and the generated bindings it needs imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsType {
    pub ts: String,
    /// Names of files in ui/src/lib/bindings (without `.ts`).
    pub imports: BTreeSet<String>,
    /// Whether it needs `Channel` from `@tauri-apps/api/core`.
    pub channel: bool,
}

struct Imports<'a>(&'a Config, &'a mut BTreeSet<String>);

impl TypeVisitor for Imports<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if let Some(d) = Dependency::from_ty::<T>(self.0) {
            self.1.insert(d.ts_name);
        }
        T::visit_generics(self);
    }
}

impl TsType {
    pub fn of<T: TS + 'static>(cfg: &Config) -> Self {
        let mut imports = BTreeSet::new();
        Imports(cfg, &mut imports).visit::<T>();
        Self {
            ts: T::name(cfg),
            imports,
            channel: false,
        }
    }

    /// A `tauri::ipc::Channel<T>`: the window passes a `Channel` whose messages are `T`.
    pub fn channel_of<T: TS + 'static>(cfg: &Config) -> Self {
        let inner = Self::of::<T>(cfg);
        Self {
            ts: format!("Channel<{}>", inner.ts),
            imports: inner.imports,
            channel: true,
        }
    }
}

/// One argument as the window passes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandArg {
    /// The handler's parameter name (snake_case); Tauri takes it in camelCase.
    pub name: &'static str,
    /// The Rust type as the handler writes it, e.g. `Option<String>`.
    pub rust: &'static str,
    pub ts: TsType,
}

impl CommandArg {
    /// The key the window passes it under: Tauri turns parameter names into camelCase.
    pub fn key(&self) -> String {
        let mut out = String::new();
        let mut upper = false;
        for c in self.name.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }
}

/// One command of the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub name: &'static str,
    /// What it does, for the generated file.
    pub doc: &'static str,
    pub args: Vec<CommandArg>,
    /// The Rust type it answers with on success, as the handler writes it (`()` for none).
    pub result_rust: &'static str,
    pub result: TsType,
    /// Whether it can fail: the handler returns `Result<_, AppError>`.
    pub fallible: bool,
}

struct Builder<'a> {
    cfg: &'a Config,
    out: Vec<Command>,
}

impl Builder<'_> {
    fn command(&mut self, name: &'static str, doc: &'static str) -> &mut Command {
        self.out.push(Command {
            name,
            doc,
            args: Vec::new(),
            result_rust: "()",
            result: TsType::of::<()>(self.cfg),
            fallible: true,
        });
        self.out.last_mut().expect("just pushed")
    }
}

impl Command {
    fn arg<T: TS + 'static>(
        &mut self,
        cfg: &Config,
        name: &'static str,
        rust: &'static str,
    ) -> &mut Self {
        self.args.push(CommandArg {
            name,
            rust,
            ts: TsType::of::<T>(cfg),
        });
        self
    }

    fn channel<T: TS + 'static>(
        &mut self,
        cfg: &Config,
        name: &'static str,
        rust: &'static str,
    ) -> &mut Self {
        self.args.push(CommandArg {
            name,
            rust,
            ts: TsType::channel_of::<T>(cfg),
        });
        self
    }

    fn returns<T: TS + 'static>(&mut self, cfg: &Config, rust: &'static str) -> &mut Self {
        self.result_rust = rust;
        self.result = TsType::of::<T>(cfg);
        self
    }

    fn infallible(&mut self) -> &mut Self {
        self.fallible = false;
        self
    }
}

/// `arg!(cmd, cfg, name: Type)`: an argument, its Rust type written once.
macro_rules! arg {
    ($c:expr, $cfg:expr, $name:ident : $ty:ty) => {
        $c.arg::<$ty>($cfg, stringify!($name), stringify!($ty))
    };
}

macro_rules! returns {
    ($c:expr, $cfg:expr, $ty:ty) => {
        $c.returns::<$ty>($cfg, stringify!($ty))
    };
}

/// Every command the window may call, in the order the shell registers them.
pub fn commands(cfg: &Config) -> Vec<Command> {
    let mut b = Builder {
        cfg,
        out: Vec::new(),
    };

    let c = b.command("get_calendar", "The calendar of trains, releases and freezes between two days (each `YYYY-MM-DD` or null for the default range).");
    arg!(c, cfg, from: Option<String>);
    arg!(c, cfg, to: Option<String>);
    returns!(c, cfg, CalendarView);

    let c = b.command(
        "get_workspace_info",
        "The workspace's path, counts and whether the demo is loaded.",
    );
    returns!(c, cfg, WorkspaceInfo);

    let c = b.command("get_workspace_version", "Changes when the workspace file was written from elsewhere (the CLI, a sync, another window).");
    returns!(c, cfg, i64);

    let c = b.command(
        "get_workspace_session",
        "The workspace shown (or why it could not be opened) and the recent ones: the File menu.",
    );
    returns!(c, cfg, WorkspaceSession);

    let c = b.command("open_workspace", "Opens a recent workspace by `path`, or with null the one a person picks in the native Open dialog; null when the dialog was cancelled.");
    arg!(c, cfg, path: Option<String>);
    returns!(c, cfg, Option<WorkspaceSession>);

    let c = b.command(
        "new_workspace",
        "An empty workspace where the native Save dialog says; null when cancelled.",
    );
    returns!(c, cfg, Option<WorkspaceSession>);

    b.command(
        "reveal_workspace",
        "The workspace file in the system's file manager.",
    );

    let c = b.command(
        "load_demo",
        "Loads the demo organisation into the (empty) workspace shown.",
    );
    returns!(c, cfg, WorkspaceInfo);

    b.command(
        "mark_calendar_painted",
        "The window calls this once the calendar is on screen: the startup time, measured.",
    )
    .infallible();

    let c = b.command("get_metrics", "The Metrics screen: DORA numbers of a period and the one before, cards, charts, scopes. Without `bucket`, weekly or monthly by the reports' rule.");
    arg!(c, cfg, from: String);
    arg!(c, cfg, to: String);
    arg!(c, cfg, service: Option<String>);
    arg!(c, cfg, team: Option<String>);
    arg!(c, cfg, bucket: Option<Bucket>);
    returns!(c, cfg, MetricsView);

    let c = b.command(
        "get_metric_records",
        "The records behind one number of the Metrics screen.",
    );
    arg!(c, cfg, from: String);
    arg!(c, cfg, to: String);
    arg!(c, cfg, service: Option<String>);
    arg!(c, cfg, team: Option<String>);
    arg!(c, cfg, drill: Drill);
    returns!(c, cfg, DrillView);

    let c = b.command(
        "get_readiness_chart",
        "A release's readiness over time as the SVG chart the reports use.",
    );
    arg!(c, cfg, release: i64);
    returns!(c, cfg, String);

    let c = b.command(
        "get_train_readiness",
        "A train's next releases in flight and their readiness overlaid (the train panel).",
    );
    arg!(c, cfg, train: i64);
    returns!(c, cfg, TrainReadinessView);

    let c = b.command(
        "save_export",
        "Writes a report or export into the download directory; answers where.",
    );
    arg!(c, cfg, request: ExportRequest);
    returns!(c, cfg, SavedFile);

    let c = b.command("reveal_export", "Opens the file manager on a file the export dialog saved (only files in the export folder).");
    arg!(c, cfg, path: String);

    let c = b.command("pick_ingest_file", "Asks for a deployments or incidents file (CSV, NDJSON) in the native Open dialog; answers its path, or null when cancelled. Only the file picked last may be ingested.");
    arg!(c, cfg, kind: IngestKind);
    returns!(c, cfg, Option<String>);

    let c = b.command("ingest_file", "Reads and checks the file picked last and writes its deployments or incidents (with `dry_run`, only counts what would be written).");
    arg!(c, cfg, request: IngestRequest);
    returns!(c, cfg, IngestResult);

    let c = b.command(
        "get_sync_status",
        "The Jira and GitHub connections and their last syncs.",
    );
    returns!(c, cfg, SyncStatus);

    let c = b.command(
        "save_sync_settings",
        "Saves the connections (never a token).",
    );
    arg!(c, cfg, connections: SyncConnections);
    returns!(c, cfg, SyncStatus);

    let c = b.command(
        "store_sync_token",
        "Puts a token into the OS keyring; only \"stored\" comes back, never the token.",
    );
    arg!(c, cfg, target: SyncTarget);
    arg!(c, cfg, token: String);
    returns!(c, cfg, SyncStatus);

    let c = b.command(
        "run_sync",
        "Runs one sync to its end (or error, or cancel), sending progress lines on `progress`.",
    );
    arg!(c, cfg, target: SyncTarget);
    c.channel::<SyncProgress>(cfg, "progress", "Channel<SyncProgress>");
    returns!(c, cfg, LastSync);

    let c = b.command(
        "cancel_sync",
        "Asks a running sync to stop; it ends with `cancelled` at its next step.",
    );
    arg!(c, cfg, target: SyncTarget);
    returns!(c, cfg, bool);

    let c = b.command(
        "get_deploy_rules",
        "The deploy-workflow rules (which GitHub Actions runs are deployments) and what they count now.",
    );
    returns!(c, cfg, DeployRulesView);

    let c = b.command(
        "preview_deploy_rules",
        "The synced runs some deploy-workflow rules would count as deployments, and as what; writes nothing.",
    );
    arg!(c, cfg, rules: Vec<DeployRule>);
    returns!(c, cfg, DeployPreview);

    let c = b.command(
        "save_deploy_rules",
        "Saves the deploy-workflow rules (audited) and derives the deployments of the synced runs again.",
    );
    arg!(c, cfg, rules: Vec<DeployRule>);
    returns!(c, cfg, DeployRulesView);

    let c = b.command(
        "listen_menu",
        "The native menu's clicks (File, View) are sent on `actions` from now on.",
    );
    c.channel::<crate::menu::MenuAction>(cfg, "actions", "Channel<MenuAction>");
    c.infallible();
    // Planning in the window: trains, releases, freeze windows, holidays.
    let c = b.command(
        "get_train_form",
        "The train form: a train's values (null: a new train's defaults), the milestone templates and the services.",
    );
    arg!(c, cfg, train: Option<i64>);
    returns!(c, cfg, TrainFormView);

    let c = b.command(
        "save_train",
        "Adds a train (`train` null) or changes one; a refusal names its form field.",
    );
    arg!(c, cfg, train: Option<i64>);
    arg!(c, cfg, form: TrainForm);
    returns!(c, cfg, SavedTrain);

    let c = b.command("generate_releases", "Generate until…: the releases a train's cadence asks for from `from` (null: today) to `until`; created only with `apply`.");
    arg!(c, cfg, train: i64);
    arg!(c, cfg, from: Option<String>);
    arg!(c, cfg, until: String);
    arg!(c, cfg, apply: bool);
    returns!(c, cfg, GenerateView);

    let c = b.command(
        "save_release",
        "Adds a release (`release` null) or edits its name, version, type, status and services.",
    );
    arg!(c, cfg, release: Option<i64>);
    arg!(c, cfg, form: ReleaseForm);
    returns!(c, cfg, SavedRelease);

    let c = b.command(
        "cancel_release",
        "Cancels a release: kept, with status cancelled.",
    );
    arg!(c, cfg, release: i64);
    returns!(c, cfg, SavedRelease);

    let c = b.command(
        "save_freeze_window",
        "Adds a freeze window (`window` null) or changes one; answers its id.",
    );
    arg!(c, cfg, window: Option<i64>);
    arg!(c, cfg, form: FreezeForm);
    returns!(c, cfg, i64);

    let c = b.command("remove_freeze_window", "Removes a freeze window.");
    arg!(c, cfg, window: i64);

    let c = b.command(
        "save_holiday",
        "Adds a holiday (`holiday` null) or changes one; answers its id.",
    );
    arg!(c, cfg, holiday: Option<i64>);
    arg!(c, cfg, form: HolidayForm);
    returns!(c, cfg, i64);

    let c = b.command("remove_holiday", "Removes a holiday.");
    arg!(c, cfg, holiday: i64);

    let c = b.command(
        "get_release_details",
        "The release panel's work items (Jira and GitHub) and its history from the audit log, newest first.",
    );
    arg!(c, cfg, release: i64);
    returns!(c, cfg, ReleaseDetails);

    let c = b.command(
        "open_link",
        "Opens an http(s) link in the system browser; anything else is refused.",
    );
    arg!(c, cfg, url: String);
    let c = b.command("preview_scenario", "What a draft of moves would do: every release that moves (directly or pushed by a blocker), every break and every new conflict; changes nothing.");
    arg!(c, cfg, moves: Vec<ScenarioMove>);
    returns!(c, cfg, ScenarioPreview);

    let c = b.command(
        "apply_scenario",
        "Applies a draft of moves and their ripple in one transaction, one audit event per release moved, sharing one change id.",
    );
    arg!(c, cfg, moves: Vec<ScenarioMove>);
    returns!(c, cfg, AppliedChange);

    let c = b.command(
        "get_last_change",
        "The last move or dependency change undo would reverse; null when there is none.",
    );
    returns!(c, cfg, Option<UndoableChange>);

    let c = b.command(
        "undo_last_change",
        "Reverses the last change with new audit events marked as undoing it.",
    );
    returns!(c, cfg, UndoResult);

    let c = b.command(
        "get_release_chain",
        "A release's dependencies upstream and downstream (broken edges flagged) and its critical path.",
    );
    arg!(c, cfg, release: i64);
    returns!(c, cfg, ReleaseChain);

    let c = b.command(
        "add_release_dependency",
        "Adds `blocker -> blocked` between two releases; a cycle is refused naming it. Answers the dependency's id.",
    );
    arg!(c, cfg, blocker: i64);
    arg!(c, cfg, blocked: i64);
    returns!(c, cfg, i64);

    let c = b.command("remove_release_dependency", "Removes a dependency by id.");
    arg!(c, cfg, id: i64);

    let c = b.command(
        "get_plan_conflicts",
        "Every conflict of the plan (`plan check`), with \"move to the next free slot\" where one exists.",
    );
    returns!(c, cfg, ConflictList);

    let c = b.command(
        "get_releases_ahead",
        "The releases due in the 30 days after today with risk, readiness, go/no-go, conflicts, blockers and missing approvals; those needing attention first, each with its reasons (the calendar's \"Needs attention\" panel).",
    );
    returns!(c, cfg, AheadView);

    let c = b.command(
        "get_people",
        "The workspace's roster by name (roles, GitHub logins, Jira identities) and the role names to offer.",
    );
    returns!(c, cfg, PeopleView);

    let c = b.command(
        "save_person",
        "Adds a person (`person` null) or replaces a person's name, roles and identities; answers the person as stored.",
    );
    arg!(c, cfg, person: Option<i64>);
    arg!(c, cfg, form: PersonForm);
    returns!(c, cfg, Person);

    let c = b.command(
        "remove_person",
        "Removes a person from the roster (their approvals and decisions keep their name).",
    );
    arg!(c, cfg, person: i64);

    // Change records, hotfixes and post-release reviews (the release panel's sections).
    let c = b.command(
        "get_change_records",
        "A release's change records and a new one's form, filled from the release.",
    );
    arg!(c, cfg, release: i64);
    returns!(c, cfg, ChangeRecordsView);

    let c = b.command(
        "create_change_record",
        "Raises a change record for a release (services, changes and risk from the release).",
    );
    arg!(c, cfg, release: i64);
    arg!(c, cfg, form: ChangeRecordForm);
    returns!(c, cfg, ChangeRecordsView);

    let c = b.command(
        "approve_change_record",
        "Approves the release's open change record `record` as `approver` in `role` (segregation of duties applies).",
    );
    arg!(c, cfg, release: i64);
    arg!(c, cfg, record: i64);
    arg!(c, cfg, role: String);
    arg!(c, cfg, approver: String);
    returns!(c, cfg, ChangeRecordsView);

    let c = b.command(
        "reject_change_record",
        "Rejects the release's open change record `record`; the reason is required.",
    );
    arg!(c, cfg, release: i64);
    arg!(c, cfg, record: i64);
    arg!(c, cfg, reason: String);
    returns!(c, cfg, ChangeRecordsView);

    let c = b.command(
        "get_hotfix_form",
        "The hotfix form filled from a release or a service, with the reduced checklists and review deadlines; changes nothing.",
    );
    arg!(c, cfg, release: Option<i64>);
    arg!(c, cfg, service: Option<String>);
    returns!(c, cfg, HotfixFormView);

    let c = b.command(
        "start_hotfix",
        "Starts a hotfix or emergency release: reduced checklist, change record, post-release review due.",
    );
    arg!(c, cfg, form: HotfixForm);
    returns!(c, cfg, HotfixStarted);

    let c = b.command(
        "get_post_reviews",
        "A release's post-release reviews and their action items.",
    );
    arg!(c, cfg, release: i64);
    returns!(c, cfg, PostReviewsView);

    let c = b.command(
        "schedule_post_review",
        "Schedules a post-release review due on `due` (`YYYY-MM-DD`).",
    );
    arg!(c, cfg, release: i64);
    arg!(c, cfg, due: String);
    returns!(c, cfg, PostReviewsView);

    let c = b.command(
        "add_review_action",
        "Adds an action item (owner and due day optional) to the release's newest review.",
    );
    arg!(c, cfg, release: i64);
    arg!(c, cfg, title: String);
    arg!(c, cfg, owner: String);
    arg!(c, cfg, due: String);
    returns!(c, cfg, PostReviewsView);

    let c = b.command(
        "set_review_action",
        "Marks an action item done, or open again.",
    );
    arg!(c, cfg, release: i64);
    arg!(c, cfg, action: i64);
    arg!(c, cfg, done: bool);
    returns!(c, cfg, PostReviewsView);

    let c = b.command(
        "complete_post_review",
        "Records that the release's newest review was held, with its findings.",
    );
    arg!(c, cfg, release: i64);
    arg!(c, cfg, findings: String);
    returns!(c, cfg, PostReviewsView);

    let c = b.command(
        "get_metrics_overview",
        "The Metrics overview: every service's six headline figures and clusters, and the organisation's, as `dora --json --service S` computes them.",
    );
    arg!(c, cfg, from: String);
    arg!(c, cfg, to: String);
    returns!(c, cfg, MetricsOverview);

    let c = b.command(
        "get_pipeline_health",
        "Pipeline health of a period and scope: the `pipeline --json` document, its duration and failure-rate charts, and what was synced. Without `bucket`, weekly or monthly by the reports' rule.",
    );
    arg!(c, cfg, from: String);
    arg!(c, cfg, to: String);
    arg!(c, cfg, service: Option<String>);
    arg!(c, cfg, team: Option<String>);
    arg!(c, cfg, bucket: Option<Bucket>);
    returns!(c, cfg, PipelineView);

    // Review mode: the go/no-go meeting in the window.
    use crate::governance::{ReleaseReview, ReviewUpdate};
    use switchyard_core::vocab::{DecisionOutcome, ItemState, RiskClass};
    let c = b.command(
        "get_release_review",
        "Review mode: a release, its scope, environments, dependencies, plans, risk, checklist, approvals and decisions as they stand now.",
    );
    arg!(c, cfg, release: i64);
    returns!(c, cfg, ReleaseReview);

    let c = b.command(
        "set_checklist_item",
        "Ticks (done, with evidence link and note), blocks, resets or marks not applicable (a reason in `note`) one checklist item; answers the parts of the review it changes (ReviewUpdate).",
    );
    arg!(c, cfg, release: i64);
    arg!(c, cfg, item: String);
    arg!(c, cfg, state: ItemState);
    arg!(c, cfg, evidence_url: Option<String>);
    arg!(c, cfg, note: Option<String>);
    returns!(c, cfg, ReviewUpdate);

    let c = b.command(
        "override_risk",
        "Overrides the release's risk class with a reason; answers the parts of the review it changes (ReviewUpdate).",
    );
    arg!(c, cfg, release: i64);
    arg!(c, cfg, class: RiskClass);
    arg!(c, cfg, reason: String);
    returns!(c, cfg, ReviewUpdate);

    let c = b.command(
        "approve_release",
        "Records `approver`'s approval of the release in `role` (segregation of duties checked); answers the parts of the review it changes (ReviewUpdate).",
    );
    arg!(c, cfg, release: i64);
    arg!(c, cfg, role: String);
    arg!(c, cfg, approver: String);
    returns!(c, cfg, ReviewUpdate);

    let c = b.command(
        "decide_release",
        "Records go, no-go or go with conditions (conditions in `notes`) as `decider` (a roster person; null: the operating-system user, for a workspace without people); answers the parts of the review it changes (ReviewUpdate).",
    );
    arg!(c, cfg, release: i64);
    arg!(c, cfg, outcome: DecisionOutcome);
    arg!(c, cfg, notes: String);
    arg!(c, cfg, decider: Option<String>);
    returns!(c, cfg, ReviewUpdate);

    b.out
}

/// The table with the bindings' TypeScript settings.
pub fn table() -> Vec<Command> {
    commands(&crate::bindings::config())
}

/// The names of every command, in table order.
pub fn command_names() -> Vec<&'static str> {
    table().into_iter().map(|c| c.name).collect()
}

/// The values of [`ErrorCode`] as TypeScript strings, from its ts-rs binding (so the list
/// is the enum's, never a copy).
pub fn error_codes(cfg: &Config) -> Vec<String> {
    ErrorCode::inline(cfg)
        .split('|')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `ui/src/lib/bindings/commands.ts`: the command map, the command names and the error
/// codes.
pub fn commands_ts(cfg: &Config) -> String {
    let table = commands(cfg);
    let mut imports = BTreeSet::new();
    imports.insert(AppError::name(cfg));
    imports.insert(ErrorCode::name(cfg));
    let mut channel = false;
    for c in &table {
        imports.extend(c.result.imports.iter().cloned());
        for a in &c.args {
            imports.extend(a.ts.imports.iter().cloned());
            channel |= a.ts.channel;
        }
    }
    let mut out = String::new();
    if channel {
        out.push_str("import type { Channel } from \"@tauri-apps/api/core\";\n");
    }
    for i in &imports {
        out.push_str(&format!("import type {{ {i} }} from \"./{i}\";\n"));
    }
    out.push_str(concat!(
        "\n/**\n",
        " * Every command the window may call: the arguments it passes, under the keys Tauri\n",
        " * takes them by, and what it answers. A failing command rejects with an ApiError;\n",
        " * `args: never` marks a command without arguments.\n",
        " */\n",
        "export type Commands = {\n",
    ));
    for c in &table {
        out.push_str(&format!("  /** {} */\n", c.doc));
        let args: Vec<String> = c
            .args
            .iter()
            .map(|a| format!("{}: {}", a.key(), a.ts.ts))
            .collect();
        let args = if args.is_empty() {
            "never".to_owned()
        } else {
            format!("{{ {} }}", args.join("; "))
        };
        out.push_str(&format!(
            "  {}: {{ args: {args}; result: {} }};\n",
            c.name, c.result.ts
        ));
    }
    out.push_str("};\n\nexport type CommandName = keyof Commands;\n\n");
    out.push_str("/** The commands, in the order the shell registers them. */\nexport const COMMAND_NAMES = [\n");
    for c in &table {
        out.push_str(&format!("  \"{}\",\n", c.name));
    }
    out.push_str("] as const satisfies readonly CommandName[];\n\n");
    out.push_str(&format!(
        "/** Every value of {0}, the closed list of error codes. */\nexport const ERROR_CODES = [\n",
        ErrorCode::name(cfg)
    ));
    for e in error_codes(cfg) {
        out.push_str(&format!("  {e},\n"));
    }
    out.push_str(&format!(
        "] as const satisfies readonly {}[];\n",
        ErrorCode::name(cfg)
    ));
    // Only as a type: an ApiError is what a failing command rejects with.
    out.push_str(&format!(
        "\n/** What a failing command rejects with. */\nexport type CommandError = {};\n",
        AppError::name(cfg)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_code_of_the_list_is_one_of_the_enum() {
        let cfg = crate::bindings::config();
        let codes = error_codes(&cfg);
        assert_eq!(codes.len(), 27, "{codes:?}");
        for c in &codes {
            let code: ErrorCode = serde_json::from_str(c).expect("a code of the enum");
            assert_eq!(format!("\"{}\"", code.as_str()), *c);
        }
        assert_eq!(codes[0], "\"db_newer_version\"");
    }

    #[test]
    fn arguments_and_results_take_their_typescript_names_from_ts_rs() {
        let cfg = crate::bindings::config();
        let table = commands(&cfg);
        let find = |n: &str| table.iter().find(|c| c.name == n).expect(n).clone();
        let cal = find("get_calendar");
        assert_eq!(cal.args[0].ts.ts, "string | null");
        assert_eq!(cal.args[0].rust, "Option<String>");
        assert_eq!(cal.result.ts, "CalendarView");
        assert!(cal.result.imports.contains("CalendarView"));
        let open = find("open_workspace");
        assert_eq!(open.result.ts, "WorkspaceSession | null");
        assert!(open.result.imports.contains("WorkspaceSession"));
        let sync = find("run_sync");
        assert_eq!(sync.args[1].ts.ts, "Channel<SyncProgress>");
        assert!(sync.args[1].ts.channel && sync.args[1].ts.imports.contains("SyncProgress"));
        assert_eq!(find("get_workspace_version").result.ts, "number");
        assert_eq!(find("reveal_export").result.ts, "null");
        assert!(!find("mark_calendar_painted").fallible);
        let names = command_names();
        let unique: BTreeSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "a command is listed twice");
    }

    #[test]
    fn argument_keys_are_what_tauri_takes_camel_case() {
        let a = CommandArg {
            name: "bucket_index",
            rust: "usize",
            ts: TsType::of::<u32>(&crate::bindings::config()),
        };
        assert_eq!(a.key(), "bucketIndex");
    }
}
