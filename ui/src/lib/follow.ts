/**
 * Follows the workspace file: asks `version()` every `everyMs` while the window is visible
 * and calls `changed()` when the answer moves (SQLite's data_version: another connection
 * committed). One question at a time; a failed question is skipped. A `changed()` that
 * fails (the screen could not be read again) is tried again at the next tick, so a change
 * is never lost to one failed read. `baseline`, when given, is the version asked before
 * the screen was first read: a change committed between that read and the first tick is
 * then seen too (without it, the first answer only sets the baseline). Returns the stop
 * function.
 */
export function followWorkspace(
  version: () => Promise<number>,
  changed: () => Promise<void>,
  everyMs = 1500,
  baseline?: Promise<number | null>,
): () => void {
  let last: number | null = null;
  let busy = baseline !== undefined;
  baseline
    ?.then((v) => {
      last = v;
    })
    .catch(() => {})
    .finally(() => {
      busy = false;
    });
  const timer = setInterval(() => {
    if (busy || (typeof document !== "undefined" && document.hidden)) return;
    busy = true;
    version()
      .then(async (v) => {
        const moved = last !== null && v !== last;
        if (moved) await changed();
        // Only a change shown counts as seen: a failed `changed()` leaves `last` as it was.
        last = v;
      })
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  return () => clearInterval(timer);
}
