import { describe, expect, it } from "vitest";
import { ApiRequestError } from "./api";
import type { ReviewApprovals } from "./bindings/ReviewApprovals";
import type { ReviewItem } from "./bindings/ReviewItem";
import type { Person } from "./bindings/Person";
import {
  approvalRoles,
  approversFor,
  approvalRule,
  decisionFormError,
  errorField,
  factorBars,
  itemFormErrors,
  listWords,
  progress,
  roleLabel,
  signed,
} from "./review";

function item(id: number, state: ReviewItem["state"], kind: ReviewItem["kind"] = "manual"): ReviewItem {
  return {
    id,
    key: String(id),
    position: id,
    title: `Item ${id}`,
    kind,
    rule: kind === "rule" ? "ci_green" : null,
    owner: null,
    state,
    evidence_url: null,
    note: "",
    updated_at: "2026-11-28 08:00 UTC",
    updated_by: null,
    plan: null,
  };
}

const high: ReviewApprovals = {
  reopened: [],
  risk_class: "high",
  count: 3,
  roles: ["engineering", "qa", "sre"],
  given: [],
  missing_roles: ["engineering", "qa", "sre"],
  missing: [],
  ready_for_go: false,
};

describe("listWords and roleLabel", () => {
  it("joins words the way a sentence does", () => {
    expect(listWords([])).toBe("");
    expect(listWords(["a"])).toBe("a");
    expect(listWords(["a", "b"])).toBe("a and b");
    expect(listWords(["a", "b", "c"])).toBe("a, b and c");
  });
  it("spells acronyms in capitals and underscores as spaces", () => {
    expect(roleLabel("qa")).toBe("QA");
    expect(roleLabel("change_board")).toBe("change board");
  });
});

describe("approvalRule", () => {
  it("states the rule before anyone approved, and everything as still needed", () => {
    const r = approvalRule(high);
    expect(r.rule).toBe("A high release needs engineering, QA and SRE approvals.");
    expect(r.needed).toBe("Still needed: engineering, QA and SRE.");
  });
  it("names only the roles left once some approved", () => {
    const r = approvalRule({
      ...high,
      given: [{ role: "engineering", approver: "Dana", at: "" }],
      missing_roles: ["qa", "sre"],
    });
    expect(r.needed).toBe("Still needed: QA and SRE.");
  });
  it("counts people beyond the roles (the default policy's high and critical rules)", () => {
    const critical = { ...high, risk_class: "critical" as const, count: 3, roles: ["sre", "change_board"], missing_roles: ["sre", "change_board"] };
    expect(approvalRule(critical).rule).toBe("A critical release needs approvals from 3 people, including SRE and change board.");
    expect(approvalRule(critical).needed).toBe("Still needed: SRE, change board and 1 more person.");
    const r = approvalRule({ ...critical, given: [{ role: "sre", approver: "Dana", at: "" }], missing_roles: ["change_board"] });
    expect(r.needed).toBe("Still needed: change board and 1 more person.");
    const two = approvalRule({ ...critical, roles: [], missing_roles: [], given: [{ role: "x", approver: "Dana", at: "" }] });
    expect(two.needed).toBe("Still needed: 2 more people.");
  });
  it("says when nothing is needed", () => {
    const given = ["engineering", "qa", "sre"].map((role, i) => ({ role, approver: `p${i}`, at: "" }));
    expect(approvalRule({ ...high, given, missing_roles: [] }).needed).toBe("Nothing more is needed.");
    expect(approvalRule({ ...high, risk_class: "low", count: 0, roles: [], missing_roles: [] }).rule).toBe("A low release needs no approvals.");
  });
});

describe("progress", () => {
  it("counts each state and takes the backend's percent when given", () => {
    const items = [item(1, "done"), item(2, "not_applicable"), item(3, "pending"), item(4, "blocked")];
    expect(progress(items)).toEqual({ done: 1, notApplicable: 1, pending: 1, blocked: 1, total: 4, percent: 33 });
    expect(progress(items, 40).percent).toBe(40);
    expect(progress([]).percent).toBeNull();
  });
});

describe("factorBars", () => {
  it("orders by contribution and scales widths to the largest", () => {
    const bars = factorBars([
      { factor: "size", input: 3, weight: 1, contribution: 5, reason: "3 changes" },
      { factor: "failure_rate", input: 0.2, weight: 2, contribution: 20, reason: "20% failed" },
      { factor: "timing", input: 0, weight: 1, contribution: 0, reason: "weekday" },
    ]);
    expect(bars.map((b) => b.factor)).toEqual(["failure_rate", "size", "timing"]);
    expect(bars.map((b) => b.width)).toEqual([100, 25, 0]);
    expect(bars[0]?.label).toBe("failure rate");
  });
  it("draws no bar when nothing contributes", () => {
    expect(factorBars([{ factor: "a", input: 0, weight: 1, contribution: 0, reason: "" }])[0]?.width).toBe(0);
  });
  it("prints contributions signed to one decimal", () => {
    expect(signed(12.54)).toBe("+12.5");
    expect(signed(0.01)).toBe("0");
    expect(signed(-3)).toBe("-3");
  });
});

describe("form checks", () => {
  it("asks not applicable for a reason and evidence for a web link", () => {
    expect(itemFormErrors("not_applicable", "", " ")).toEqual({ note: "Say why it does not apply." });
    expect(itemFormErrors("done", "file:///etc/passwd", "")).toEqual({ evidence: "The evidence must be an http(s) link." });
    expect(itemFormErrors("done", "https://wiki.example.com/x", "")).toEqual({});
    expect(itemFormErrors("done", "", "")).toEqual({});
  });
  it("asks go with conditions for its conditions", () => {
    expect(decisionFormError("go_with_conditions", "  ")).not.toBeNull();
    expect(decisionFormError("go_with_conditions", "behind the flag")).toBeNull();
    expect(decisionFormError("no_go", "")).toBeNull();
  });
  it("puts a refusal next to the field it names, aliases included", () => {
    const e = (field: string | null) => new ApiRequestError("x", "invalid_input", "m", field);
    expect(errorField(e("note"), ["note", "evidence"])).toBe("note");
    expect(errorField(e("evidence_url"), ["note", "evidence"])).toBe("evidence");
    expect(errorField(e("reason"), ["note"])).toBeNull();
    expect(errorField(e(null), ["note"])).toBeNull();
    expect(errorField(null, ["note"])).toBeNull();
  });
});

describe("approvers from the roster", () => {
  const person = (id: number, name: string, roles: string[]): Person => ({
    id,
    name,
    roles,
    github: [],
    jira: [],
    created_at: "2026-11-28T08:00:00Z",
    updated_at: "2026-11-28T08:00:00Z",
  });
  const roster = [
    person(1, "Omar Haddad", ["sre"]),
    person(2, "Nina Patel", ["qa", "release_manager"]),
    person(3, "Amara Okafor", ["engineering", "sre"]),
  ];

  it("offers only the people who hold the role, by name", () => {
    expect(approversFor(roster, "sre").map((p) => p.name)).toEqual(["Amara Okafor", "Omar Haddad"]);
    expect(approversFor(roster, "qa").map((p) => p.name)).toEqual(["Nina Patel"]);
    expect(approversFor(roster, "security")).toEqual([]);
    expect(approversFor([], "sre")).toEqual([]);
  });

  it("lists the rule's roles first, still needed ones first, then the roster's others", () => {
    const a = { ...high, roles: ["qa", "sre"], missing_roles: ["sre"] };
    expect(approvalRoles(a, roster)).toEqual(["sre", "qa", "engineering", "release_manager"]);
    expect(approvalRoles(a, [])).toEqual(["sre", "qa"]);
  });
});
