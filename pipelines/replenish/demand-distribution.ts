/**
 * Distributions of demand over a number of days, for safety stock: the normal distribution
 * (with its loss function) and discrete distributions on a grid, with what an inventory policy
 * needs from them: P(D <= S) and the expected excess E[(D - S)+].
 *
 * The spread of demand over n days comes from the series' own history (about a year of sales
 * as recorded, pipelines/forecast/forecast-series.ts `recentSales`), not from the model's backtest alone:
 * the errors that "n days sell n times the mean of the 28 days before" made at every day of
 * the history ({@link HistorySpread}: about 350 overlapping windows for a year). The backtest
 * gives 3 origins over 42 distinct days, too few n-day sums to estimate a spread per item (the
 * relative standard error of a standard deviation from about 3 independent sums is near 40%;
 * the replay's figures for both choices: README, "What to order", and bench/replay-m5.ts).
 * The errors are centred: the model's forecast gives the level, the history the spread and the
 * shape (skew, mass at zero), which for intermittent and lumpy items is kept as it is: the
 * demand over n days is the forecast sum plus one of the errors, equally likely, with the mass
 * below zero put at zero (an empirical distribution, not a normal approximation). Values live
 * on a grid of spacing `step` (1 unit unless the range would pass {@link MAX_BINS} points); a
 * value between grid points is split between its two neighbours in proportion (the mean is
 * kept).
 *
 * Sources: Willemain, T.R., Smart, C.N. & Schwarz, H.F. (2004), "A new approach to forecasting
 * intermittent demand for service parts inventories", IJF 20(3) (empirical lead-time demand
 * distributions for intermittent items); Marsaglia, G. (2004), "Evaluating the normal
 * distribution", J. Statistical Software 11(4) (Φ by its Taylor series); Silver, Pyke & Thomas
 * (2017), Inventory and Production Management in Supply Chains, 4th ed., App. B (the standard
 * normal loss function G(k)).
 */

/** Largest number of grid points of a distribution. */
export const MAX_BINS = 4096;

/**
 * Standard normal cumulative distribution Φ(x), by Marsaglia's (2004) Taylor series (absolute
 * error about 1e-15; Φ(x) = 0 below -37 and 1 above 37).
 * @example normalCdf(1.6448536) // 0.95
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -37) return 0;
  if (x > 37) return 1;
  if (x < -8 || x > 8) {
    // tail: Φ(-|x|) by the asymptotic Mills-ratio series, accurate far below 1e-15 here
    const a = Math.abs(x);
    const q = 1 / (a * a);
    const tail = (normalPdf(a) / a) * (1 - q + 3 * q * q - 15 * q * q * q);
    return x < 0 ? tail : 1 - tail;
  }
  let s = x;
  let t = 0;
  let b = x;
  const q = x * x;
  let i = 1;
  while (s !== t) {
    t = s;
    i += 2;
    b *= q / i;
    s = t + b;
  }
  return 0.5 + s * Math.exp(-0.5 * q - 0.91893853320467274178);
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x - 0.91893853320467274178);
}

/**
 * Standard normal loss function G(k) = E[(Z - k)+] = φ(k) - k·(1 - Φ(k)): the expected units
 * short per unit of standard deviation when stock is k standard deviations above the mean.
 * @example normalLoss(0) // 0.3989423 (= φ(0))
 * @example normalLoss(1) // 0.0833155
 */
export function normalLoss(k: number): number {
  const g = normalPdf(k) - k * (1 - normalCdf(k));
  return g > 0 ? g : 0;
}

/**
 * E[(X - s)+] for X normal with mean m and standard deviation sd (sd 0: (m - s)+).
 */
export function normalExcess(m: number, sd: number, s: number): number {
  if (!(sd > 0)) return m > s ? m - s : 0;
  return sd * normalLoss((s - m) / sd);
}

/** A discrete distribution: P(X = offset + i·step) = p[i]. */
export interface Pmf {
  readonly offset: number;
  readonly step: number;
  readonly p: Float64Array;
}

/**
 * Distribution of equally likely samples on the grid offset0 + i·step, each sample split
 * between its two neighbouring grid points (module comment).
 * @throws when there is no sample or a sample is not finite.
 */
export function pmfFromSamples(samples: ArrayLike<number>, step: number): Pmf {
  const n = samples.length;
  if (n === 0) throw new Error('pmfFromSamples needs at least one sample');
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = samples[i];
    if (!Number.isFinite(v)) throw new Error(`pmfFromSamples needs finite samples, got ${v}`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const offset = Math.floor(lo / step) * step;
  const p = new Float64Array(Math.floor((hi - offset) / step) + 2);
  for (let i = 0; i < n; i++) spread(p, (samples[i] - offset) / step, 1 / n);
  return trim({ offset, step, p });
}

/** Add mass w at fractional grid position x, split between floor(x) and floor(x)+1. */
function spread(p: Float64Array, x: number, w: number): void {
  const i = Math.floor(x);
  const f = x - i;
  p[i] += w * (1 - f);
  if (f > 0) p[i + 1] += w * f;
}

/** Drop zero mass at both ends. */
function trim(d: Pmf): Pmf {
  let a = 0;
  let b = d.p.length - 1;
  while (a < b && d.p[a] === 0) a++;
  while (b > a && d.p[b] === 0) b--;
  return a === 0 && b === d.p.length - 1 ? d : { offset: d.offset + a * d.step, step: d.step, p: d.p.slice(a, b + 1) };
}

/**
 * Distribution of max(0, X + c) on the grid 0, step, 2·step, ... (a constant shift, then the
 * mass below zero at zero; module comment step 3).
 */
export function shiftClipAtZero(x: Pmf, c: number): Pmf {
  const { step } = x;
  const top = x.offset + c + (x.p.length - 1) * step;
  const p = new Float64Array(Math.max(1, Math.floor(Math.max(0, top) / step) + 2));
  for (let i = 0; i < x.p.length; i++) {
    const v = x.offset + c + i * step;
    if (v <= 0) p[0] += x.p[i];
    else spread(p, v / step, x.p[i]);
  }
  return { offset: 0, step, p: trimTop(p) };
}

function trimTop(p: Float64Array): Float64Array {
  let b = p.length - 1;
  while (b > 0 && p[b] === 0) b--;
  return b === p.length - 1 ? p : p.slice(0, b + 1);
}

/** Mean of a distribution. */
export function pmfMean(x: Pmf): number {
  let s = 0;
  for (let i = 0; i < x.p.length; i++) s += x.p[i] * (x.offset + i * x.step);
  return s;
}

/** Standard deviation of a distribution. */
export function pmfSd(x: Pmf): number {
  const m = pmfMean(x);
  let s = 0;
  for (let i = 0; i < x.p.length; i++) {
    const d = x.offset + i * x.step - m;
    s += x.p[i] * d * d;
  }
  return Math.sqrt(s);
}

/** P(X <= s). */
export function pmfCdf(x: Pmf, s: number): number {
  let c = 0;
  for (let i = 0; i < x.p.length; i++) {
    if (x.offset + i * x.step > s) break;
    c += x.p[i];
  }
  return Math.min(1, c);
}

/** E[(X - s)+]. */
export function pmfExcess(x: Pmf, s: number): number {
  let e = 0;
  for (let i = x.p.length - 1; i >= 0; i--) {
    const v = x.offset + i * x.step;
    if (v <= s) break;
    e += x.p[i] * (v - s);
  }
  return e;
}

/**
 * Weighted mixture of distributions on the grid 0, step, 2·step, ... (as {@link shiftClipAtZero}
 * returns). Weights are normalised.
 * @throws when a distribution is not on that grid.
 */
export function mixture(parts: readonly { weight: number; pmf: Pmf }[]): Pmf {
  if (parts.length === 1) return parts[0].pmf;
  const step = parts[0].pmf.step;
  let len = 0;
  let total = 0;
  for (const { weight, pmf } of parts) {
    if (pmf.offset !== 0 || pmf.step !== step) throw new Error('mixture needs distributions on the grid 0, step, 2·step, ...');
    len = Math.max(len, pmf.p.length);
    total += weight;
  }
  const p = new Float64Array(len);
  for (const { weight, pmf } of parts) for (let i = 0; i < pmf.p.length; i++) p[i] += (weight / total) * pmf.p[i];
  return { offset: 0, step, p };
}

/** Days before a window whose mean sales are its level. */
export const LEVEL_DAYS = 28;

/** Non-overlapping windows the history must hold for its spread to be used. */
export const MIN_HISTORY_WINDOWS = 4;

/**
 * The spread of demand over n days measured on the history (module comment): for every start
 * day s of the history with LEVEL_DAYS days before it and n days from it, the error
 * e_s = (sales of days s ... s+n-1) - n · (mean sales of the LEVEL_DAYS days before s), minus
 * the mean of these errors (the forecast gives the level; the history gives spread and shape).
 */
export class HistorySpread {
  private readonly prefix: Float64Array;
  private readonly cache = new Map<number, Float64Array>();
  /** The errors' distributions by `days/step` (they do not depend on the forecast sum, which shifts them). */
  private readonly pmfs = new Map<string, Pmf>();

  /** @param sales Daily sales as recorded, oldest first (pipelines/forecast/forecast-series.ts `recentSales`). */
  constructor(sales: ArrayLike<number>) {
    this.prefix = new Float64Array(sales.length + 1);
    for (let i = 0; i < sales.length; i++) {
      const v = sales[i];
      if (!Number.isFinite(v)) throw new Error(`HistorySpread needs finite sales, got ${v} at index ${i}`);
      this.prefix[i + 1] = this.prefix[i] + v;
    }
  }

  /** True when the history holds at least {@link MIN_HISTORY_WINDOWS} non-overlapping n-day windows after its first LEVEL_DAYS days. */
  covers(days: number): boolean {
    return days >= 1 && this.prefix.length - 1 - LEVEL_DAYS >= MIN_HISTORY_WINDOWS * days;
  }

  /**
   * The centred errors of n-day sums (module comment), one per start day.
   * @throws when the history does not cover n days ({@link covers}).
   */
  errors(days: number): Float64Array {
    if (!this.covers(days)) throw new Error(`HistorySpread: ${this.prefix.length - 1} days of sales are too few for ${days}-day windows`);
    const hit = this.cache.get(days);
    if (hit) return hit;
    const p = this.prefix;
    const len = p.length - 1;
    const out = new Float64Array(len - LEVEL_DAYS - days + 1);
    let mean = 0;
    for (let k = 0; k < out.length; k++) {
      const s = LEVEL_DAYS + k;
      out[k] = p[s + days] - p[s] - (days * (p[s] - p[s - LEVEL_DAYS])) / LEVEL_DAYS;
      mean += out[k];
    }
    mean /= out.length;
    for (let k = 0; k < out.length; k++) out[k] -= mean;
    this.cache.set(days, out);
    return out;
  }

  /** Standard deviation of the n-day errors. */
  sd(days: number): number {
    const e = this.errors(days);
    let ss = 0;
    for (let k = 0; k < e.length; k++) ss += e[k] * e[k];
    return Math.sqrt(ss / e.length);
  }

  /**
   * A grid step for distributions over up to `maxDays` days: 1 unit, or the power of 2 that
   * keeps the widest (the `maxDays` errors) within {@link MAX_BINS} points.
   */
  gridStep(maxDays: number): number {
    const e = this.errors(maxDays);
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < e.length; k++) {
      if (e[k] < lo) lo = e[k];
      if (e[k] > hi) hi = e[k];
    }
    const range = hi - lo + 2;
    return range <= MAX_BINS ? 1 : 2 ** Math.ceil(Math.log2(range / MAX_BINS));
  }

  /**
   * Distribution of demand over n days: max(0, forecast sum + error), the errors equally
   * likely, on the grid 0, step, 2·step, ... ({@link gridStep}).
   */
  demandOver(days: number, forecastSum: number, step = 1): Pmf {
    const key = `${days}/${step}`;
    let errors = this.pmfs.get(key);
    if (!errors) this.pmfs.set(key, (errors = pmfFromSamples(this.errors(days), step)));
    return shiftClipAtZero(errors, forecastSum);
  }
}
