import type { CalendarView } from "./bindings/CalendarView";

/**
 * The calendar with `more` (another date range of the same workspace) added: lanes by id
 * (a lane new to the view goes last, as the off-train lane does), releases and freeze
 * windows by id (the newer copy wins), the services' teams as `more` has them, and the loaded range widened to cover both.
 */
export function mergeViews(view: CalendarView, more: CalendarView): CalendarView {
  const lanes = view.lanes.map((l) => ({ ...l, releases: [...l.releases] }));
  for (const lane of more.lanes) {
    const mine = lanes.find((l) => l.id === lane.id);
    if (!mine) {
      lanes.push({ ...lane, releases: [...lane.releases] });
      continue;
    }
    for (const r of lane.releases) {
      const i = mine.releases.findIndex((x) => x.id === r.id);
      if (i >= 0) mine.releases[i] = r;
      else mine.releases.push(r);
    }
  }
  const windows = [...view.freeze_windows];
  for (const w of more.freeze_windows) {
    const i = windows.findIndex((x) => x.id === w.id);
    if (i >= 0) windows[i] = w;
    else windows.push(w);
  }
  const holidays = [...view.holidays];
  for (const h of more.holidays) {
    const i = holidays.findIndex((x) => x.id === h.id);
    if (i >= 0) holidays[i] = h;
    else holidays.push(h);
  }
  return {
    ...view,
    from: more.from < view.from ? more.from : view.from,
    to: more.to > view.to ? more.to : view.to,
    first: more.first,
    last: more.last,
    lanes,
    freeze_windows: windows,
    service_teams: more.service_teams,
    holidays,
  };
}

const plain = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;

/**
 * `next` with every part that equals the same part of `prev` (arrays by position, objects
 * by key) replaced by `prev`'s own: structural sharing. A view that compares by identity
 * (Svelte's `each` over raw state) then redraws only what changed, so one ticked item of
 * two hundred redraws one row.
 */
export function shareEqual<T>(prev: unknown, next: T): T {
  if (Object.is(prev, next)) return prev as T;
  if (Array.isArray(prev) && Array.isArray(next)) {
    let same = prev.length === next.length;
    const out = next.map((x: unknown, i) => {
      const y = shareEqual(prev[i], x);
      if (y !== prev[i]) same = false;
      return y;
    });
    return (same ? prev : out) as T;
  }
  if (plain(prev) && plain(next)) {
    const keys = Object.keys(next);
    let same = keys.length === Object.keys(prev).length;
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const y = shareEqual(prev[k], next[k]);
      out[k] = y;
      if (y !== prev[k] || !(k in prev)) same = false;
    }
    return (same ? prev : out) as T;
  }
  return next;
}
