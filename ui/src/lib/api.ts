import { Channel, invoke } from "@tauri-apps/api/core";
import type { ApiError } from "./bindings/ApiError";
import type { Bucket } from "./bindings/Bucket";
import type { CalendarView } from "./bindings/CalendarView";
import type { Drill } from "./bindings/Drill";
import type { DrillView } from "./bindings/DrillView";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { ExportRequest } from "./bindings/ExportRequest";
import type { MetricsView } from "./bindings/MetricsView";
import type { LastSync } from "./bindings/LastSync";
import type { SavedFile } from "./bindings/SavedFile";
import type { SyncConnections } from "./bindings/SyncConnections";
import type { SyncProgress } from "./bindings/SyncProgress";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { SyncTarget } from "./bindings/SyncTarget";
import type { TrainReadinessView } from "./bindings/TrainReadinessView";
import type { WorkspaceInfo } from "./bindings/WorkspaceInfo";
import type { WorkspaceSession } from "./bindings/WorkspaceSession";

const ERROR_CODES: readonly ErrorCode[] = [
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
];

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

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  // Outside Tauri (plain `vite dev` in a browser) serve a fixture so the
  // screen can be worked on. import.meta.env.DEV is false in production
  // builds, so this branch and the fixture module are dropped from dist/.
  if (import.meta.env.DEV && !isTauri()) {
    const { devFixture } = await import("./fixture");
    try {
      return (await devFixture(command)) as T;
    } catch (err) {
      throw toApiError(command, err);
    }
  }
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw toApiError(command, err);
  }
}

export function getCalendar(from: string | null = null, to: string | null = null): Promise<CalendarView> {
  return call<CalendarView>("get_calendar", { from, to });
}

export function getWorkspaceInfo(): Promise<WorkspaceInfo> {
  return call<WorkspaceInfo>("get_workspace_info");
}

/** Changes when the workspace file was written from elsewhere (the CLI, a sync, another window). */
export function getWorkspaceVersion(): Promise<number> {
  return call<number>("get_workspace_version");
}

/** The workspace shown (or why it could not be opened) and the recent ones: the File menu. */
export function getWorkspaceSession(): Promise<WorkspaceSession> {
  return call<WorkspaceSession>("get_workspace_session");
}

/**
 * Opens a recent workspace by `path`, or with `null` the one a person picks in the native
 * Open dialog. Resolves with `null` when the dialog was cancelled; a file that cannot be
 * opened rejects and leaves the workspace shown as it was.
 */
export function openWorkspace(path: string | null): Promise<WorkspaceSession | null> {
  return call<WorkspaceSession | null>("open_workspace", { path });
}

/** An empty workspace where the native Save dialog says; `null` when cancelled. */
export function newWorkspace(): Promise<WorkspaceSession | null> {
  return call<WorkspaceSession | null>("new_workspace");
}

/** The workspace file in the system's file manager. */
export function revealWorkspace(): Promise<void> {
  return call<void>("reveal_workspace");
}

/** Loads the demo organisation into the (empty) workspace shown. */
export function loadDemo(): Promise<WorkspaceInfo> {
  return call<WorkspaceInfo>("load_demo");
}

export function markCalendarPainted(): Promise<void> {
  return call<void>("mark_calendar_painted");
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
export function getMetrics(args: MetricsArgs, bucket: Bucket | null = null): Promise<MetricsView> {
  return call<MetricsView>("get_metrics", { from: args.from, to: args.to, ...scopeArgs(args.scope), bucket });
}

export function getMetricRecords(args: MetricsArgs, drill: Drill): Promise<DrillView> {
  return call<DrillView>("get_metric_records", { from: args.from, to: args.to, ...scopeArgs(args.scope), drill });
}

/** A release's readiness over time as the SVG chart the reports use. */
export function getReadinessChart(releaseId: number): Promise<string> {
  return call<string>("get_readiness_chart", { release: releaseId });
}

/** A train's next releases in flight and their readiness overlaid (the train panel). */
export function getTrainReadiness(trainId: number): Promise<TrainReadinessView> {
  return call<TrainReadinessView>("get_train_readiness", { train: trainId });
}

/** Writes a report or export into the download directory; resolves with where. */
export function saveExport(request: ExportRequest): Promise<SavedFile> {
  return call<SavedFile>("save_export", { request });
}

/** Opens the file manager on a file the export dialog saved (only files in the export folder). */
export function revealExport(path: string): Promise<void> {
  return call<void>("reveal_export", { path });
}

/** A release the export dialog offers. */
export interface ReleaseChoice {
  id: number;
  label: string;
}

export function getSyncStatus(): Promise<SyncStatus> {
  return call<SyncStatus>("get_sync_status");
}

export function saveSyncSettings(connections: SyncConnections): Promise<SyncStatus> {
  return call<SyncStatus>("save_sync_settings", { connections });
}

/** Sends a token to the OS keyring; only "stored" comes back, never the token. */
export function storeSyncToken(target: SyncTarget, token: string): Promise<SyncStatus> {
  return call<SyncStatus>("store_sync_token", { target, token });
}

/** Runs one sync; `onprogress` gets its progress lines while it runs. */
export function runSync(target: SyncTarget, onprogress: (p: SyncProgress) => void): Promise<LastSync> {
  const progress = new Channel<SyncProgress>();
  progress.onmessage = onprogress;
  return call<LastSync>("run_sync", { target, progress });
}

export function cancelSync(target: SyncTarget): Promise<boolean> {
  return call<boolean>("cancel_sync", { target });
}
