import { describe, expect, it } from "vitest";
import {
  dayOf,
  daysBetween,
  formatIso,
  formatLong,
  formatShort,
  parseDay,
  relativeDays,
  startOfMonth,
  startOfNextMonth,
  toYmd,
} from "./dates";

describe("dates", () => {
  it("parses ISO dates into UTC day numbers", () => {
    expect(parseDay("1970-01-01")).toBe(0);
    expect(parseDay("1970-01-02")).toBe(1);
    expect(parseDay("2000-03-01") - parseDay("2000-02-28")).toBe(2); // leap year
    expect(parseDay("2100-03-01") - parseDay("2100-02-28")).toBe(1); // not a leap year
  });

  it("rejects malformed or impossible dates", () => {
    expect(() => parseDay("2026-13-01")).toThrow();
    expect(() => parseDay("2026-02-30")).toThrow();
    expect(() => parseDay("26-1-1")).toThrow();
    expect(() => parseDay("2026-01-01T00:00:00Z")).toThrow();
  });

  it("round-trips through formatIso", () => {
    for (const iso of ["2024-02-29", "2026-12-08", "1999-12-31", "2030-01-01"]) {
      expect(formatIso(parseDay(iso))).toBe(iso);
    }
  });

  it("formats short and long dates with the weekday", () => {
    expect(formatShort("2026-12-08")).toBe("Tue 8 Dec");
    expect(formatShort("2026-01-01")).toBe("Thu 1 Jan");
    expect(formatLong("2026-12-08")).toBe("Tue 8 Dec 2026");
    expect(toYmd(parseDay("2026-12-08")).weekday).toBe(2);
  });

  it("computes month boundaries across a year end", () => {
    expect(formatIso(startOfMonth(parseDay("2026-12-08")))).toBe("2026-12-01");
    expect(formatIso(startOfNextMonth(parseDay("2026-12-08")))).toBe("2027-01-01");
    expect(dayOf(2027, 1, 1)).toBe(parseDay("2027-01-01"));
  });

  it("describes relative days", () => {
    expect(daysBetween("2026-12-08", "2026-12-11")).toBe(3);
    expect(relativeDays("2026-12-08", "2026-12-08")).toBe("today");
    expect(relativeDays("2026-12-09", "2026-12-08")).toBe("tomorrow");
    expect(relativeDays("2026-12-07", "2026-12-08")).toBe("yesterday");
    expect(relativeDays("2026-12-11", "2026-12-08")).toBe("in 3 days");
    expect(relativeDays("2026-11-24", "2026-12-08")).toBe("2 weeks ago");
  });
});
