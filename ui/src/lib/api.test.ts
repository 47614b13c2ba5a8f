import { describe, expect, it } from "vitest";
import { ApiRequestError, isApiError, toApiError } from "./api";

describe("api errors", () => {
  it("recognises ApiError payloads", () => {
    expect(isApiError({ code: "not_found", message: "no such release" })).toBe(true);
    expect(isApiError({ code: "bogus", message: "x" })).toBe(false);
    expect(isApiError("boom")).toBe(false);
    expect(isApiError(null)).toBe(false);
  });

  it("turns rejections into typed errors", () => {
    const withField = toApiError("decide", { code: "invalid_input", message: "needs a note", field: "note" });
    expect(withField.field).toBe("note");
    const e = toApiError("get_calendar", { code: "db_newer_version", message: "too new" });
    expect(e.field).toBeNull();
    expect(e).toBeInstanceOf(ApiRequestError);
    expect(e.code).toBe("db_newer_version");
    expect(e.message).toBe("too new");
    expect(e.command).toBe("get_calendar");
  });

  it("maps strings and unknown errors to internal", () => {
    expect(toApiError("x", "command not found").code).toBe("internal");
    expect(toApiError("x", "command not found").message).toBe("command not found");
    expect(toApiError("x", new Error("bad")).message).toBe("bad");
    expect(toApiError("x", 42).code).toBe("internal");
  });
});

describe("generated command bindings", () => {
  it("knows every error code of the Rust enum, the last one included", async () => {
    const { ERROR_CODES, COMMAND_NAMES } = await import("./bindings/commands");
    expect(ERROR_CODES).toContain("github_bad_response");
    expect(isApiError({ code: "github_bad_response", message: "x" })).toBe(true);
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length);
    expect(COMMAND_NAMES).toContain("get_metrics");
  });
});
