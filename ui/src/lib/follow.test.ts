import { afterEach, describe, expect, it, vi } from "vitest";
import { followWorkspace } from "./follow";

describe("followWorkspace", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("calls back once per change of the version, never for the first answer", async () => {
    vi.useFakeTimers();
    const answers = [7, 7, 8, 8, 9];
    const version = vi.fn(() => Promise.resolve(answers.shift() ?? 9));
    const changed = vi.fn(() => Promise.resolve());
    const stop = followWorkspace(version, changed, 1000);
    for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(1000);
    expect(version).toHaveBeenCalledTimes(5);
    expect(changed).toHaveBeenCalledTimes(2);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(version).toHaveBeenCalledTimes(5);
  });

  it("asks one question at a time and survives a failed one", async () => {
    vi.useFakeTimers();
    let calls = 0;
    const version = vi.fn(() => {
      calls += 1;
      if (calls === 1) return Promise.reject(new Error("busy"));
      if (calls === 2) return Promise.resolve(1);
      return Promise.resolve(2);
    });
    let release: () => void = () => {};
    const changed = vi.fn(() => new Promise<void>((r) => (release = r)));
    const stop = followWorkspace(version, changed, 100);
    await vi.advanceTimersByTimeAsync(300); // fail, 1, 2 (changed starts and hangs)
    expect(changed).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000); // still busy: no more questions
    expect(version).toHaveBeenCalledTimes(3);
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(version).toHaveBeenCalledTimes(4);
    expect(changed).toHaveBeenCalledTimes(1);
    stop();
  });
});
