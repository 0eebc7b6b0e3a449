/**
 * Seasonal adjustment as R's `forecast::thetaf` does it, and seasonally adjusted twins of the
 * non-seasonal models (`sa:<name>`), the form of the M4 competition's benchmarks:
 * 1. test (m > 1, n > 2m, series not constant): seasonal when the lag-m autocorrelation is
 *    significant at 90% (two-sided), Bartlett's standard error over lags 1..m-1 ({@link isSeasonal});
 * 2. if seasonal, classical decomposition (decompose.ts): multiplicative when every observation
 *    is positive, additive otherwise (demand with zero periods; multiplicative indices are
 *    undefined there); a multiplicative index below 1e-4 means no adjustment;
 * 3. the inner model is fitted on the adjusted series (y / s or y - s) and its forecasts and fitted
 *    values are re-seasonalised with the figure of their position t mod m (t = 0 the first
 *    observation); a multiplicative figure also scales the forecast sd.
 * The season m is the shortest whole cycle of at most 24 observations in `input.cycles` (12 for
 * monthly data, 7 for daily), or `input.season` without cycles; longer or fractional cycles are
 * left to the inner model (none: these twins are for models without a season of their own).
 *
 * Why: SES and damped Holt have no season, so a seasonal monthly series would get a flat forecast
 * from them; seasonally adjusting first is how the M4 competition's `Comb` benchmark (the mean of
 * seasonally adjusted SES, Holt and damped Holt) and Theta handle the season.
 *
 * Source: Hyndman & Athanasopoulos, FPP3 §3.4 (classical decomposition) and §5.7; R
 * `forecast::thetaf` (Hyndman, forecast 8.20); Makridakis, S., Spiliotis, E. & Assimakopoulos, V.
 * (2020), "The M4 Competition: 100,000 time series and 61 forecasting methods", IJF 36(1), 54-74
 * (the benchmarks' seasonal adjustment).
 */
import { classicalDecomposition } from './decompose.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

/** qnorm(0.95). */
const Z95 = 1.6448536269514722;

/**
 * The seasonality test of `forecast::thetaf`: is the lag-m autocorrelation significant at 90% (two-sided)?
 * Uses Bartlett's standard error with the autocorrelations of lags 1..m-1.
 *
 * @param y observations; @param m season length.
 * @returns false when m <= 1, n <= 2m or the series is constant.
 */
export function isSeasonal(y: Float64Array, m: number): boolean {
  const n = y.length;
  if (m <= 1 || n <= 2 * m) return false;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += y[t];
  mean /= n;
  let c0 = 0;
  for (let t = 0; t < n; t++) c0 += (y[t] - mean) * (y[t] - mean);
  if (!(c0 > 0)) return false;
  let sumSq = 0;
  let rm = 0;
  for (let k = 1; k <= m; k++) {
    let ck = 0;
    for (let t = k; t < n; t++) ck += (y[t] - mean) * (y[t - k] - mean);
    const r = ck / c0;
    if (k < m) sumSq += r * r;
    else rm = r;
  }
  const stat = Math.sqrt((1 + 2 * sumSq) / n);
  return Math.abs(rm) / stat > Z95;
}

/** A seasonal adjustment of a series: its kind, the figure per position t mod m, the adjusted series. */
export interface SeasonalAdjustment {
  readonly seasonal: 'none' | 'multiplicative' | 'additive';
  /** Seasonal index per position t mod m (empty when not seasonal). */
  readonly figure: Float64Array;
  /** The adjusted series (y itself when not seasonal). */
  readonly x: Float64Array;
}

/**
 * Seasonal adjustment of y by season m (steps 1-2 of the module comment), or the kind forced.
 *
 * @param y observations; @param m season length (1 = none).
 * @param mode `'auto'` (the test, then the type rule) or a forced kind. @defaultValue 'auto'
 */
export function seasonalAdjustment(y: Float64Array, m: number, mode: 'auto' | SeasonalAdjustment['seasonal'] = 'auto'): SeasonalAdjustment {
  const n = y.length;
  let seasonal: SeasonalAdjustment['seasonal'] = mode === 'auto' ? 'none' : mode;
  if (mode === 'auto' && isSeasonal(y, m)) seasonal = y.every((v) => v > 0) ? 'multiplicative' : 'additive';
  if (seasonal === 'none') return { seasonal, figure: new Float64Array(0), x: y };
  const figure = classicalDecomposition(y, m, seasonal).figure;
  if (seasonal === 'multiplicative' && figure.some((s) => Math.abs(s) < 1e-4)) return { seasonal: 'none', figure: new Float64Array(0), x: y };
  const x = new Float64Array(n);
  for (let t = 0; t < n; t++) x[t] = seasonal === 'multiplicative' ? y[t] / figure[t % m] : y[t] - figure[t % m];
  return { seasonal, figure, x };
}

/** Put the season back into values at positions from, from+1, ... (in place), sds scaled when multiplicative. */
function reseasonalise(adj: Pick<SeasonalAdjustment, 'seasonal' | 'figure'>, v: Float64Array, from: number, sd?: Float64Array): void {
  const m = adj.figure.length;
  if (adj.seasonal === 'none' || m === 0) return;
  for (let j = 0; j < v.length; j++) {
    const s = adj.figure[(from + j) % m];
    if (adj.seasonal === 'multiplicative') {
      v[j] *= s;
      if (sd) sd[j] *= s;
    } else {
      v[j] += s;
    }
  }
}

/** The classical season of an input: the shortest whole cycle of 2..24 observations (module comment). */
export function classicalSeason(input: Pick<SeriesInput, 'season' | 'cycles'>): number {
  const cycles = input.cycles ?? [input.season];
  let m = Infinity;
  for (const c of cycles) if (Number.isInteger(c) && c >= 2 && c <= 24 && c < m) m = c;
  return Number.isFinite(m) ? m : 1;
}

/** Fitted state of a seasonally adjusted model. */
export interface SeasonallyAdjustedState extends FittedState {
  readonly seasonal: SeasonalAdjustment['seasonal'];
  readonly figure: number[];
  readonly inner: FittedState;
}

/** Prefix of a seasonally adjusted model's name (`sa:ses`). */
export const SEASONALLY_ADJUSTED_PREFIX = 'sa:';

/**
 * The seasonally adjusted twin of a model without a season (module comment), named `sa:<name>`.
 * @throws when the inner model uses regressors.
 */
export function seasonallyAdjusted(inner: Model): Model<SeasonallyAdjustedState> {
  if (inner.usesRegressors) throw new Error(`seasonallyAdjusted: ${inner.name} uses regressors`);
  const name = `${SEASONALLY_ADJUSTED_PREFIX}${inner.name}`;
  // the input the inner model sees: the series adjusted by a fitted state's figure, no season
  const innerInput = (input: SeriesInput, state: Pick<SeasonallyAdjustedState, 'seasonal' | 'figure'>): SeriesInput => {
    const m = state.figure.length;
    const y = state.seasonal === 'none' ? input.y : Float64Array.from(input.y, (v, t) => (state.seasonal === 'multiplicative' ? v / state.figure[t % m] : v - state.figure[t % m]));
    return { ...input, y, cycles: [], season: 1 };
  };
  const withSeason = (state: SeasonallyAdjustedState) => ({ seasonal: state.seasonal, figure: Float64Array.from(state.figure) });
  return {
    name,
    minLength: inner.minLength,
    intermittent: inner.intermittent,
    usesRegressors: false,
    fit: (input) => {
      if (!(input.y.length >= inner.minLength)) throw new Error(`${name}.fit needs at least ${inner.minLength} observations, got ${input.y.length}`);
      const adj = seasonalAdjustment(input.y, classicalSeason(input));
      const state = inner.fit({ ...input, y: adj.x, cycles: [], season: 1 });
      return { model: name, n: state.n, sigma: state.sigma, seasonal: adj.seasonal, figure: Array.from(adj.figure), inner: state };
    },
    forecast: (state, h, input): PointForecast => {
      const f = inner.forecast(state.inner, h, innerInput(input, state));
      const mean = Float64Array.from(f.mean);
      const sd = Float64Array.from(f.sd);
      reseasonalise(withSeason(state), mean, state.n, sd);
      return { mean, sd };
    },
    fittedValues: (state, input) => {
      const out = Float64Array.from(inner.fittedValues(state.inner, innerInput(input, state)));
      reseasonalise(withSeason(state), out, 0);
      return out;
    },
  };
}
