import { describe, expect, it } from 'vitest';
import { buildHistogram, histogramLayouts, histogramTotal, subtractHistogram } from '../../models/gbdt-histogram.js';
import { binEdges, binFeatures, binOf, fitGbdt, predictGbdt, type GbdtModel } from '../../models/gbdt.js';
import { mulberry32 } from '../../models/random.js';

/** One feature x = 0..9, y a step: 0 below 5, 10 from 5. */
const stepX = Float64Array.from({ length: 10 }, (_, i) => i);
const stepY = Float64Array.from({ length: 10 }, (_, i) => (i < 5 ? 0 : 10));
const oneSplit = { trees: 1, maxLeaves: 2, maxDepth: 1, minLeaf: 1, lambda: 0, subsample: 1, learningRate: 1 };

describe('gbdt binning', () => {
  it('few distinct values: one bin each, edges at the midpoints', () => {
    expect(Array.from(binEdges(Float64Array.from([3, 1, 2, 1, 3]), 255))).toEqual([1.5, 2.5]);
    const e = Float64Array.from([1.5, 2.5]);
    expect([binOf(e, 1), binOf(e, 1.5), binOf(e, 2), binOf(e, 3), binOf(e, 99)]).toEqual([0, 0, 1, 2, 2]);
  });

  it('many distinct values: at most maxBins bins of about equal counts', () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => i);
    const e = binEdges(x, 4);
    expect(Array.from(e)).toEqual([249.5, 499.5, 749.5]);
    const b = binFeatures(x, 1000, 1, { maxBins: 4 });
    const counts = [0, 0, 0, 0];
    for (const v of b.bins) counts[v]++;
    expect(counts).toEqual([250, 250, 250, 250]);
  });

  it('equalCount: runs of equal values (a series statistic repeated on its rows) cut between values, not skipped', () => {
    // 100 values, 30 rows each, 8 bins: quantile cuts at rows 375k fall inside a run every other time
    const x = Float64Array.from({ length: 3000 }, (_, i) => Math.floor(i / 30));
    expect(Array.from(binEdges(x, 8))).toEqual([24.5, 49.5, 74.5]);
    // equal counts: a bin closes once it holds (rows left) / (bins left): 13 values (390 rows) while
    // the share is 375 to 366, then 12 values (360 rows) once it is 360
    expect(Array.from(binEdges(x, 8, 'equalCount'))).toEqual([12.5, 25.5, 38.5, 51.5, 63.5, 75.5, 87.5]);
    const counts = new Array(8).fill(0);
    for (const v of binFeatures(x, 3000, 1, { maxBins: 8, binning: 'equalCount' }).bins) counts[v]++;
    expect(counts).toEqual([390, 390, 390, 390, 360, 360, 360, 360]);
  });

  it('equalCount: a value heavier than a bin gets a bin of its own, the rest share the others evenly', () => {
    const heavy = Float64Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0 : i - 699));
    expect(Array.from(binEdges(heavy, 4))).toEqual([50.5]);
    expect(Array.from(binEdges(heavy, 4, 'equalCount'))).toEqual([0.5, 100.5, 200.5]);
    const counts = [0, 0, 0, 0];
    for (const v of binFeatures(heavy, 1000, 1, { maxBins: 4, binning: 'equalCount' }).bins) counts[v]++;
    expect(counts).toEqual([700, 100, 100, 100]);
    // 1, 1, 2, 3, 3 in 2 bins: the first closes at 2 (3 rows >= 5 / 2), not at 1 (2 rows); with as
    // many bins as values, one bin each whatever the binning
    expect(Array.from(binEdges(Float64Array.from([3, 1, 2, 1, 3]), 2, 'equalCount'))).toEqual([2.5]);
    expect(Array.from(binEdges(Float64Array.from([3, 1, 2, 1, 3]), 3, 'equalCount'))).toEqual([1.5, 2.5]);
  });

  it('refuses non-finite values', () => {
    expect(() => binFeatures(Float64Array.from([1, NaN]), 2, 1)).toThrow(/not finite/);
  });
});

describe('gbdt fit', () => {
  it('a single split on a step recovers the two means', () => {
    const m = fitGbdt(binFeatures(stepX, 10, 1), stepY, oneSplit);
    expect(m.base).toBe(5);
    expect(m.trees[0].threshold[0]).toBe(4.5);
    expect(Array.from(predictGbdt(m, Float64Array.from([0, 4, 4.6, 9]), 4))).toEqual([0, 0, 10, 10]);
    expect(m.trainLoss[1]).toBe(0);
  });

  it('learning rate shrinks the first tree: 5 -/+ 0.1 * 5', () => {
    const m = fitGbdt(binFeatures(stepX, 10, 1), stepY, { ...oneSplit, learningRate: 0.1 });
    const p = predictGbdt(m, Float64Array.from([2, 7]), 2);
    expect(p[0]).toBeCloseTo(4.5, 12);
    expect(p[1]).toBeCloseTo(5.5, 12);
    // loss: every row off by 4.5
    expect(m.trainLoss[1]).toBeCloseTo(20.25, 12);
  });

  it('lambda shrinks a leaf to sum / (n + lambda): 5 - 25 / 6', () => {
    const m = fitGbdt(binFeatures(stepX, 10, 1), stepY, { ...oneSplit, lambda: 1 });
    expect(predictGbdt(m, Float64Array.from([0]), 1)[0]).toBeCloseTo(5 - 25 / 6, 12);
  });

  it('minLeaf forbids splits leaving too few rows: with 6 the step cannot be split', () => {
    const m = fitGbdt(binFeatures(stepX, 10, 1), stepY, { ...oneSplit, minLeaf: 6 });
    expect(m.trees[0].feature[0]).toBe(-1);
    expect(predictGbdt(m, Float64Array.from([0]), 1)[0]).toBe(5);
  });

  it('picks the informative feature and grows leaf-wise to maxLeaves', () => {
    // feature 0 noise-free step of 3 levels, feature 1 constant
    const n = 30;
    const x = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i * 2] = i;
      x[i * 2 + 1] = 7;
      y[i] = i < 10 ? 1 : i < 20 ? 5 : 20;
    }
    const m = fitGbdt(binFeatures(x, n, 2), y, { ...oneSplit, maxLeaves: 3, maxDepth: 5 });
    expect(m.trees[0].feature[0]).toBe(0);
    expect(Array.from(predictGbdt(m, Float64Array.from([3, 7, 15, 7, 25, 7]), 3)).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 5, 20]);
  });

  it('property: training loss never rises over trees (all rows, shrinkage)', () => {
    const n = 2000;
    const p = 3;
    const x = new Float64Array(n * p);
    const y = new Float64Array(n);
    let s = 7;
    const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < p; f++) x[i * p + f] = rnd() * 10;
      y[i] = Math.sin(x[i * p]) * 3 + (x[i * p + 1] > 5 ? 2 : 0) + rnd();
    }
    const m = fitGbdt(binFeatures(x, n, p), y, { trees: 40, learningRate: 0.3, maxLeaves: 8, minLeaf: 20, lambda: 1, subsample: 1 });
    for (let t = 1; t < m.trainLoss.length; t++) expect(m.trainLoss[t]).toBeLessThanOrEqual(m.trainLoss[t - 1] + 1e-12);
    expect(m.trainLoss[40]).toBeLessThan(0.5 * m.trainLoss[0]);
    // row subsampling: the same seed gives the same model, another seed another one
    const sub = (seed: number) => fitGbdt(binFeatures(x, n, p), y, { trees: 10, learningRate: 0.3, maxLeaves: 8, minLeaf: 20, lambda: 1, subsample: 0.5, seed });
    expect(Array.from(sub(3).trainLoss)).toEqual(Array.from(sub(3).trainLoss));
    expect(sub(4).trainLoss[10]).not.toBe(sub(3).trainLoss[10]);
  });
});

/** Rows with two informative features, a binary one and noise (seeded), for the identity properties. */
function syntheticRows(n: number): { x: Float64Array; y: Float64Array; p: number } {
  const p = 4;
  const x = new Float64Array(n * p);
  const y = new Float64Array(n);
  let s = 11;
  const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < n; i++) {
    x[i * p] = Math.floor(rnd() * 7); // a day of week
    x[i * p + 1] = rnd() * 100;
    x[i * p + 2] = rnd() < 0.2 ? 1 : 0;
    x[i * p + 3] = rnd();
    y[i] = x[i * p] * 0.5 + Math.log1p(x[i * p + 1]) + 3 * x[i * p + 2] + rnd();
  }
  return { x, y, p };
}

/** Mean squared error of the first `trees` trees' predictions on raw rows, summed in row order. */
function lossOfTrees(m: GbdtModel, trees: number, x: Float64Array, y: Float64Array): number {
  const pred = predictGbdt({ ...m, trees: m.trees.slice(0, trees) }, x, y.length);
  let s = 0;
  for (let r = 0; r < y.length; r++) s += (y[r] - pred[r]) ** 2;
  return s / y.length;
}

describe('gbdt fit: the training predictions are the model', () => {
  // subsample < 1: rows in and out of each tree's sample; maxDepth and minLeaf leave leaves that are never searched
  const settings = [
    { trees: 25, learningRate: 0.2, maxLeaves: 12, maxDepth: 3, minLeaf: 40, lambda: 1, subsample: 0.5, seed: 2 },
    { trees: 25, learningRate: 0.2, maxLeaves: 7, maxDepth: 6, minLeaf: 25, lambda: 0, subsample: 1, seed: 1 },
  ];
  for (const o of settings) {
    it(`trainLoss after each tree equals the loss of predictGbdt on the raw rows, bit for bit (subsample ${o.subsample})`, () => {
      const n = 1501; // not a multiple of 4 (histograms take four rows at a time)
      const { x, y, p } = syntheticRows(n);
      const m = fitGbdt(binFeatures(x, n, p), y, o);
      expect(m.trees).toHaveLength(o.trees);
      for (const t of [0, 1, 2, 10, o.trees]) expect(lossOfTrees(m, t, x, y)).toBe(m.trainLoss[t]);
      expect(m.trainLoss[o.trees]).toBeLessThan(0.5 * m.trainLoss[0]);
    });
  }

  it('with all rows, each leaf value is learningRate · (sum of the residuals of its rows) / (rows + lambda), every leaf with >= minLeaf rows', () => {
    const n = 1203;
    const { x, y, p } = syntheticRows(n);
    const o = { trees: 3, learningRate: 0.3, maxLeaves: 9, maxDepth: 4, minLeaf: 30, lambda: 2, subsample: 1 };
    const m = fitGbdt(binFeatures(x, n, p), y, o);
    for (let t = 0; t < o.trees; t++) {
      const before = predictGbdt({ ...m, trees: m.trees.slice(0, t) }, x, n);
      const leafOf = predictLeaves(m.trees[t], x, n, p);
      const sum = new Map<number, number>();
      const rows = new Map<number, number>();
      for (let r = 0; r < n; r++) {
        sum.set(leafOf[r], (sum.get(leafOf[r]) ?? 0) + y[r] - before[r]);
        rows.set(leafOf[r], (rows.get(leafOf[r]) ?? 0) + 1);
      }
      expect(rows.size).toBeGreaterThan(2);
      for (const [leaf, s] of sum) {
        expect(rows.get(leaf)!).toBeGreaterThanOrEqual(o.minLeaf);
        expect(m.trees[t].value[leaf]).toBeCloseTo((o.learningRate * s) / (rows.get(leaf)! + o.lambda), 10);
      }
    }
  });
});

/** Best gain of splitting the rows `rows` at any edge of any feature (brute force over the raw rows), each side with >= minLeaf rows. */
function bruteBestGain(x: Float64Array, p: number, edges: Float64Array[], residual: Float64Array, rows: number[], minLeaf: number, lambda: number): number {
  let total = 0;
  for (const r of rows) total += residual[r];
  const parent = (total * total) / (rows.length + lambda);
  let best = 0;
  for (let f = 0; f < p; f++) {
    for (const e of edges[f]) {
      let sl = 0;
      let nl = 0;
      for (const r of rows) if (x[r * p + f] <= e) (sl += residual[r]), nl++;
      const nr = rows.length - nl;
      if (nl < minLeaf || nr < minLeaf) continue;
      best = Math.max(best, (sl * sl) / (nl + lambda) + ((total - sl) * (total - sl)) / (nr + lambda) - parent);
    }
  }
  return best;
}

describe('gbdt fit: every split is its node\'s best, every leaf is final', () => {
  it('with all rows and leaves not limiting: splits match a brute-force search, leaves are too small, too deep or have no gain', () => {
    const n = 1202;
    const { x, y, p } = syntheticRows(n);
    const o = { trees: 1, learningRate: 0.3, maxLeaves: 500, maxDepth: 5, minLeaf: 60, lambda: 1, subsample: 1 };
    const m = fitGbdt(binFeatures(x, n, p), y, o);
    const residual = Float64Array.from(y, (v) => v - m.base);
    const t = m.trees[0];
    const rowsOf = new Map<number, number[]>([[0, Array.from({ length: n }, (_, r) => r)]]);
    const depth = new Map<number, number>([[0, 0]]);
    let leaves = 0;
    for (let k = 0; k < t.feature.length; k++) {
      const rows = rowsOf.get(k)!;
      const best = bruteBestGain(x, p, m.edges, residual, rows, o.minLeaf, o.lambda);
      if (t.feature[k] < 0) {
        leaves++;
        if (rows.length >= 2 * o.minLeaf && depth.get(k)! < o.maxDepth) expect(best).toBeLessThan(1e-9);
        continue;
      }
      const left = rows.filter((r) => x[r * p + t.feature[k]] <= t.threshold[k]);
      const right = rows.filter((r) => x[r * p + t.feature[k]] > t.threshold[k]);
      const sum = (rs: number[]): number => rs.reduce((a, r) => a + residual[r], 0);
      const [sl, sr] = [sum(left), sum(right)];
      const chosen = (sl * sl) / (left.length + o.lambda) + (sr * sr) / (right.length + o.lambda) - ((sl + sr) * (sl + sr)) / (rows.length + o.lambda);
      expect(left.length).toBeGreaterThanOrEqual(o.minLeaf);
      expect(right.length).toBeGreaterThanOrEqual(o.minLeaf);
      expect(best).toBeGreaterThan(0);
      expect(chosen).toBeGreaterThan(best - 1e-9);
      rowsOf.set(t.left[k], left);
      rowsOf.set(t.right[k], right);
      depth.set(t.left[k], depth.get(k)! + 1);
      depth.set(t.right[k], depth.get(k)! + 1);
    }
    expect(leaves).toBeGreaterThan(5);
    expect(leaves).toBeLessThan(o.maxLeaves);
  });
});

/** Leaf node of each raw row in one tree. */
function predictLeaves(t: GbdtModel['trees'][number], x: Float64Array, n: number, p: number): Int32Array {
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let k = 0;
    while (t.feature[k] >= 0) k = x[r * p + t.feature[k]] <= t.threshold[k] ? t.left[k] : t.right[k];
    out[r] = k;
  }
  return out;
}

describe('gbdt histograms', () => {
  it('sums and counts per feature and bin of the rows listed, four at a time and the rest; subtraction and total', () => {
    // 2 features, 7 rows (bins row-major); rows 1..6 listed out of order
    const bins = Uint8Array.from([0, 1, 1, 1, 0, 2, 2, 1, 1, 0, 0, 2, 1, 1]);
    const data = { n: 7, p: 2, bins, edges: [new Float64Array(2), new Float64Array(2)] };
    const residual = Float64Array.from([100, 1, 2, 4, 8, 16, 32]);
    const idx = Int32Array.from([0, 6, 2, 5, 1, 3, 4]);
    const { search, total } = histogramLayouts(data);
    // features packed: 3 bins (2 edges) each, feature 1 from slot 3
    expect([search.slots, ...search.offsets]).toEqual([6, 0, 3]);
    const hist = new Float64Array(2 * (search.slots + 2)).fill(-1);
    buildHistogram(data, residual, new Float64Array(data.n).fill(1), idx, 1, 7, hist, search);
    const at = (f: number, b: number): [number, number] => [hist[2 * (3 * f + b)], hist[2 * (3 * f + b) + 1]];
    // feature 0: rows 1 (bin 1), 2 (0), 3 (2), 4 (1), 5 (0), 6 (1)
    // slots past the layout's and its spare one (padding of the packed rows) are neither cleared nor written
    expect([at(0, 0), at(0, 1), at(0, 2), at(2, 1)]).toEqual([[2 + 16, 2], [1 + 8 + 32, 3], [4, 1], [-1, -1]]);
    // feature 1: rows 1 (bin 1), 2 (2), 3 (1), 4 (0), 5 (2), 6 (1)
    expect([at(1, 0), at(1, 1), at(1, 2)]).toEqual([[8, 1], [1 + 4 + 32, 3], [2 + 16, 2]]);
    expect(histogramTotal(hist, total)).toBe(63);
    const part = new Float64Array(2 * (search.slots + 1));
    buildHistogram(data, residual, new Float64Array(data.n).fill(1), idx, 1, 3, part, search); // rows 6 and 2
    subtractHistogram(hist, part, search);
    expect([at(0, 0), at(0, 1), at(0, 2), at(2, 1)]).toEqual([[16, 1], [1 + 8, 2], [4, 1], [-1, -1]]);
    expect(at(1, 1)).toEqual([1 + 4, 2]);
    expect(histogramTotal(hist, total)).toBe(29);
    // feature 0 only: the others are left as they were
    const one = new Float64Array(2 * (search.slots + 1)).fill(-1);
    buildHistogram(data, residual, new Float64Array(data.n).fill(1), idx, 0, 7, one, total);
    expect(histogramTotal(one, total)).toBe(163);
    expect(one[2 * 3]).toBe(-1);
  });

  it('packed rows (four bins a word) give the same sums and counts, bit for bit, as the row-major bins, whatever the bins (up to 255), features and rows', () => {
    const next = mulberry32(3);
    for (const p of [1, 4, 5, 9]) {
      const n = 203;
      const edges = Array.from({ length: p }, (_, f) => new Float64Array(f % 3 === 2 ? 0 : f % 3 === 1 ? 3 : 254)); // constants left out
      const bins = Uint8Array.from({ length: n * p }, (_, i) => Math.floor(next() * (edges[i % p].length + 1)));
      const data = { n, p, bins, edges };
      const residual = Float64Array.from({ length: n }, () => next() * 10 - 5);
      const idx = Int32Array.from({ length: n }, (_, i) => (i * 37) % n);
      const { search } = histogramLayouts(data);
      expect(search.packed).toBeDefined();
      const plain = { ...search, packed: undefined };
      for (const [from, to] of [[0, n], [5, 6], [7, 18], [3, 3]]) {
        const a = new Float64Array(2 * (search.slots + 1));
        const b = new Float64Array(2 * (search.slots + 1));
        buildHistogram(data, residual, new Float64Array(data.n).fill(1), idx, from, to, a, search);
        buildHistogram(data, residual, new Float64Array(data.n).fill(1), idx, from, to, b, plain);
        expect(Buffer.from(a.buffer, 0, 16 * search.slots).toString('hex')).toBe(Buffer.from(b.buffer, 0, 16 * search.slots).toString('hex'));
      }
    }
  });

  it('layouts: features of one bin (a constant) are left out of the search, feature 0 (the total) never; bin counts are edges + 1', () => {
    const edges = [new Float64Array(0), Float64Array.of(1, 2), new Float64Array(0), Float64Array.of(5)];
    const { search, total } = histogramLayouts({ n: 1, p: 4, bins: new Uint8Array(4), edges });
    expect([...search.features]).toEqual([0, 1, 3]);
    expect([...total.features]).toEqual([0]);
    expect([...search.bins]).toEqual([1, 3, 1, 2]);
    // one slot a bin of the features built, one after the other; none for the constants left out
    expect([search.slots, search.offsets[0], search.offsets[1], search.offsets[3]]).toEqual([6, 0, 1, 4]);
  });

  it('a constant feature changes nothing: the same trees, feature indices shifted, with a constant column added', () => {
    const n = 400;
    const next = mulberry32(7);
    const x = new Float64Array(n * 2);
    const xc = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      x[2 * r] = xc[3 * r] = next();
      x[2 * r + 1] = xc[3 * r + 2] = Math.floor(next() * 5);
      xc[3 * r + 1] = 3;
      y[r] = 2 * x[2 * r] + x[2 * r + 1] + next();
    }
    const o = { trees: 5, maxLeaves: 6, minLeaf: 10, subsample: 0.7 };
    const a = fitGbdt(binFeatures(x, n, 2), y, o);
    const b = fitGbdt(binFeatures(xc, n, 3), y, o);
    expect(b.trainLoss).toEqual(a.trainLoss);
    b.trees.forEach((t, i) => {
      expect(t.value).toEqual(a.trees[i].value);
      expect([...t.feature].map((f) => (f === 2 ? 1 : f))).toEqual([...a.trees[i].feature]);
      expect([...t.feature]).not.toContain(1);
    });
  });
});
