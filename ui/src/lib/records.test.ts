import { describe, expect, it } from "vitest";
import type { ReviewRow } from "./bindings/ReviewRow";
import {
  CHANGE_STATUS,
  instantLabel,
  latestReview,
  openActions,
  openActionsLabel,
  reviewDue,
  splitLinks,
  windowLabel,
} from "./records";

const review = (id: number, actions: [string, boolean][]): ReviewRow => ({
  id,
  due_date: "2026-12-05",
  status: "scheduled",
  summary: "",
  held_at: null,
  created_by: "hal",
  overdue: false,
  actions: actions.map(([status, overdue], i) => ({
    id: id * 10 + i,
    title: `a${i}`,
    owner: null,
    due_date: null,
    status: status as "open" | "done" | "dropped",
    overdue,
  })),
});

describe("change records", () => {
  it("names every status with a tone", () => {
    expect(CHANGE_STATUS.submitted).toEqual({ label: "Awaiting approval", tone: "warn" });
    expect(CHANGE_STATUS.rejected.tone).toBe("bad");
    expect(CHANGE_STATUS.approved.tone).toBe("good");
  });
  it("reads evidence links one a line, blanks dropped", () => {
    expect(splitLinks(" https://a/1\n\nhttps://b/2  https://c/3 ")).toEqual(["https://a/1", "https://b/2", "https://c/3"]);
    expect(splitLinks("  ")).toEqual([]);
  });
  it("writes a window in UTC, on one day shortened", () => {
    expect(instantLabel("2026-12-01T09:00:00Z")).toBe("2026-12-01 09:00 UTC");
    expect(windowLabel("2026-12-01T09:00:00Z", "2026-12-01T17:00:00Z")).toBe("2026-12-01 09:00 – 17:00 UTC");
    expect(windowLabel("2026-12-01T09:00:00Z", "2026-12-02T01:00:00Z")).toBe(
      "2026-12-01 09:00 UTC – 2026-12-02 01:00 UTC",
    );
    expect(windowLabel(null, "2026-12-02T01:00:00Z")).toBe("until 2026-12-02 01:00 UTC");
    expect(windowLabel(null, null)).toBe("");
  });
});

describe("post-release reviews", () => {
  it("counts open actions across reviews and their overdue ones", () => {
    const rs = [review(1, [["open", true], ["done", false]]), review(2, [["open", false], ["dropped", true]])];
    const { open, overdue } = openActions(rs);
    expect(open.map((a) => a.id)).toEqual([10, 20]);
    expect(overdue).toBe(1);
    expect(openActionsLabel(2, 1)).toBe("2 open actions · 1 overdue");
    expect(openActionsLabel(1, 0)).toBe("1 open action");
    expect(openActionsLabel(0, 0)).toBe("No open actions");
    expect(latestReview(rs)?.id).toBe(2);
    expect(latestReview([])).toBeNull();
  });
  it("puts a hotfix's review its policy days after its ship day, or after today without one", () => {
    expect(reviewDue("2026-12-30", "2026-11-30", 5)).toBe("2027-01-04");
    expect(reviewDue("", "2026-11-30", 2)).toBe("2026-12-02");
    expect(reviewDue("soon", "2026-11-30", 2)).toBe("2026-12-02");
  });
});
