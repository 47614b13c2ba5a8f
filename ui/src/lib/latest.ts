import { toApiError, type ApiRequestError } from "./api";

/** What a screen or panel has of something it loads: loading, the value, or why not. */
export type Resource<T> =
  | { kind: "loading" }
  | { kind: "ready"; value: T }
  | { kind: "error"; error: ApiRequestError };

/**
 * The bookkeeping of loading something again and again (another release chosen, the
 * workspace written from elsewhere): the newest request wins over a slower older one, and
 * asking again for the same key keeps the value shown until the new answer arrives
 * (no flash of "loading" on a refresh). `set` receives each state to show.
 */
export function latestWins<K, T>(
  command: string,
  set: (r: Resource<T>) => void,
): (key: K, answer: Promise<T>) => void {
  let asked = 0;
  let shown: { key: K } | null = null;
  return (key, answer) => {
    const mine = ++asked;
    if (shown === null || !Object.is(shown.key, key)) {
      shown = null;
      set({ kind: "loading" });
    }
    answer.then(
      (value) => {
        if (mine !== asked) return;
        shown = { key };
        set({ kind: "ready", value });
      },
      (e: unknown) => {
        if (mine !== asked) return;
        shown = null;
        set({ kind: "error", error: toApiError(command, e) });
      },
    );
  };
}
