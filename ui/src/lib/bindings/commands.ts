// Generated from the Rust types by ts-rs. Do not edit: run `./dev bindings` to regenerate.
import type { Channel } from "@tauri-apps/api/core";
import type { AheadView } from "./AheadView";
import type { ApiError } from "./ApiError";
import type { AppliedChange } from "./AppliedChange";
import type { Bucket } from "./Bucket";
import type { CalendarView } from "./CalendarView";
import type { ChangeRecordForm } from "./ChangeRecordForm";
import type { ChangeRecordsView } from "./ChangeRecordsView";
import type { ConflictList } from "./ConflictList";
import type { DecisionOutcome } from "./DecisionOutcome";
import type { DeployPreview } from "./DeployPreview";
import type { DeployRule } from "./DeployRule";
import type { DeployRulesView } from "./DeployRulesView";
import type { Drill } from "./Drill";
import type { DrillView } from "./DrillView";
import type { ErrorCode } from "./ErrorCode";
import type { ExportRequest } from "./ExportRequest";
import type { FreezeForm } from "./FreezeForm";
import type { GenerateView } from "./GenerateView";
import type { HolidayForm } from "./HolidayForm";
import type { HotfixForm } from "./HotfixForm";
import type { HotfixFormView } from "./HotfixFormView";
import type { HotfixStarted } from "./HotfixStarted";
import type { IngestKind } from "./IngestKind";
import type { IngestRequest } from "./IngestRequest";
import type { IngestResult } from "./IngestResult";
import type { ItemState } from "./ItemState";
import type { LastSync } from "./LastSync";
import type { MenuAction } from "./MenuAction";
import type { MetricsOverview } from "./MetricsOverview";
import type { MetricsView } from "./MetricsView";
import type { PeopleView } from "./PeopleView";
import type { Person } from "./Person";
import type { PersonForm } from "./PersonForm";
import type { PipelineView } from "./PipelineView";
import type { PostReviewsView } from "./PostReviewsView";
import type { ReleaseChain } from "./ReleaseChain";
import type { ReleaseDetails } from "./ReleaseDetails";
import type { ReleaseForm } from "./ReleaseForm";
import type { ReleaseReview } from "./ReleaseReview";
import type { ReviewUpdate } from "./ReviewUpdate";
import type { RiskClass } from "./RiskClass";
import type { SavedFile } from "./SavedFile";
import type { SavedRelease } from "./SavedRelease";
import type { SavedTrain } from "./SavedTrain";
import type { ScenarioMove } from "./ScenarioMove";
import type { ScenarioPreview } from "./ScenarioPreview";
import type { SyncConnections } from "./SyncConnections";
import type { SyncProgress } from "./SyncProgress";
import type { SyncStatus } from "./SyncStatus";
import type { SyncTarget } from "./SyncTarget";
import type { TrainForm } from "./TrainForm";
import type { TrainFormView } from "./TrainFormView";
import type { TrainReadinessView } from "./TrainReadinessView";
import type { UndoResult } from "./UndoResult";
import type { UndoableChange } from "./UndoableChange";
import type { WorkspaceInfo } from "./WorkspaceInfo";
import type { WorkspaceSession } from "./WorkspaceSession";

/**
 * Every command the window may call: the arguments it passes, under the keys Tauri
 * takes them by, and what it answers. A failing command rejects with an ApiError;
 * `args: never` marks a command without arguments.
 */
export type Commands = {
  /** The calendar of trains, releases and freezes between two days (each `YYYY-MM-DD` or null for the default range). */
  get_calendar: { args: { from: string | null; to: string | null }; result: CalendarView };
  /** The workspace's path, counts and whether the demo is loaded. */
  get_workspace_info: { args: never; result: WorkspaceInfo };
  /** Changes when the workspace file was written from elsewhere (the CLI, a sync, another window). */
  get_workspace_version: { args: never; result: number };
  /** The workspace shown (or why it could not be opened) and the recent ones: the File menu. */
  get_workspace_session: { args: never; result: WorkspaceSession };
  /** Opens a recent workspace by `path`, or with null the one a person picks in the native Open dialog; null when the dialog was cancelled. */
  open_workspace: { args: { path: string | null }; result: WorkspaceSession | null };
  /** An empty workspace where the native Save dialog says; null when cancelled. */
  new_workspace: { args: never; result: WorkspaceSession | null };
  /** The workspace file in the system's file manager. */
  reveal_workspace: { args: never; result: null };
  /** Loads the demo organisation into the (empty) workspace shown. */
  load_demo: { args: never; result: WorkspaceInfo };
  /** The window calls this once the calendar is on screen: the startup time, measured. */
  mark_calendar_painted: { args: never; result: null };
  /** The Metrics screen: DORA numbers of a period and the one before, cards, charts, scopes. Without `bucket`, weekly or monthly by the reports' rule. */
  get_metrics: { args: { from: string; to: string; service: string | null; team: string | null; bucket: Bucket | null }; result: MetricsView };
  /** The records behind one number of the Metrics screen. */
  get_metric_records: { args: { from: string; to: string; service: string | null; team: string | null; drill: Drill }; result: DrillView };
  /** A release's readiness over time as the SVG chart the reports use. */
  get_readiness_chart: { args: { release: number }; result: string };
  /** A train's next releases in flight and their readiness overlaid (the train panel). */
  get_train_readiness: { args: { train: number }; result: TrainReadinessView };
  /** Writes a report or export into the download directory; answers where. */
  save_export: { args: { request: ExportRequest }; result: SavedFile };
  /** Opens the file manager on a file the export dialog saved (only files in the export folder). */
  reveal_export: { args: { path: string }; result: null };
  /** Asks for a deployments or incidents file (CSV, NDJSON) in the native Open dialog; answers its path, or null when cancelled. Only the file picked last may be ingested. */
  pick_ingest_file: { args: { kind: IngestKind }; result: string | null };
  /** Reads and checks the file picked last and writes its deployments or incidents (with `dry_run`, only counts what would be written). */
  ingest_file: { args: { request: IngestRequest }; result: IngestResult };
  /** The Jira and GitHub connections and their last syncs. */
  get_sync_status: { args: never; result: SyncStatus };
  /** Saves the connections (never a token). */
  save_sync_settings: { args: { connections: SyncConnections }; result: SyncStatus };
  /** Puts a token into the OS keyring; only "stored" comes back, never the token. */
  store_sync_token: { args: { target: SyncTarget; token: string }; result: SyncStatus };
  /** Runs one sync to its end (or error, or cancel), sending progress lines on `progress`. */
  run_sync: { args: { target: SyncTarget; progress: Channel<SyncProgress> }; result: LastSync };
  /** Asks a running sync to stop; it ends with `cancelled` at its next step. */
  cancel_sync: { args: { target: SyncTarget }; result: boolean };
  /** The deploy-workflow rules (which GitHub Actions runs are deployments) and what they count now. */
  get_deploy_rules: { args: never; result: DeployRulesView };
  /** The synced runs some deploy-workflow rules would count as deployments, and as what; writes nothing. */
  preview_deploy_rules: { args: { rules: Array<DeployRule> }; result: DeployPreview };
  /** Saves the deploy-workflow rules (audited) and derives the deployments of the synced runs again. */
  save_deploy_rules: { args: { rules: Array<DeployRule> }; result: DeployRulesView };
  /** The native menu's clicks (File, View) are sent on `actions` from now on. */
  listen_menu: { args: { actions: Channel<MenuAction> }; result: null };
  /** The train form: a train's values (null: a new train's defaults), the milestone templates and the services. */
  get_train_form: { args: { train: number | null }; result: TrainFormView };
  /** Adds a train (`train` null) or changes one; a refusal names its form field. */
  save_train: { args: { train: number | null; form: TrainForm }; result: SavedTrain };
  /** Generate until…: the releases a train's cadence asks for from `from` (null: today) to `until`; created only with `apply`. */
  generate_releases: { args: { train: number; from: string | null; until: string; apply: boolean }; result: GenerateView };
  /** Adds a release (`release` null) or edits its name, version, type, status and services. */
  save_release: { args: { release: number | null; form: ReleaseForm }; result: SavedRelease };
  /** Cancels a release: kept, with status cancelled. */
  cancel_release: { args: { release: number }; result: SavedRelease };
  /** Adds a freeze window (`window` null) or changes one; answers its id. */
  save_freeze_window: { args: { window: number | null; form: FreezeForm }; result: number };
  /** Removes a freeze window. */
  remove_freeze_window: { args: { window: number }; result: null };
  /** Adds a holiday (`holiday` null) or changes one; answers its id. */
  save_holiday: { args: { holiday: number | null; form: HolidayForm }; result: number };
  /** Removes a holiday. */
  remove_holiday: { args: { holiday: number }; result: null };
  /** The release panel's work items (Jira and GitHub) and its history from the audit log, newest first. */
  get_release_details: { args: { release: number }; result: ReleaseDetails };
  /** Opens an http(s) link in the system browser; anything else is refused. */
  open_link: { args: { url: string }; result: null };
  /** What a draft of moves would do: every release that moves (directly or pushed by a blocker), every break and every new conflict; changes nothing. */
  preview_scenario: { args: { moves: Array<ScenarioMove> }; result: ScenarioPreview };
  /** Applies a draft of moves and their ripple in one transaction, one audit event per release moved, sharing one change id. */
  apply_scenario: { args: { moves: Array<ScenarioMove> }; result: AppliedChange };
  /** The last move or dependency change undo would reverse; null when there is none. */
  get_last_change: { args: never; result: UndoableChange | null };
  /** Reverses the last change with new audit events marked as undoing it. */
  undo_last_change: { args: never; result: UndoResult };
  /** A release's dependencies upstream and downstream (broken edges flagged) and its critical path. */
  get_release_chain: { args: { release: number }; result: ReleaseChain };
  /** Adds `blocker -> blocked` between two releases; a cycle is refused naming it. Answers the dependency's id. */
  add_release_dependency: { args: { blocker: number; blocked: number }; result: number };
  /** Removes a dependency by id. */
  remove_release_dependency: { args: { id: number }; result: null };
  /** Every conflict of the plan (`plan check`), with "move to the next free slot" where one exists. */
  get_plan_conflicts: { args: never; result: ConflictList };
  /** The releases due in the 30 days after today with risk, readiness, go/no-go, conflicts, blockers and missing approvals; those needing attention first, each with its reasons (the calendar's "Needs attention" panel). */
  get_releases_ahead: { args: never; result: AheadView };
  /** The workspace's roster by name (roles, GitHub logins, Jira identities) and the role names to offer. */
  get_people: { args: never; result: PeopleView };
  /** Adds a person (`person` null) or replaces a person's name, roles and identities; answers the person as stored. */
  save_person: { args: { person: number | null; form: PersonForm }; result: Person };
  /** Removes a person from the roster (their approvals and decisions keep their name). */
  remove_person: { args: { person: number }; result: null };
  /** A release's change records and a new one's form, filled from the release. */
  get_change_records: { args: { release: number }; result: ChangeRecordsView };
  /** Raises a change record for a release (services, changes and risk from the release). */
  create_change_record: { args: { release: number; form: ChangeRecordForm }; result: ChangeRecordsView };
  /** Approves the release's open change record `record` as `approver` in `role` (segregation of duties applies). */
  approve_change_record: { args: { release: number; record: number; role: string; approver: string }; result: ChangeRecordsView };
  /** Rejects the release's open change record `record`; the reason is required. */
  reject_change_record: { args: { release: number; record: number; reason: string }; result: ChangeRecordsView };
  /** The hotfix form filled from a release or a service, with the reduced checklists and review deadlines; changes nothing. */
  get_hotfix_form: { args: { release: number | null; service: string | null }; result: HotfixFormView };
  /** Starts a hotfix or emergency release: reduced checklist, change record, post-release review due. */
  start_hotfix: { args: { form: HotfixForm }; result: HotfixStarted };
  /** A release's post-release reviews and their action items. */
  get_post_reviews: { args: { release: number }; result: PostReviewsView };
  /** Schedules a post-release review due on `due` (`YYYY-MM-DD`). */
  schedule_post_review: { args: { release: number; due: string }; result: PostReviewsView };
  /** Adds an action item (owner and due day optional) to the release's newest review. */
  add_review_action: { args: { release: number; title: string; owner: string; due: string }; result: PostReviewsView };
  /** Marks an action item done, or open again. */
  set_review_action: { args: { release: number; action: number; done: boolean }; result: PostReviewsView };
  /** Records that the release's newest review was held, with its findings. */
  complete_post_review: { args: { release: number; findings: string }; result: PostReviewsView };
  /** The Metrics overview: every service's six headline figures and clusters, and the organisation's, as `dora --json --service S` computes them. */
  get_metrics_overview: { args: { from: string; to: string }; result: MetricsOverview };
  /** Pipeline health of a period and scope: the `pipeline --json` document, its duration and failure-rate charts, and what was synced. Without `bucket`, weekly or monthly by the reports' rule. */
  get_pipeline_health: { args: { from: string; to: string; service: string | null; team: string | null; bucket: Bucket | null }; result: PipelineView };
  /** Review mode: a release, its scope, environments, dependencies, plans, risk, checklist, approvals and decisions as they stand now. */
  get_release_review: { args: { release: number }; result: ReleaseReview };
  /** Ticks (done, with evidence link and note), blocks, resets or marks not applicable (a reason in `note`) one checklist item; answers the parts of the review it changes (ReviewUpdate). */
  set_checklist_item: { args: { release: number; item: string; state: ItemState; evidenceUrl: string | null; note: string | null }; result: ReviewUpdate };
  /** Overrides the release's risk class with a reason; answers the parts of the review it changes (ReviewUpdate). */
  override_risk: { args: { release: number; class: RiskClass; reason: string }; result: ReviewUpdate };
  /** Records `approver`'s approval of the release in `role` (segregation of duties checked); answers the parts of the review it changes (ReviewUpdate). */
  approve_release: { args: { release: number; role: string; approver: string }; result: ReviewUpdate };
  /** Records go, no-go or go with conditions (conditions in `notes`) as `decider` (a roster person; null: the operating-system user, for a workspace without people); answers the parts of the review it changes (ReviewUpdate). */
  decide_release: { args: { release: number; outcome: DecisionOutcome; notes: string; decider: string | null }; result: ReviewUpdate };
};

export type CommandName = keyof Commands;

/** The commands, in the order the shell registers them. */
export const COMMAND_NAMES = [
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
  "pick_ingest_file",
  "ingest_file",
  "get_sync_status",
  "save_sync_settings",
  "store_sync_token",
  "run_sync",
  "cancel_sync",
  "get_deploy_rules",
  "preview_deploy_rules",
  "save_deploy_rules",
  "listen_menu",
  "get_train_form",
  "save_train",
  "generate_releases",
  "save_release",
  "cancel_release",
  "save_freeze_window",
  "remove_freeze_window",
  "save_holiday",
  "remove_holiday",
  "get_release_details",
  "open_link",
  "preview_scenario",
  "apply_scenario",
  "get_last_change",
  "undo_last_change",
  "get_release_chain",
  "add_release_dependency",
  "remove_release_dependency",
  "get_plan_conflicts",
  "get_releases_ahead",
  "get_people",
  "save_person",
  "remove_person",
  "get_change_records",
  "create_change_record",
  "approve_change_record",
  "reject_change_record",
  "get_hotfix_form",
  "start_hotfix",
  "get_post_reviews",
  "schedule_post_review",
  "add_review_action",
  "set_review_action",
  "complete_post_review",
  "get_metrics_overview",
  "get_pipeline_health",
  "get_release_review",
  "set_checklist_item",
  "override_risk",
  "approve_release",
  "decide_release",
] as const satisfies readonly CommandName[];

/** Every value of ErrorCode, the closed list of error codes. */
export const ERROR_CODES = [
  "db_newer_version",
  "not_a_database",
  "io",
  "db",
  "not_found",
  "invalid_input",
  "workspace_not_empty",
  "internal",
  "dependency_cycle",
  "ambiguous",
  "audit_broken",
  "sod_violation",
  "approvals_missing",
  "jira_auth",
  "jira_rate_limited",
  "jira_unavailable",
  "jira_bad_response",
  "jira_request",
  "cancelled",
  "github_auth",
  "github_forbidden",
  "github_rate_limited",
  "github_unavailable",
  "github_bad_response",
  "unknown_person",
  "read_only",
  "disk_full",
] as const satisfies readonly ErrorCode[];

/** What a failing command rejects with. */
export type CommandError = ApiError;
