import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { choleskyInverse } from '../../models/cholesky.js';

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** X'X of a random design (n rows, p columns, a 0/1 column every third one): symmetric, usually positive definite. */
function crossProducts(n: number, p: number, r: () => number): Float64Array {
  const x = Array.from({ length: p }, (_, j) => Float64Array.from({ length: n }, () => (j % 3 === 1 ? Math.round(r()) : r() * 50 - 10)));
  const a = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += x[i][t] * x[j][t];
      a[i * p + j] = s;
      a[j * p + i] = s;
    }
  }
  return a;
}

/** ml-matrix's inverse (the reference the regression used), or null when not positive definite. */
function reference(a: Float64Array, p: number): { inverse: Float64Array; diagonal: Float64Array } | null {
  const m = new Matrix(p, p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) m.set(i, j, a[i * p + j]);
  const chol = new CholeskyDecomposition(m);
  if (!chol.isPositiveDefinite()) return null;
  const inv = chol.solve(Matrix.eye(p));
  const l = chol.lowerTriangularMatrix;
  return {
    inverse: Float64Array.from({ length: p * p }, (_, k) => inv.get(Math.floor(k / p), k % p)),
    diagonal: Float64Array.from({ length: p }, (_, c) => l.get(c, c)),
  };
}

describe('choleskyInverse', () => {
  it('inverts a 2 x 2 matrix (hand-computed)', () => {
    // [[4, 2], [2, 3]]^-1 = [[3, -2], [-2, 4]] / 8; L = [[2, 0], [1, sqrt 2]]
    const r = choleskyInverse(Float64Array.of(4, 2, 2, 3), 2)!;
    [0.375, -0.25, -0.25, 0.5].forEach((v, k) => expect(r.inverse[k]).toBeCloseTo(v, 14));
    expect(r.diagonal[0]).toBe(2);
    expect(r.diagonal[1]).toBe(Math.SQRT2);
  });
  it("equals ml-matrix's Cholesky inverse to the last bit", () => {
    const r = rng(11);
    for (const [n, p] of [[364, 14], [364, 20], [30, 5], [8, 1], [20, 9]]) {
      for (let rep = 0; rep < 5; rep++) {
        const a = crossProducts(n, p, r);
        const got = choleskyInverse(a, p);
        const want = reference(a, p);
        expect(got).not.toBeNull();
        expect(Array.from(got!.inverse)).toEqual(Array.from(want!.inverse));
        expect(Array.from(got!.diagonal)).toEqual(Array.from(want!.diagonal));
      }
    }
  });
  it('is null where ml-matrix finds the matrix not positive definite', () => {
    // rank 1 (a repeated column) and an indefinite matrix
    expect(choleskyInverse(Float64Array.of(1, 1, 1, 1), 2)).toBeNull();
    expect(reference(Float64Array.of(1, 1, 1, 1), 2)).toBeNull();
    expect(choleskyInverse(Float64Array.of(1, 2, 2, 1), 2)).toBeNull();
    expect(reference(Float64Array.of(1, 2, 2, 1), 2)).toBeNull();
  });
  it('throws on a matrix that is not symmetric, NaN entries included, as ml-matrix does', () => {
    expect(() => choleskyInverse(Float64Array.of(1, 0.5, 0.4, 1), 2)).toThrow(/not symmetric/);
    expect(() => choleskyInverse(Float64Array.of(1, NaN, NaN, 1), 2)).toThrow(/not symmetric/);
    expect(() => reference(Float64Array.of(1, NaN, NaN, 1), 2)).toThrow(/not symmetric/);
  });
});
