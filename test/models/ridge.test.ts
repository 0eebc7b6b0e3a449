import { describe, expect, it } from 'vitest';
import { leastSquares } from '../../models/least-squares.js';
import { addRow, normalEquations, solveRidge } from '../../models/ridge.js';

/** Sums of dense rows (column 0 the intercept added). */
function sums(rows: number[][], y: number[]) {
  const q = rows[0].length + 1;
  const ne = normalEquations(q);
  const idx = Int32Array.from({ length: q }, (_, i) => i);
  rows.forEach((r, i) => addRow(ne, idx, Float64Array.from([1, ...r]), q, y[i]));
  return ne;
}

describe('solveRidge', () => {
  it('y = 1 + 2x on x = 0, 1, 2: exact at λ 0; at λ 3 the slope 6 / (3 + λ) = 1 and the intercept ȳ - x̄ · 1 = 2 (by hand)', () => {
    const ne = sums([[0], [1], [2]], [1, 3, 5]);
    const exact = solveRidge(ne, 0)!;
    expect(exact[0]).toBeCloseTo(1, 9);
    expect(exact[1]).toBeCloseTo(2, 9);
    // centred x -1, 0, 1: Σ(x-x̄)² = 2, variance 2/3, Σ(x-x̄)(y-ȳ) = 4; slope 4 / (2 + λ · 2/3) = 1 at λ 3
    const w = solveRidge(ne, 3)!;
    expect(w[1]).toBeCloseTo(1, 9);
    expect(w[0]).toBeCloseTo(2, 9);
  });

  it('two one-hot columns beside the intercept (collinear) at λ 8: weights 2, -0.5, 0.5 (by hand); pairs added in either order', () => {
    const ne = normalEquations(3);
    const row = (a: number, y: number, reversed: boolean) => {
      const idx = reversed ? Int32Array.from([a, 0]) : Int32Array.from([0, a]);
      addRow(ne, idx, Float64Array.from([1, 1]), 2, y);
    };
    row(1, 1, false);
    row(1, 1, true);
    row(2, 3, false);
    row(2, 3, true);
    // centred: Σ(x1-x̄1)² = 1 (variance 1/4), Σ(x1-x̄1)(x2-x̄2) = -1, X'y centred -2, 2:
    // [[1 + λ/4, -1], [-1, 1 + λ/4]] w = [-2, 2], w = (-c, c) with c = 2 / (2 + λ/4) = 0.5; intercept ȳ = 2
    const w = solveRidge(ne, 8)!;
    expect(w[0]).toBeCloseTo(2, 9);
    expect(w[1]).toBeCloseTo(-0.5, 9);
    expect(w[2]).toBeCloseTo(0.5, 9);
  });

  it('a column constant over the rows gets weight 0; no rows: null', () => {
    const w = solveRidge(sums([[0, 5], [1, 5], [2, 5]], [1, 3, 5]), 0)!;
    expect(w[2]).toBe(0);
    expect(w[1]).toBeCloseTo(2, 9);
    expect(solveRidge(normalEquations(2), 1)).toBeNull();
    expect(() => solveRidge(normalEquations(2), -1)).toThrow(/lambda/);
  });

  it('λ 0 on noisy rows: the least-squares fit (models/least-squares.ts)', () => {
    let s = 7;
    const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const n = 200;
    const cols = [0, 1, 2].map(() => Float64Array.from({ length: n }, () => next() * 10));
    const y = Array.from({ length: n }, (_, i) => 3 + 0.5 * cols[0][i] - 2 * cols[1][i] + cols[2][i] + next());
    const w = solveRidge(sums(Array.from({ length: n }, (_, i) => cols.map((c) => c[i])), y), 0)!;
    const ls = leastSquares(cols, y).weights; // intercept last
    for (let j = 0; j < 3; j++) expect(w[j + 1]).toBeCloseTo(ls[j], 9);
    expect(w[0]).toBeCloseTo(ls[3], 9);
  });
});
