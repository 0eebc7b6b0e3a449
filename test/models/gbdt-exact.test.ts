import { describe, expect, it } from 'vitest';
import { binEdges, binFeatures, binOf, fitGbdt, predictGbdt, type GbdtModel } from '../../models/gbdt.js';
import { mulberry32 } from '../../models/random.js';
import { binEdgesReference, fitReference } from './gbdt-reference.js';

/** Random rows: continuous, few-valued, repeated-per-group and constant columns, y a noisy mix of them. */
function randomRows(n: number, seed: number): { x: Float64Array; y: Float64Array; p: number } {
  const p = 6;
  const next = mulberry32(seed);
  const x = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const g = Math.floor(r / 28);
    x[r * p] = next() * 10;
    x[r * p + 1] = Math.floor(next() * 7);
    x[r * p + 2] = (g * 7919) % 13;
    x[r * p + 3] = 5;
    x[r * p + 4] = next() < 0.6 ? 0 : next() * 3;
    x[r * p + 5] = r % 28;
    y[r] = Math.sin(x[r * p]) * 3 + x[r * p + 1] + 0.5 * x[r * p + 2] + x[r * p + 4] * (x[r * p + 5] > 10 ? 2 : -1) + next();
  }
  return { x, y, p };
}

/** Every byte of the model's arrays, so that +0/-0 and the last bit count. */
function bytes(m: GbdtModel): string[] {
  const out = [Buffer.from(Float64Array.of(m.base).buffer).toString('hex'), Buffer.from(m.trainLoss.buffer).toString('hex')];
  for (const t of m.trees) for (const a of [t.feature, t.bin, t.threshold, t.left, t.right, t.value]) out.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex'));
  return out;
}

describe('gbdt fit equals a straightforward reference, bit for bit', () => {
  const settings = [
    { trees: 20, learningRate: 0.2, maxLeaves: 15, maxDepth: 4, minLeaf: 20, lambda: 1, subsample: 0.5, seed: 3 },
    { trees: 12, learningRate: 0.1, maxLeaves: 31, maxDepth: 10, minLeaf: 5, lambda: 0, subsample: 0.8, seed: 9 },
    { trees: 8, learningRate: 0.3, maxLeaves: 6, maxDepth: 2, minLeaf: 50, lambda: 2, subsample: 1, seed: 1 },
    { trees: 10, learningRate: 0.1, maxLeaves: 63, maxDepth: 10, minLeaf: 30, lambda: 1, subsample: 0.3, seed: 5, maxBins: 16 },
  ];
  for (const [k, o] of settings.entries()) {
    it(`setting ${k}: same trees, same trainLoss after every tree (subsample ${o.subsample})`, () => {
      const n = 2003 + 97 * k; // not a multiple of 4
      const { x, y, p } = randomRows(n, 11 + k);
      const binned = binFeatures(x, n, p, { maxBins: o.maxBins });
      const fast = fitGbdt(binned, y, o);
      const ref = fitReference(binned, y, o);
      expect(fast.trees.length).toBe(o.trees);
      expect(fast.trees.some((t) => t.feature.length > 5)).toBe(true);
      expect(bytes(fast)).toEqual(bytes(ref));
      // the walk of unsampled rows (walkCodes) steps to left + (bin > split bin): a right child is its left one + 1
      for (const t of fast.trees) t.feature.forEach((f, k) => f >= 0 && expect(t.right[k]).toBe(t.left[k] + 1));
    });
  }

  it('trainLoss is the loss of predictGbdt on the raw rows (in-sample and out-of-sample rows alike), bit for bit', () => {
    const n = 1777;
    const { x, y, p } = randomRows(n, 4);
    const o = { trees: 15, learningRate: 0.2, maxLeaves: 20, maxDepth: 6, minLeaf: 15, lambda: 1, subsample: 0.4, seed: 8 };
    const m = fitGbdt(binFeatures(x, n, p), y, o);
    for (const t of [1, 7, 15]) {
      const pred = predictGbdt({ ...m, trees: m.trees.slice(0, t) }, x, n);
      let s = 0;
      for (let r = 0; r < n; r++) s += (y[r] - pred[r]) ** 2;
      expect(s / n).toBe(m.trainLoss[t]);
    }
  });
});

describe('predictGbdt (binned rows, 8-row walk) equals walking each raw row down each tree', () => {
  /** The tree walk on raw values, "x <= threshold" goes left, trees' values added in order. */
  function rawPredict(m: GbdtModel, x: Float64Array, n: number): Float64Array {
    const out = new Float64Array(n).fill(m.base);
    for (const t of m.trees) {
      for (let r = 0; r < n; r++) {
        let k = 0;
        while (t.feature[k] >= 0) k = x[r * m.p + t.feature[k]] <= t.threshold[k] ? t.left[k] : t.right[k];
        out[r] += t.value[k];
      }
    }
    return out;
  }

  it('on new rows: values at the thresholds, between, beyond, -0, infinities and NaN, bit for bit', () => {
    const { x, y, p } = randomRows(3001, 21);
    const m = fitGbdt(binFeatures(x, 3001, p, { maxBins: 32 }), y, { trees: 25, learningRate: 0.2, maxLeaves: 31, maxDepth: 8, minLeaf: 10, lambda: 1, subsample: 0.6, seed: 2 });
    const next = mulberry32(5);
    const n = 4003;
    const z = new Float64Array(n * p);
    const specials = [NaN, Infinity, -Infinity, -0, 0, -1e300];
    for (let r = 0; r < n; r++) {
      for (let f = 0; f < p; f++) {
        const e = m.edges[f];
        const u = next();
        z[r * p + f] = u < 0.3 && e.length ? e[Math.floor(next() * e.length)] : u < 0.4 ? specials[Math.floor(next() * specials.length)] : u < 0.7 ? x[Math.floor(next() * 3001) * p + f] : next() * 20 - 5;
      }
    }
    const hex = (a: Float64Array): string => Buffer.from(a.buffer).toString('hex');
    expect(hex(predictGbdt(m, z, n))).toBe(hex(rawPredict(m, z, n)));
    expect(hex(predictGbdt(m, x, 3001))).toBe(hex(rawPredict(m, x, 3001)));
    expect(hex(predictGbdt({ ...m, trees: [] }, z.subarray(0, 5 * p), 5))).toBe(hex(new Float64Array(5).fill(m.base)));
  });
});

describe('gbdt bin edges equal the sort-based reference, bit for bit', () => {
  const hex = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
  // distinct values: few (midpoints), more than maxBins but counted by hashing (<= 1024), more (sorted)
  for (const distinct of [1, 2, 7, 200, 255, 256, 300, 1000, 1024, 1025, 5000, 40000]) {
    it(`${distinct} distinct values (integers, fractions, negatives, -0 and 0 mixed, skewed counts)`, () => {
      const next = mulberry32(distinct);
      const n = 20011;
      const pool = Float64Array.from({ length: distinct }, (_, k) => (k === 0 ? 0 : k % 3 === 0 ? -k : k % 3 === 1 ? k / 7 : k * 1e6));
      const column = Float64Array.from({ length: n }, () => {
        const v = pool[Math.floor(next() ** 3 * distinct)]; // skewed: low indices (0 among them) heavy
        return v === 0 && next() < 0.5 ? -0 : v;
      });
      for (const maxBins of [2, 16, 255]) {
        for (const binning of ['quantile', 'equalCount'] as const) expect(hex(binEdges(column, maxBins, binning))).toBe(hex(binEdgesReference(column, maxBins, binning)));
      }
    });
  }

  // runs of equal neighbours (a series' origin statistics repeat on its group's rows): sortedDistinct sorts the runs' values only
  for (const distinct of [1100, 6000]) {
    it(`${distinct} distinct values in runs of 1 to 40 equal rows, a value's runs apart, -0 and 0 in one run`, () => {
      const next = mulberry32(distinct + 1);
      const column = new Float64Array(30011);
      for (let i = 0; i < column.length; ) {
        const v = Math.floor(next() * distinct) / 3 - 50;
        for (let len = 1 + Math.floor(next() * 40); len > 0 && i < column.length; len--, i++) column[i] = v === 0 && next() < 0.5 ? -0 : v;
      }
      for (const maxBins of [2, 16, 255]) {
        for (const binning of ['quantile', 'equalCount'] as const) expect(hex(binEdges(column, maxBins, binning))).toBe(hex(binEdgesReference(column, maxBins, binning)));
      }
    });
  }

  it('binFeatures bins every value as binOf does, repeated values (the row before) and -0 among them', () => {
    const next = mulberry32(77);
    const n = 5003;
    const p = 3;
    const x = new Float64Array(n * p);
    for (let r = 0; r < n; r++) {
      x[r * p] = r > 0 && next() < 0.7 ? x[(r - 1) * p] : Math.floor(next() * 2000) / 7; // runs, > 1024 distinct
      x[r * p + 1] = next() < 0.5 ? -0 : Math.floor(next() * 3) - 1; // -0, 0 alternate with -1 and 1
      x[r * p + 2] = Math.floor(r / 28); // one value a group of rows
    }
    const b = binFeatures(x, n, p, { maxBins: 64 });
    for (let r = 0; r < n; r++) for (let f = 0; f < p; f++) expect(b.bins[r * p + f]).toBe(binOf(b.edges[f], x[r * p + f]));
    expect(b.edges[0].length).toBeGreaterThan(10); // many bins (cuts inside runs are skipped)
  });

  it('a value not finite is refused whether the column has few distinct values or many', () => {
    expect(() => binEdges(Float64Array.of(1, 2, Infinity), 255)).toThrow(/not finite/);
    expect(() => binEdges(Float64Array.from({ length: 3000 }, (_, i) => (i === 2999 ? NaN : i)), 255)).toThrow(/not finite/);
  });
});
