import { untrack } from "svelte";
import { latestWins, type Resource } from "./latest";

/**
 * Loads `load(key())` when the component starts and again whenever `key()` or `version()`
 * change (or `reload()` is called), with {@link latestWins}'s rules. Call it while a
 * component initialises.
 */
export function createResource<K, T>(options: {
  /** The Tauri command, for errors that are not the backend's own. */
  command: string;
  key: () => K;
  load: (key: K) => Promise<T>;
  /** Moves when the workspace was written from elsewhere. */
  version?: () => number;
}): { readonly current: Resource<T>; reload: () => void } {
  let current = $state<Resource<T>>({ kind: "loading" });
  let retries = $state(0);
  const ask = latestWins<K, T>(options.command, (r) => {
    current = r;
  });
  $effect(() => {
    const key = options.key();
    options.version?.();
    void retries;
    untrack(() => ask(key, options.load(key)));
  });
  return {
    get current() {
      return current;
    },
    /** Asks again (a Retry button). */
    reload() {
      retries += 1;
    },
  };
}
