import { describe, expect, it } from "vitest";
import { customProblem, periodOf, recentMonths, recentQuarters } from "./periods";

const today = new Date(2026, 10, 30); // 30 November 2026

describe("report periods", () => {
  it("offers the months and quarters that have ended, newest first", () => {
    expect(recentMonths(today, 3)).toEqual([
      { value: "2026-10", label: "October 2026" },
      { value: "2026-09", label: "September 2026" },
      { value: "2026-08", label: "August 2026" },
    ]);
    expect(recentMonths(new Date(2027, 0, 5), 2).map((m) => m.value)).toEqual(["2026-12", "2026-11"]);
    expect(recentQuarters(today, 3).map((q) => q.value)).toEqual(["2026-Q3", "2026-Q2", "2026-Q1"]);
    expect(recentQuarters(new Date(2027, 1, 1), 1)[0]).toEqual({ value: "2026-Q4", label: "Q4 2026" });
  });

  it("turns each choice into its first and last day", () => {
    expect(periodOf({ kind: "month", month: "2026-02" }, today)).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(periodOf({ kind: "month", month: "2028-02" }, today)).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(periodOf({ kind: "quarter", quarter: "2026-Q3" }, today)).toEqual({ from: "2026-07-01", to: "2026-09-30" });
    expect(periodOf({ kind: "quarter", quarter: "2026-Q4" }, today)).toEqual({ from: "2026-10-01", to: "2026-12-31" });
    expect(periodOf({ kind: "rolling", days: 30 }, today)).toEqual({ from: "2026-10-31", to: "2026-11-29" });
    expect(periodOf({ kind: "custom", from: "2026-01-05", to: "2026-03-29" }, today)).toEqual({
      from: "2026-01-05",
      to: "2026-03-29",
    });
  });

  it("refuses a custom period that is incomplete or backwards", () => {
    expect(customProblem("", "2026-03-29")).toBe("Choose both dates.");
    expect(customProblem("2026-04-01", "2026-03-29")).toBe("The period starts after it ends.");
    expect(customProblem("2026-03-29", "2026-03-29")).toBeNull();
    expect(periodOf({ kind: "custom", from: "2026-04-01", to: "2026-03-29" }, today)).toBeNull();
  });
});
