/**
 * The forecast as the replenishment core reads it: in days, from the first day an order can be
 * placed. The forecasting stage's output (pipelines/forecast/forecast-series.ts) is converted here, and
 * only here, so a forecast in buckets of several days (weekly, monthly) enters the same core.
 *
 * Bucket conversion, for buckets of b days (b = 1 is the identity):
 * - daily mean = bucket mean / b on each of the bucket's b days;
 * - sd of the n-day demand sum: the forecast gives it for whole buckets (index k-1 = k
 *   buckets); for n days it is interpolated linearly in variance between ⌊n/b⌋ and ⌈n/b⌉ buckets
 *   (0 at 0 buckets);
 * - recent sales: each bucket's sales spread evenly over its b days.
 * Sums past the forecast's length follow pipelines/replenish/replenish.ts `demandOver` (the last 7 days'
 * mean repeated; the sd grown by sqrt(n / length)).
 */
import type { DemandClass } from '../forecast/classify.js';
import { demandOver } from './replenish.js';

/** A forecast in days (module comment). */
export interface DemandForecast {
  /** Mean demand per day; index 0 = the first day an order can be placed. */
  readonly mean: readonly number[];
  /** Sd of the error of the n-day demand sum, index n-1. */
  readonly sumSd: readonly number[];
  /** Daily sales as recorded before index 0 (oldest first, the last value the day before), for the spread of demand; empty when none. */
  readonly history: readonly number[];
  readonly demandClass: DemandClass;
}

/** What the forecasting stage gives per series (a subset of SeriesForecast). */
export interface StageForecast {
  readonly mean: readonly number[];
  readonly leadTimeSd: readonly number[];
  readonly recentSales: readonly number[];
  readonly demandClass: DemandClass;
}

/**
 * Convert a forecast in buckets of `bucketDays` days to days (module comment).
 * @throws when bucketDays is not a positive whole number.
 */
export function dailyForecast(f: StageForecast, bucketDays = 1): DemandForecast {
  const b = bucketDays;
  if (!Number.isInteger(b) || b < 1) throw new Error(`dailyForecast needs a whole number of days per bucket >= 1, got ${b}`);
  if (b === 1) return { mean: f.mean, sumSd: f.leadTimeSd, history: f.recentSales, demandClass: f.demandClass };
  const mean: number[] = [];
  for (const m of f.mean) for (let i = 0; i < b; i++) mean.push(m / b);
  const sumSd: number[] = [];
  const v = (k: number): number => (k === 0 ? 0 : f.leadTimeSd[k - 1] ** 2);
  for (let n = 1; n <= f.leadTimeSd.length * b; n++) {
    const k = Math.floor(n / b);
    const frac = n / b - k;
    sumSd.push(Math.sqrt(frac === 0 ? v(k) : (1 - frac) * v(k) + frac * v(k + 1)));
  }
  const history: number[] = [];
  for (const x of f.recentSales) for (let i = 0; i < b; i++) history.push(x / b);
  return { mean, sumSd, history, demandClass: f.demandClass };
}

/**
 * The same forecast seen `days` days later (its first `days` days dropped; past its end, the
 * last 7 days' mean). The sums' sd and the history are kept (the sales of the days skipped are
 * not known when the forecast was made): an approximation for a forecast made a few days
 * before it is used (the replay's weekly refits, a stock count dated after the sales).
 */
export function laterForecast(f: DemandForecast, days: number): DemandForecast {
  if (!Number.isInteger(days) || days < 0) throw new Error(`laterForecast needs a whole number of days >= 0, got ${days}`);
  if (days === 0 || f.mean.length === 0) return f;
  if (days < f.mean.length) return { ...f, mean: f.mean.slice(days) };
  // past the end: one day of the extension rule, which later sums repeat
  const n = f.mean.length;
  return { ...f, mean: [demandSum(f, n + 1).demand - demandSum(f, n).demand] };
}

function asInput(f: DemandForecast) {
  return { store: '', sku: '', mean: f.mean, lo: {}, hi: {}, leadTimeSd: f.sumSd };
}

/** Mean demand over the first `days` days and the sd of that sum (0 days: 0 and 0). */
export function demandSum(f: DemandForecast, days: number): { demand: number; sd: number } {
  if (days === 0) return { demand: 0, sd: 0 };
  if (f.mean.length === 0) return { demand: 0, sd: 0 };
  return demandOver(asInput(f), days);
}
