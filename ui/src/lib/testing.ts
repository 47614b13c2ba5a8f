// Records for the unit tests: one place that knows every field of a calendar release.
import type { CalendarRelease } from "./bindings/CalendarRelease";

/** A planned regular release on `date`, without milestones; `extra` overrides fields. */
export function calendarRelease(id: number, date: string, extra: Partial<CalendarRelease> = {}): CalendarRelease {
  return {
    id,
    name: `web-${date}`,
    version: null,
    release_type: "regular",
    status: "planned",
    release_date: date,
    planned_date: null,
    slipped_days: 0,
    overdue_days: 0,
    services: [],
    risk_class: null,
    readiness: null,
    decision: null,
    milestones: [],
    ...extra,
  };
}
