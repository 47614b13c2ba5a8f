import { describe, expect, it } from "vitest";
import { webHref } from "./links";

describe("webHref", () => {
  it("keeps http and https links", () => {
    expect(webHref("https://github.com/o/r/pull/1")).toBe("https://github.com/o/r/pull/1");
    expect(webHref("http://127.0.0.1:8080/browse/PROJ-1")).toBe("http://127.0.0.1:8080/browse/PROJ-1");
    expect(webHref("HTTPS://Example.com/a b")).toBe("https://example.com/a%20b");
  });

  it("refuses script, data and other schemes, however they are spelled", () => {
    for (const bad of [
      "javascript:window.__pwned='href'",
      "JavaScript:alert(1)",
      " javascript:alert(1)",
      "java\tscript:alert(1)",
      "java\nscript:alert(1)",
      "\u0000javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "ftp://example.com/x",
      "mailto:a@example.com",
    ]) {
      expect(webHref(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it("refuses what is no URL, and URLs carrying credentials", () => {
    for (const bad of ["", null, undefined, "PROJ-1", "/relative/path", "//example.com/x", "https://user:pw@example.com/"]) {
      expect(webHref(bad), String(bad)).toBeNull();
    }
  });
});
