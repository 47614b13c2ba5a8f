/** The table view's logic: sorting by a column and the window of rows that is rendered. */
import type { DecisionOutcome } from "./bindings/DecisionOutcome";
import type { ReleaseStatus } from "./bindings/ReleaseStatus";
import type { RiskClass } from "./bindings/RiskClass";
import type { TrainRelease } from "./finding";

export type SortKey =
  | "name"
  | "version"
  | "train"
  | "services"
  | "date"
  | "status"
  | "type"
  | "risk"
  | "readiness"
  | "decision";
export type SortDir = "ascending" | "descending";
export interface Sort {
  key: SortKey;
  dir: SortDir;
}

export const COLUMNS: { key: SortKey; label: string }[] = [
  { key: "name", label: "Name" },
  { key: "version", label: "Version" },
  { key: "train", label: "Train" },
  { key: "services", label: "Services" },
  { key: "date", label: "Date" },
  { key: "status", label: "Status" },
  { key: "type", label: "Type" },
  { key: "risk", label: "Risk" },
  { key: "readiness", label: "Readiness" },
  { key: "decision", label: "Decision" },
];

const RISK_RANK: Record<RiskClass, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const STATUS_RANK: Record<ReleaseStatus, number> = { planned: 0, in_progress: 1, released: 2, cancelled: 3 };
const DECISION_RANK: Record<DecisionOutcome, number> = { go: 0, go_with_conditions: 1, no_go: 2 };

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** The value a row is sorted by; `null` sorts last in either direction. */
function value({ release: r, train }: TrainRelease, key: SortKey): string | number | null {
  switch (key) {
    case "name":
      return r.name;
    case "version":
      return r.version;
    case "train":
      return train.name;
    case "services":
      return r.services.length > 0 ? r.services.join(", ") : null;
    case "date":
      return r.release_date;
    case "status":
      return STATUS_RANK[r.status];
    case "type":
      return r.release_type;
    case "risk":
      return r.risk_class ? RISK_RANK[r.risk_class] : null;
    case "readiness":
      return r.readiness;
    case "decision":
      return r.decision ? DECISION_RANK[r.decision] : null;
  }
}

/** A new array sorted by `sort`, ties by date then id (stable whatever the input order). */
export function sortRows(rows: readonly TrainRelease[], sort: Sort): TrainRelease[] {
  const sign = sort.dir === "ascending" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = value(a, sort.key);
    const vb = value(b, sort.key);
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      const c = typeof va === "number" && typeof vb === "number" ? va - vb : collator.compare(String(va), String(vb));
      if (c !== 0) return sign * c;
    }
    return a.release.release_date.localeCompare(b.release.release_date) || a.release.id - b.release.id;
  });
}

/** Clicking a column's header: the same column flips, another starts ascending. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === "ascending" ? "descending" : "ascending" };
  return { key, dir: "ascending" };
}

export interface RowWindow {
  /** First rendered row (inclusive) and the one after the last. */
  start: number;
  end: number;
  /** Space above and below the rendered rows, in pixels. */
  padTop: number;
  padBottom: number;
}

/**
 * The rows to render for a scroll position: those in the viewport and `overscan` more on
 * each side, and the padding standing in for the rest.
 */
export function rowWindow(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 8,
): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count - 1, first) - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}

/**
 * The scroll position that shows row `index` whole, moving as little as possible
 * (`headerHeight`: a sticky header covering the top of the viewport).
 */
export function scrollToRow(
  index: number,
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  headerHeight = 0,
): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  const visibleTop = scrollTop;
  const visibleBottom = scrollTop + viewport - headerHeight;
  if (top < visibleTop) return top;
  if (bottom > visibleBottom) return bottom - (viewport - headerHeight);
  return scrollTop;
}
