/**
 * The Theta method (standard theta = 2 line combined with the linear trend), in the form shown by
 * Hyndman & Billah to be SES with drift, exactly as R's `forecast::thetaf`:
 * 1. Seasonality test (m > 1, n > 2m, series not constant): with r_k the sample autocorrelations,
 *    seasonal when |r_m| / sqrt((1 + 2 sum_{k<m} r_k^2) / n) > qnorm(0.95).
 * 2. If seasonal, classical decomposition (decompose.ts) and seasonal adjustment: multiplicative as
 *    thetaf when every observation is positive; additive otherwise (daily retail demand has zero days,
 *    where multiplicative indices are undefined: a documented departure from thetaf, which would fall back
 *    to no adjustment). A multiplicative index below 1e-4 also means no adjustment (as thetaf).
 * 3. SES (models/ses.ts: alpha and l[0] by least squares, = R `ses(x)`) on the adjusted series x, and
 *    b = the least-squares slope of x on t = 0..n-1.
 * 4. Forecast: l[n] + (b / 2) (h - 1 + (1 - (1 - alpha)^n) / alpha), re-seasonalised with the last
 *    season's indices; fitted values are the SES fitted values re-seasonalised.
 * Forecast sd: sigma sqrt(1 + alpha^2 (h - 1)), sigma being the SES sigma of the adjusted series (as
 * thetaf: the SES variance formula, not re-seasonalised).
 *
 * Cycles (`input.cycles`, models/types.ts): the shortest whole cycle of at most 24 observations is the
 * classical season m of steps 1-2 (as thetaf; 7 for daily, 12 for monthly data); every other cycle
 * (fractional or longer: the year of 52.18 weeks or 365.25 days) is removed first, additively, by a
 * Fourier season with a linear trend and K chosen by AICc (fourier.ts), when the series holds two of
 * it; the forecast adds it back. When the fit window is shorter than two such cycles but the history
 * before it (`input.before`) completes them (daily data: windows of one or two years, a yearly
 * cycle), the cycle is fitted on the last LONG_CYCLE_SPAN = 3 cycles of history summed into classical
 * seasons (weeks), so the weekly cycle does not disturb it (fourier.ts `fitBucketedSeason`). Without `cycles` the season is `input.season`, as thetaf.
 *
 * Source: V. Assimakopoulos & K. Nikolopoulos, "The theta model: a decomposition approach to
 * forecasting", *IJF* 16(4) (2000) 521-530; R. J. Hyndman & B. Billah, "Unmasking the Theta method",
 * *IJF* 19(2) (2003) 287-290; R `forecast::thetaf` (Hyndman, forecast 8.20).
 */
import { checkHorizon, checkSeason, checkSeries, residualSd } from './check-input.js';
import { fitBucketedSeason, fitFourierSeason, fourierAt, type FourierSeason } from './fourier.js';
import { fitSes, sesFilter, sesForecastSd } from './ses.js';
import { seasonalAdjustment } from './seasonally-adjusted.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

export { isSeasonal } from './seasonally-adjusted.js';

/** Fitted state of `theta`. */
export interface ThetaState extends FittedState {
  readonly model: 'theta';
  /** `'none'`, or the kind of seasonal adjustment applied. */
  readonly seasonal: 'none' | 'multiplicative' | 'additive';
  /** Seasonal index per position t mod m (empty when not seasonal). */
  readonly figure: number[];
  readonly alpha: number;
  readonly level0: number;
  /** Final SES level of the adjusted series. */
  readonly level: number;
  /** Half the least-squares slope of the adjusted series. */
  readonly drift: number;
  /** Fourier seasons removed before the rest (long or fractional cycles); empty when none. */
  readonly fourier: FourierSeason[];
}

/** A long cycle fitted on more than the window is fitted on at most this many cycles of history. */
export const LONG_CYCLE_SPAN = 3;

/** Longest cycle treated as a classical season (thetaf's decomposition); longer ones get Fourier terms. */
export const THETA_MAX_CLASSICAL = 24;

/** The classical season and the Fourier cycles of an input (file comment). */
export function splitCycles(cycles: readonly number[], maxClassical: number): { m: number; fourier: number[] } {
  const whole = cycles.filter((c) => Number.isInteger(c) && c >= 2 && c <= maxClassical);
  let m = whole.length ? Infinity : 1;
  for (const c of whole) if (c < m) m = c;
  return { m, fourier: cycles.filter((c) => c !== m && c > 2) };
}

/** Options of {@link fitTheta}. */
export interface ThetaOptions {
  /** Seasonal adjustment: `'auto'` (the test, then the type rule above) or forced. @defaultValue 'auto' */
  readonly seasonal?: 'auto' | 'none' | 'multiplicative' | 'additive';
  /** Fixed SES alpha (for comparisons at another fit's parameter); optimised when absent. */
  readonly alpha?: number;
  /** Cycles removed by Fourier seasons first (file comment). @defaultValue [] */
  readonly fourier?: readonly number[];
  /** History before y, for a Fourier cycle longer than half of y (file comment). */
  readonly before?: Float64Array;
}

/**
 * Fit the Theta method.
 *
 * @param y observations (length >= 3).
 * @param m season length (1 = none).
 * @throws when y is shorter than 3 or not finite, or m is not a positive integer.
 */
export function fitTheta(y: Float64Array, m: number, options: ThetaOptions = {}): ThetaState {
  checkSeries('theta.fit', y, 3);
  checkSeason('theta.fit', m);
  const n = y.length;
  const fourier: FourierSeason[] = [];
  for (const period of options.fourier ?? []) {
    let f: FourierSeason;
    if (n >= 2 * period) f = fitFourierSeason(y, period);
    else if (options.before && m >= 2) f = fitBucketedSeason(options.before, y, period, m, Math.ceil(LONG_CYCLE_SPAN * period));
    else continue;
    if (f.harmonics === 0) continue;
    if (fourier.length === 0) y = Float64Array.from(y);
    for (let t = 0; t < n; t++) y[t] -= fourierAt(f, t);
    fourier.push(f);
  }
  const adj = seasonalAdjustment(y, m, options.seasonal ?? 'auto');
  const { seasonal, figure, x } = adj;
  const ses = fitSes(x, options.alpha === undefined ? {} : { alpha: options.alpha });
  // least-squares slope of x on 0..n-1
  const tMean = (n - 1) / 2;
  let xMean = 0;
  for (let t = 0; t < n; t++) xMean += x[t];
  xMean /= n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - tMean) * (x[t] - xMean);
    sxx += (t - tMean) * (t - tMean);
  }
  const drift = sxy / sxx / 2;
  return {
    model: 'theta',
    n,
    sigma: residualSd(ses.sse, n, 2),
    seasonal,
    figure: Array.from(figure),
    alpha: ses.alpha,
    level0: ses.level0,
    level: ses.level,
    drift,
    fourier,
  };
}

/** Sum of the Fourier seasons at index t. */
function fourierSum(fourier: readonly FourierSeason[] | undefined, t: number): number {
  let v = 0;
  if (fourier) for (const f of fourier) v += fourierAt(f, t);
  return v;
}

function forecast(state: ThetaState, h: number): PointForecast {
  checkHorizon('theta.forecast', h);
  const { n, alpha, level, drift, seasonal, figure } = state;
  const a = Math.max(1e-10, alpha);
  const tail = (1 - Math.pow(1 - a, n)) / a;
  const mean = new Float64Array(h);
  const m = figure.length;
  for (let j = 0; j < h; j++) {
    let v = level + drift * (j + tail);
    if (seasonal === 'multiplicative') v *= figure[(n + j) % m];
    else if (seasonal === 'additive') v += figure[(n + j) % m];
    mean[j] = v + fourierSum(state.fourier, n + j);
  }
  return { mean, sd: sesForecastSd(state.sigma, alpha, h) };
}

function fittedValues(state: ThetaState, input: SeriesInput): Float64Array {
  const n = input.y.length;
  const { seasonal, figure } = state;
  const m = figure.length;
  const fourier = state.fourier ?? [];
  let y = input.y;
  if (fourier.length) {
    y = Float64Array.from(y);
    for (let t = 0; t < n; t++) y[t] -= fourierSum(fourier, t);
  }
  let x = y;
  if (seasonal !== 'none') {
    x = new Float64Array(n);
    for (let t = 0; t < n; t++) x[t] = seasonal === 'multiplicative' ? y[t] / figure[t % m] : y[t] - figure[t % m];
  }
  const out = new Float64Array(n);
  sesFilter(x, state.alpha, state.level0, out);
  if (seasonal === 'multiplicative') for (let t = 0; t < n; t++) out[t] *= figure[t % m];
  else if (seasonal === 'additive') for (let t = 0; t < n; t++) out[t] += figure[t % m];
  if (fourier.length) for (let t = 0; t < n; t++) out[t] += fourierSum(fourier, t);
  return out;
}

/** The Theta method (SES with drift) with thetaf's seasonal adjustment. */
export const theta: Model<ThetaState> = {
  name: 'theta',
  minLength: 3,
  intermittent: false,
  usesRegressors: false,
  fit: (input) => {
    if (!input.cycles) return fitTheta(input.y, input.season);
    const { m, fourier } = splitCycles(input.cycles, THETA_MAX_CLASSICAL);
    return fitTheta(input.y, m, { fourier, before: input.before });
  },
  forecast,
  fittedValues,
};
