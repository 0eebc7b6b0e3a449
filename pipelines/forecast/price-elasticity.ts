/**
 * Own-price elasticity from a series' history, and the history de-priced with it (research
 * option `models.elasticity`, off by default: README, "price elasticity").
 *
 * Estimate (per series, {@link estimateElasticity}): over the last two years, the slope of
 * log((demand + 0.5) / (its centred 28-day mean + 0.5)) on log(price / its centred 28-day mean):
 * both sides relative to the local level, so level, trend and yearly season cancel and only the
 * days around a price change carry the slope. Only where the price took at least two values for
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
/** Days inside one price week are not independent: the slope's variance is inflated by this. */
const VARIANCE_INFLATION = 7;
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
  let sy = 0, sp = 0; // window sums of demand and price over [t - HALF, t + HALF)
  let bad = 0; // days without a price in the window
  const add = (t: number, s: number): void => {
    sy += s * demand[t];
    if (Number.isFinite(c[t])) sp += s * c[t];
    else bad += s;
  };
  for (let t = lo; t < lo + 2 * HALF; t++) add(t, 1);
  let m = 0, sx = 0, sz = 0, sxx = 0, sxz = 0, szz = 0;
  for (let t = lo + HALF; t + HALF <= n; t++) {
    if (t > lo + HALF) add(t - HALF - 1, -1), add(t + HALF - 1, 1);
    if (bad > 0 || !Number.isFinite(c[t])) continue;
    const x = Math.log(c[t] / (sp / (2 * HALF)));
    const z = Math.log((demand[t] + 0.5) / (sy / (2 * HALF) + 0.5));
    m++, (sx += x), (sz += z), (sxx += x * x), (sxz += x * z), (szz += z * z);
  }
  if (m < 4 * HALF) return undefined;
  const vx = sxx - (sx * sx) / m;
  if (!(vx > 1e-6 * m)) return undefined;
  const slope = (sxz - (sx * sz) / m) / vx;
  const rss = Math.max(0, szz - (sz * sz) / m - slope * (sxz - (sx * sz) / m));
  return { slope, variance: (VARIANCE_INFLATION * rss) / (m - 2) / vx };
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
