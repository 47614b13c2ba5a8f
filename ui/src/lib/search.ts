/** Quick search (Ctrl+K): releases, trains and services of the calendar, ranked by a query. */
import type { CalendarView } from "./bindings/CalendarView";

export type SearchKind = "release" | "train" | "service";

export interface SearchItem {
  kind: SearchKind;
  /** A release's or train's id; a service's name. */
  key: string;
  label: string;
  /** A second line: a release's train and date, a train's cadence, a service's team. */
  detail: string;
  /** Other words that find it (a release's version). */
  aliases: string[];
}

/** What can be searched for in the view: every release, every train, every service. */
export function searchItems(view: CalendarView): SearchItem[] {
  const items: SearchItem[] = [];
  for (const lane of view.lanes) {
    for (const r of lane.releases) {
      items.push({
        kind: "release",
        key: String(r.id),
        label: r.name,
        detail: `${lane.name} · ${r.release_date}`,
        aliases: r.version ? [r.version] : [],
      });
    }
  }
  for (const lane of view.lanes) {
    if (lane.id <= 0) continue; // the off-train lane is no train
    items.push({ kind: "train", key: String(lane.id), label: lane.name, detail: lane.cadence_label, aliases: [] });
  }
  for (const s of view.service_teams) {
    items.push({ kind: "service", key: s.service, label: s.service, detail: s.team ?? "No team", aliases: [] });
  }
  return items;
}

/**
 * How well `text` answers `query` (both lower case): 0 exact, 1 a prefix, 2 a word of it
 * starts with the query, 3 it contains the query, 4 it holds the query's words in any
 * order; `null` no match.
 */
export function matchRank(text: string, query: string): number | null {
  if (text === query) return 0;
  if (text.startsWith(query)) return 1;
  if (text.split(/[\s\-_./·@:]+/).some((w) => w.startsWith(query))) return 2;
  if (text.includes(query)) return 3;
  const words = query.split(/\s+/).filter(Boolean);
  if (words.length > 1 && words.every((w) => text.includes(w))) return 4;
  return null;
}

const KIND_ORDER: Record<SearchKind, number> = { train: 0, service: 1, release: 2 };

/**
 * The items matching `query`, best first: by match rank (over the label and the aliases),
 * then trains before services before releases, then shorter labels, then by name. An empty
 * query gives nothing.
 */
export function rankSearch(items: readonly SearchItem[], query: string, limit = 12): SearchItem[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const scored: { item: SearchItem; rank: number }[] = [];
  for (const item of items) {
    let best: number | null = null;
    for (const text of [item.label, ...item.aliases]) {
      const r = matchRank(text.toLowerCase(), q);
      if (r !== null && (best === null || r < best)) best = r;
    }
    if (best !== null) scored.push({ item, rank: best });
  }
  scored.sort(
    (a, b) =>
      a.rank - b.rank ||
      KIND_ORDER[a.item.kind] - KIND_ORDER[b.item.kind] ||
      a.item.label.length - b.item.label.length ||
      a.item.label.localeCompare(b.item.label),
  );
  return scored.slice(0, limit).map((s) => s.item);
}
