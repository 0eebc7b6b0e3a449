/**
 * ADIDA (aggregate-disaggregate intermittent demand approach): sum the demand in non-overlapping
 * buckets of k periods, k = the mean inter-demand interval rounded to the nearest integer (halves to
 * even, as R's and Python's `round`), forecast the bucket totals by SES and spread the forecast total
 * evenly: every future period gets (smoothed total) / k. Aggregation removes most zeros, so SES works on
 * a smoother series. Bucketing, SES on the totals and k follow statsforecast's `ADIDA` (Nixtla); see
 * temporal-aggregation.ts.
 *
 * Fitted value of a period: the smoothed total available when its bucket started, / k (NaN in the
 * n mod k oldest periods that no bucket covers). Forecast sd (documented approximation): sigma, the RMS of
 * the daily one-step errors after the first bucket, at every step.
 *
 * Source: K. Nikolopoulos, A. A. Syntetos, J. E. Boylan, F. Petropoulos & V. Assimakopoulos, "An
 * aggregate-disaggregate intermittent demand approach (ADIDA) to forecasting: an empirical proposition
 * and analysis", *Journal of the Operational Research Society* 62(3) (2011) 544-554.
 */
import { checkHorizon, checkNonNegative, checkSeries } from './check-input.js';
import { addAggregateFitted, aggregateSigma, fitAggregateLevel, meanInterDemandInterval, roundHalfEven } from './temporal-aggregation.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

/** Fitted state of `adida`. */
export interface AdidaState extends FittedState {
  readonly model: 'adida';
  /** Aggregation level (bucket length). */
  readonly k: number;
  /** First period of the first bucket. */
  readonly start: number;
  readonly alpha: number;
  readonly level0: number;
  /** Smoothed bucket total. */
  readonly level: number;
}

function fit(input: SeriesInput): AdidaState {
  const { y } = input;
  checkSeries('adida.fit', y, 1);
  checkNonNegative('adida.fit', y);
  const mean = meanInterDemandInterval(y);
  const k = Math.max(1, Math.min(y.length, roundHalfEven(mean)));
  const level = fitAggregateLevel(y, k);
  const fitted = new Float64Array(y.length);
  addAggregateFitted(y, level, fitted, 1);
  const buckets = (y.length - level.start) / k;
  const sigma = aggregateSigma(y, fitted, buckets > 1 ? level.start + k : level.start, 1);
  return { model: 'adida', n: y.length, sigma, k, start: level.start, alpha: level.alpha, level0: level.level0, level: level.level };
}

function forecast(state: AdidaState, h: number): PointForecast {
  checkHorizon('adida.forecast', h);
  return { mean: new Float64Array(h).fill(state.level / state.k), sd: new Float64Array(h).fill(state.sigma) };
}

function fittedValues(state: AdidaState, input: SeriesInput): Float64Array {
  const out = new Float64Array(input.y.length);
  addAggregateFitted(input.y, state, out, 1);
  for (let t = 0; t < state.start; t++) out[t] = NaN;
  return out;
}

/** ADIDA with SES on the aggregated series. */
export const adida: Model<AdidaState> = {
  name: 'adida',
  minLength: 1,
  intermittent: true,
  usesRegressors: false,
  fit,
  forecast,
  fittedValues,
};
