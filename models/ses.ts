/**
 * Simple exponential smoothing (SES), the ETS(A,N,N) model:
 *   yhat[t] = l[t-1],  e[t] = y[t] - yhat[t],  l[t] = l[t-1] + alpha * e[t].
 *
 * Estimation (model `ses`): alpha in [1e-4, 0.9999] minimises the in-sample one-step SSE with the
 * initial level l[0] chosen jointly by least squares, i.e. R's `ses(y)` = `ets(y, "ANN", opt.crit = "mse")`
 * (Hyndman et al. 2008, §5.2 "optimised initial states"). Because every one-step error is linear in l[0]
 * (e[t] = e0[t] - (1 - alpha)^t * delta), the best l[0] for a given alpha has a closed form, computed in
 * the same pass: the 1-D search over alpha (Brent) is exact in l[0] and costs one pass per evaluation.
 * alpha is estimated on the most recent FIT_WINDOW (728) observations (fit-window.ts); l[0], the final
 * level, the fitted values and sigma then come from the whole series.
 *
 * Forecast: flat at the last level; sd[h] = sigma * sqrt(1 + alpha^2 (h - 1)) (Hyndman et al. 2008,
 * Table 6.1, class 1; FPP3 §8.7 Table 8.8). sigma^2 = SSE / (n - 2), as `ets` (2 estimated parameters).
 *
 * Source: R. G. Brown, *Statistical Forecasting for Inventory Control* (1959); Hyndman & Athanasopoulos,
 * *Forecasting: Principles and Practice* (3rd ed.), §8.1; Hyndman, Koehler, Ord & Snyder,
 * *Forecasting with Exponential Smoothing* (2008), ch. 2 and 5.
 */
import { checkHorizon, checkSeries, residualSd } from './check-input.js';
import { recent } from './fit-window.js';
import { minimize1d } from './optimize.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

/** Options of {@link fitSes}. */
export interface SesOptions {
  /** Fixed alpha; optimised in [lower, upper] when absent. */
  readonly alpha?: number;
  /**
   * `'optimal'`: l[0] by least squares jointly with alpha (R `ses(initial = "optimal")`, ETS);
   * `'simple'`: l[0] = y[0] (R `ses(initial = "simple")`, Croston, statsforecast). @defaultValue 'optimal'
   */
  readonly initial?: 'optimal' | 'simple';
  /** Lower bound of alpha. @defaultValue 1e-4 */
  readonly lower?: number;
  /** Upper bound of alpha. @defaultValue 0.9999 */
  readonly upper?: number;
  /** Estimate alpha on at most this many most recent observations (see fit-window.ts). @defaultValue FIT_WINDOW (728) */
  readonly window?: number;
  /** Absolute tolerance of the search over alpha. @defaultValue 1e-5 */
  readonly tol?: number;
}

/** Result of {@link fitSes}: parameters and states, plain numbers. */
export interface SesFit {
  readonly alpha: number;
  /** Initial level l[0] (the one-step forecast of y[0]). */
  readonly level0: number;
  /** Final level l[n] (the forecast of every future step). */
  readonly level: number;
  /** In-sample sum of squared one-step errors over all n observations. */
  readonly sse: number;
}

/**
 * Sum of squared one-step errors of SES with initial level `level0`. One pass, no allocation.
 *
 * @param y observations.
 * @param alpha smoothing parameter in (0, 1].
 * @param level0 initial level l[0].
 */
export function sesSse(y: Float64Array, alpha: number, level0: number): number {
  let l = level0;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const e = y[t] - l;
    sse += e * e;
    l += alpha * e;
  }
  return sse;
}

/**
 * SSE of SES at `alpha` minimised over the initial level, and that level, in one pass. The run starts at
 * l[0] = y[0] and the least-squares shift delta of l[0] is found from sums of e0[t]·d[t] and d[t]^2,
 * d[t] = (1 - alpha)^t being the effect of a unit shift of l[0] on the forecast of y[t].
 *
 * @param y observations (length >= 1).
 * @param alpha smoothing parameter in (0, 1].
 * @param out when given, `out[0]` receives the best l[0] and `out[1]` the final level.
 * @returns the concentrated SSE.
 */
export function sesConcentratedSse(y: Float64Array, alpha: number, out?: Float64Array): number {
  const n = y.length;
  const y0 = y[0];
  const decay = 1 - alpha;
  let l = y0;
  let d = 1;
  let see = 0;
  let sed = 0;
  let sdd = 0;
  for (let t = 0; t < n; t++) {
    const e = y[t] - l;
    see += e * e;
    sed += e * d;
    sdd += d * d;
    l += alpha * e;
    d *= decay;
  }
  const delta = sed / sdd;
  if (out) {
    out[0] = y0 + delta;
    out[1] = l + d * delta;
  }
  const sse = see - sed * delta;
  return sse > 0 ? sse : 0;
}

/**
 * Final level of SES, writing one-step fitted values when asked.
 *
 * @param y observations.
 * @param alpha smoothing parameter.
 * @param level0 initial level.
 * @param fitted optional output of length y.length: fitted[t] = l[t-1], the forecast of y[t].
 * @returns the final level l[n].
 */
export function sesFilter(y: Float64Array, alpha: number, level0: number, fitted?: Float64Array): number {
  let l = level0;
  for (let t = 0; t < y.length; t++) {
    if (fitted) fitted[t] = l;
    l += alpha * (y[t] - l);
  }
  return l;
}

/**
 * Fit SES to a series: optimise alpha (Brent) unless fixed, with the initial level either optimal
 * (least squares, exact) or the first observation.
 *
 * @param y observations (length >= 1, finite; not checked here: models check their input).
 * @param options see {@link SesOptions}.
 * @returns alpha, l[0], l[n] and the SSE.
 * @throws when a fixed alpha or the bounds are outside (0, 1].
 */
export function fitSes(y: Float64Array, options: SesOptions = {}): SesFit {
  const initial = options.initial ?? 'optimal';
  const lower = options.lower ?? 1e-4;
  const upper = options.upper ?? 0.9999;
  if (!(lower > 0 && upper <= 1 && lower < upper)) throw new Error(`fitSes needs 0 < lower < upper <= 1, got [${lower}, ${upper}]`);
  if (options.alpha !== undefined && !(options.alpha > 0 && options.alpha <= 1)) {
    throw new Error(`fitSes needs alpha in (0, 1], got ${options.alpha}`);
  }
  if (y.length === 0) throw new Error('fitSes needs at least 1 observation, got 0');
  const tol = options.tol ?? 1e-5;
  let alpha: number;
  if (options.alpha !== undefined) {
    alpha = options.alpha;
  } else if (initial === 'optimal') {
    const w = recent(y, options.window);
    alpha = minimize1d((a) => sesConcentratedSse(w, a), lower, upper, { tol }).x[0];
  } else {
    const w = recent(y, options.window);
    const w0 = w[0];
    alpha = minimize1d((a) => sesSse(w, a, w0), lower, upper, { tol }).x[0];
  }
  if (initial === 'optimal') {
    const out = new Float64Array(2);
    const sse = sesConcentratedSse(y, alpha, out);
    return { alpha, level0: out[0], level: out[1], sse };
  }
  const level0 = y[0];
  return { alpha, level0, level: sesFilter(y, alpha, level0), sse: sesSse(y, alpha, level0) };
}

/**
 * Per-step forecast standard deviation of SES: sigma * sqrt(1 + alpha^2 (j - 1)), j = 1..h
 * (Hyndman et al. 2008, Table 6.1).
 */
export function sesForecastSd(sigma: number, alpha: number, h: number): Float64Array {
  const sd = new Float64Array(h);
  const a2 = alpha * alpha;
  for (let j = 0; j < h; j++) sd[j] = sigma * Math.sqrt(1 + a2 * j);
  return sd;
}

/** Fitted state of the `ses` model. */
export interface SesState extends FittedState {
  readonly model: 'ses';
  readonly alpha: number;
  readonly level0: number;
  readonly level: number;
}

function fit(input: SeriesInput): SesState {
  checkSeries('ses.fit', input.y, 2);
  const f = fitSes(input.y);
  const n = input.y.length;
  return { model: 'ses', n, sigma: residualSd(f.sse, n, 2), alpha: f.alpha, level0: f.level0, level: f.level };
}

function forecast(state: SesState, h: number): PointForecast {
  checkHorizon('ses.forecast', h);
  return { mean: new Float64Array(h).fill(state.level), sd: sesForecastSd(state.sigma, state.alpha, h) };
}

function fittedValues(state: SesState, input: SeriesInput): Float64Array {
  const out = new Float64Array(input.y.length);
  sesFilter(input.y, state.alpha, state.level0, out);
  return out;
}

/** Simple exponential smoothing with optimised alpha and initial level. */
export const ses: Model<SesState> = {
  name: 'ses',
  minLength: 2,
  intermittent: false,
  usesRegressors: false,
  fit,
  forecast,
  fittedValues,
};
