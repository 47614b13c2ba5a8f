/**
 * Finding things on the calendar: the filters (train, team, service, risk class, status,
 * type) shared by the timeline, the month and the table views, and the lanes by train,
 * service or team. Pure functions over the calendar view.
 */
import type { CalendarRelease } from "./bindings/CalendarRelease";
import type { CalendarView } from "./bindings/CalendarView";
import type { ReleaseStatus } from "./bindings/ReleaseStatus";
import type { ReleaseType } from "./bindings/ReleaseType";
import type { RiskClass } from "./bindings/RiskClass";
import type { TrainLane } from "./bindings/TrainLane";

/** A release without a risk assessment is filtered as "unassessed". */
export type RiskChoice = RiskClass | "unassessed";

/** Every list empty: everything shows. Within a list any word matches; lists combine with AND. */
export interface Filters {
  trains: number[];
  teams: string[];
  services: string[];
  risks: RiskChoice[];
  statuses: ReleaseStatus[];
  types: ReleaseType[];
}

export type LaneGrouping = "train" | "service" | "team";

export const LANE_GROUPINGS: { id: LaneGrouping; label: string }[] = [
  { id: "train", label: "Train" },
  { id: "service", label: "Service" },
  { id: "team", label: "Team" },
];

/** The lane of a service or team without one. */
export const NO_SERVICE = "No service";
export const NO_TEAM = "No team";

export function emptyFilters(): Filters {
  return { trains: [], teams: [], services: [], risks: [], statuses: [], types: [] };
}

/** How many of the filter lists restrict anything. */
export function activeFilterCount(f: Filters): number {
  return [f.trains, f.teams, f.services, f.risks, f.statuses, f.types].filter((l) => l.length > 0).length;
}

/** Team by service name, from the view (`null`: the service has no team). */
export function teamsByService(view: CalendarView): Map<string, string | null> {
  return new Map(view.service_teams.map((s) => [s.service, s.team]));
}

/** The teams of a release: the teams owning its services, sorted, without repeats. */
export function releaseTeams(release: CalendarRelease, teamOf: Map<string, string | null>): string[] {
  const teams = new Set<string>();
  for (const s of release.services) {
    const t = teamOf.get(s);
    if (t) teams.add(t);
  }
  return [...teams].sort();
}

/** Whether a release of the train `trainId` passes every filter. */
export function matches(
  release: CalendarRelease,
  trainId: number,
  f: Filters,
  teamOf: Map<string, string | null>,
): boolean {
  if (f.trains.length > 0 && !f.trains.includes(trainId)) return false;
  if (f.statuses.length > 0 && !f.statuses.includes(release.status)) return false;
  if (f.types.length > 0 && !f.types.includes(release.release_type)) return false;
  if (f.risks.length > 0 && !f.risks.includes(release.risk_class ?? "unassessed")) return false;
  if (f.services.length > 0 && !release.services.some((s) => f.services.includes(s))) return false;
  if (f.teams.length > 0 && !releaseTeams(release, teamOf).some((t) => f.teams.includes(t))) return false;
  return true;
}

/** The view with only the releases that pass the filters (lanes kept, even when empty). */
export function filterView(view: CalendarView, f: Filters): CalendarView {
  if (activeFilterCount(f) === 0) return view;
  const teamOf = teamsByService(view);
  return {
    ...view,
    lanes: view.lanes.map((lane) => ({
      ...lane,
      releases: lane.releases.filter((r) => matches(r, lane.id, f, teamOf)),
    })),
  };
}

export function releaseCount(view: CalendarView): number {
  return view.lanes.reduce((n, l) => n + l.releases.length, 0);
}

/** A release with the train it rides: a row of the table, an entry of the month grid. */
export interface TrainRelease {
  release: CalendarRelease;
  train: TrainLane;
}

/** Every release of the view with its train, in the view's order (lane, then date). */
export function releasesOf(view: CalendarView): TrainRelease[] {
  return view.lanes.flatMap((train) => train.releases.map((release) => ({ release, train })));
}

/**
 * The lanes of the timeline: the trains as they are, or one lane per service (or team) with
 * every release that ships it (a release of two services is on both lanes), sorted by name,
 * the lane of releases without one last. Grouped lanes get negative ids (never a train's)
 * and carry no cadence.
 */
export function groupLanes(view: CalendarView, by: LaneGrouping): TrainLane[] {
  if (by === "train") return view.lanes;
  const teamOf = teamsByService(view);
  const groups = new Map<string, CalendarRelease[]>();
  for (const lane of view.lanes) {
    for (const r of lane.releases) {
      let keys = by === "service" ? r.services : releaseTeams(r, teamOf);
      if (keys.length === 0) keys = [by === "service" ? NO_SERVICE : NO_TEAM];
      for (const k of keys) {
        const list = groups.get(k);
        if (list) list.push(r);
        else groups.set(k, [r]);
      }
    }
  }
  const none = by === "service" ? NO_SERVICE : NO_TEAM;
  const names = [...groups.keys()].sort((a, b) => {
    if (a === none) return 1;
    if (b === none) return -1;
    return a.localeCompare(b);
  });
  return names.map((name, i) => {
    const releases = (groups.get(name) ?? []).sort(
      (a, b) => a.release_date.localeCompare(b.release_date) || a.id - b.id,
    );
    const services =
      by === "service"
        ? name === none
          ? []
          : [name]
        : view.service_teams.filter((s) => (s.team ?? NO_TEAM) === name).map((s) => s.service);
    return {
      id: -(i + 1),
      name,
      description: by === "service" ? `Releases that ship ${name}` : `Releases of ${name}'s services`,
      cadence_label: "",
      services,
      releases,
    };
  });
}

/** How the calendar's releases are shown. */
export type CalendarMode = "timeline" | "month" | "table";

export const CALENDAR_MODES: { id: CalendarMode; label: string; shortcut: string }[] = [
  { id: "timeline", label: "Timeline", shortcut: "Ctrl+1" },
  { id: "month", label: "Month", shortcut: "Ctrl+2" },
  { id: "table", label: "Table", shortcut: "Ctrl+3" },
];
