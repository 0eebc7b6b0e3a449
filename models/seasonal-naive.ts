/**
 * Seasonal naive forecast: each future value equals the last observed value of the same
 * season (the same weekday, for daily data with season 7).
 *
 * Source: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), §5.2;
 * forecast standard deviation sigma·sqrt(floor((h-1)/m) + 1), §5.5 Table 5.2.
 */
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

export interface SeasonalNaiveState extends FittedState {
  readonly model: 'snaive';
  readonly season: number;
  /** The last `season` observations, oldest first. */
  readonly lastSeason: number[];
}

function fit(input: SeriesInput): SeasonalNaiveState {
  const { y, season } = input;
  if (!Number.isInteger(season) || season < 1) throw new Error(`snaive.fit needs a positive integer season, got ${season}`);
  if (y.length < season) throw new Error(`snaive.fit needs at least one full season (${season} observations), got ${y.length}`);
  let ss = 0;
  for (let t = season; t < y.length; t++) {
    const e = y[t] - y[t - season];
    ss += e * e;
  }
  const m = y.length - season;
  const sigma = m > 0 ? Math.sqrt(ss / m) : 0;
  return { model: 'snaive', n: y.length, sigma, season, lastSeason: Array.from(y.subarray(y.length - season)) };
}

function forecast(state: SeasonalNaiveState, h: number): PointForecast {
  const { season, lastSeason } = state;
  const mean = new Float64Array(h);
  const sd = new Float64Array(h);
  for (let i = 0; i < h; i++) {
    mean[i] = lastSeason[i % season];
    sd[i] = state.sigma * Math.sqrt(Math.floor(i / season) + 1);
  }
  return { mean, sd };
}

function fittedValues(state: SeasonalNaiveState, input: SeriesInput): Float64Array {
  const { y } = input;
  const out = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) out[t] = t >= state.season ? y[t - state.season] : NaN;
  return out;
}

/** The seasonal naive method: last observed season repeated. */
export const seasonalNaive: Model<SeasonalNaiveState> = {
  name: 'snaive',
  minLength: 7,
  intermittent: false,
  usesRegressors: false,
  fit,
  forecast,
  fittedValues,
};
