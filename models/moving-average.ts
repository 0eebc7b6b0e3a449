/**
 * Trailing moving average: the forecast of every future day is the mean of the last w observations.
 *
 * The window w is chosen per series from MOVING_AVERAGE_WINDOWS of the series' frequency (daily
 * {7, 14, 28, 56} days, one to eight weeks; weekly {2, 4, 8, 13} weeks, up to a quarter; monthly
 * {2, 3, 6, 12} months, up to a year; those shorter than the series) by the
 * in-sample one-step mean squared error, every candidate scored on the same days t >= (largest
 * candidate window) so that the comparison is fair. A series shorter than 8 observations uses w = n - 1.
 *
 * Forecast sd (documented approximation): sigma for every step, sigma being the root mean square of the
 * chosen window's one-step errors. Under the model the moving average assumes (locally constant mean,
 * i.i.d. noise) the h-step error of a flat mean forecast has the same variance, sigma^2 (1 + 1/w), at
 * every horizon, which is what the one-step errors estimate (FPP3 §5.2 "average method", §5.5 Table 5.2).
 *
 * Source: R. G. Brown, *Statistical Forecasting for Inventory Control* (1959), ch. 7; Hyndman &
 * Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), §3.3 and §5.2; Silver, Pyke &
 * Thomas, *Inventory and Production Management in Supply Chains* (4th ed., 2017), §4.5.
 */
import { checkHorizon, checkSeries, residualSd } from './check-input.js';
import type { Frequency } from '../pipelines/periods.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

/** Candidate windows per frequency, in periods. */
export const MOVING_AVERAGE_WINDOWS: Readonly<Record<Frequency, readonly number[]>> = {
  day: [7, 14, 28, 56],
  week: [2, 4, 8, 13],
  month: [2, 3, 6, 12],
};

/** Fitted state of the `moving-average` model. */
export interface MovingAverageState extends FittedState {
  readonly model: 'moving-average';
  /** Chosen window, in observations. */
  readonly window: number;
  /** Mean of the last `window` observations: the forecast. */
  readonly level: number;
}

/**
 * Sum of squared one-step errors of a trailing mean of `window` observations, over t in [from, n).
 * One pass with a running sum, no allocation.
 *
 * @param y observations.
 * @param window window length (1 <= window <= from).
 * @param from first index scored (>= window).
 */
export function movingAverageSse(y: Float64Array, window: number, from: number): number {
  let sum = 0;
  for (let t = from - window; t < from; t++) sum += y[t];
  let sse = 0;
  for (let t = from; t < y.length; t++) {
    const e = y[t] - sum / window;
    sse += e * e;
    sum += y[t] - y[t - window];
  }
  return sse;
}

function fit(input: SeriesInput): MovingAverageState {
  const { y } = input;
  checkSeries('moving-average.fit', y, 2);
  const n = y.length;
  const candidates = MOVING_AVERAGE_WINDOWS[input.frequency ?? 'day'].filter((w) => w < n);
  let window = n - 1;
  if (candidates.length > 0) {
    const from = candidates[candidates.length - 1];
    let best = Infinity;
    for (const w of candidates) {
      const sse = movingAverageSse(y, w, from);
      if (sse < best) {
        best = sse;
        window = w;
      }
    }
  }
  const sse = movingAverageSse(y, window, window);
  let sum = 0;
  for (let t = n - window; t < n; t++) sum += y[t];
  return { model: 'moving-average', n, sigma: residualSd(sse, n - window, 0), window, level: sum / window };
}

function forecast(state: MovingAverageState, h: number): PointForecast {
  checkHorizon('moving-average.forecast', h);
  return { mean: new Float64Array(h).fill(state.level), sd: new Float64Array(h).fill(state.sigma) };
}

function fittedValues(state: MovingAverageState, input: SeriesInput): Float64Array {
  const { y } = input;
  const w = state.window;
  const out = new Float64Array(y.length).fill(NaN);
  let sum = 0;
  for (let t = 0; t < y.length; t++) {
    if (t >= w) out[t] = sum / w;
    sum += y[t];
    if (t >= w) sum -= y[t - w];
  }
  return out;
}

/** Trailing moving average with the window chosen by in-sample one-step MSE. */
export const movingAverage: Model<MovingAverageState> = {
  name: 'moving-average',
  minLength: 2,
  intermittent: false,
  usesRegressors: false,
  fit,
  forecast,
  fittedValues,
};
