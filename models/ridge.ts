/**
 * Ridge regression from the normal equations accumulated over sparse rows in one pass (a row is
 * its non-zero columns and their values: a one-hot design touches few columns a row), then
 * solved by Cholesky (cholesky.ts). Column 0 is the constant 1 (the intercept) by convention and
 * every row must carry it. The penalty is scale-free: the slopes are those of the standardised
 * columns (centred, unit variance) under λ Σ β², the intercept unpenalised; a column constant over
 * the rows gets slope 0. Used by the pooled stage's research learner (pipelines/forecast/pooled-ridge.ts).
 *
 * Source: Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning* (2nd ed., 2009),
 * §3.4.1 (ridge on standardised inputs, intercept from the means).
 */
import { choleskySolve } from './cholesky.js';

/** Sums of a design: M (q × q row-major; a pair of a row's columns is added at [first][second] in the row's order, folded by `solveRidge`) and X'y. */
export interface NormalEquations {
  q: number;
  xtx: Float64Array;
  xty: Float64Array;
}

/** Empty sums for q columns (column 0 the intercept). */
export function normalEquations(q: number): NormalEquations {
  return { q, xtx: new Float64Array(q * q), xty: new Float64Array(q) };
}

/** Add one row: its `nnz` columns `idx` (distinct) with values `val`, and its target y. */
export function addRow(ne: NormalEquations, idx: Int32Array, val: Float64Array, nnz: number, y: number): void {
  const { q, xtx, xty } = ne;
  for (let a = 0; a < nnz; a++) {
    const va = val[a];
    const base = idx[a] * q;
    xty[idx[a]] += va * y;
    for (let b = a; b < nnz; b++) xtx[base + idx[b]] += va * val[b];
  }
}

/** X'X folded into a symmetric matrix (the sums of both orders of a pair). */
function folded(ne: NormalEquations): Float64Array {
  const { q, xtx } = ne;
  const s = new Float64Array(q * q);
  for (let i = 0; i < q; i++) {
    s[i * q + i] = xtx[i * q + i];
    for (let j = i + 1; j < q; j++) s[i * q + j] = s[j * q + i] = xtx[i * q + j] + xtx[j * q + i];
  }
  return s;
}

/**
 * Weights (q: intercept first) minimising Σ (y - x·w)² + λ Σ_j (w_j sd_j)² over the slopes
 * (sd_j the column's standard deviation over the rows): ridge on the standardised columns (each
 * column's Z'Z diagonal is the row count n, so λ weighs like λ rows). Null when there are no rows
 * or Cholesky fails; collinear columns (one-hot blocks beside the intercept) need λ > 0.
 */
export function solveRidge(ne: NormalEquations, lambda: number): Float64Array | null {
  if (!(lambda >= 0)) throw new Error(`solveRidge: lambda must be at least 0, got ${lambda}`);
  const { q, xty } = ne;
  const s = folded(ne);
  const n = s[0];
  if (!(n > 0)) return null;
  const mean = new Float64Array(q);
  for (let j = 0; j < q; j++) mean[j] = s[j] / n;
  // kept slopes: columns that vary over the rows (relative to their size)
  const kept: number[] = [];
  const sd = new Float64Array(q);
  for (let j = 1; j < q; j++) {
    const c = s[j * q + j] - n * mean[j] * mean[j];
    if (c > 1e-10 * Math.max(s[j * q + j], 1e-300)) (kept[kept.length] = j), (sd[j] = Math.sqrt(c / n));
  }
  const k = kept.length;
  const a = new Float64Array(k * k);
  const r = new Float64Array(k);
  const yMean = xty[0] / n;
  for (let u = 0; u < k; u++) {
    const i = kept[u];
    r[u] = (xty[i] - n * mean[i] * yMean) / sd[i];
    for (let v = u; v < k; v++) {
      const j = kept[v];
      a[u * k + v] = a[v * k + u] = (s[i * q + j] - n * mean[i] * mean[j]) / (sd[i] * sd[j]) + (u === v ? lambda : 0);
    }
  }
  const beta = k > 0 ? choleskySolve(a, r, k) : new Float64Array(0);
  if (!beta) return null;
  const w = new Float64Array(q);
  let intercept = yMean;
  for (let u = 0; u < k; u++) {
    const j = kept[u];
    w[j] = beta[u] / sd[j];
    intercept -= w[j] * mean[j];
  }
  w[0] = intercept;
  return w;
}
