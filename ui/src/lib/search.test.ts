import { describe, expect, it } from "vitest";
import type { CalendarView } from "./bindings/CalendarView";
import { matchRank, rankSearch, searchItems } from "./search";
import { calendarRelease } from "./testing";

const view: CalendarView = {
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
      services: [],
      releases: [
        calendarRelease(1, "2026-12-01", { name: "Web 26.49", version: "26.49" }),
        calendarRelease(2, "2026-12-15", { name: "Web 26.51", version: "26.51" }),
      ],
    },
    {
      id: 0,
      name: "Off-train",
      description: "",
      cadence_label: "",
      services: [],
      releases: [calendarRelease(3, "2026-12-03", { name: "Payments hotfix web-checkout" })],
    },
  ],
  freeze_windows: [],
  holidays: [],
  service_teams: [{ service: "web-checkout", team: "Storefront" }],
};

describe("matchRank", () => {
  it("ranks exact, prefix, word start, substring, words in any order", () => {
    expect(matchRank("web", "web")).toBe(0);
    expect(matchRank("web 26.49", "web")).toBe(1);
    expect(matchRank("payments hotfix", "hot")).toBe(2);
    expect(matchRank("web 26.49", "6.4")).toBe(3);
    expect(matchRank("payments hotfix web-checkout", "checkout pay")).toBe(4);
    expect(matchRank("web 26.49", "xyz")).toBeNull();
  });
});

describe("rankSearch", () => {
  const items = searchItems(view);

  it("lists releases, trains (not the off-train lane) and services", () => {
    expect(items.filter((i) => i.kind === "train").map((i) => i.label)).toEqual(["Web"]);
    expect(items.filter((i) => i.kind === "release")).toHaveLength(3);
    expect(items.find((i) => i.kind === "service")?.detail).toBe("Storefront");
  });

  it("puts the exact train first, then prefixes, shorter first", () => {
    expect(rankSearch(items, "web").map((i) => i.label)).toEqual([
      "Web",
      "web-checkout",
      "Web 26.49",
      "Web 26.51",
      "Payments hotfix web-checkout",
    ]);
  });

  it("finds a release by part of its name or its version", () => {
    expect(rankSearch(items, "26.51").map((i) => i.key)).toEqual(["2"]);
    expect(rankSearch(items, "  HOTFIX ").map((i) => i.key)).toEqual(["3"]);
    expect(rankSearch(items, "")).toEqual([]);
    expect(rankSearch(items, "web", 2)).toHaveLength(2);
  });
});
