/**
 * Follows the workspace file: asks `version()` every `everyMs` while the window is visible
 * and calls `changed()` when the answer moves (SQLite's data_version: another connection
 * committed). One question at a time; a failed one is skipped. Returns the stop function.
 */
export function followWorkspace(
  version: () => Promise<number>,
  changed: () => Promise<void>,
  everyMs = 1500,
): () => void {
  let last: number | null = null;
  let busy = false;
  const timer = setInterval(() => {
    if (busy || (typeof document !== "undefined" && document.hidden)) return;
    busy = true;
    version()
      .then(async (v) => {
        const moved = last !== null && v !== last;
        last = v;
        if (moved) await changed();
      })
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  return () => clearInterval(timer);
}
