/**
 * Own-price elasticity from a series' history, and the history de-priced with it (research
 * option `models.priceElasticity`, off by default: README, "Price elasticity").
 *
 * Estimate (per series, {@link estimateElasticity}): over the last two years, a Poisson
 * regression of each day's demand on log(price / its centred 28-day mean) with the demand's
 * centred 28-day mean as the offset: both relative to the local level, so level, trend and
 * yearly season cancel and only the days around a price change carry the slope. Only where the price took at least two values for
 * two weeks each. Pooling ({@link poolElasticities}): each estimate shrunk toward its department's
 * (else all series') precision-weighted mean by empirical Bayes, clipped to [-4, 0]; a series
 * without an estimate takes the pooled value. De-pricing ({@link depriceSeries}): each history
 * day's demand scaled by (p_now / p_day)^elasticity, so the models see the demand the history
 * would have had at today's price, the price the forecast assumes (it carries the last price).
 */
import { applyCleaning } from '../prepare/cleaning-patch.js';
import type { SeriesData } from '../types.js';

/** A slope and its sampling variance. */
export interface ElasticityEstimate {
  readonly slope: number;
  readonly variance: number;
}

/** Days either side of a day in the centred means. */
const HALF = 14;
/** Days of history the estimate reads. */
const WINDOW = 728;
/** Days a price must hold (in all) to count as a regime. */
const MIN_REGIME_DAYS = 14;
/** The slope's variance is inflated by this (residual days are not independent). */
const VARIANCE_INFLATION = 1;
/** Least mean square of the log price off its local mean for an estimate (about a 1% spread). */
const MIN_LOG_PRICE_VARIANCE = 1e-4;
/** Elasticities outside this range are clipped (a price rise never raises demand). */
const MIN_ELASTICITY = -4;
const MAX_ELASTICITY = 0;
/** A de-pricing factor is kept within [1 / this, this]. */
const MAX_FACTOR = 4;
/** The least spread of true elasticities about their group's mean (a variance). */
const MIN_TAU2 = 0.01;

/** The price carried forward over days without one (NaN before the first known price). */
export function carriedPrices(price: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  let last = NaN;
  for (let t = 0; t < n; t++) {
    if (Number.isFinite(price[t]) && price[t] > 0) last = price[t];
    out[t] = last;
  }
  return out;
}

/** At least two prices held for {@link MIN_REGIME_DAYS} days each in c[lo, hi). */
function hasRegimes(c: Float64Array, lo: number, hi: number): boolean {
  const days = new Map<number, number>();
  for (let t = lo; t < hi; t++) if (Number.isFinite(c[t])) days.set(c[t], (days.get(c[t]) ?? 0) + 1);
  let regimes = 0;
  for (const d of days.values()) if (d >= MIN_REGIME_DAYS) regimes++;
  return regimes >= 2;
}

/**
 * The log-log own-price elasticity of demand[0, n) (module comment), or undefined when the price
 * did not vary enough (fewer than two regimes, or no day off its local mean).
 */
export function estimateElasticity(demand: Float64Array, price: Float64Array, n: number = demand.length): ElasticityEstimate | undefined {
  const c = carriedPrices(price, n);
  const lo = Math.max(0, n - WINDOW);
  if (n - lo < 4 * HALF || !hasRegimes(c, lo, n)) return undefined;
  const x = new Float64Array(n - lo); // log price relative to its local mean
  const y = new Float64Array(n - lo); // demand
  const m = new Float64Array(n - lo); // its local mean
  let k = 0;
  let sy = 0, sp = 0, bad = 0; // window sums of demand and price over [t - HALF, t + HALF), days without a price
  const add = (t: number, s: number): void => {
    sy += s * demand[t];
    if (Number.isFinite(c[t])) sp += s * c[t];
    else bad += s;
  };
  for (let t = lo; t < lo + 2 * HALF; t++) add(t, 1);
  for (let t = lo + HALF; t + HALF <= n; t++) {
    if (t > lo + HALF) add(t - HALF - 1, -1), add(t + HALF - 1, 1);
    if (bad > 0 || !Number.isFinite(c[t]) || !(sy > 0)) continue;
    x[k] = Math.log(c[t] / (sp / (2 * HALF)));
    y[k] = demand[t];
    m[k++] = sy / (2 * HALF);
  }
  return k < 4 * HALF ? undefined : poissonSlope(x, y, m, k);
}

/**
 * The slope e of y ~ Poisson(m · exp(e · x)) over the first k days (Newton on the one-parameter
 * log likelihood: unbiased at low counts, where a log of counts is not), with its variance
 * scaled by the Pearson dispersion; undefined when x hardly varies or the fit diverges.
 */
function poissonSlope(x: Float64Array, y: Float64Array, m: Float64Array, k: number): ElasticityEstimate | undefined {
  let sxx = 0;
  for (let i = 0; i < k; i++) sxx += x[i] * x[i];
  if (!(sxx > MIN_LOG_PRICE_VARIANCE * k)) return undefined;
  let e = 0, info = 0;
  for (let iter = 0; iter < 30; iter++) {
    let g = 0;
    info = 0;
    for (let i = 0; i < k; i++) {
      const mu = m[i] * Math.exp(e * x[i]);
      g += x[i] * (y[i] - mu);
      info += x[i] * x[i] * mu;
    }
    if (!(info > 0)) return undefined;
    const step = g / info;
    e += step;
    if (!Number.isFinite(e) || Math.abs(e) > 20) return undefined;
    if (Math.abs(step) < 1e-8) break;
  }
  let pearson = 0;
  for (let i = 0; i < k; i++) {
    const mu = m[i] * Math.exp(e * x[i]);
    pearson += (y[i] - mu) ** 2 / mu;
  }
  const dispersion = Math.max(1, pearson / (k - 1));
  return { slope: e, variance: (VARIANCE_INFLATION * dispersion) / info };
}

/** Precision-weighted mean of the estimates and their spread beyond sampling noise (DerSimonian-Laird). */
function prior(es: readonly ElasticityEstimate[]): { mean: number; tau2: number } {
  let w = 0, w2 = 0, s = 0;
  for (const e of es) (w += 1 / e.variance), (w2 += 1 / e.variance ** 2), (s += e.slope / e.variance);
  const mean = s / w;
  let q = 0;
  for (const e of es) q += (e.slope - mean) ** 2 / e.variance;
  const tau2 = es.length > 1 ? (q - (es.length - 1)) / (w - w2 / w) : 0;
  return { mean, tau2: Math.max(tau2, MIN_TAU2) };
}

const clip = (e: number): number => Math.min(MAX_ELASTICITY, Math.max(MIN_ELASTICITY, e));

/**
 * Each series' elasticity: its estimate shrunk toward its group's prior (the group's when it has
 * three estimates, else all series'), clipped; the prior's mean where it has none; 0 when no
 * series has an estimate.
 */
export function poolElasticities(estimates: readonly (ElasticityEstimate | undefined)[], groups: readonly string[]): number[] {
  const all = estimates.filter((e): e is ElasticityEstimate => e !== undefined);
  if (all.length === 0) return estimates.map(() => 0);
  const overall = prior(all);
  const byGroup = new Map<string, ElasticityEstimate[]>();
  estimates.forEach((e, i) => e && byGroup.set(groups[i], [...(byGroup.get(groups[i]) ?? []), e]));
  const priors = new Map([...byGroup].map(([g, es]) => [g, es.length >= 3 ? prior(es) : overall]));
  return estimates.map((e, i) => {
    const p = priors.get(groups[i]) ?? overall;
    if (!e) return clip(p.mean);
    return clip((e.slope / e.variance + p.mean / p.tau2) / (1 / e.variance + 1 / p.tau2));
  });
}

/** The series with its cleaned demand (and demand as recorded) scaled to today's price (module comment). */
export function depriceSeries(given: SeriesData, elasticity: number, end: number): SeriesData {
  const series = applyCleaning(given);
  const n = Math.min(series.demand.length, end - series.start + 1);
  if (elasticity === 0 || n < 1) return series;
  const c = carriedPrices(series.price, n);
  const now = c[n - 1];
  if (!Number.isFinite(now)) return series;
  const scale = (a: Float64Array): Float64Array => {
    const out = Float64Array.from(a);
    for (let t = 0; t < n; t++) {
      if (!Number.isFinite(c[t])) continue;
      out[t] *= Math.min(MAX_FACTOR, Math.max(1 / MAX_FACTOR, (now / c[t]) ** elasticity));
    }
    return out;
  };
  return { ...series, demand: scale(series.demand), recorded: scale(series.recorded ?? given.demand) };
}

/** Every series de-priced with its pooled elasticity (groups: department, when the input names one). */
export function depriceBatch(series: readonly SeriesData[], end: number): { series: SeriesData[]; elasticities: number[] } {
  const estimates = series.map((s) => {
    const cleaned = applyCleaning(s);
    return estimateElasticity(cleaned.demand, cleaned.price, Math.min(cleaned.demand.length, end - s.start + 1));
  });
  const elasticities = poolElasticities(estimates, series.map((s) => s.attributes?.department ?? ''));
  return { series: series.map((s, i) => depriceSeries(s, elasticities[i], end)), elasticities };
}
