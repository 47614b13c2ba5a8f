import { Channel, invoke } from "@tauri-apps/api/core";
import type { ApiError } from "./bindings/ApiError";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { MenuAction } from "./bindings/MenuAction";
import type { SyncProgress } from "./bindings/SyncProgress";
import { ERROR_CODES, type CommandName, type Commands } from "./bindings/commands";

// Command names, arguments and results come from the Rust table (bindings/commands.ts);
// what is added here is the window's own: the error class, channels, scope arguments.

/** A rejected command, carrying the backend's ApiError. */
export class ApiRequestError extends Error implements ApiError {
  readonly code: ErrorCode;
  readonly command: string;
  /** The input the error is about, when the backend named one. */
  readonly field: string | null;

  constructor(command: string, code: ErrorCode, message: string, field: string | null = null) {
    super(message);
    this.name = "ApiRequestError";
    this.command = command;
    this.code = code;
    this.field = field;
  }
}

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.message === "string" &&
    typeof v.code === "string" &&
    (ERROR_CODES as readonly string[]).includes(v.code)
  );
}

/** Normalise whatever a rejected invoke produced into an ApiRequestError. */
export function toApiError(command: string, err: unknown): ApiRequestError {
  if (err instanceof ApiRequestError) return err;
  if (isApiError(err)) return new ApiRequestError(command, err.code, err.message, err.field ?? null);
  if (err instanceof Error) return new ApiRequestError(command, "internal", err.message);
  if (typeof err === "string") return new ApiRequestError(command, "internal", err);
  return new ApiRequestError(command, "internal", `unexpected error from ${command}: ${JSON.stringify(err)}`);
}

export function isTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

type Args<C extends CommandName> = Commands[C]["args"];
type Result<C extends CommandName> = Commands[C]["result"];

/** Calls `command` with its arguments as the Rust table types them. */
async function call<C extends CommandName>(
  command: C,
  ...[args]: [Args<C>] extends [never] ? [] : [Args<C>]
): Promise<Result<C>> {
  // Outside Tauri (plain `vite dev` in a browser) serve a fixture so the
  // screen can be worked on. import.meta.env.DEV is false in production
  // builds, so this branch and the fixture module are dropped from dist/.
  if (import.meta.env.DEV && !isTauri()) {
    const { devFixture } = await import("./fixture");
    try {
      return (await devFixture(command)) as Result<C>;
    } catch (err) {
      throw toApiError(command, err);
    }
  }
  try {
    return await invoke<Result<C>>(command, args);
  } catch (err) {
    throw toApiError(command, err);
  }
}

export function getCalendar(from: Args<"get_calendar">["from"] = null, to: Args<"get_calendar">["to"] = null) {
  return call("get_calendar", { from, to });
}

export function getWorkspaceInfo() {
  return call("get_workspace_info");
}

/** Changes when the workspace file was written from elsewhere (the CLI, a sync, another window). */
export function getWorkspaceVersion() {
  return call("get_workspace_version");
}

/** The workspace shown (or why it could not be opened) and the recent ones: the File menu. */
export function getWorkspaceSession() {
  return call("get_workspace_session");
}

/**
 * Opens a recent workspace by `path`, or with `null` the one a person picks in the native
 * Open dialog. Resolves with `null` when the dialog was cancelled; a file that cannot be
 * opened rejects and leaves the workspace shown as it was.
 */
export function openWorkspace(path: Args<"open_workspace">["path"]) {
  return call("open_workspace", { path });
}

/** An empty workspace where the native Save dialog says; `null` when cancelled. */
export function newWorkspace() {
  return call("new_workspace");
}

/** The workspace file in the system's file manager. */
export function revealWorkspace() {
  return call("reveal_workspace");
}

/** Loads the demo organisation into the (empty) workspace shown. */
export function loadDemo() {
  return call("load_demo");
}

export function markCalendarPainted() {
  return call("mark_calendar_painted");
}

/** Which part of the organisation the metrics cover. */
export type MetricsScope = { kind: "organisation" } | { kind: "team"; name: string } | { kind: "service"; name: string };

export interface MetricsArgs {
  from: string;
  to: string;
  scope: MetricsScope;
}

function scopeArgs(scope: MetricsScope): { service: string | null; team: string | null } {
  return {
    service: scope.kind === "service" ? scope.name : null,
    team: scope.kind === "team" ? scope.name : null,
  };
}

/** Without `bucket`, weekly or monthly by the rule the reports use (`Bucket::for_period`). */
export function getMetrics(args: MetricsArgs, bucket: Args<"get_metrics">["bucket"] = null) {
  return call("get_metrics", { from: args.from, to: args.to, ...scopeArgs(args.scope), bucket });
}

export function getMetricRecords(args: MetricsArgs, drill: Args<"get_metric_records">["drill"]) {
  return call("get_metric_records", { from: args.from, to: args.to, ...scopeArgs(args.scope), drill });
}

/** A release's readiness over time as the SVG chart the reports use. */
export function getReadinessChart(releaseId: Args<"get_readiness_chart">["release"]) {
  return call("get_readiness_chart", { release: releaseId });
}

/** A train's next releases in flight and their readiness overlaid (the train panel). */
export function getTrainReadiness(trainId: Args<"get_train_readiness">["train"]) {
  return call("get_train_readiness", { train: trainId });
}

/** Writes a report or export into the download directory; resolves with where. */
export function saveExport(request: Args<"save_export">["request"]) {
  return call("save_export", { request });
}

/** Opens the file manager on a file the export dialog saved (only files in the export folder). */
export function revealExport(path: Args<"reveal_export">["path"]) {
  return call("reveal_export", { path });
}

/** A release the export dialog offers. */
export interface ReleaseChoice {
  id: number;
  label: string;
}

/** Asks for a deployments or incidents file in the native Open dialog; null when cancelled. */
export function pickIngestFile(kind: Args<"pick_ingest_file">["kind"]) {
  return call("pick_ingest_file", { kind });
}

/** Ingests the file picked last, or with `dry_run` counts what it would write. */
export function ingestFile(request: Args<"ingest_file">["request"]) {
  return call("ingest_file", { request });
}

export function getSyncStatus() {
  return call("get_sync_status");
}

export function saveSyncSettings(connections: Args<"save_sync_settings">["connections"]) {
  return call("save_sync_settings", { connections });
}

export function getDeployRules() {
  return call("get_deploy_rules");
}

/** The runs some deploy-workflow rules would count; writes nothing. */
export function previewDeployRules(rules: Args<"preview_deploy_rules">["rules"]) {
  return call("preview_deploy_rules", { rules });
}

export function saveDeployRules(rules: Args<"save_deploy_rules">["rules"]) {
  return call("save_deploy_rules", { rules });
}

/** Sends a token to the OS keyring; only "stored" comes back, never the token. */
export function storeSyncToken(target: Args<"store_sync_token">["target"], token: string) {
  return call("store_sync_token", { target, token });
}

/** Runs one sync; `onprogress` gets its progress lines while it runs. */
export function runSync(target: Args<"run_sync">["target"], onprogress: (p: SyncProgress) => void) {
  const progress = new Channel<SyncProgress>();
  progress.onmessage = onprogress;
  return call("run_sync", { target, progress });
}

export function cancelSync(target: Args<"cancel_sync">["target"]) {
  return call("cancel_sync", { target });
}

/** The native menu's clicks (File, View) arrive at `onaction` from now on. */
export function listenMenu(onaction: (action: MenuAction) => void) {
  const actions = new Channel<MenuAction>();
  actions.onmessage = onaction;
  return call("listen_menu", { actions });
}

// Planning in the window: trains, releases, freeze windows, holidays.

/** The train form: a train's values (`null`: a new train's defaults), templates, services. */
export function getTrainForm(train: Args<"get_train_form">["train"]) {
  return call("get_train_form", { train });
}

/** Adds a train (`train` null) or changes one. */
export function saveTrain(train: Args<"save_train">["train"], form: Args<"save_train">["form"]) {
  return call("save_train", { train, form });
}

/** Generate until…: the dry-run list (`apply` false), then the same with `apply`. */
export function generateReleases(args: Args<"generate_releases">) {
  return call("generate_releases", args);
}

/** Adds a release (`release` null) or edits one. */
export function saveRelease(release: Args<"save_release">["release"], form: Args<"save_release">["form"]) {
  return call("save_release", { release, form });
}

export function cancelRelease(release: Args<"cancel_release">["release"]) {
  return call("cancel_release", { release });
}

export function saveFreezeWindow(
  window: Args<"save_freeze_window">["window"],
  form: Args<"save_freeze_window">["form"],
) {
  return call("save_freeze_window", { window, form });
}

export function removeFreezeWindow(window: Args<"remove_freeze_window">["window"]) {
  return call("remove_freeze_window", { window });
}

export function saveHoliday(holiday: Args<"save_holiday">["holiday"], form: Args<"save_holiday">["form"]) {
  return call("save_holiday", { holiday, form });
}

export function removeHoliday(holiday: Args<"remove_holiday">["holiday"]) {
  return call("remove_holiday", { holiday });
}

/** The release panel's work items and history. */
export function getReleaseDetails(release: Args<"get_release_details">["release"]) {
  return call("get_release_details", { release });
}

/** Opens an http(s) link in the system browser (checked again in Rust). */
export function openLink(url: Args<"open_link">["url"]) {
  return call("open_link", { url });
}

// Moving releases, scenarios, undo, dependencies and conflicts.

/** What a draft of moves would do; changes nothing. */
export function previewScenario(moves: Args<"preview_scenario">["moves"]) {
  return call("preview_scenario", { moves });
}

/** Applies a draft of moves in one audited transaction. */
export function applyScenario(moves: Args<"apply_scenario">["moves"]) {
  return call("apply_scenario", { moves });
}

export function getLastChange() {
  return call("get_last_change");
}

export function undoLastChange() {
  return call("undo_last_change");
}

export function getReleaseChain(release: number) {
  return call("get_release_chain", { release });
}

export function addReleaseDependency(blocker: number, blocked: number) {
  return call("add_release_dependency", { blocker, blocked });
}

export function removeReleaseDependency(id: number) {
  return call("remove_release_dependency", { id });
}

export function getPlanConflicts() {
  return call("get_plan_conflicts");
}

// The roster (People screen).

export function getPeople() {
  return call("get_people");
}

export function savePerson(person: Args<"save_person">["person"], form: Args<"save_person">["form"]) {
  return call("save_person", { person, form });
}

export function removePerson(person: Args<"remove_person">["person"]) {
  return call("remove_person", { person });
}

// Change records, hotfixes and post-release reviews (the release panel's sections).

export function getChangeRecords(release: number) {
  return call("get_change_records", { release });
}

export function createChangeRecord(release: number, form: Args<"create_change_record">["form"]) {
  return call("create_change_record", { release, form });
}

/** Approves the open change record as `approver` in `role`. */
export function approveChangeRecord(args: Args<"approve_change_record">) {
  return call("approve_change_record", args);
}

export function rejectChangeRecord(args: Args<"reject_change_record">) {
  return call("reject_change_record", args);
}

/** The hotfix form filled from a release or a service; changes nothing. */
export function getHotfixForm(release: number | null, service: string | null) {
  return call("get_hotfix_form", { release, service });
}

export function startHotfix(form: Args<"start_hotfix">["form"]) {
  return call("start_hotfix", { form });
}

export function getPostReviews(release: number) {
  return call("get_post_reviews", { release });
}

export function schedulePostReview(release: number, due: string) {
  return call("schedule_post_review", { release, due });
}

export function addReviewAction(args: Args<"add_review_action">) {
  return call("add_review_action", args);
}

export function setReviewAction(release: number, action: number, done: boolean) {
  return call("set_review_action", { release, action, done });
}

export function completePostReview(release: number, findings: string) {
  return call("complete_post_review", { release, findings });
}

/** The Metrics overview (heat table): every service's headline figures and the organisation's. */
export function getMetricsOverview(period: { from: string; to: string }) {
  return call("get_metrics_overview", { from: period.from, to: period.to });
}

/** Pipeline health of a period and scope (`switchyard pipeline --json` and its charts). */
export function getPipelineHealth(args: MetricsArgs, bucket: Args<"get_pipeline_health">["bucket"] = null) {
  return call("get_pipeline_health", { from: args.from, to: args.to, ...scopeArgs(args.scope), bucket });
}

// Review mode: the go/no-go meeting. Each write answers with the refreshed review.

export function getReleaseReview(release: number) {
  return call("get_release_review", { release });
}

export function setChecklistItem(args: Args<"set_checklist_item">) {
  return call("set_checklist_item", args);
}

export function overrideRisk(args: Args<"override_risk">) {
  return call("override_risk", args);
}

export function approveRelease(args: Args<"approve_release">) {
  return call("approve_release", args);
}

export function decideRelease(args: Args<"decide_release">) {
  return call("decide_release", args);
}

// The calendar's "Needs attention" panel.

export function getReleasesAhead() {
  return call("get_releases_ahead");
}
