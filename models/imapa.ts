/**
 * IMAPA (intermittent multiple aggregation prediction algorithm): the mean of the ADIDA forecasts at
 * every aggregation level k = 1..K, K = the mean inter-demand interval rounded to the nearest integer
 * (halves to even), at most IMAPA_MAX_LEVEL = 28 (a cost cap; see below). Combining levels hedges against choosing a single wrong level. Levels, bucketing and
 * SES on the totals follow statsforecast's `IMAPA` (Nixtla); see temporal-aggregation.ts.
 *
 * Fitted value of a period: the mean over levels of each level's per-period fitted value (NaN until
 * every level has a bucket). Forecast sd (documented approximation): sigma, the RMS of the daily
 * one-step errors after every level's first bucket, at every step.
 *
 * Source: F. Petropoulos & N. Kourentzes, "Forecast combinations for intermittent demand", *Journal of
 * the Operational Research Society* 66(6) (2015) 914-924.
 */
import { checkHorizon, checkNonNegative, checkSeries } from './check-input.js';
import {
  addAggregateFitted,
  aggregateSigma,
  fitAggregateLevel,
  meanInterDemandInterval,
  roundHalfEven,
  type AggregateLevel,
} from './temporal-aggregation.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

/**
 * Highest aggregation level used: a series with two sales 900 days apart has K = 450, and every level
 * costs O(n) (fitted values O(n) per level too), so levels stop at 28 periods (4 weeks of daily
 * data); longer buckets hold too few totals for SES on the usual histories anyway.
 */
export const IMAPA_MAX_LEVEL = 28;

/** Fitted state of `imapa`. */
export interface ImapaState extends FittedState {
  readonly model: 'imapa';
  /** One fitted SES per aggregation level 1..K. */
  readonly levels: AggregateLevel[];
}

function combinedFitted(y: Float64Array, levels: readonly AggregateLevel[]): { fitted: Float64Array; firstFull: number; firstScored: number } {
  const fitted = new Float64Array(y.length);
  let firstFull = 0;
  let firstScored = 0;
  for (const lv of levels) {
    addAggregateFitted(y, lv, fitted, 1 / levels.length);
    firstFull = Math.max(firstFull, lv.start);
    firstScored = Math.max(firstScored, lv.start + lv.k);
  }
  for (let t = 0; t < firstFull; t++) fitted[t] = NaN;
  return { fitted, firstFull, firstScored: firstScored < y.length ? firstScored : firstFull };
}

function fit(input: SeriesInput): ImapaState {
  const { y } = input;
  checkSeries('imapa.fit', y, 1);
  checkNonNegative('imapa.fit', y);
  const K = Math.max(1, Math.min(y.length, IMAPA_MAX_LEVEL, roundHalfEven(meanInterDemandInterval(y))));
  const levels: AggregateLevel[] = [];
  for (let k = 1; k <= K; k++) levels.push(fitAggregateLevel(y, k));
  const { fitted, firstScored } = combinedFitted(y, levels);
  return { model: 'imapa', n: y.length, sigma: aggregateSigma(y, fitted, firstScored, 1), levels };
}

function forecast(state: ImapaState, h: number): PointForecast {
  checkHorizon('imapa.forecast', h);
  let sum = 0;
  for (const lv of state.levels) sum += lv.level / lv.k;
  return { mean: new Float64Array(h).fill(sum / state.levels.length), sd: new Float64Array(h).fill(state.sigma) };
}

function fittedValues(state: ImapaState, input: SeriesInput): Float64Array {
  return combinedFitted(input.y, state.levels).fitted;
}

/** IMAPA: mean of SES forecasts over aggregation levels 1..K. */
export const imapa: Model<ImapaState> = {
  name: 'imapa',
  minLength: 1,
  intermittent: true,
  usesRegressors: false,
  fit,
  forecast,
  fittedValues,
};
