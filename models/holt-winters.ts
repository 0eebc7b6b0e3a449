/**
 * Additive Holt-Winters, the ETS(A,A,A) model, optionally with a damped trend, ETS(A,Ad,A)
 * (error-correction form, m = season length):
 *   yhat[t] = l[t-1] + phi b[t-1] + s[t-m],  e[t] = y[t] - yhat[t],
 *   l[t] = l[t-1] + phi b[t-1] + alpha e[t],  b[t] = phi b[t-1] + beta e[t],  s[t] = s[t-m] + gamma e[t].
 * beta = alpha * beta* and gamma = (1 - alpha) * gamma* keep R's `ets` "usual" bounds 0 < beta < alpha,
 * 0 < gamma < 1 - alpha; in the component form of FPP3 §8.3 the trend parameter is beta* and the
 * seasonal one is gamma.
 *
 * Estimation (documented; cost-bounded for daily data):
 * 1. Heuristic initial states on the estimation window, as R's `ets` (`initstate`, Hyndman et al. 2008
 *    §2.6.1): seasonal indices from a classical additive decomposition, (l[0], b[0]) from a least-squares
 *    line through the first max(10, 2m) seasonally adjusted observations.
 * 2. Bounded Nelder-Mead over (alpha, beta*, gamma*[, phi]) on the one-step SSE with those states;
 *    phi in [0.8, 0.98] when damped, 1 otherwise.
 * 3. The initial states are re-estimated by least squares at those parameters (one-step errors are
 *    linear in the initial states: one pass propagates their sensitivities; the seasonal states are
 *    constrained to sum to 0), then Nelder-Mead runs again from the first optimum with a smaller simplex.
 * 4. The final states, fitted values and sigma come from one pass with those states and parameters.
 * This is block-coordinate descent on the MSE criterion of Hyndman et al. (2008, §5.2) over parameters
 * and initial states jointly: no step raises the SSE. Nelder-Mead starts from alpha = beta* = gamma* =
 * 0.05 (phi 0.95) and is capped at 100 + 50 evaluations. The least-squares step is skipped for seasons
 * longer than 24 (its cost grows with m^2). The model is fitted on at most the last
 * HOLT_WINTERS_WINDOW = 364 observations (52 weeks; fitted values before are NaN), which keeps a fit
 * near 0.2-0.3 ms on daily data.
 * sigma^2 = SSE / (n - k), k = alpha, beta, gamma, [phi,] l[0], b[0] and m - 1 seasonal states (as `ets`).
 *
 * Forecast: l + (phi + ... + phi^h) b + s[n + h - m(floor((h - 1)/m) + 1)];
 * sd[h] = sigma sqrt(1 + sum_{j<h} c_j^2), c_j = alpha + beta (phi + ... + phi^j) + gamma [j mod m = 0]
 * (Hyndman et al. 2008, Table 6.1, class 1).
 *
 * Source: C. C. Holt (1957), reprinted *IJF* 20 (2004) 5-10; P. R. Winters, "Forecasting sales by
 * exponentially weighted moving averages", *Management Science* 6 (1960) 324-342; Gardner & McKenzie
 * (1985, 1989) for the damped trend; Hyndman & Athanasopoulos, *FPP3* §8.3; Hyndman, Koehler, Ord &
 * Snyder, *Forecasting with Exponential Smoothing* (2008), ch. 2, 5, 6.
 */
import { checkHorizon, checkSeason, checkSeries, residualSd } from './check-input.js';
import { choleskySolve } from './cholesky.js';
import { classicalDecomposition } from './decompose.js';
import { nelderMead } from './optimize.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

/** Parameters in error-correction form. */
export interface HoltWintersParams {
  readonly alpha: number;
  /** = alpha * beta* (R `hw`/`HoltWinters` beta is beta*). */
  readonly beta: number;
  /** Error-correction gamma (the same number as the component-form gamma). */
  readonly gamma: number;
  /** 1 without damping. */
  readonly phi: number;
}

/** Initial states: level and trend at time 0 and the seasonal state of each of the first m observations. */
export interface HoltWintersInitial {
  readonly level0: number;
  readonly trend0: number;
  /** season0[j] is the seasonal state used for y[j], j < m. */
  readonly season0: Float64Array;
}

/**
 * Heuristic initial states (R `ets` initstate): additive classical decomposition of `y` for the seasonal
 * indices (sum 0), then a least-squares line through the first max(10, 2m) seasonally adjusted values.
 *
 * @param y observations, length >= 2m.
 * @param m season length >= 2.
 */
export function holtWintersHeuristicInitial(y: Float64Array, m: number): HoltWintersInitial {
  const season0 = classicalDecomposition(y, m, 'additive').figure;
  const maxn = Math.min(Math.max(10, 2 * m), y.length);
  // least squares of y.sa[t] on t = 1..maxn (R: lsfit(1:maxn, y.sa[1:maxn]))
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let t = 0; t < maxn; t++) {
    const x = t + 1;
    const v = y[t] - season0[t % m];
    sx += x;
    sy += v;
    sxx += x * x;
    sxy += x * v;
  }
  const slope = (maxn * sxy - sx * sy) / (maxn * sxx - sx * sx);
  const intercept = (sy - slope * sx) / maxn;
  return { level0: intercept, trend0: slope, season0 };
}

/**
 * One-step SSE of additive Holt-Winters from given initial states. No allocation: `ring` (length m) is
 * scratch space for the seasonal states.
 *
 * @param fitted optional output: fitted[t] = yhat[t].
 * @param final optional output of length m + 2: [l[n], b[n], s for positions 0..m-1 (index t mod m)].
 */
export function holtWintersSse(
  y: Float64Array,
  m: number,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  init: HoltWintersInitial,
  ring: Float64Array,
  fitted?: Float64Array,
  final?: Float64Array,
): number {
  const sse = smoothingPass(y, m, alpha, beta, gamma, phi, init, ring, fitted, final ?? LEVEL_TREND);
  // ring[j] holds the state for position j = t mod m
  if (final) for (let j = 0; j < m; j++) final[2 + j] = ring[j];
  return sse;
}

/** Where {@link smoothingPass} leaves l[n] and b[n] when the caller does not keep them. */
const LEVEL_TREND = new Float64Array(2);

/**
 * The pass of {@link holtWintersSse}; writes l[n] and b[n] to `state[0]`, `state[1]` on every call.
 * Nothing but those two stores follows the loop, and they run from the first call: V8 compiles the
 * loop on stack replacement early, and code compiled before a branch after the loop had ever run
 * deoptimised at it on every later final pass (up to 900 times per slice run) without being discarded.
 */
function smoothingPass(
  y: Float64Array,
  m: number,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  init: HoltWintersInitial,
  ring: Float64Array,
  fitted: Float64Array | undefined,
  state: Float64Array,
): number {
  ring.set(init.season0);
  let l = init.level0;
  let b = init.trend0;
  let sse = 0;
  let i = 0;
  for (let t = 0; t < y.length; t++) {
    // written so that the dependency chain through l is short: e = (y - s - phi b) - l
    const pb = phi * b;
    const si = ring[i];
    const e = y[t] - si - pb - l;
    if (fitted) fitted[t] = l + pb + si;
    sse += e * e;
    l = l + pb + alpha * e;
    b = pb + beta * e;
    ring[i] = si + gamma * e;
    if (++i === m) i = 0;
  }
  state[0] = l;
  state[1] = b;
  return sse;
}

/**
 * Least-squares initial states of additive Holt-Winters at given parameters: the one-step errors are
 * linear in the initial states x0 = (l[0], b[0], s_0..s_{m-2}) (s_{m-1} = -sum of the others, keeping the
 * reference's seasonal sum), so one pass collects sum z z' and sum z e over the sensitivities
 * z[t] = d yhat[t] / d x0 and a Cholesky solve gives the best shift of x0. Cost O(n m^2).
 *
 * @param init reference states (the result does not depend on them, up to rounding).
 * @returns the improved states and their SSE; the reference itself when the system is singular.
 */
export function holtWintersLeastSquaresInitial(
  y: Float64Array,
  m: number,
  p: HoltWintersParams,
  init: HoltWintersInitial,
): { initial: HoltWintersInitial; sse: number } {
  const k = m + 1; // l, b, m - 1 free seasonal states
  const szz = new Float64Array(k * k);
  const sze = new Float64Array(k);
  const see = sensitivitySums(y, m, p, init, szz, sze);
  const delta = choleskySolve(szz, sze, k);
  if (!delta) return { initial: init, sse: see };
  let gain = 0;
  for (let c = 0; c < k; c++) gain += delta[c] * sze[c];
  const season0 = Float64Array.from(init.season0);
  let shift = 0;
  for (let j = 0; j < m - 1; j++) {
    season0[j] += delta[2 + j];
    shift += delta[2 + j];
  }
  season0[m - 1] -= shift;
  const sse = see - gain;
  return { initial: { level0: init.level0 + delta[0], trend0: init.trend0 + delta[1], season0 }, sse: sse > 0 ? sse : 0 };
}

/**
 * The pass of {@link holtWintersLeastSquaresInitial}: adds sum z z' (upper triangle) into `szz` and
 * sum z e into `sze` (k = m + 1 states) and returns the SSE from `init`. A function of its own, ending
 * with its loop: V8 compiles the loop on stack replacement during the first long calls, and code
 * compiled so early, with a call after the loop that had not run yet, deoptimised at that call on
 * every later fit (200 times per slice run) without being discarded.
 */
function sensitivitySums(y: Float64Array, m: number, p: HoltWintersParams, init: HoltWintersInitial, szz: Float64Array, sze: Float64Array): number {
  const { alpha, beta, gamma, phi } = p;
  const k = m + 1;
  const dl = new Float64Array(k);
  const db = new Float64Array(k);
  const ds = new Float64Array(m * k); // sensitivity of the seasonal state of position j: ds[j*k ..]
  const z = new Float64Array(k);
  dl[0] = 1;
  db[1] = 1;
  for (let j = 0; j < m - 1; j++) ds[j * k + 2 + j] = 1;
  for (let c = 2; c < k; c++) ds[(m - 1) * k + c] = -1;
  const ring = Float64Array.from(init.season0);
  let l = init.level0;
  let b = init.trend0;
  let see = 0;
  let i = 0;
  for (let t = 0; t < y.length; t++) {
    const lb = l + phi * b;
    const e = y[t] - (lb + ring[i]);
    const off = i * k;
    for (let c = 0; c < k; c++) z[c] = dl[c] + phi * db[c] + ds[off + c];
    see += e * e;
    for (let r = 0; r < k; r++) {
      const zr = z[r];
      if (zr === 0) continue;
      sze[r] += zr * e;
      const row = r * k;
      for (let c = r; c < k; c++) szz[row + c] += zr * z[c];
    }
    for (let c = 0; c < k; c++) {
      const zc = z[c];
      dl[c] = dl[c] + phi * db[c] - alpha * zc;
      db[c] = phi * db[c] - beta * zc;
      ds[off + c] -= gamma * zc;
    }
    l = lb + alpha * e;
    b = phi * b + beta * e;
    ring[i] += gamma * e;
    if (++i === m) i = 0;
  }
  return see;
}

/** Options of {@link fitHoltWinters}. */
export interface HoltWintersOptions {
  /** Damped trend (phi estimated in [0.8, 0.98]). @defaultValue false */
  readonly damped?: boolean;
  /** Fixed parameters (error-correction form); only the initial states are estimated. */
  readonly params?: HoltWintersParams;
  /** Fit on at most this many most recent observations. @defaultValue HOLT_WINTERS_WINDOW (364) */
  readonly window?: number;
}

/** Result of {@link fitHoltWinters}. */
export interface HoltWintersFit extends HoltWintersParams, HoltWintersInitial {
  /** Index of the first observation fitted (> 0 when the series is longer than the window). */
  readonly start: number;
  readonly level: number;
  readonly trend: number;
  /** Final seasonal states by position (t - start) mod m. */
  readonly season: Float64Array;
  /** SSE over the observations fitted. */
  readonly sse: number;
}

/**
 * Holt-Winters is fitted on at most the last 364 observations (52 weeks): its SSE pass costs ~5 ns per
 * point and the two Nelder-Mead stages take ~100-150 passes, so a year keeps a fit near 0.3 ms.
 */
export const HOLT_WINTERS_WINDOW = 364;
const LS_MAX_SEASON = 24;

/**
 * Fit additive Holt-Winters on the most recent `window` observations (see the file comment).
 *
 * @param y observations (length >= 2m, finite; not checked here).
 * @param m season length >= 2.
 * @throws when fixed parameters are outside the usual bounds.
 */
export function fitHoltWinters(y: Float64Array, m: number, options: HoltWintersOptions = {}): HoltWintersFit {
  const damped = options.damped ?? false;
  const window = options.window ?? HOLT_WINTERS_WINDOW;
  const start = y.length > window ? y.length - window : 0;
  const w = y.subarray(start);
  const ring = new Float64Array(m);
  let init = holtWintersHeuristicInitial(w, m);
  let params: HoltWintersParams;
  if (options.params) {
    params = options.params;
    const { alpha, beta, gamma, phi } = params;
    if (!(alpha > 0 && alpha <= 1 && beta >= 0 && beta <= alpha && gamma >= 0 && gamma <= 1 - alpha + 1e-12 && phi > 0 && phi <= 1)) {
      throw new Error(`fitHoltWinters needs 0 < alpha <= 1, 0 <= beta <= alpha, 0 <= gamma <= 1 - alpha, 0 < phi <= 1, got ${alpha}, ${beta}, ${gamma}, ${phi}`);
    }
    if (m <= LS_MAX_SEASON) init = holtWintersLeastSquaresInitial(w, m, params, init).initial;
  } else {
    const lower = damped ? [1e-4, 1e-4, 1e-4, 0.8] : [1e-4, 1e-4, 1e-4];
    const upper = damped ? [0.9999, 0.9999, 0.9999, 0.98] : [0.9999, 0.9999, 0.9999];
    const toParams = (q: ArrayLike<number>): HoltWintersParams => ({
      alpha: q[0],
      beta: q[0] * q[1],
      gamma: (1 - q[0]) * q[2],
      phi: damped ? q[3] : 1,
    });
    const objective = (q: Float64Array): number =>
      holtWintersSse(w, m, q[0], q[0] * q[1], (1 - q[0]) * q[2], damped ? q[3] : 1, init, ring);
    // start near the values daily retail series usually end up with (small alpha, beta*, gamma*)
    const start0 = damped ? [0.05, 0.05, 0.05, 0.95] : [0.05, 0.05, 0.05];
    let r = nelderMead(objective, start0, lower, upper, { maxEvaluations: 100, ftol: 1e-6, xtol: 1e-3 });
    if (m <= LS_MAX_SEASON) {
      init = holtWintersLeastSquaresInitial(w, m, toParams(r.x), init).initial;
      r = nelderMead(objective, r.x, lower, upper, { maxEvaluations: 50, ftol: 1e-7, xtol: 1e-4, step: 0.02 });
    }
    params = toParams(r.x);
  }
  const final = new Float64Array(m + 2);
  const sse = holtWintersSse(w, m, params.alpha, params.beta, params.gamma, params.phi, init, ring, undefined, final);
  return { ...params, ...init, start, level: final[0], trend: final[1], season: final.slice(2), sse };
}

/**
 * Forecast mean and sd of additive Holt-Winters from final states.
 *
 * @param n number of observations fitted from the window start (to align the seasonal positions).
 */
export function holtWintersForecast(fit: HoltWintersParams & { level: number; trend: number; season: ArrayLike<number> }, m: number, n: number, sigma: number, h: number): PointForecast {
  const { alpha, beta, gamma, phi, level, trend, season } = fit;
  const mean = new Float64Array(h);
  const sd = new Float64Array(h);
  let phiSum = 0;
  let phiPow = 1;
  let varSum = 1;
  for (let j = 1; j <= h; j++) {
    phiPow *= phi;
    phiSum += phiPow;
    mean[j - 1] = level + phiSum * trend + season[(n + j - 1) % m];
    sd[j - 1] = sigma * Math.sqrt(varSum);
    const c = alpha + beta * phiSum + (j % m === 0 ? gamma : 0);
    varSum += c * c;
  }
  return { mean, sd };
}

/** Fitted state of `holt-winters` and `holt-winters-damped`. */
export interface HoltWintersState extends FittedState {
  readonly model: 'holt-winters' | 'holt-winters-damped';
  readonly season: number;
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
  readonly level0: number;
  readonly trend0: number;
  readonly season0: number[];
  /** Index of the first observation fitted; fitted values before it are NaN. */
  readonly start: number;
  readonly level: number;
  readonly trend: number;
  /** Final seasonal states by position t mod season. */
  readonly seasonStates: number[];
}

function createHoltWinters(name: 'holt-winters' | 'holt-winters-damped', damped: boolean): Model<HoltWintersState> {
  return {
    name,
    minLength: 14,
    intermittent: false,
    usesRegressors: false,
    fit(input: SeriesInput): HoltWintersState {
      const { y, season } = input;
      checkSeason(`${name}.fit`, season);
      if (season < 2) throw new Error(`${name}.fit needs a season of at least 2, got ${season}`);
      checkSeries(`${name}.fit`, y, Math.max(14, 2 * season));
      const f = fitHoltWinters(y, season, { damped });
      const k = 3 + (damped ? 1 : 0) + 2 + (season - 1);
      return {
        model: name,
        n: y.length,
        sigma: residualSd(f.sse, y.length - f.start, k),
        season,
        alpha: f.alpha,
        beta: f.beta,
        gamma: f.gamma,
        phi: f.phi,
        level0: f.level0,
        trend0: f.trend0,
        season0: Array.from(f.season0),
        start: f.start,
        level: f.level,
        trend: f.trend,
        seasonStates: Array.from(f.season),
      };
    },
    forecast(state: HoltWintersState, h: number): PointForecast {
      checkHorizon(`${name}.forecast`, h);
      return holtWintersForecast({ ...state, season: state.seasonStates }, state.season, state.n - state.start, state.sigma, h);
    },
    fittedValues(state: HoltWintersState, input: SeriesInput): Float64Array {
      const out = new Float64Array(input.y.length).fill(NaN);
      const init = { level0: state.level0, trend0: state.trend0, season0: Float64Array.from(state.season0) };
      const w = input.y.subarray(state.start);
      holtWintersSse(w, state.season, state.alpha, state.beta, state.gamma, state.phi, init, new Float64Array(state.season), out.subarray(state.start));
      return out;
    },
  };
}

/** Additive Holt-Winters (linear trend, additive season), ETS(A,A,A). */
export const holtWinters: Model<HoltWintersState> = createHoltWinters('holt-winters', false);

/** Additive Holt-Winters with a damped trend, ETS(A,Ad,A). */
export const holtWintersDamped: Model<HoltWintersState> = createHoltWinters('holt-winters-damped', true);
