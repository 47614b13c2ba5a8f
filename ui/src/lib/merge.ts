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
