import { describe, expect, it } from "vitest";
import { latestWins, type Resource } from "./latest";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("latestWins", () => {
  it("shows the newest answer even when an older one arrives later", async () => {
    const seen: Resource<string>[] = [];
    const ask = latestWins<number, string>("get_x", (r) => seen.push(r));
    const first = deferred<string>();
    const second = deferred<string>();
    ask(1, first.promise);
    ask(2, second.promise);
    second.resolve("two");
    await tick();
    first.resolve("one");
    await tick();
    expect(seen[seen.length - 1]).toEqual({ kind: "ready", value: "two" });
    expect(seen.filter((r) => r.kind === "ready")).toHaveLength(1);
  });

  it("keeps the value shown while the same key loads again, and shows loading for another key", async () => {
    const seen: Resource<string>[] = [];
    const ask = latestWins<number, string>("get_x", (r) => seen.push(r));
    ask(1, Promise.resolve("a"));
    await tick();
    expect(seen).toEqual([{ kind: "loading" }, { kind: "ready", value: "a" }]);
    ask(1, Promise.resolve("b"));
    await tick();
    expect(seen.slice(2)).toEqual([{ kind: "ready", value: "b" }]);
    ask(2, Promise.resolve("c"));
    await tick();
    expect(seen.slice(3)).toEqual([{ kind: "loading" }, { kind: "ready", value: "c" }]);
  });

  it("turns a rejection into an error with a code, and loads afresh after it", async () => {
    const seen: Resource<string>[] = [];
    const ask = latestWins<number, string>("get_x", (r) => seen.push(r));
    ask(1, Promise.reject({ code: "not_found", message: "no release 1" }));
    await tick();
    const last = seen[seen.length - 1];
    expect(last?.kind).toBe("error");
    if (last?.kind === "error") {
      expect(last.error.code).toBe("not_found");
      expect(last.error.command).toBe("get_x");
    }
    ask(1, Promise.resolve("back"));
    await tick();
    expect(seen.slice(-2)).toEqual([{ kind: "loading" }, { kind: "ready", value: "back" }]);
  });
});
