/**
 * Non-overlapping temporal aggregation for intermittent demand (ADIDA, IMAPA): sum the series in
 * buckets of k periods (dropping the oldest n mod k periods, so the last bucket ends on the last
 * observation), forecast the bucket totals by SES, and spread the total evenly over the k periods.
 *
 * SES on the totals follows statsforecast's `ADIDA`/`IMAPA` (Nixtla): initial level = first total,
 * alpha in [0.1, 0.3] minimising the one-step SSE of the totals (on at most the last FIT_WINDOW totals).
 *
 * Source: K. Nikolopoulos, A. A. Syntetos, J. E. Boylan, F. Petropoulos & V. Assimakopoulos, "An
 * aggregate-disaggregate intermittent demand approach (ADIDA) to forecasting", *JORS* 62(3) (2011)
 * 544-554; F. Petropoulos & N. Kourentzes, "Forecast combinations for intermittent demand", *JORS*
 * 66(6) (2015) 914-924.
 */
import { residualSd } from './check-input.js';
import { recent } from './fit-window.js';
import { fitSes, sesFilter } from './ses.js';

/**
 * Mean inter-demand interval, counting the first interval from the series start (R
 * `mean(diff(c(0, which(y > 0))))`); 0 when there is no demand.
 */
export function meanInterDemandInterval(y: Float64Array): number {
  let count = 0;
  let last = -1;
  for (let t = 0; t < y.length; t++) {
    if (y[t] > 0) {
      count++;
      last = t;
    }
  }
  // the intervals telescope: their sum is the 1-based position of the last demand
  return count > 0 ? (last + 1) / count : 0;
}

/**
 * Bucket totals of `y` for aggregation level k, dropping the oldest n mod k observations.
 * @returns the totals (oldest first); `floor(n / k)` of them.
 * @throws when k is not a positive integer.
 */
export function aggregateSums(y: Float64Array, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new Error(`aggregateSums needs a positive integer level, got ${k}`);
  const buckets = Math.floor(y.length / k);
  const start = y.length - buckets * k;
  const out = new Float64Array(buckets);
  for (let b = 0; b < buckets; b++) {
    let s = 0;
    const off = start + b * k;
    for (let q = 0; q < k; q++) s += y[off + q];
    out[b] = s;
  }
  return out;
}

/** SES fitted to the bucket totals of one aggregation level. */
export interface AggregateLevel {
  /** Aggregation level (bucket length in periods). */
  readonly k: number;
  /** Index of the first period of the first bucket (n mod k). */
  readonly start: number;
  readonly alpha: number;
  /** Initial level: the first bucket total. */
  readonly level0: number;
  /** Final smoothed bucket total. */
  readonly level: number;
}

/**
 * Fit SES to the totals of aggregation level k (requires at least one full bucket).
 *
 * @param y non-negative demand per period, length >= k.
 * @param k bucket length.
 */
export function fitAggregateLevel(y: Float64Array, k: number): AggregateLevel {
  const sums = aggregateSums(y, k);
  if (sums.length === 0) throw new Error(`fitAggregateLevel needs at least ${k} observations, got ${y.length}`);
  const start = y.length - sums.length * k;
  const alpha = sums.length > 1 ? fitSes(recent(sums), { initial: 'simple', lower: 0.1, upper: 0.3, tol: 5e-3 }).alpha : 0.1;
  return { k, start, alpha, level0: sums[0], level: sesFilter(sums, alpha, sums[0]) };
}

/**
 * Add the per-period one-step fitted values of an aggregation level to `acc`: every period of bucket b
 * gets (level after buckets 0..b-1) / k, the forecast available when the bucket starts; periods before
 * the first bucket are left untouched.
 *
 * @param y demand per period; @param level fitted level; @param acc accumulator, length y.length.
 * @param weight multiplier of the added values (1 / number of levels for IMAPA).
 */
export function addAggregateFitted(y: Float64Array, level: AggregateLevel, acc: Float64Array, weight: number): void {
  const { k, start, alpha } = level;
  let l = level.level0;
  for (let off = start; off + k <= y.length; off += k) {
    const f = (weight * l) / k;
    let s = 0;
    for (let q = 0; q < k; q++) {
      acc[off + q] += f;
      s += y[off + q];
    }
    l += alpha * (s - l);
  }
}

/** Round to the nearest integer, halves to even (IEC 60559, as R's `round` and Python's `round`). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Standard deviation of the per-period one-step errors y[t] - fitted[t], t >= from (root mean square,
 * divided by count - k).
 *
 * @param from first period scored; @param k estimated parameters to subtract from the count.
 */
export function aggregateSigma(y: Float64Array, fitted: Float64Array, from: number, k: number): number {
  let sse = 0;
  let count = 0;
  for (let t = from; t < y.length; t++) {
    const e = y[t] - fitted[t];
    sse += e * e;
    count++;
  }
  return residualSd(sse, count, k);
}
