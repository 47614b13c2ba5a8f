/**
 * Label placement for release markers within one lane.
 *
 * Each label is centred on its marker. Labels are greedily packed into a
 * fixed number of rows (above / below the track) so that no two labels in the
 * same row overlap; a label that fits nowhere is hidden (row -1) and shown on
 * hover instead.
 */

export interface LabelInput {
  /** Marker centre, in px. */
  x: number;
  /** Estimated label width, in px. */
  width: number;
  /** Higher keeps its label first when space runs out. */
  priority?: number;
  /** The rows it may take, in the order tried (default: every row, from the first). */
  rows?: readonly number[];
}

export interface LabelSlot {
  row: number; // -1 = hidden
  left: number;
  right: number;
}

/** Rough text width for the UI font at 12px (system sans-serif). */
export function estimateTextWidth(text: string, fontPx = 12): number {
  let units = 0;
  for (const ch of text) {
    if (/[ilj.,:;'!|1]/.test(ch)) units += 0.3;
    else if (/[mwMW@]/.test(ch)) units += 0.85;
    else if (/[A-Z0-9]/.test(ch)) units += 0.64;
    else if (ch === " ") units += 0.3;
    else units += 0.54;
  }
  return Math.ceil(units * fontPx);
}

/**
 * Assign rows. Returns one slot per input, in input order.
 * Guarantees: within a row, for any two labels a, b: a.right + gap <= b.left
 * or b.right + gap <= a.left. Labels are clamped to start at `minLeft`.
 */
export function assignLabelRows(
  items: readonly LabelInput[],
  rows: number,
  gap = 8,
  minLeft = 0,
): LabelSlot[] {
  const slots: LabelSlot[] = items.map((it) => {
    const left = Math.max(minLeft, it.x - it.width / 2);
    return { row: -1, left, right: left + it.width };
  });
  // Higher priority first, then left to right: a greedy interval packing.
  const order = items
    .map((it, i) => ({ i, p: it.priority ?? 0, left: slots[i]!.left }))
    .sort((a, b) => b.p - a.p || a.left - b.left || a.i - b.i);

  const placed: Array<Array<[number, number]>> = Array.from({ length: rows }, () => []);
  const every = Array.from({ length: rows }, (_, r) => r);
  for (const { i } of order) {
    const s = slots[i]!;
    for (const r of items[i]!.rows ?? every) {
      const row = placed[r];
      if (!row) continue;
      const clash = row.some(([l, rr]) => s.left < rr + gap && l < s.right + gap);
      if (!clash) {
        row.push([s.left, s.right]);
        s.row = r;
        break;
      }
    }
  }
  return slots;
}
