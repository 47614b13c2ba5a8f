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

  it("tries a failed refresh again at the next tick instead of losing the change", async () => {
    vi.useFakeTimers();
    const version = vi.fn(() => Promise.resolve(version.mock.calls.length < 2 ? 1 : 2));
    let failures = 2;
    const changed = vi.fn(() => (failures-- > 0 ? Promise.reject(new Error("locked")) : Promise.resolve()));
    const stop = followWorkspace(version, changed, 100);
    await vi.advanceTimersByTimeAsync(100); // 1: the first answer
    await vi.advanceTimersByTimeAsync(100); // 2: changed fails
    expect(changed).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(100); // still 2: tried again, fails again
    await vi.advanceTimersByTimeAsync(100); // still 2: tried again, shown
    expect(changed).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(300); // nothing new
    expect(changed).toHaveBeenCalledTimes(3);
    stop();
  });

  it("sees a change committed before its first tick when given the version asked before the first read", async () => {
    vi.useFakeTimers();
    // The screen was read at version 4; another process committed before the first tick.
    const version = vi.fn(() => Promise.resolve(5));
    const changed = vi.fn(() => Promise.resolve());
    const stop = followWorkspace(version, changed, 100, Promise.resolve(4));
    await vi.advanceTimersByTimeAsync(100);
    expect(changed).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(changed).toHaveBeenCalledTimes(1);
    stop();
    // Without the baseline, the first answer is only the baseline: the change is not seen.
    const missed = vi.fn(() => Promise.resolve());
    const stop2 = followWorkspace(version, missed, 100);
    await vi.advanceTimersByTimeAsync(400);
    expect(missed).not.toHaveBeenCalled();
    stop2();
  });
});
