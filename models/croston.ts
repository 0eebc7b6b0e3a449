/**
 * Croston's method for intermittent demand: exponential smoothing of the non-zero demand sizes z and,
 * separately, of the intervals p between demands (counted from the series start for the first one);
 * both are updated only in periods with demand, and the forecast of every future period is z / p.
 *
 * Initialisation and fitted values follow R's `forecast::croston` (Hyndman 2023, forecast 8.20): SES with
 * `initial = "simple"` on each of z and p (so l[0] = first size, first interval), fitted value of y[t]
 * = the forecast from y[0..t-1] (0 before the first demand). Smoothing parameters are estimated, not
 * fixed: alpha_z and alpha_p each minimise (Brent, to 0.005) the one-step SSE of their own SES in [0.1, 0.3], as
 * statsforecast's `CrostonOptimized` (Nixtla) does, on at most the last FIT_WINDOW sizes/intervals.
 *
 * Forecast sd (documented approximation): sigma, the RMS of the one-step errors after the first demand,
 * for every step; Croston's method has no consistent stochastic model with a multi-step variance
 * (Shenstone & Hyndman 2005), and its forecast is flat.
 *
 * Source: J. D. Croston, "Forecasting and stock control for intermittent demands", *Operational
 * Research Quarterly* 23(3) (1972) 289-303; Syntetos & Boylan, "On the bias of intermittent demand
 * estimates", *IJPE* 71 (2001) 457-466; Shenstone & Hyndman, "Stochastic models underlying Croston's
 * method for intermittent demand forecasting", *J. Forecasting* 24 (2005) 389-402.
 */
import { checkHorizon, checkNonNegative, checkSeries, residualSd } from './check-input.js';
import { recent } from './fit-window.js';
import { fitSes, sesFilter } from './ses.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

/** Non-zero demand sizes and the intervals before each (the first counted from one period before y[0]). */
export interface DemandSizesAndIntervals {
  readonly sizes: Float64Array;
  readonly intervals: Float64Array;
}

/**
 * Split a series into its non-zero demand sizes and inter-demand intervals, as R's
 * `diff(c(0, which(x > 0)))`: the first interval is the 1-based position of the first demand.
 *
 * @param y non-negative demand per period.
 */
export function demandSizesAndIntervals(y: Float64Array): DemandSizesAndIntervals {
  let k = 0;
  for (let t = 0; t < y.length; t++) if (y[t] > 0) k++;
  const sizes = new Float64Array(k);
  const intervals = new Float64Array(k);
  let i = 0;
  let last = -1;
  for (let t = 0; t < y.length; t++) {
    if (y[t] > 0) {
      sizes[i] = y[t];
      intervals[i] = t - last;
      last = t;
      i++;
    }
  }
  return { sizes, intervals };
}

/** Options of {@link fitCroston}. */
export interface CrostonOptions {
  /** Fixed alpha for both sizes and intervals (R `croston(y, alpha)`); overrides alphaZ/alphaP. */
  readonly alpha?: number;
  /** Fixed alpha for the sizes; optimised in [lower, upper] when absent. */
  readonly alphaZ?: number;
  /** Fixed alpha for the intervals; optimised in [lower, upper] when absent. */
  readonly alphaP?: number;
  /** Lower bound of an optimised alpha. @defaultValue 0.1 */
  readonly lower?: number;
  /** Upper bound of an optimised alpha. @defaultValue 0.3 */
  readonly upper?: number;
}

/** Result of {@link fitCroston}. */
export interface CrostonFit {
  readonly alphaZ: number;
  readonly alphaP: number;
  /** Final smoothed demand size (0 when there is no demand). */
  readonly zLevel: number;
  /** Final smoothed inter-demand interval (1 when there is no demand). */
  readonly pLevel: number;
  /** Number of periods with demand. */
  readonly demands: number;
}

function smoothedLevel(x: Float64Array, fixed: number | undefined, lower: number, upper: number): { alpha: number; level: number } {
  if (x.length === 0) return { alpha: fixed ?? lower, level: 0 };
  if (x.length === 1) return { alpha: fixed ?? lower, level: x[0] };
  if (fixed !== undefined) return { alpha: fixed, level: sesFilter(x, fixed, x[0]) };
  const alpha = fitSes(recent(x), { initial: 'simple', lower, upper, tol: 5e-3 }).alpha;
  return { alpha, level: sesFilter(x, alpha, x[0]) };
}

/**
 * Fit Croston's method: smoothed demand size and inter-demand interval.
 *
 * @param y non-negative demand per period (not checked here).
 * @param options fixed or bounded smoothing parameters.
 * @throws when a fixed alpha is outside (0, 1].
 */
export function fitCroston(y: Float64Array, options: CrostonOptions = {}): CrostonFit {
  const lower = options.lower ?? 0.1;
  const upper = options.upper ?? 0.3;
  const fz = options.alpha ?? options.alphaZ;
  const fp = options.alpha ?? options.alphaP;
  for (const a of [fz, fp]) {
    if (a !== undefined && !(a > 0 && a <= 1)) throw new Error(`fitCroston needs alpha in (0, 1], got ${a}`);
  }
  const { sizes, intervals } = demandSizesAndIntervals(y);
  const z = smoothedLevel(sizes, fz, lower, upper);
  const p = smoothedLevel(intervals, fp, lower, upper);
  return { alphaZ: z.alpha, alphaP: p.alpha, zLevel: z.level, pLevel: sizes.length > 0 ? p.level : 1, demands: sizes.length };
}

/**
 * One-step-ahead fitted values of Croston-type methods: out[t] = factor * z / p from y[0..t-1];
 * NaN at t = 0, 0 until the first demand has been seen (as R `croston`).
 *
 * @param y demand per period.
 * @param alphaZ smoothing parameter of the sizes.
 * @param alphaP smoothing parameter of the intervals.
 * @param factor multiplier of z / p (1 for Croston, 1 - alphaP / 2 for SBA).
 * @param out optional output, length y.length.
 * @returns the sum of squared errors after the first demand and how many errors it sums, as [sse, count].
 */
export function crostonFitted(y: Float64Array, alphaZ: number, alphaP: number, factor: number, out?: Float64Array): [number, number] {
  let z = 0;
  let p = 1;
  let seen = false;
  let since = 0;
  let sse = 0;
  let count = 0;
  for (let t = 0; t < y.length; t++) {
    const f = t === 0 ? NaN : seen ? (factor * z) / p : 0;
    if (out) out[t] = f;
    if (seen) {
      const e = y[t] - f;
      sse += e * e;
      count++;
    }
    since++;
    if (y[t] > 0) {
      if (seen) {
        z += alphaZ * (y[t] - z);
        p += alphaP * (since - p);
      } else {
        z = y[t];
        p = since;
        seen = true;
      }
      since = 0;
    }
  }
  return [sse, count];
}

/** Fitted state shared by Croston and SBA. */
export interface CrostonState extends FittedState {
  readonly model: 'croston' | 'sba';
  readonly alphaZ: number;
  readonly alphaP: number;
  readonly zLevel: number;
  readonly pLevel: number;
  /** Multiplier of z / p: 1 (Croston) or 1 - alphaP / 2 (SBA). */
  readonly factor: number;
}

/**
 * Fit a Croston-type model and compute sigma from its one-step errors.
 * @param name `'croston'` or `'sba'` (the latter applies the Syntetos-Boylan factor 1 - alphaP / 2).
 * @param input the series; demand must be non-negative.
 * @throws when the series is empty, not finite or negative.
 */
export function fitCrostonState(name: 'croston' | 'sba', input: SeriesInput): CrostonState {
  const { y } = input;
  checkSeries(`${name}.fit`, y, 1);
  checkNonNegative(`${name}.fit`, y);
  const f = fitCroston(y);
  const factor = name === 'sba' ? 1 - f.alphaP / 2 : 1;
  const [sse, count] = crostonFitted(y, f.alphaZ, f.alphaP, factor);
  return {
    model: name,
    n: y.length,
    sigma: residualSd(sse, count, 2),
    alphaZ: f.alphaZ,
    alphaP: f.alphaP,
    zLevel: f.zLevel,
    pLevel: f.pLevel,
    factor,
  };
}

/** Flat forecast factor * z / p with sd = sigma at every step. */
export function forecastCrostonState(name: string, state: CrostonState, h: number): PointForecast {
  checkHorizon(`${name}.forecast`, h);
  const level = state.zLevel > 0 ? (state.factor * state.zLevel) / state.pLevel : 0;
  return { mean: new Float64Array(h).fill(level), sd: new Float64Array(h).fill(state.sigma) };
}

/** Croston's method with estimated smoothing parameters. */
export const croston: Model<CrostonState> = {
  name: 'croston',
  minLength: 1,
  intermittent: true,
  usesRegressors: false,
  fit: (input) => fitCrostonState('croston', input),
  forecast: (state, h) => forecastCrostonState('croston', state, h),
  fittedValues: (state, input) => {
    const out = new Float64Array(input.y.length);
    crostonFitted(input.y, state.alphaZ, state.alphaP, state.factor, out);
    return out;
  },
};
