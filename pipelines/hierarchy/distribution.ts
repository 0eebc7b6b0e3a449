/**
 * The forecast distribution of one node (a bottom series or an aggregate) from its own backtest
 * errors: intervals by the conformal rules of pipelines/forecast/intervals.ts and quantiles by
 * its `forecastQuantiles` (negative binomial for count data), applied to the errors of the
 * forecast actually published at each backtest origin (after reconciliation, when there is
 * one), shaped by the node's own model sd. An aggregate's
 * interval therefore comes from the aggregate's errors, never from a sum of item intervals,
 * widened by the level uncertainty its backtest's few weeks cannot see (level-shift.ts, from the
 * aggregate's own history over a year; intervals.ts step 4b).
 *
 * Only the windows that open after the node had a history count (its trace has an RMSSE scale
 * there): a window before a new item's first sales pits the forecast of nothing against its
 * launch, an error of its arrival, not of its forecast now. Without such a window the
 * distribution is the final fit's own (intervals.ts, no errors), as a short series' own is.
 */
import { leadTimeSd } from '../forecast/forecast-series.js';
import { conformalIntervals, forecastQuantiles, publishIntervals } from '../forecast/intervals.js';
import { levelSdPath } from './level-shift.js';
import type { BacktestTrace } from './trace.js';

/** A published forecast with its intervals and quantiles. */
export interface NodeDistribution {
  /** Point forecast per horizon day (>= 0). */
  mean: number[];
  /** Interval bounds keyed by level (`'80'`, `'95'`). */
  lo: Record<string, number[]>;
  hi: Record<string, number[]>;
  /** One array of horizon values per probability, in the order asked (monotone, >= 0). */
  quantiles: number[][];
}

/**
 * Intervals and quantiles of a node.
 *
 * @param trace The node's backtest trace (actuals, its model's sds, discreteness, grid).
 * @param forecasts The forecast published at each origin (the trace's own, or reconciled), H values each.
 * @param mean The published point forecast, h values.
 * @param levels Interval levels in percent.
 * @param probabilities Quantile probabilities, ascending ([] for none).
 * @param aggregate An aggregate node: its level uncertainty (the trace's `levelSd`, level-shift.ts)
 *   widens its intervals and quantiles (intervals.ts step 4b); a bottom series' are its backtest's alone.
 * @throws when the shapes do not match the trace.
 */
export function nodeDistribution(
  trace: BacktestTrace,
  forecasts: readonly ArrayLike<number>[],
  mean: ArrayLike<number>,
  levels: readonly number[],
  probabilities: readonly number[],
  aggregate = false,
): NodeDistribution {
  const input = { ...conformalInput(trace, forecasts, mean), levelSd: aggregate ? levelSdPath(trace.levelSd, trace.sd.length) : null };
  const published = publishIntervals(mean, conformalIntervals({ ...input, levels }), levels);
  const quantiles = probabilities.length ? forecastQuantiles(input, probabilities) : [];
  return { ...published, quantiles };
}

/**
 * Sd of the L-day demand-sum error of a node's published forecast (forecast-series.ts
 * `leadTimeSd`, on the errors of `forecasts`), for replenishment after reconciliation.
 */
export function nodeLeadTimeSd(trace: BacktestTrace, forecasts: readonly ArrayLike<number>[], h: number): number[] {
  const input = conformalInput(trace, forecasts, new Float64Array(trace.sd.length));
  const splits = historyWindows(trace).map((k) => ({ fitStart: 0, origin: trace.origins[k], end: trace.origins[k] + trace.horizon }));
  return leadTimeSd({ actuals: input.actuals, horizon: trace.horizon, splits }, { forecasts: input.forecasts }, trace.sd, h);
}

function conformalInput(trace: BacktestTrace, forecasts: readonly ArrayLike<number>[], mean: ArrayLike<number>) {
  const K = trace.origins.length;
  if (forecasts.length !== K) throw new Error(`nodeDistribution needs a forecast for each of the trace's ${K} origins, got ${forecasts.length}`);
  if (mean.length !== trace.sd.length) throw new Error(`nodeDistribution needs ${trace.sd.length} forecast days, got ${mean.length}`);
  const use = historyWindows(trace);
  const actuals = use.map((k) => Float64Array.from(trace.actuals[k]));
  const f = use.map((k) => Float64Array.from(forecasts[k]));
  const sds = use.map((k) => Float64Array.from(trace.sds[k]));
  const n = use.length;
  const distinctDays = n > 0 ? trace.origins[use[n - 1]] + trace.horizon - trace.origins[use[0]] : 0;
  return { actuals, forecasts: f, sds, mean, sd: trace.sd, discrete: trace.discrete, distinctDays, tail: trace.tail };
}

/** Indices of the trace's windows that open after the node had a history (an RMSSE scale: module comment). */
function historyWindows(trace: BacktestTrace): number[] {
  const out: number[] = [];
  trace.origins.forEach((_, k) => {
    if (trace.scales[k] !== null) out.push(k);
  });
  return out;
}
