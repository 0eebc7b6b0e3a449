import { describe, expect, it } from 'vitest';
import { buildHistogram, histogramLayouts } from '../../models/gbdt-histogram.js';
import { buildCodeHistogram, countOf, quantize, quantizedFor, subtractCodeHistogram, sumOf } from '../../models/gbdt-quantized.js';
import { gossRows } from '../../models/gbdt-goss.js';
import { binFeatures, fitGbdt } from '../../models/gbdt.js';
import { mulberry32 } from '../../models/random.js';
import { fitReference } from './gbdt-reference.js';

/** Rows: a continuous, a few-valued and a constant column, y a noisy step of them. */
function rows(n: number, seed: number): { x: Float64Array; y: Float64Array; p: number } {
  const p = 3;
  const next = mulberry32(seed);
  const x = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    x[r * p] = next() * 10;
    x[r * p + 1] = Math.floor(next() * 5);
    x[r * p + 2] = 1;
    y[r] = (x[r * p] > 5 ? 3 : 0) + x[r * p + 1] + 4 * next();
  }
  return { x, y, p };
}

describe('quantized gradients (gbdt-quantized.ts)', () => {
  it('on integer residuals within ±B (scale 1) the code histogram decodes to the plain histogram, packed and row-major, subtraction too', () => {
    const next = mulberry32(5);
    const n = 301;
    const p = 5;
    const edges = Array.from({ length: p }, (_, f) => new Float64Array(f === 3 ? 0 : 2 + 60 * f));
    const bins = Uint8Array.from({ length: n * p }, (_, i) => Math.floor(next() * (edges[i % p].length + 1)));
    const data = { n, p, bins, edges };
    const q = quantizedFor(n, 8); // B = 127
    const residual = Float64Array.from({ length: n }, (_, r) => (r === 7 ? -127 : Math.floor(next() * 255) - 127));
    const idx = Int32Array.from({ length: n }, (_, i) => (i * 41) % n);
    quantize(q, residual, idx, 0, n, Uint32Array.of(9));
    idx.forEach((r) => expect(q.codes[r] - q.unit - q.bias).toBe(residual[r]));
    const { search } = histogramLayouts(data);
    for (const layout of [search, { ...search, packed: undefined }]) {
      const plain = new Float64Array(2 * (search.slots + 1));
      const codes = new Float64Array(2 * (search.slots + 1));
      buildHistogram(data, residual, new Float64Array(n).fill(1), idx, 3, 250, plain, layout);
      buildCodeHistogram(data, q, idx, 3, 250, codes, layout);
      const part = new Float64Array(2 * (search.slots + 1));
      buildCodeHistogram(data, q, idx, 3, 100, part, layout);
      const rest = Float64Array.from(codes);
      subtractCodeHistogram(rest, part, layout);
      const partPlain = new Float64Array(2 * (search.slots + 1));
      buildHistogram(data, residual, new Float64Array(n).fill(1), idx, 3, 100, partPlain, layout);
      for (let s = 0; s < search.slots; s++) {
        const c = countOf(codes[s], q);
        expect([c, sumOf(codes[s], c, q)]).toEqual([plain[2 * s + 1], plain[2 * s]]);
        const cr = countOf(rest[s], q);
        expect([cr, sumOf(rest[s], cr, q)]).toEqual([plain[2 * s + 1] - partPlain[2 * s + 1], plain[2 * s] - partPlain[2 * s]]);
      }
    }
  });

  it('stochastic rounding is unbiased: the mean code of a residual of 0.3 units is 0.3; codes stay within ±B', () => {
    const n = 20000;
    const q = quantizedFor(n, 4); // B = 7
    const residual = new Float64Array(n).fill(0.3);
    residual[0] = 7; // scale 1
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    quantize(q, residual, idx, 0, n, Uint32Array.of(1));
    let s = 0;
    for (let r = 1; r < n; r++) s += q.codes[r] - q.unit - q.bias;
    expect(s / (n - 1)).toBeCloseTo(0.3, 1.5);
    expect(q.codes[0] - q.unit - q.bias).toBe(7);
  });

  it('a fit with 16-bit gradients is close to the plain fit; a bad bit count is refused', () => {
    const n = 1500;
    const { x, y, p } = rows(n, 3);
    const binned = binFeatures(x, n, p);
    const o = { trees: 30, learningRate: 0.2, maxLeaves: 8, maxDepth: 4, minLeaf: 20, subsample: 0.7 };
    const plain = fitGbdt(binned, y, o);
    const quant = fitGbdt(binned, y, { ...o, gradientBits: 16 });
    expect(quant.trainLoss[30]).toBeLessThan(0.5 * quant.trainLoss[0]);
    expect(Math.abs(quant.trainLoss[30] / plain.trainLoss[30] - 1)).toBeLessThan(0.02);
    expect(() => fitGbdt(binned, y, { ...o, gradientBits: 1 })).toThrow(/gradientBits/);
  });
});

describe('early stopping on the out-of-bag gain', () => {
  it('oobGain equals the reference fit\'s running sum of each tree\'s fall in out-of-sample loss', () => {
    const n = 900;
    const { x, y, p } = rows(n, 8);
    const binned = binFeatures(x, n, p);
    const o = { trees: 25, learningRate: 0.3, maxLeaves: 15, maxDepth: 5, minLeaf: 5, subsample: 0.5, seed: 4 };
    const fast = fitGbdt(binned, y, { ...o, earlyStop: 100 }).oobGain; // never stops: the whole curve
    const ref = fitReference(binned, y, o).oobGain;
    expect(fast.length).toBe(26);
    for (let t = 0; t <= 25; t++) expect(fast[t]).toBeCloseTo(ref[t], 10);
  });

  it('stops k trees after the highest gain of the full curve and keeps the trees up to it', () => {
    const n = 900;
    const { x, y, p } = rows(n, 2);
    const binned = binFeatures(x, n, p);
    // deep trees at a high rate on noise: the out-of-bag gain peaks early, then falls
    const o = { trees: 120, learningRate: 0.5, maxLeaves: 31, maxDepth: 8, minLeaf: 3, subsample: 0.5, seed: 2 };
    const full = fitGbdt(binned, y, { ...o, earlyStop: 1000 }); // never stops: every tree, the whole curve
    expect(full.trees.length).toBe(120);
    for (const k of [3, 10]) {
      // expected from the full curve: the first tree k past the best so far
      let best = 0;
      let t = 1;
      for (; t <= 120; t++) {
        if (full.oobGain[t] > full.oobGain[best]) best = t;
        else if (t - best >= k) break;
      }
      expect(t).toBeLessThanOrEqual(120);
      const stopped = fitGbdt(binned, y, { ...o, earlyStop: k });
      expect(stopped.trees.length).toBe(best);
      expect(Array.from(stopped.oobGain)).toEqual(Array.from(full.oobGain.subarray(0, best + 1)));
      expect(stopped.trees.map((tr) => Array.from(tr.value))).toEqual(full.trees.slice(0, best).map((tr) => Array.from(tr.value)));
    }
  });
});

describe('GOSS (gbdt-goss.ts)', () => {
  it('takes every row of the top |residual| share, a share of the others weighted (1 - top) / other relative to them, weights summing to the rows taken', () => {
    const n = 2000; // under the probe's 4,096 rows: the cut is the exact quantile
    const residual = Float64Array.from({ length: n }, (_, r) => (r % 2 ? -1 : 1) * (r + 1));
    const idx = new Int32Array(n);
    const weight = new Float64Array(n);
    const gradient = new Float64Array(n);
    const m = gossRows(idx, residual, weight, gradient, n, 0.2, 0.1, Uint32Array.of(3));
    const taken = new Set(Array.from(idx.subarray(0, m)));
    expect(new Set(Array.from(idx)).size).toBe(n);
    for (let r = 1600; r < n; r++) expect(taken.has(r)).toBe(true); // |residual| 1601..2000: the top 20%
    const small = Array.from(taken).filter((r) => r < 1600);
    expect(small.length).toBeGreaterThan(150);
    expect(small.length).toBeLessThan(250); // about 10% of all rows
    let total = 0;
    for (const r of taken) total += weight[r];
    expect(total).toBeCloseTo(m, 9);
    expect(weight[small[0]] / weight[1999]).toBeCloseTo(8, 12);
    for (const r of taken) expect(gradient[r]).toBe(weight[r] * residual[r]);
  });

  it('a GOSS fit learns the data; GOSS with quantized gradients is refused', () => {
    const n = 3000;
    const { x, y, p } = rows(n, 6);
    const binned = binFeatures(x, n, p);
    const o = { trees: 40, learningRate: 0.2, maxLeaves: 8, maxDepth: 4, minLeaf: 20, gossTop: 0.2, gossOther: 0.1 };
    const m = fitGbdt(binned, y, o);
    const plain = fitGbdt(binned, y, { ...o, gossTop: 0, subsample: 0.3 });
    expect(m.trainLoss[40]).toBeLessThan(1.1 * plain.trainLoss[40]);
    expect(() => fitGbdt(binned, y, { ...o, gradientBits: 8 })).toThrow(/GOSS/);
  });
});
