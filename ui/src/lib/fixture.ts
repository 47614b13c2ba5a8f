/**
 * Development-only fixture, served by api.ts when the UI runs in a plain
 * browser (no Tauri). Never bundled into production builds.
 *
 * `?state=empty`, `?state=error` or `?state=slow` in the URL exercise the
 * other screen states.
 */
import type { CalendarMilestone } from "./bindings/CalendarMilestone";
import type { CalendarRelease } from "./bindings/CalendarRelease";
import type { CalendarView } from "./bindings/CalendarView";
import type { ReleaseStatus } from "./bindings/ReleaseStatus";
import type { RiskClass } from "./bindings/RiskClass";
import type { TrainLane } from "./bindings/TrainLane";
import type { WorkspaceSession } from "./bindings/WorkspaceSession";
import type { WorkspaceInfo } from "./bindings/WorkspaceInfo";
import { formatIso, toYmd } from "./dates";

function todayDay(): number {
  const now = new Date();
  return Math.round(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / 86_400_000);
}

/** Small deterministic PRNG so the fixture is stable between reloads. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface TrainSpec {
  name: string;
  description: string;
  cadence_label: string;
  services: string[];
  everyDays: number;
  prefix: string;
}

const TRAINS: TrainSpec[] = [
  { name: "Web", description: "Customer web app", cadence_label: "Every 2 weeks, Tue", services: ["web-frontend", "bff", "cdn-edge"], everyDays: 14, prefix: "web" },
  { name: "Mobile", description: "iOS and Android apps", cadence_label: "Monthly", services: ["ios-app", "android-app"], everyDays: 28, prefix: "mobile" },
  { name: "Payments", description: "Payment and billing platform", cadence_label: "Every 3 weeks, Wed", services: ["payments-api", "ledger", "billing-worker", "fraud-scoring"], everyDays: 21, prefix: "pay" },
  { name: "Platform", description: "Shared infrastructure", cadence_label: "Quarterly", services: ["k8s-base", "auth", "gateway", "observability", "secrets"], everyDays: 91, prefix: "platform" },
  { name: "Data", description: "Warehouse and pipelines", cadence_label: "Every 4 weeks, Thu", services: ["etl", "warehouse"], everyDays: 28, prefix: "data" },
];

function buildView(): CalendarView {
  const today = todayDay();
  const from = today - 365;
  const to = today + 183;
  const rand = rng(42);
  let id = 1;
  const lanes: TrainLane[] = TRAINS.map((t, ti) => {
    const releases: CalendarRelease[] = [];
    let n = 1;
    for (let d = from + ((ti * 5) % t.everyDays); d <= to; d += t.everyDays, n++) {
      const slip = d > today - 30 && rand() < 0.25 ? 1 + Math.floor(rand() * 6) : 0;
      const date = d + slip;
      const delta = date - today;
      const status: ReleaseStatus = delta < -2 ? "released" : delta <= 5 ? "in_progress" : "planned";
      const cancelled = status === "released" && rand() < 0.05;
      const major = n % 6 === 0;
      const { year, month } = toYmd(date);
      const milestones: CalendarMilestone[] = [
        { kind: "branch_cut", name: "Branch cut", date: formatIso(date - 10), done: date - 10 <= today },
        { kind: "code_freeze", name: "Code freeze", date: formatIso(date - 7), done: date - 7 <= today },
        { kind: "rc", name: "RC1", date: formatIso(date - 5), done: date - 5 <= today },
        { kind: "go_no_go", name: "Go / no-go", date: formatIso(date - 1), done: date - 1 <= today },
        { kind: "release", name: "Release", date: formatIso(date), done: date <= today },
      ];
      const risks: RiskClass[] = ["low", "low", "medium", "high", "critical"];
      releases.push({
        id: id++,
        name: `${t.prefix}-${year}.${String(month).padStart(2, "0")}.${n}`,
        version: `${year % 100}.${n}.0`,
        release_type: major ? "major" : "regular",
        status: cancelled ? "cancelled" : status,
        release_date: formatIso(date),
        planned_date: slip ? formatIso(d) : null,
        slipped_days: slip,
        overdue_days: status !== "released" && delta < 0 && !cancelled ? -delta : 0,
        services: t.services.slice(0, 1 + Math.floor(rand() * t.services.length)),
        risk_class: risks[Math.floor(rand() * risks.length)] ?? null,
        readiness: status === "released" ? 1 : Math.round(rand() * 100) / 100,
        decision: status === "released" ? "go" : delta < 3 ? (rand() < 0.5 ? "go_with_conditions" : null) : null,
        milestones,
      });
    }
    if (t.prefix === "pay") {
      releases.push({
        id: id++,
        name: "pay-hotfix-ledger-rounding",
        version: "hotfix",
        release_type: "hotfix",
        status: "released",
        release_date: formatIso(today - 9),
        planned_date: null,
        slipped_days: 0,
        overdue_days: 0,
        services: ["ledger"],
        risk_class: "high",
        readiness: 1,
        decision: "go",
        milestones: [],
      });
    }
    return {
      id: ti + 1,
      name: t.name,
      description: t.description,
      cadence_label: t.cadence_label,
      services: t.services,
      releases,
    };
  });
  const { year } = toYmd(today);
  return {
    today: formatIso(today),
    from: formatIso(from),
    to: formatIso(to),
    first: formatIso(from),
    last: formatIso(to),
    lanes,
    freeze_windows: [
      { id: 1, name: "Holiday freeze", start_date: `${year}-12-18`, end_date: `${year + 1}-01-04`, services: [], reason: "Reduced staffing over the holidays" },
      { id: 2, name: "Holiday freeze", start_date: `${year - 1}-12-18`, end_date: `${year}-01-04`, services: [], reason: "Reduced staffing over the holidays" },
      { id: 3, name: "Quarter close", start_date: formatIso(today + 12), end_date: formatIso(today + 16), services: ["payments-api", "ledger"], reason: "Finance quarter close" },
    ],
    service_teams: TRAINS.flatMap((t) => t.services.map((service) => ({ service, team: t.name }))).sort((a, b) =>
      a.service.localeCompare(b.service),
    ),
    holidays: [{ id: 1, date: formatIso(today + 20), name: "Founders day" }],
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function devFixture(command: string): Promise<unknown> {
  const state = new URLSearchParams(window.location.search).get("state");
  if (state === "slow") await sleep(60_000);
  else await sleep(150);
  const newer = { code: "db_newer_version", message: "The workspace was written by a newer Switchyard (schema 7, this build reads up to 5).", field: null } as const;
  if (command === "get_workspace_session") {
    const session: WorkspaceSession = {
      path: "/home/dev/.local/share/switchyard/workspace.db",
      name: "workspace",
      error: state === "error" ? newer : null,
      recent: [
        { path: "/home/dev/plans/payments-2027.sqlite3", name: "payments-2027", exists: true },
        { path: "/media/usb/old-plan.sqlite3", name: "old-plan", exists: false },
      ],
    };
    return session;
  }
  if (state === "error") throw newer;
  const view = buildView();
  switch (command) {
    case "get_calendar":
      return state === "empty" ? { ...view, lanes: [], freeze_windows: [], holidays: [] } : view;
    case "get_workspace_info": {
      const releases = view.lanes.reduce((n, l) => n + l.releases.length, 0);
      const info: WorkspaceInfo = {
        path: "/home/dev/.local/share/switchyard/workspace.db",
        schema_version: 5,
        demo_loaded: state !== "empty",
        counts: state === "empty"
          ? { teams: 0, services: 0, trains: 0, releases: 0, deployments: 0, incidents: 0, work_items: 0 }
          : { teams: 6, services: 16, trains: view.lanes.length, releases, deployments: 412, incidents: 9, work_items: 230 },
        teams: state === "empty" ? [] : ["Payments", "Platform", "Web"],
        services: state === "empty" ? [] : ["checkout", "gateway", "web-app"],
      };
      return info;
    }
    case "mark_calendar_painted":
      return null;
    case "get_workspace_version":
      return 1;
    default:
      throw { code: "not_found", message: `unknown command ${command}` };
  }
}
