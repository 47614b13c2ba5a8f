import { invoke } from "@tauri-apps/api/core";
import type { ApiError } from "./bindings/ApiError";
import type { CalendarView } from "./bindings/CalendarView";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { WorkspaceInfo } from "./bindings/WorkspaceInfo";

const ERROR_CODES: readonly ErrorCode[] = [
  "db_newer_version",
  "not_a_database",
  "io",
  "db",
  "not_found",
  "invalid_input",
  "workspace_not_empty",
  "internal",
];

/** A rejected command, carrying the backend's ApiError. */
export class ApiRequestError extends Error implements ApiError {
  readonly code: ErrorCode;
  readonly command: string;

  constructor(command: string, code: ErrorCode, message: string) {
    super(message);
    this.name = "ApiRequestError";
    this.command = command;
    this.code = code;
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
  if (isApiError(err)) return new ApiRequestError(command, err.code, err.message);
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

export function markCalendarPainted(): Promise<void> {
  return call<void>("mark_calendar_painted");
}
