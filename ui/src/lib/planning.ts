// Moving releases in the window: drag-to-date math, the scenario draft, and the geometry
// of the focused release's dependency arrows. Pure functions, unit-tested.

import type { ChainEdge } from "./bindings/ChainEdge";
import type { ScenarioMove } from "./bindings/ScenarioMove";
import { formatIso, parseDay } from "./dates";

/** Whole days a drag of `dx` pixels moves a release (snapped to the nearest day). */
export function dragDays(dx: number, pxPerDay: number): number {
  if (!(pxPerDay > 0)) return 0;
  const d = Math.round(dx / pxPerDay);
  return d === 0 ? 0 : d; // never -0
}

/** The pixel offset a marker is drawn at while dragged: snapped to whole days. */
export function snappedOffset(dx: number, pxPerDay: number): number {
  return dragDays(dx, pxPerDay) * pxPerDay;
}

/** The day a keyboard nudge moves to: arrows by a day, Shift+arrows by a week. */
export function keyNudge(key: string, shift: boolean): number {
  const step = shift ? 7 : 1;
  if (key === "ArrowRight") return step;
  if (key === "ArrowLeft") return -step;
  return 0;
}

/** `iso` moved by `days`. */
export function addDays(iso: string, days: number): string {
  return formatIso(parseDay(iso) + days);
}

/** A draft of moves: one per release, in the order they were first added. */
export type Draft = readonly ScenarioMove[];

/** The draft with `move` added, replacing an earlier move of the same release. */
export function addMove(draft: Draft, move: ScenarioMove): ScenarioMove[] {
  const i = draft.findIndex((m) => m.release === move.release);
  if (i < 0) return [...draft, move];
  const next = [...draft];
  next[i] = move;
  return next;
}

export function removeMove(draft: Draft, release: number): ScenarioMove[] {
  return draft.filter((m) => m.release !== release);
}

/** Where a release sits on the calendar: the centre of its marker, in the body's pixels. */
export interface Point {
  x: number;
  y: number;
}

export interface Arrow {
  key: string;
  path: string;
  broken: boolean;
  /** Touches the focused release. */
  direct: boolean;
  blocker: number;
  blocked: number;
}

/**
 * Arrows for the focused release's chain: from each blocker's marker to what it blocks,
 * a cubic curve that leaves and arrives horizontally (bowing down when both are on one
 * lane, so it does not run along the track); edges with an end not on screen are left out.
 */
export function chainArrows(edges: readonly ChainEdge[], at: (id: number) => Point | undefined, radius = 9): Arrow[] {
  const out: Arrow[] = [];
  const seen = new Set<string>();
  for (const e of edges) {
    const key = `${e.blocker_id}-${e.blocked_id}`;
    if (seen.has(key)) continue;
    const a = at(e.blocker_id);
    const b = at(e.blocked_id);
    if (!a || !b) continue;
    seen.add(key);
    const dir = b.x >= a.x ? 1 : -1;
    const x1 = a.x + dir * radius;
    const x2 = b.x - dir * radius;
    const sameLane = Math.abs(a.y - b.y) < 1;
    const bow = sameLane ? 26 : 0;
    const dx = Math.max(24, Math.abs(x2 - x1) / 2);
    const path = `M${r(x1)},${r(a.y)} C${r(x1 + dir * dx)},${r(a.y + bow)} ${r(x2 - dir * dx)},${r(b.y + bow)} ${r(x2)},${r(b.y)}`;
    out.push({ key, path, broken: e.broken, direct: e.direct, blocker: e.blocker_id, blocked: e.blocked_id });
  }
  return out;
}

function r(n: number): number {
  return Math.round(n * 10) / 10;
}

/** "+3 days", "−1 day", "0 days": a move's size. */
export function daysLabel(days: number): string {
  const n = Math.abs(days);
  const sign = days > 0 ? "+" : days < 0 ? "−" : "";
  return `${sign}${n} ${n === 1 ? "day" : "days"}`;
}

/** Whether Ctrl+Z should undo: not while typing in a field. */
export function undoKey(e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }, target: EventTarget | null): boolean {
  if (!(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || e.key.toLowerCase() !== "z") return false;
  const el = target as { tagName?: string; isContentEditable?: boolean } | null;
  const tag = el?.tagName?.toLowerCase();
  return !(tag === "input" || tag === "textarea" || tag === "select" || el?.isContentEditable === true);
}

/** The centre of every release marker, by id, in the calendar body: `lanes` as laid out
 * (`y` is the track of its sub-row, from the top of its lane); a clustered release is at its
 * cluster. */
export function markerPoints(
  lanes: readonly {
    top: number;
    releases: readonly { release: { id: number }; x: number; y: number }[];
    clusters?: readonly { x: number; y: number; releases: readonly { id: number }[] }[];
  }[],
): Map<number, Point> {
  const m = new Map<number, Point>();
  for (const pl of lanes) {
    for (const p of pl.releases) m.set(p.release.id, { x: p.x, y: pl.top + p.y });
    // A release in a cluster is drawn by its cluster: its arrows end there.
    for (const c of pl.clusters ?? []) for (const r of c.releases) m.set(r.id, { x: c.x, y: pl.top + c.y });
  }
  return m;
}
