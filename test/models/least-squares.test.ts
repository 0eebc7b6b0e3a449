import { describe, expect, it } from 'vitest';
import { choleskySolve } from '../../models/cholesky.js';
import { leastSquares } from '../../models/least-squares.js';

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** X'X with the intercept last, each entry summed on its own in index order (the definition). */
function rawCrossProducts(columns: Float64Array[], n: number): Float64Array {
  const p = columns.length + 1;
  const out = new Float64Array(p * p);
  const col = (a: number) => (a < columns.length ? columns[a] : new Float64Array(n).fill(1));
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let s = 0;
      if (a === p - 1 && b === p - 1) s = n;
      else if (b === p - 1) for (let i = 0; i < n; i++) s += col(a)[i];
      else for (let i = 0; i < n; i++) s += col(a)[i] * col(b)[i];
      out[a * p + b] = s;
    }
  }
  return out;
}

describe('leastSquares', () => {
  it('recovers exact coefficients of a noiseless linear target (hand-made)', () => {
    const x1 = Float64Array.from({ length: 50 }, (_, i) => i);
    const x2 = Float64Array.from({ length: 50 }, (_, i) => (i % 7 === 3 ? 1 : 0));
    const y = Float64Array.from({ length: 50 }, (_, i) => 2 + 0.5 * x1[i] - 3 * x2[i]);
    const w = leastSquares([x1, x2], y).weights;
    expect(w[0]).toBeCloseTo(0.5, 6);
    expect(w[1]).toBeCloseTo(-3, 6);
    expect(w[2]).toBeCloseTo(2, 6);
  });
  it("fills X'X's upper triangle with the sums of the definition, to the last bit", () => {
    const r = rng(3);
    for (const [n, k] of [[364, 12], [30, 3], [10, 0], [5, 1]]) {
      const columns = Array.from({ length: k }, (_, j) => Float64Array.from({ length: n }, () => (j % 3 === 0 ? Math.round(r()) : r() * 100 - 20)));
      const y = Float64Array.from({ length: n }, () => r() * 10);
      expect(leastSquares(columns, y).xtx).toEqual(rawCrossProducts(columns, n));
    }
  });
  it('solves the centred normal equations summed term by term (the definition), to the last bit', () => {
    const r = rng(5);
    // odd and even column counts: columns are summed in pairs, the last one alone when odd
    for (const [n, k] of [[364, 13], [364, 14], [30, 2], [25, 1]]) {
      const columns = Array.from({ length: k }, (_, j) => Float64Array.from({ length: n }, () => (j % 3 === 0 ? Math.round(r()) : r() * 100 - 20)));
      const y = Float64Array.from({ length: n }, () => r() * 10);
      const mean = (c: ArrayLike<number>): number => {
        let s = 0;
        for (let i = 0; i < n; i++) s += c[i];
        return s / n;
      };
      const means = columns.map(mean);
      const yMean = mean(y);
      const sxx = new Float64Array(k * k);
      const sxy = new Float64Array(k);
      for (let a = 0; a < k; a++) {
        for (let i = 0; i < n; i++) sxy[a] += (columns[a][i] - means[a]) * (y[i] - yMean);
        for (let b = a; b < k; b++) for (let i = 0; i < n; i++) sxx[a * k + b] += (columns[a][i] - means[a]) * (columns[b][i] - means[b]);
      }
      const slopes = choleskySolve(sxx, sxy, k)!;
      let b0 = yMean;
      for (let a = 0; a < k; a++) b0 -= slopes[a] * means[a];
      expect(leastSquares(columns, y).weights).toEqual([...slopes, b0]);
    }
  });
});
