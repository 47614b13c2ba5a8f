import { describe, expect, it } from "vitest";
import type { CalendarView } from "./bindings/CalendarView";
import { activeFilterCount, emptyFilters, filterView, groupLanes, releaseCount, releasesOf, NO_SERVICE, NO_TEAM } from "./finding";
import { calendarRelease } from "./testing";

function view(): CalendarView {
  return {
    today: "2026-11-30",
    from: "2026-01-01",
    to: "2027-06-01",
    first: null,
    last: null,
    lanes: [
      {
        id: 1,
        name: "Web",
        description: "",
        cadence_label: "Every 2 weeks",
        services: ["web-checkout", "web-search"],
        releases: [
          calendarRelease(1, "2026-12-01", { name: "Web 26.49", services: ["web-checkout"], risk_class: "high" }),
          calendarRelease(2, "2026-12-15", { name: "Web 26.51", services: ["web-search"], status: "in_progress", risk_class: "low" }),
        ],
      },
      {
        id: 2,
        name: "Platform",
        description: "",
        cadence_label: "Monthly",
        services: ["payments-api"],
        releases: [
          calendarRelease(3, "2026-12-09", { name: "Platform 2026.12", services: ["payments-api", "web-checkout"], release_type: "major" }),
        ],
      },
      {
        id: 0,
        name: "Off-train",
        description: "",
        cadence_label: "As needed",
        services: [],
        releases: [calendarRelease(4, "2026-12-03", { name: "Hotfix", release_type: "hotfix", services: [] })],
      },
    ],
    freeze_windows: [],
    holidays: [],
    service_teams: [
      { service: "payments-api", team: "Payments" },
      { service: "web-checkout", team: "Storefront" },
      { service: "web-search", team: null },
    ],
  };
}

function names(v: CalendarView): string[] {
  return releasesOf(v).map((r) => r.release.name).sort();
}

describe("filterView", () => {
  it("shows everything without filters", () => {
    const v = view();
    expect(filterView(v, emptyFilters())).toBe(v);
    expect(releaseCount(v)).toBe(4);
    expect(activeFilterCount(emptyFilters())).toBe(0);
  });

  it("keeps releases shipping any chosen service, lanes kept", () => {
    const f = { ...emptyFilters(), services: ["web-checkout"] };
    const v = filterView(view(), f);
    expect(names(v)).toEqual(["Platform 2026.12", "Web 26.49"]);
    expect(v.lanes.map((l) => l.releases.length)).toEqual([1, 1, 0]);
    expect(activeFilterCount(f)).toBe(1);
  });

  it("combines lists with AND, words within a list with OR", () => {
    const f = { ...emptyFilters(), trains: [1, 2], risks: ["high" as const, "unassessed" as const] };
    expect(names(filterView(view(), f))).toEqual(["Platform 2026.12", "Web 26.49"]);
    const g = { ...f, statuses: ["in_progress" as const] };
    expect(names(filterView(view(), g))).toEqual([]);
  });

  it("filters by the teams owning a release's services, and by type", () => {
    expect(names(filterView(view(), { ...emptyFilters(), teams: ["Payments"] }))).toEqual(["Platform 2026.12"]);
    expect(names(filterView(view(), { ...emptyFilters(), teams: ["Storefront"] }))).toEqual(["Platform 2026.12", "Web 26.49"]);
    expect(names(filterView(view(), { ...emptyFilters(), types: ["hotfix"] }))).toEqual(["Hotfix"]);
  });
});

describe("groupLanes", () => {
  it("keeps the trains as they are", () => {
    const v = view();
    expect(groupLanes(v, "train")).toBe(v.lanes);
  });

  it("makes a lane per service, a release on each of its services, no service last", () => {
    const lanes = groupLanes(view(), "service");
    expect(lanes.map((l) => l.name)).toEqual(["payments-api", "web-checkout", "web-search", NO_SERVICE]);
    expect(lanes[1]!.releases.map((r) => r.id)).toEqual([1, 3]);
    expect(lanes.every((l) => l.id < 0)).toBe(true);
    expect(new Set(lanes.map((l) => l.id)).size).toBe(lanes.length);
  });

  it("makes a lane per team, releases of services without a team under No team", () => {
    const lanes = groupLanes(view(), "team");
    expect(lanes.map((l) => l.name)).toEqual(["Payments", "Storefront", NO_TEAM]);
    expect(lanes[1]!.releases.map((r) => r.name)).toEqual(["Web 26.49", "Platform 2026.12"]);
    expect(lanes[2]!.releases.map((r) => r.name)).toEqual(["Hotfix", "Web 26.51"]);
    expect(lanes[0]!.services).toEqual(["payments-api"]);
  });
});
