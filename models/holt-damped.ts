/**
 * Holt's linear method with a damped trend, the ETS(A,Ad,N) model (error-correction form):
 *   yhat[t] = l[t-1] + phi b[t-1],  e[t] = y[t] - yhat[t],
 *   l[t] = l[t-1] + phi b[t-1] + alpha e[t],  b[t] = phi b[t-1] + beta e[t],
 * with beta = alpha * beta* (beta* is the trend parameter of the component form, FPP3 §8.2), so
 * 0 < beta < alpha as in R's `ets` "usual" bounds.
 *
 * Estimation: (alpha, beta*, phi) in [1e-4, 0.9999] x [1e-4, 0.9999] x [0.8, 0.98] (R `ets` bounds) by
 * bounded Nelder-Mead (at most 80 evaluations, started from the best of alpha in {0.02, 0.1, 0.3, 0.7})
 * on the in-sample one-step SSE, with the initial states (l[0], b[0]) chosen jointly
 * by least squares at every evaluation: the one-step errors are linear in (l[0], b[0]), so one pass that
 * also propagates the 2x2 sensitivity of the state to (l[0], b[0]) gives the concentrated SSE exactly
 * (the MSE criterion of Hyndman et al. 2008, §5.2, with the initial states profiled out). Parameters are
 * estimated on at most the last FIT_WINDOW observations (fit-window.ts); l[0], b[0], the final states
 * and sigma come from the whole series. sigma^2 = SSE / (n - 5), as `ets` (alpha, beta, phi, l[0], b[0]).
 *
 * Forecast: l + (phi + ... + phi^h) b; sd[h] = sigma * sqrt(1 + sum_{j<h} c_j^2) with
 * c_j = alpha + beta phi (1 - phi^j) / (1 - phi) (Hyndman et al. 2008, §6.1 and Table 6.1, class 1).
 *
 * Source: E. S. Gardner Jr. & E. McKenzie, "Forecasting trends in time series", *Management Science*
 * 31(10) (1985) 1237-1246; Hyndman & Athanasopoulos, *FPP3* §8.2 "Methods with trend";
 * Hyndman, Koehler, Ord & Snyder, *Forecasting with Exponential Smoothing* (2008), ch. 2, 5, 6.
 */
import { checkHorizon, checkSeries, residualSd } from './check-input.js';
import { recent } from './fit-window.js';
import { nelderMead } from './optimize.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

/** Bounds of (alpha, beta*, phi). */
const LOWER = [1e-4, 1e-4, 0.8];
const UPPER = [0.9999, 0.9999, 0.98];
/** Alphas tried before Nelder-Mead starts. */
const START_ALPHAS = [0.02, 0.1, 0.3, 0.7];

/**
 * SSE of damped Holt at (alpha, beta, phi), minimised over the initial level and trend, in one pass
 * with no allocation. The run starts from (y[0], 0); the least-squares shift of (l[0], b[0]) solves a
 * 2x2 system built from the sensitivities z[t] = d yhat[t] / d (l[0], b[0]).
 *
 * @param y observations (length >= 1).
 * @param alpha level smoothing parameter.
 * @param beta trend smoothing parameter in error-correction form (= alpha * beta*).
 * @param phi damping parameter.
 * @param out when given, receives [l[0], b[0], l[n], b[n]].
 * @returns the concentrated SSE.
 */
export function holtDampedConcentratedSse(y: Float64Array, alpha: number, beta: number, phi: number, out?: Float64Array): number {
  const n = y.length;
  let l = y[0];
  let b = 0;
  // sensitivities of l and b to (l0, b0)
  let dl0 = 1;
  let dl1 = 0;
  let db0 = 0;
  let db1 = 1;
  let see = 0;
  let s00 = 0;
  let s01 = 0;
  let s11 = 0;
  let se0 = 0;
  let se1 = 0;
  const a1 = 1 - alpha;
  for (let t = 0; t < n; t++) {
    const pb = phi * b;
    const e = y[t] - pb - l; // short dependency chain through l
    const z0 = dl0 + phi * db0;
    const z1 = dl1 + phi * db1;
    see += e * e;
    se0 += e * z0;
    se1 += e * z1;
    s00 += z0 * z0;
    s01 += z0 * z1;
    s11 += z1 * z1;
    l = l + pb + alpha * e;
    b = pb + beta * e;
    dl0 = a1 * z0;
    dl1 = a1 * z1;
    db0 = phi * db0 - beta * z0;
    db1 = phi * db1 - beta * z1;
  }
  let d0: number;
  let d1: number;
  const det = s00 * s11 - s01 * s01;
  if (det > 1e-10 * s00 * s11 && det > 0) {
    d0 = (s11 * se0 - s01 * se1) / det;
    d1 = (s00 * se1 - s01 * se0) / det;
  } else {
    // trend not identifiable (e.g. n = 1): shift the level only
    d0 = se0 / s00;
    d1 = 0;
  }
  if (out) {
    out[0] = y[0] + d0;
    out[1] = d1;
    out[2] = l + dl0 * d0 + dl1 * d1;
    out[3] = b + db0 * d0 + db1 * d1;
  }
  const sse = see - d0 * se0 - d1 * se1;
  return sse > 0 ? sse : 0;
}

/**
 * Run damped Holt from given initial states, writing one-step fitted values when asked.
 *
 * @returns [SSE, l[n], b[n]].
 */
export function holtDampedFilter(
  y: Float64Array,
  alpha: number,
  beta: number,
  phi: number,
  level0: number,
  trend0: number,
  fitted?: Float64Array,
): [number, number, number] {
  let l = level0;
  let b = trend0;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const f = l + phi * b;
    if (fitted) fitted[t] = f;
    const e = y[t] - f;
    sse += e * e;
    l = f + alpha * e;
    b = phi * b + beta * e;
  }
  return [sse, l, b];
}

/** Options of {@link fitHoltDamped}. */
export interface HoltDampedOptions {
  /** Fixed (alpha, beta, phi), beta in error-correction form (R `ets(alpha, beta, phi)`); optimised when absent. */
  readonly params?: { readonly alpha: number; readonly beta: number; readonly phi: number };
  /** Estimate on at most this many recent observations. @defaultValue FIT_WINDOW (728) */
  readonly window?: number;
}

/** Result of {@link fitHoltDamped}. */
export interface HoltDampedFit {
  readonly alpha: number;
  /** Trend parameter, error-correction form (= alpha * beta*). */
  readonly beta: number;
  readonly phi: number;
  readonly level0: number;
  readonly trend0: number;
  readonly level: number;
  readonly trend: number;
  readonly sse: number;
}

/**
 * Fit damped Holt: optimise (alpha, beta*, phi) by Nelder-Mead unless fixed; initial states by least squares.
 *
 * @param y observations (length >= 1; not checked here).
 * @throws when fixed parameters are outside 0 < beta <= alpha <= 1, 0 < phi <= 1.
 */
export function fitHoltDamped(y: Float64Array, options: HoltDampedOptions = {}): HoltDampedFit {
  let alpha: number;
  let beta: number;
  let phi: number;
  if (options.params) {
    ({ alpha, beta, phi } = options.params);
    if (!(alpha > 0 && alpha <= 1 && beta >= 0 && beta <= alpha && phi > 0 && phi <= 1)) {
      throw new Error(`fitHoltDamped needs 0 < alpha <= 1, 0 <= beta <= alpha, 0 < phi <= 1, got ${alpha}, ${beta}, ${phi}`);
    }
  } else {
    const w = recent(y, options.window);
    const f = (p: ArrayLike<number>): number => holtDampedConcentratedSse(w, p[0], p[0] * p[1], p[2]);
    // start from the best of a few alphas (beta* 0.05, phi 0.95): daily retail series sit at small
    // alpha, classic trending series near 1, and Nelder-Mead keeps to the basin it starts in
    let start = [0.05, 0.05, 0.95];
    let best = Infinity;
    for (const a of START_ALPHAS) {
      const v = f([a, 0.05, 0.95]);
      if (v < best) {
        best = v;
        start = [a, 0.05, 0.95];
      }
    }
    const r = nelderMead(f, start, LOWER, UPPER, { maxEvaluations: 80, ftol: 1e-6, xtol: 1e-3 });
    alpha = r.x[0];
    beta = r.x[0] * r.x[1];
    phi = r.x[2];
  }
  const out = new Float64Array(4);
  const sse = holtDampedConcentratedSse(y, alpha, beta, phi, out);
  return { alpha, beta, phi, level0: out[0], trend0: out[1], level: out[2], trend: out[3], sse };
}

/**
 * Per-step forecast mean and sd of additive damped-trend exponential smoothing.
 *
 * @param level final level l[n].
 * @param trend final trend b[n].
 * @param sigma one-step error sd.
 * @param h horizon.
 */
export function holtDampedForecast(level: number, trend: number, alpha: number, beta: number, phi: number, sigma: number, h: number): PointForecast {
  const mean = new Float64Array(h);
  const sd = new Float64Array(h);
  let phiSum = 0; // phi + ... + phi^j
  let phiPow = 1;
  let varSum = 1;
  for (let j = 1; j <= h; j++) {
    phiPow *= phi;
    phiSum += phiPow;
    mean[j - 1] = level + phiSum * trend;
    sd[j - 1] = sigma * Math.sqrt(varSum);
    const c = alpha + beta * phiSum; // c_j for the next step
    varSum += c * c;
  }
  return { mean, sd };
}

/** Fitted state of `holt-damped`. */
export interface HoltDampedState extends FittedState {
  readonly model: 'holt-damped';
  readonly alpha: number;
  readonly beta: number;
  readonly phi: number;
  readonly level0: number;
  readonly trend0: number;
  readonly level: number;
  readonly trend: number;
}

function fit(input: SeriesInput): HoltDampedState {
  checkSeries('holt-damped.fit', input.y, 4);
  const f = fitHoltDamped(input.y);
  const n = input.y.length;
  return {
    model: 'holt-damped',
    n,
    sigma: residualSd(f.sse, n, 5),
    alpha: f.alpha,
    beta: f.beta,
    phi: f.phi,
    level0: f.level0,
    trend0: f.trend0,
    level: f.level,
    trend: f.trend,
  };
}

function forecast(state: HoltDampedState, h: number): PointForecast {
  checkHorizon('holt-damped.forecast', h);
  return holtDampedForecast(state.level, state.trend, state.alpha, state.beta, state.phi, state.sigma, h);
}

function fittedValues(state: HoltDampedState, input: SeriesInput): Float64Array {
  const out = new Float64Array(input.y.length);
  holtDampedFilter(input.y, state.alpha, state.beta, state.phi, state.level0, state.trend0, out);
  return out;
}

/** Additive damped-trend exponential smoothing with optimised parameters and initial states. */
export const holtDamped: Model<HoltDampedState> = {
  name: 'holt-damped',
  minLength: 4,
  intermittent: false,
  usesRegressors: false,
  fit,
  forecast,
  fittedValues,
};
