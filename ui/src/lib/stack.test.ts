import { describe, expect, it } from "vitest";
import { stackMarkers, type StackOptions, type Stacking } from "./stack";

const OPTS: StackOptions = { minGap: 24, maxRows: 3, bin: 48 };

/** A small deterministic generator (no Math.random: the same test every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Checks every guarantee of `stackMarkers` for `xs`. */
function checkInvariants(xs: number[], st: Stacking, opts: StackOptions, pillGap: number): void {
  // Every release in a sub-row or in exactly one cluster.
  xs.forEach((_, i) => {
    const inRow = st.rows[i]! >= 0;
    const inCluster = st.clusterOf[i]! >= 0;
    expect(inRow !== inCluster, `release ${i}: row ${st.rows[i]}, cluster ${st.clusterOf[i]}`).toBe(true);
    if (inRow) expect(st.rows[i]!).toBeLessThan(opts.maxRows);
    if (inCluster) expect(st.clusters[st.clusterOf[i]!]!.members).toContain(i);
  });
  const counted = st.clusters.reduce((n, c) => n + c.members.length, 0);
  expect(counted).toBe(st.clusterOf.filter((c) => c >= 0).length);
  for (const c of st.clusters) expect(c.members.length).toBeGreaterThan(1);
  // No two markers of a sub-row closer than minGap.
  for (let r = 0; r < opts.maxRows; r++) {
    const row = xs.filter((_, i) => st.rows[i] === r).sort((a, b) => a - b);
    for (let k = 1; k < row.length; k++) expect(row[k]! - row[k - 1]!).toBeGreaterThanOrEqual(opts.minGap);
  }
  // No marker on the first sub-row within the strip of a cluster (bin minus pillGap each side).
  for (const c of st.clusters) {
    const half = opts.bin / 2 - pillGap;
    xs.forEach((x, i) => {
      if (st.rows[i] === 0) expect(Math.abs(x - c.x)).toBeGreaterThanOrEqual(half + pillGap);
    });
  }
  // Clusters apart by a whole bin.
  for (let k = 1; k < st.clusters.length; k++) {
    expect(st.clusters[k]!.x - st.clusters[k - 1]!.x).toBeGreaterThanOrEqual(opts.bin);
  }
}

describe("stackMarkers", () => {
  it("keeps markers far apart on one row", () => {
    const st = stackMarkers([10, 60, 200, 400], OPTS);
    expect(st.rows).toEqual([0, 0, 0, 0]);
    expect(st.clusters).toEqual([]);
    expect(st.rowCount).toBe(1);
  });

  it("stacks markers that would overlap into sub-rows, the lane growing by them", () => {
    const st = stackMarkers([100, 105, 110, 300], OPTS);
    expect(st.rows).toEqual([0, 1, 2, 0]);
    expect(st.clusters).toEqual([]);
    expect(st.rowCount).toBe(3);
  });

  it("answers in input order whatever the order of the input", () => {
    const st = stackMarkers([110, 300, 100, 105], OPTS);
    expect(st.rows).toEqual([2, 0, 0, 1]);
  });

  it("clusters the releases of a bin when more overlap than there are sub-rows", () => {
    // Five releases within 8 px: three sub-rows cannot hold them.
    const xs = [100, 102, 104, 106, 108, 400];
    const st = stackMarkers(xs, OPTS);
    expect(st.clusters).toHaveLength(1);
    expect(st.clusters[0]).toEqual({ x: 120, members: [0, 1, 2, 3, 4] });
    expect(st.rows).toEqual([-1, -1, -1, -1, -1, 0]);
    expect(st.clusterOf).toEqual([0, 0, 0, 0, 0, -1]);
    checkInvariants(xs, st, OPTS, 12);
  });

  it("clusters whole bins, so a cluster's count does not depend on where the view is", () => {
    // Two dense bins next to each other: two clusters, one per bin, centred in their bins.
    const xs = [50, 52, 54, 56, 58, 100, 101, 102, 103];
    const st = stackMarkers(xs, OPTS);
    expect(st.clusters.map((c) => [c.x, c.members.length])).toEqual([
      [72, 5],
      [120, 4],
    ]);
    checkInvariants(xs, st, OPTS, 12);
  });

  it("refuses options it cannot keep its promises with", () => {
    expect(() => stackMarkers([1], { minGap: 24, maxRows: 1, bin: 48 })).toThrow();
    expect(() => stackMarkers([1], { minGap: 48, maxRows: 3, bin: 48 })).toThrow();
  });

  it("keeps its guarantees on a dense generated lane (1.5 releases a day at 3, 6 and 12 px a day)", () => {
    const rnd = lcg(7);
    for (const pxPerDay of [3, 6, 12]) {
      const xs = Array.from({ length: 600 }, () => Math.floor(rnd() * 400) * pxPerDay + pxPerDay / 2);
      const st = stackMarkers(xs, OPTS);
      checkInvariants(xs, st, OPTS, 12);
      // Dense enough that clusters appear, and far fewer things are drawn than releases.
      expect(st.clusters.length).toBeGreaterThan(0);
      const drawn = st.clusters.length + st.rows.filter((r) => r >= 0).length;
      expect(drawn).toBeLessThan(xs.length / 2);
    }
  });

  it("keeps its guarantees on sparse and clumped lanes", () => {
    const rnd = lcg(42);
    for (let round = 0; round < 50; round++) {
      const n = 1 + Math.floor(rnd() * 80);
      const xs = Array.from({ length: n }, () => Math.floor(rnd() * (round % 2 ? 3000 : 300)));
      checkInvariants(xs, stackMarkers(xs, OPTS), OPTS, 12);
    }
  });

  it("is the same answer twice", () => {
    const xs = [5, 5, 5, 5, 30, 31, 90, 91, 92, 93, 94, 95];
    expect(stackMarkers(xs, OPTS)).toEqual(stackMarkers(xs, OPTS));
  });
});
