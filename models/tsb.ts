/**
 * TSB (Teunter-Syntetos-Babai) method for intermittent demand: the probability of demand p is smoothed
 * every period (towards 1 after a demand, towards 0 otherwise) and the demand size z only after a demand:
 *   y[t] > 0:  p[t] = p[t-1] + beta (1 - p[t-1]),  z[t] = z[t-1] + alpha (y[t] - z[t-1])
 *   y[t] = 0:  p[t] = (1 - beta) p[t-1],            z[t] = z[t-1]
 * and the forecast of every future period is p z. Unlike Croston, the forecast decays during long runs
 * of zeros, so obsolescence is captured.
 *
 * Initial states (`tsintermittent::tsb(init = "mean")`, Kourentzes): z[0] = mean non-zero demand and
 * p[0] = share of periods with demand, over the series fitted. (alpha, beta) in [0.01, 0.3]^2 minimise
 * the in-sample one-step SSE by bounded Nelder-Mead (at most 40 evaluations, from (0.1, 0.1)) on at most the last FIT_WINDOW observations
 * (fit-window.ts); the states, fitted values and sigma then come from the whole series.
 *
 * Forecast sd (documented approximation): sigma, the RMS of the one-step errors, at every step (the
 * forecast is flat and TSB's underlying model has no closed multi-step variance in the source).
 *
 * Source: R. H. Teunter, A. A. Syntetos & M. Z. Babai, "Intermittent demand: linking forecasting to
 * inventory obsolescence", *European Journal of Operational Research* 214(3) (2011) 606-615.
 */
import { checkHorizon, checkNonNegative, checkSeries, residualSd } from './check-input.js';
import { recent } from './fit-window.js';
import { nelderMead } from './optimize.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

const LOWER = [0.01, 0.01];
const UPPER = [0.3, 0.3];

/** Initial states of TSB: mean non-zero size and demand frequency of `y` ([0, 0] without demand). */
export function tsbInitial(y: Float64Array): [number, number] {
  let sum = 0;
  let count = 0;
  for (let t = 0; t < y.length; t++) {
    if (y[t] > 0) {
      sum += y[t];
      count++;
    }
  }
  return count > 0 ? [sum / count, count / y.length] : [0, 0];
}

/**
 * One-step SSE of TSB from given initial states; no allocation.
 *
 * @param y non-negative demand per period.
 * @param alpha size smoothing parameter.
 * @param beta probability smoothing parameter.
 * @param z0 initial size; @param p0 initial probability.
 * @param fitted optional output: fitted[t] = p[t-1] z[t-1].
 * @param final optional output: [z[n], p[n]].
 */
export function tsbSse(
  y: Float64Array,
  alpha: number,
  beta: number,
  z0: number,
  p0: number,
  fitted?: Float64Array,
  final?: Float64Array,
): number {
  let z = z0;
  let p = p0;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const v = y[t];
    const f = p * z;
    if (fitted) fitted[t] = f;
    const e = v - f;
    sse += e * e;
    // branch-free (demand occurrence is unpredictable): d = 1 after a demand, 0 otherwise
    const d = +(v > 0);
    p += beta * (d - p);
    z += alpha * d * (v - z);
  }
  if (final) {
    final[0] = z;
    final[1] = p;
  }
  return sse;
}

/** Result of {@link fitTsb}. */
export interface TsbFit {
  readonly alpha: number;
  readonly beta: number;
  readonly z0: number;
  readonly p0: number;
  readonly z: number;
  readonly p: number;
  readonly sse: number;
}

/**
 * Fit TSB: (alpha, beta) by Nelder-Mead unless given; initial states as {@link tsbInitial}.
 *
 * @param y non-negative demand (not checked here).
 * @param params fixed smoothing parameters (for tests and hand checks).
 */
export function fitTsb(y: Float64Array, params?: { readonly alpha: number; readonly beta: number }): TsbFit {
  let alpha: number;
  let beta: number;
  if (params) {
    ({ alpha, beta } = params);
    if (!(alpha > 0 && alpha <= 1 && beta > 0 && beta <= 1)) throw new Error(`fitTsb needs alpha and beta in (0, 1], got ${alpha}, ${beta}`);
  } else {
    const w = recent(y);
    const [wz, wp] = tsbInitial(w);
    if (wp === 0 || wp === 1) {
      // no demand, or demand every day in the window: beta does not matter; keep the bounds' middle
      alpha = 0.1;
      beta = 0.1;
      if (wp === 1) alpha = nelderMead((q) => tsbSse(w, q[0], 0.1, wz, 1), [0.1], [LOWER[0]], [UPPER[0]], { maxEvaluations: 40 }).x[0];
    } else {
      const r = nelderMead((q) => tsbSse(w, q[0], q[1], wz, wp), [0.1, 0.1], LOWER, UPPER, { maxEvaluations: 40, ftol: 1e-5, xtol: 5e-3 });
      alpha = r.x[0];
      beta = r.x[1];
    }
  }
  const [z0, p0] = tsbInitial(y);
  const final = new Float64Array(2);
  const sse = tsbSse(y, alpha, beta, z0, p0, undefined, final);
  return { alpha, beta, z0, p0, z: final[0], p: final[1], sse };
}

/** Fitted state of `tsb`. */
export interface TsbState extends FittedState {
  readonly model: 'tsb';
  readonly alpha: number;
  readonly beta: number;
  readonly z0: number;
  readonly p0: number;
  readonly z: number;
  readonly p: number;
}

function fit(input: SeriesInput): TsbState {
  checkSeries('tsb.fit', input.y, 1);
  checkNonNegative('tsb.fit', input.y);
  const f = fitTsb(input.y);
  const n = input.y.length;
  return { model: 'tsb', n, sigma: residualSd(f.sse, n, 2), alpha: f.alpha, beta: f.beta, z0: f.z0, p0: f.p0, z: f.z, p: f.p };
}

function forecast(state: TsbState, h: number): PointForecast {
  checkHorizon('tsb.forecast', h);
  return { mean: new Float64Array(h).fill(state.p * state.z), sd: new Float64Array(h).fill(state.sigma) };
}

function fittedValues(state: TsbState, input: SeriesInput): Float64Array {
  const out = new Float64Array(input.y.length);
  tsbSse(input.y, state.alpha, state.beta, state.z0, state.p0, out);
  return out;
}

/** TSB with estimated smoothing parameters. */
export const tsb: Model<TsbState> = {
  name: 'tsb',
  minLength: 1,
  intermittent: true,
  usesRegressors: false,
  fit,
  forecast,
  fittedValues,
};
