/**
 * Naive forecast: every future value equals the last observation.
 *
 * Source: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), §5.2
 * "Some simple forecasting methods"; forecast standard deviation sigma·sqrt(h), §5.5 Table 5.2.
 */
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

export interface NaiveState extends FittedState {
  readonly model: 'naive';
  readonly last: number;
}

/** One-step in-sample errors y[t] - y[t-1]; sigma is their root mean square (no mean correction). */
function fit(input: SeriesInput): NaiveState {
  const { y } = input;
  if (y.length < 1) throw new Error(`naive.fit needs at least 1 observation, got ${y.length}`);
  let ss = 0;
  for (let t = 1; t < y.length; t++) {
    const e = y[t] - y[t - 1];
    ss += e * e;
  }
  const sigma = y.length > 1 ? Math.sqrt(ss / (y.length - 1)) : 0;
  return { model: 'naive', n: y.length, sigma, last: y[y.length - 1] };
}

function forecast(state: NaiveState, h: number): PointForecast {
  const mean = new Float64Array(h).fill(state.last);
  const sd = new Float64Array(h);
  for (let i = 0; i < h; i++) sd[i] = state.sigma * Math.sqrt(i + 1);
  return { mean, sd };
}

function fittedValues(_state: NaiveState, input: SeriesInput): Float64Array {
  const { y } = input;
  const out = new Float64Array(y.length);
  out[0] = NaN;
  for (let t = 1; t < y.length; t++) out[t] = y[t - 1];
  return out;
}

/** The naive method: last observation carried forward. */
export const naive: Model<NaiveState> = {
  name: 'naive',
  minLength: 1,
  intermittent: false,
  usesRegressors: false,
  fit,
  forecast,
  fittedValues,
};
