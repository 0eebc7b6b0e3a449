/**
 * Ordinary least squares with an intercept, from feature columns: the normal equations of the
 * centred columns, built over the columns (no row arrays) and solved by Cholesky (cholesky.ts),
 * the intercept from the means. When X'X is numerically singular (collinear features) it falls back to
 * `ml-regression`'s MultivariateLinearRegression, whose SVD pseudo-inverse gives the
 * minimum-norm solution, so a collinear design still fits.
 *
 * Why not ml-regression always: it copies the design into ml-matrix objects and inverts X'X by
 * SVD; on a 364-day window with about a dozen features that cost 0.74 ms per fit, most of the
 * regression model's time and a third of the backtest's (bench/strategy-speed.ts).
 *
 * Source: G. H. Golub & C. F. Van Loan, *Matrix Computations* (4th ed., 2013), §5.3.1 (normal
 * equations); Seber & Lee, *Linear Regression Analysis* (2nd ed., 2003), §3.1.
 */
import { MultivariateLinearRegression } from 'ml-regression';
import { choleskySolve } from './cholesky.js';

/** Weights (one per column, the intercept last) and X'X (intercept row and column last, upper triangle filled). */
export interface LeastSquares {
  readonly weights: number[];
  /** X'X, p × p row-major (p = columns + 1); only the upper triangle is set. */
  readonly xtx: Float64Array;
}

/**
 * Fit y = X b + b0 by least squares.
 *
 * @param columns Feature columns, each as long as y.
 * @param y Target values.
 * @throws when a column's length differs from y's, or no solution is finite.
 */
export function leastSquares(columns: readonly Float64Array[], y: ArrayLike<number>): LeastSquares {
  const n = y.length;
  const p = columns.length + 1;
  for (const c of columns) if (c.length !== n) throw new Error(`leastSquares needs columns as long as y (${n}), got ${c.length}`);
  // centred normal equations for the slopes (far better conditioned than with the intercept
  // column: a trend or a price column no longer competes with it), intercept from the means
  const k = p - 1;
  // column sums (for the means and X'X's intercept row) and the target's mean
  const sums = columns.map((c) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i];
    return s;
  });
  const means = sums.map((s) => s / n);
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i];
  yMean /= n;
  const sxx = new Float64Array(k * k);
  const sxy = new Float64Array(k);
  // X'X with the intercept last (for the coefficient covariance), filled in the same pass over
  // each pair of columns as the centred sums (each sum adds the same terms in the same order)
  const xtx = new Float64Array(p * p);
  for (let a = 0; a < k; a++) {
    const ca = columns[a];
    const ma = means[a];
    let sy = 0;
    for (let i = 0; i < n; i++) sy += (ca[i] - ma) * (y[i] - yMean);
    sxy[a] = sy;
    let b = a;
    for (; b + 1 < k; b += 2) pairSums(ca, ma, columns[b], means[b], columns[b + 1], means[b + 1], n, a * k + b, sxx, a * p + b, xtx);
    if (b < k) {
      const cb = columns[b];
      const mb = means[b];
      let s = 0;
      let raw = 0;
      for (let i = 0; i < n; i++) {
        const u = ca[i];
        const v = cb[i];
        s += (u - ma) * (v - mb);
        raw += u * v;
      }
      sxx[a * k + b] = s;
      xtx[a * p + b] = raw;
    }
    xtx[a * p + k] = sums[a];
  }
  xtx[k * p + k] = n;
  const slopes = k > 0 ? choleskySolve(sxx, sxy, k) : new Float64Array(0);
  let solved: number[] | null = null;
  if (slopes && slopes.every(Number.isFinite)) {
    let b0 = yMean;
    for (let a = 0; a < k; a++) b0 -= slopes[a] * means[a];
    solved = [...slopes, b0];
  }
  let weights: number[];
  if (solved && Number.isFinite(solved[k])) weights = solved;
  else {
    const x: number[][] = [];
    const yy: number[][] = [];
    for (let i = 0; i < n; i++) {
      x.push(columns.map((c) => c[i]));
      yy.push([y[i]]);
    }
    weights = new MultivariateLinearRegression(x, yy, { intercept: true, statistics: false }).weights.map((w) => w[0]);
  }
  for (const w of weights) if (!Number.isFinite(w)) throw new Error('leastSquares could not solve the least-squares problem (non-finite weights)');
  return { weights, xtx };
}

/**
 * The centred and raw cross sums of column a with columns b and b + 1, in one pass: each of the
 * four sums adds the same terms in the same order as a pass of its own (so the same doubles), and
 * four independent sums keep the adder busy where one sum waits for its previous addition.
 * Writes sxx[sOff], sxx[sOff + 1], xtx[xOff], xtx[xOff + 1].
 */
function pairSums(
  ca: Float64Array, ma: number, cb: Float64Array, mb: number, cc: Float64Array, mc: number, n: number,
  sOff: number, sxx: Float64Array, xOff: number, xtx: Float64Array,
): void {
  let s1 = 0;
  let r1 = 0;
  let s2 = 0;
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    const u = ca[i];
    const v = cb[i];
    const w = cc[i];
    const du = u - ma;
    s1 += du * (v - mb);
    r1 += u * v;
    s2 += du * (w - mc);
    r2 += u * w;
  }
  sxx[sOff] = s1;
  sxx[sOff + 1] = s2;
  xtx[xOff] = r1;
  xtx[xOff + 1] = r2;
}
