import { describe, expect, it } from "vitest";
import { ApiRequestError } from "./api";
import { actionLabel, formErrors, freezeFormOf, offsetLabel, plusDays, splitDates, templateOf } from "./planForms";

describe("formErrors", () => {
  it("puts an error next to the field it names", () => {
    const e = new ApiRequestError("save_train", "invalid_input", "\"x\" is not a weekday", "weekday");
    expect(formErrors(e, ["name", "weekday"])).toEqual({ fields: { weekday: "\"x\" is not a weekday" }, general: null });
  });
  it("keeps an error about no field, or a field the form lacks, as the form's line with its code", () => {
    const none = new ApiRequestError("save_train", "db", "disk full");
    expect(formErrors(none, ["name"])).toEqual({ fields: {}, general: { code: "db", message: "disk full" } });
    const other = new ApiRequestError("save_train", "invalid_input", "bad", "template");
    expect(formErrors(other, ["name"]).general?.code).toBe("invalid_input");
    expect(formErrors(null, ["name"])).toEqual({ fields: {}, general: null });
  });
});

describe("templateOf", () => {
  const std = [
    { kind: "code_freeze", name: "Code freeze", offset_days: -3 },
    { kind: "release", name: "Release", offset_days: 0 },
  ];
  const templates = [
    { name: "standard", milestones: std },
    { name: "none", milestones: [] },
  ];
  it("names the template the rows are, else custom", () => {
    expect(templateOf(std, templates)).toBe("standard");
    expect(templateOf([], templates)).toBe("none");
    expect(templateOf([{ ...std[0]!, offset_days: -4 }, std[1]!], templates)).toBe("custom");
  });
});

describe("small words", () => {
  it("splits typed dates and labels offsets", () => {
    expect(splitDates("2027-01-05, 2027-02-02\n\n2027-03-02 ")).toEqual(["2027-01-05", "2027-02-02", "2027-03-02"]);
    expect([offsetLabel(-5), offsetLabel(0), offsetLabel(7)]).toEqual(["T-5", "T", "T+7"]);
    expect(actionLabel("release.cancel")).toBe("Cancelled");
    expect(actionLabel("checklist.tick")).toBe("checklist.tick");
    expect(plusDays("2026-11-28", 91)).toBe("2027-02-27");
    expect(plusDays("2028-02-28", 1)).toBe("2028-02-29");
  });
  it("fills the freeze form from a band, or a new one from today", () => {
    const band = { id: 3, name: "Peak", start_date: "2026-11-20", end_date: "2026-12-01", services: ["web"], reason: "peak" };
    const f = freezeFormOf(band, "2026-11-28");
    expect(f).toEqual({ name: "Peak", start_date: "2026-11-20", end_date: "2026-12-01", services: ["web"], reason: "peak" });
    f.services.push("api");
    expect(band.services).toEqual(["web"]);
    expect(freezeFormOf(null, "2026-11-28").start_date).toBe("2026-11-28");
  });
});
