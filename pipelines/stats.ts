/**
 * Summary statistics of plain number lists, used by the stages that summarise a run (quality,
 * impact analysis, realized accuracy, report). One home, so that a mean or a median means the
 * same thing in every output. The numeric cores (models, cleaning, quality rules) work on typed
 * arrays in place and keep their own loops.
 */
import { errorFunction, sampleRankCorrelation } from 'simple-statistics';

/**
 * Arithmetic mean, summed left to right.
 * @returns NaN for an empty list.
 * @example mean([1, 2, 6]) // 3
 */
export function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/**
 * Mean of the finite values, skipping null, NaN and infinities (figures that are undefined for
 * some series, e.g. a backtest RMSSE).
 * @returns null when no value is finite.
 * @example meanOfFinite([1, null, NaN, 3]) // 2
 */
export function meanOfFinite(xs: readonly (number | null)[]): number | null {
  let s = 0;
  let n = 0;
  for (const x of xs) {
    if (x === null || !Number.isFinite(x)) continue;
    s += x;
    n++;
  }
  return n ? s / n : null;
}

/**
 * Median: the middle value of the sorted list, the mean of the two middle values for an even
 * count. The list is not modified.
 * @returns NaN for an empty list.
 * @example median([3, 1, 4, 1]) // 2
 */
export function median(v: readonly number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Smallest value, by a loop: `Math.min(...v)` passes every value as an argument and overflows
 * the stack past about 125,000 of them (one per series of a large run).
 * @returns Infinity for an empty list (as `Math.min()`).
 * @example minOf([3, 1, 4]) // 1
 */
export function minOf(v: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < v.length; i++) if (v[i] < m || v[i] !== v[i]) m = v[i];
  return m;
}

/**
 * Largest value, by a loop (see {@link minOf}).
 * @returns -Infinity for an empty list (as `Math.max()`).
 * @example maxOf([3, 1, 4]) // 4
 */
export function maxOf(v: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i] > m || v[i] !== v[i]) m = v[i];
  return m;
}

/**
 * Sample standard deviation (divisor n - 1).
 * @returns 0 for fewer than two values.
 * @example sampleSd([2, 4, 4, 4, 5, 5, 7, 9]) // 2.138... (R: sd(c(2,4,4,4,5,5,7,9)))
 */
export function sampleSd(v: readonly number[]): number {
  const m = mean(v);
  let s = 0;
  for (const x of v) s += (x - m) * (x - m);
  return v.length > 1 ? Math.sqrt(s / (v.length - 1)) : 0;
}

/**
 * Midranks, 1-based: ties share the mean of the ranks they span (R's `rank(x)`, ties "average").
 * @example midranks([10, 20, 20, 5]) // [2, 3.5, 3.5, 1]
 */
export function midranks(v: readonly number[]): number[] {
  const order = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Array<number>(v.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
    for (let k = i; k <= j; k++) r[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/**
 * Spearman's rho (simple-statistics' `sampleRankCorrelation`, midranks for ties) with a
 * two-sided p-value from the normal approximation z = rho·sqrt(n - 1) (Kendall & Stuart, *The
 * Advanced Theory of Statistics* vol. 2, §31.19; fine for n >= 10).
 * @returns nulls with fewer than 3 pairs or when either variable is constant.
 * @throws when the arrays differ in length.
 */
export function spearman(x: readonly number[], y: readonly number[]): { rho: number | null; p: number | null } {
  if (x.length !== y.length) throw new Error(`spearman needs paired values, got ${x.length} and ${y.length}`);
  if (x.length < 3) return { rho: null, p: null };
  const rho = sampleRankCorrelation([...x], [...y]);
  if (!Number.isFinite(rho)) return { rho: null, p: null };
  const z = Math.abs(rho) * Math.sqrt(x.length - 1);
  const p = Math.min(1, Math.max(0, 1 - errorFunction(z / Math.SQRT2)));
  return { rho, p };
}
