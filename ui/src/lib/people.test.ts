import { describe, expect, it } from "vitest";
import { formOf, normalRole, roleChoices, roleLabel, splitList, toggleRole } from "./people";

describe("people", () => {
  it("labels roles as people read them", () => {
    expect(roleLabel("change_board")).toBe("Change board");
    expect(roleLabel("sre")).toBe("SRE");
    expect(roleLabel("qa")).toBe("QA");
    expect(roleLabel("release_manager")).toBe("Release manager");
    expect(roleLabel("site_reliability_qa")).toBe("Site reliability QA");
  });

  it("splits identities on commas and spaces", () => {
    expect(splitList(" omar-h, @omar  ,\nomar.h ")).toEqual(["omar-h", "@omar", "omar.h"]);
    expect(splitList(" , ")).toEqual([]);
  });

  it("toggles a role and keeps the order of the others", () => {
    expect(toggleRole(["sre", "qa"], "qa")).toEqual(["sre"]);
    expect(toggleRole(["sre"], "change_board")).toEqual(["sre", "change_board"]);
  });

  it("normalises a typed role or refuses it", () => {
    expect(normalRole(" Change board ")).toBe("change_board");
    expect(normalRole("site-reliability")).toBe("site_reliability");
    expect(normalRole("sre!")).toBeNull();
    expect(normalRole("  ")).toBeNull();
  });

  it("offers the usual roles, then the others people hold", () => {
    expect(roleChoices(["qa", "sre"], ["sre", "data", "qa", "ops"])).toEqual(["qa", "sre", "data", "ops"]);
  });

  it("fills the form from a person without sharing its lists", () => {
    const p = {
      id: 3,
      name: "Omar Haddad",
      roles: ["sre"],
      github: ["omar-haddad"],
      jira: [],
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
    };
    const f = formOf(p);
    f.roles.push("qa");
    expect(p.roles).toEqual(["sre"]);
    expect(formOf(null)).toEqual({ name: "", roles: [], github: [], jira: [] });
  });
});
