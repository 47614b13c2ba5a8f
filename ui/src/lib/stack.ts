/**
 * Where the markers of one lane go when they are too close to draw side by side.
 *
 * Markers closer than `minGap` px stack into sub-rows of their lane (at most `maxRows`);
 * where even that is not enough, the releases of each `bin` px wide stretch of the lane
 * (a fixed grid from x = 0, so that the clusters stay put while the calendar scrolls) are
 * drawn as one cluster marker with their count, centred in its bin on the first sub-row.
 * A clustered bin holding a single release draws it as a marker after all.
 *
 * The guarantees (see stack.test.ts): no two markers of one sub-row are closer than
 * `minGap`; no marker comes within `pillGap` of a cluster's centre strip of width
 * `bin - 2 * pillGap` on the first sub-row, so a cluster marker no wider than that never
 * touches a marker; every release is either in a sub-row or in exactly one cluster. They
 * hold for `maxRows >= 2` and `minGap < bin` (a release alone in a clustered bin then has
 * at most one marker within `minGap` to its left, so a second sub-row always has room).
 */

export interface StackOptions {
  /** Least distance (px) between the centres of two markers of one sub-row. */
  minGap: number;
  /** Most sub-rows of a lane. */
  maxRows: number;
  /** Width (px) of the stretch of lane one cluster stands for. */
  bin: number;
}

export interface StackCluster {
  /** Centre of the cluster marker (the centre of its bin). */
  x: number;
  /** Indices into the input, in x order. */
  members: number[];
}

export interface Stacking {
  /** Per input index: its sub-row (0-based), or -1 when it is in a cluster. */
  rows: number[];
  /** Per input index: the index of its cluster in `clusters`, or -1. */
  clusterOf: number[];
  clusters: StackCluster[];
  /** Sub-rows in use (at least 1). */
  rowCount: number;
}

/**
 * Stacks the markers at `xs` (px, any order). Pure and deterministic: the same input gives
 * the same answer.
 */
export function stackMarkers(xs: readonly number[], opts: StackOptions): Stacking {
  const { minGap, maxRows, bin } = opts;
  if (!(maxRows >= 2 && minGap > 0 && minGap < bin)) {
    throw new Error("stackMarkers needs maxRows >= 2 and 0 < minGap < bin");
  }
  const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]! || a - b);
  const binOf = (i: number) => Math.floor(xs[i]! / bin);
  const clustered = new Set<number>();
  // A bin holds at most ceil(bin / minGap) markers a sub-row: a bin with more than its
  // sub-rows can hold is clustered from the start (saves rounds on dense lanes).
  const fits = Math.ceil(bin / minGap) * maxRows;
  const count = new Map<number, number>();
  for (const i of order) count.set(binOf(i), (count.get(binOf(i)) ?? 0) + 1);
  for (const [b, n] of count) if (n > fits) clustered.add(b);

  for (;;) {
    // Bins marked for clustering that hold two or more releases become clusters.
    const perBin = new Map<number, number[]>();
    for (const i of order) {
      const b = binOf(i);
      if (!clustered.has(b)) continue;
      const list = perBin.get(b) ?? [];
      list.push(i);
      perBin.set(b, list);
    }
    const inCluster = new Set<number>();
    for (const list of perBin.values()) if (list.length > 1) for (const i of list) inCluster.add(i);

    // The rest, left to right, into the first sub-row with room.
    const rows = xs.map(() => -1);
    const last = Array.from({ length: maxRows }, () => Number.NEGATIVE_INFINITY);
    const lastIdx: number[] = Array.from({ length: maxRows }, () => -1);
    const grow = new Set<number>();
    let rowCount = 1;
    for (const i of order) {
      if (inCluster.has(i)) continue;
      const x = xs[i]!;
      let row = -1;
      for (let r = 0; r < maxRows; r++) {
        if (x - last[r]! >= minGap) {
          row = r;
          break;
        }
      }
      if (row < 0) {
        // No room: this bin and those of the markers in its way are clustered next round.
        grow.add(binOf(i));
        for (const j of lastIdx) if (j >= 0) grow.add(binOf(j));
        continue;
      }
      rows[i] = row;
      last[row] = x;
      lastIdx[row] = i;
      rowCount = Math.max(rowCount, row + 1);
    }
    const before = clustered.size;
    for (const b of grow) clustered.add(b);
    if (grow.size === 0 || clustered.size === before) {
      const clusters: StackCluster[] = [];
      const clusterOf = xs.map(() => -1);
      const bins = [...perBin.entries()].filter(([, l]) => l.length > 1).sort((a, b) => a[0] - b[0]);
      for (const [b, members] of bins) {
        for (const i of members) clusterOf[i] = clusters.length;
        clusters.push({ x: (b + 0.5) * bin, members });
      }
      return { rows, clusterOf, clusters, rowCount };
    }
  }
}
