import { describe, expect, it } from "vitest";
import {
  OKABE_ITO,
  RELEASE_STATUSES,
  RISK_CLASSES,
  decisionLabel,
  decisionTone,
  humanize,
  markerShape,
  riskColor,
  statusLabel,
  statusStyle,
} from "./colors";

describe("colours", () => {
  it("gives each status a distinct look", () => {
    const looks = new Set(RELEASE_STATUSES.map((s) => JSON.stringify(statusStyle(s))));
    expect(looks.size).toBe(4);
    expect(statusStyle("planned").fill).toBe("#FFFFFF"); // outlined
    expect(statusStyle("cancelled").dash).not.toBeNull();
  });

  it("labels every status", () => {
    expect(statusLabel("in_progress")).toBe("In progress");
    expect(new Set(RELEASE_STATUSES.map(statusLabel)).size).toBe(4);
  });

  it("uses the Okabe–Ito palette for risk", () => {
    const palette = new Set<string>(Object.values(OKABE_ITO));
    for (const r of RISK_CLASSES) {
      const c = riskColor(r);
      expect(c).not.toBeNull();
      expect(palette.has(c!)).toBe(true);
    }
    expect(new Set(RISK_CLASSES.map(riskColor)).size).toBe(4);
    expect(riskColor(null)).toBeNull();
  });

  it("labels decisions", () => {
    expect(decisionLabel("go_with_conditions")).toBe("Go with conditions");
    expect(decisionLabel("no_go")).toBe("No-go");
    expect(decisionLabel(null)).toBe("Pending");
    expect(decisionTone("go")).toBe("good");
    expect(decisionTone("no_go")).toBe("bad");
  });

  it("draws hotfixes and emergencies as circles", () => {
    expect(markerShape("hotfix")).toBe("circle");
    expect(markerShape("emergency")).toBe("circle");
    expect(markerShape("regular")).toBe("diamond");
    expect(humanize("code_freeze")).toBe("Code freeze");
  });
});
