/**
 * Regression with AR errors (a dynamic regression): the trend, seasonal-dummy and yearly Fourier
 * regression of regression.ts (no calendar regressors: its calendar twin `cal:regression-ar`
 * takes events and SNAP out first, models/calendar-adjusted.ts) whose residuals follow an AR(p),
 *   y_t = x_t' b + u_t,   u_t = φ_1 u_{t-1} + ... + φ_p u_{t-p} + e_t,   p = AR_ORDER = 7.
 * Two-step fit: b by ordinary least squares (regression.ts `fitRegressionWindow`, last
 * DYNAMIC_WINDOW = 3 years: with two years or more the yearly Fourier terms enter, which the
 * one-year `regression` never has), then φ by Yule-Walker
 * (Levinson-Durbin on the residuals' autocovariances, not demeaned: R `ar.yw(u, aic = FALSE,
 * order.max = 7, demean = FALSE)`), which always gives a stationary AR. Forecast: x' b plus the
 * AR extrapolation of the last p residuals, which decays to 0: a series running above (below) its
 * regression line is forecast above (below) it for the first days of the horizon.
 * sd_h² = σ_e² Σ_{j<h} ψ_j² + (the regression's parameter variance at h), ψ the AR's MA(∞)
 * weights and σ_e the sd of the one-step errors e_t on the window.
 *
 * Why: for a high-volume aggregate (a store's or department's total) the regression knows the
 * weekly and yearly shape but has a rigid one-year level, and the smoothing models know the level
 * but not the yearly shape; AR errors let the regression follow the recent level for some days.
 *
 * Source: Hyndman & Athanasopoulos, FPP3 §10 "Dynamic regression models" (regression with ARIMA
 * errors; here a two-step estimate, as Cochrane & Orcutt 1949, instead of maximum likelihood);
 * Brockwell & Davis, *Introduction to Time Series and Forecasting* (2016) §5.1.1 (Yule-Walker,
 * Durbin-Levinson).
 */
import { checkHorizon, checkSeries } from './check-input.js';
import { fitRegressionWindow, regression, type RegressionState } from './regression.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

/** Days the regression is fitted on (three years: the yearly Fourier terms need two cycles). */
export const DYNAMIC_WINDOW = 3 * 364;

/** Order of the AR errors: one week of daily data. */
export const AR_ORDER = 7;

/** Fitted state of `regression-ar`. */
export interface RegressionArState extends FittedState {
  readonly model: 'regression-ar';
  readonly reg: RegressionState;
  /** AR coefficients φ_1..φ_p (all 0 when the window is too short for them). */
  readonly phi: number[];
  /** The last p residuals, oldest first. */
  readonly last: number[];
}

/**
 * Yule-Walker AR(p) coefficients of a series taken as zero-mean (autocovariances
 * c_k = Σ_t u_t u_{t+k} / n), by the Durbin-Levinson recursion.
 * @returns φ_1..φ_p; zeros when the series is all zero.
 */
export function yuleWalker(u: ArrayLike<number>, p: number): number[] {
  const n = u.length;
  const c = new Array<number>(p + 1).fill(0);
  for (let k = 0; k <= p; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += u[t] * u[t + k];
    c[k] = s / n;
  }
  let phi: number[] = [];
  let v = c[0];
  if (!(v > 0)) return new Array<number>(p).fill(0);
  for (let k = 1; k <= p; k++) {
    let num = c[k];
    for (let i = 1; i < k; i++) num -= phi[i - 1] * c[k - i];
    const a = num / v;
    const next = phi.map((f, i) => f - a * phi[k - 2 - i]);
    next.push(a);
    phi = next;
    v *= 1 - a * a;
  }
  return phi;
}

/** MA(∞) weights ψ_0..ψ_{h-1} of an AR with coefficients phi. */
export function psiWeights(phi: readonly number[], h: number): Float64Array {
  const psi = new Float64Array(h);
  if (h > 0) psi[0] = 1;
  for (let j = 1; j < h; j++) {
    let s = 0;
    for (let i = 1; i <= Math.min(j, phi.length); i++) s += phi[i - 1] * psi[j - i];
    psi[j] = s;
  }
  return psi;
}

/** The AR extrapolation of the residuals for h steps from the last p (oldest first). */
export function arPath(phi: readonly number[], last: readonly number[], h: number): Float64Array {
  const p = phi.length;
  const hist = last.slice(-p);
  const out = new Float64Array(h);
  for (let j = 0; j < h; j++) {
    let s = 0;
    for (let i = 1; i <= p; i++) {
      const k = hist.length - i;
      if (k >= 0) s += phi[i - 1] * hist[k];
    }
    out[j] = s;
    hist.push(s);
  }
  return out;
}

function plain(input: SeriesInput): SeriesInput {
  return input.regressors ? { ...input, regressors: undefined } : input;
}

/** The regression's residuals on its window, oldest first. */
function residuals(reg: RegressionState, input: SeriesInput): Float64Array {
  const fv = regression.fittedValues(reg, input);
  const u = new Float64Array(input.y.length - reg.start);
  for (let t = reg.start; t < input.y.length; t++) u[t - reg.start] = input.y[t] - fv[t];
  return u;
}

/** sd of the one-step errors of the AR on u (from index p on); the regression's sigma when none. */
function innovationSd(u: Float64Array, phi: readonly number[], fallback: number): number {
  const p = phi.length;
  let s = 0;
  let k = 0;
  for (let t = p; t < u.length; t++) {
    let e = u[t];
    for (let i = 1; i <= p; i++) e -= phi[i - 1] * u[t - i];
    s += e * e;
    k++;
  }
  return k > 0 ? Math.sqrt(s / k) : fallback;
}

function fit(input: SeriesInput): RegressionArState {
  checkSeries('regression-ar.fit', input.y, regression.minLength);
  const x = plain(input);
  const reg = fitRegressionWindow(x, DYNAMIC_WINDOW);
  const u = residuals(reg, x);
  const phi = u.length >= 3 * AR_ORDER ? yuleWalker(u, AR_ORDER) : new Array<number>(AR_ORDER).fill(0);
  const sigma = innovationSd(u, phi, reg.sigma);
  const last = Array.from(u.subarray(Math.max(0, u.length - AR_ORDER)));
  return { model: 'regression-ar', n: input.y.length, sigma, reg, phi, last };
}

function forecast(state: RegressionArState, h: number, input: SeriesInput): PointForecast {
  checkHorizon('regression-ar.forecast', h);
  const base = regression.forecast(state.reg, h, plain(input));
  const path = arPath(state.phi, state.last, h);
  const psi = psiWeights(state.phi, h);
  const mean = new Float64Array(h);
  const sd = new Float64Array(h);
  const s2 = state.sigma * state.sigma;
  const r2 = state.reg.sigma * state.reg.sigma;
  let acc = 0;
  for (let j = 0; j < h; j++) {
    mean[j] = base.mean[j] + path[j];
    acc += psi[j] * psi[j];
    // the regression's parameter variance: its sd² less its residual variance
    sd[j] = Math.sqrt(s2 * acc + Math.max(0, base.sd[j] * base.sd[j] - r2));
  }
  return { mean, sd };
}

function fittedValues(state: RegressionArState, input: SeriesInput): Float64Array {
  const x = plain(input);
  const fv = regression.fittedValues(state.reg, x);
  const u = residuals(state.reg, x);
  const start = state.reg.start;
  const p = state.phi.length;
  for (let i = 0; i < u.length; i++) {
    let s = 0;
    for (let k = 1; k <= p && i - k >= 0; k++) s += state.phi[k - 1] * u[i - k];
    fv[start + i] += s;
  }
  return fv;
}

/** Regression on trend, season and yearly Fourier terms with AR(7) errors (module comment). */
export const regressionAr: Model<RegressionArState> = {
  name: 'regression-ar',
  minLength: regression.minLength,
  intermittent: false,
  usesRegressors: false,
  fit,
  forecast,
  fittedValues,
};
