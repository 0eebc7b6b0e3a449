/**
 * Rolling-origin backtest, written once against the model contract (models/types.ts).
 *
 * Splits (for a series of n days, K = `origins`, s = `step`, h = `horizon`):
 * - the backtest horizon is hb = min(h, n - minTrain - (K-1)·s); when hb is shorter than
 *   min(h, shortestHorizon) (the season, 7, for daily data: pipelines/forecast/forecast-settings.ts), K is
 *   reduced one origin at a time until it is not; with no such K the series is too short to
 *   backtest (no splits);
 * - origin i (i = K-1 ... 0, oldest first) is o_i = n - hb - i·s: the model is fitted on
 *   [fitStart, o_i) and scored on [o_i, o_i + hb); the newest window ends on the last day;
 * - fitStart = max(0, o_i - maxHistory) when maxHistory > 0 (a capped recent window, which is
 *   what keeps the backtest within its time budget), else 0;
 * - a stale run forecasts h = lead + published horizon and publishes the last part only: its
 *   windows are scored from step `scoreFrom` on (the published window), when they are longer.
 *
 * Every model is refitted at every origin (parameters are estimated on the data before the
 * origin only). The RMSSE scale of origin i comes from the whole history before o_i (M5
 * definition, from the first sale), not just the capped window. Forecasts are clipped at 0
 * before scoring, as they are when published. Regressors are sliced to the split; a `price`
 * regressor is held at its last training value over the test window, as it is in production
 * where future prices are unknown. A model that throws, or returns a non-finite mean or sd, at
 * any origin is dropped for the series.
 *
 * Source: Tashman, L.J. (2000), "Out-of-sample tests of forecasting accuracy: an analysis and
 * review", International Journal of Forecasting 16(4), 437-450 (rolling-origin evaluation);
 * Hyndman & Athanasopoulos, FPP3 §5.10 (time series cross-validation).
 */
import type { Model, Regressors, SeriesInput } from '../../models/types.js';
import { rmsseScale } from './metrics.js';
import { mean } from '../stats.js';

/** Backtest settings. */
export interface BacktestOptions {
  /** Origins requested (K). */
  readonly origins: number;
  /** Periods between consecutive origins (s). */
  readonly step: number;
  /** Forecast horizon in periods (h). */
  readonly horizon: number;
  /** Fit on at most this many periods before each origin; 0 = all. */
  readonly maxHistory: number;
  /** Shortest training history (periods before the oldest origin). */
  readonly minTrain: number;
  /** Shortest backtest horizon accepted when the series is short: min(horizon, this) (periods). */
  readonly shortestHorizon: number;
  /**
   * Steps of each window left out of the scores: a stale run's lead (pipelines/run/staleness.ts),
   * whose forecasts are published only from step `scoreFrom + 1` on, so models are chosen and
   * scored on the window that is published. Ignored when a window is not longer than it.
   * @defaultValue 0
   */
  readonly scoreFrom?: number;
}

/** One rolling-origin split: fit on [fitStart, origin), score on [origin, end). */
export interface BacktestSplit {
  readonly fitStart: number;
  readonly origin: number;
  readonly end: number;
}

/** One model's backtest at every origin. */
export interface ModelRun {
  readonly model: string;
  /** Point forecasts per origin (clipped at 0), each of length hb. */
  readonly forecasts: Float64Array[];
  /** The model's own forecast standard deviation per origin and step. */
  readonly sds: Float64Array[];
  /** Score per origin: RMSSE, or RMSE where the origin's scale is 0 (see `scaled`). */
  readonly scores: number[];
  /** Mean of `scores`. */
  readonly meanScore: number;
}

/** Result of {@link runBacktest}. */
export interface BacktestResult {
  readonly splits: BacktestSplit[];
  /** Backtest horizon hb (days scored per origin). */
  readonly horizon: number;
  /** Actual values per origin (views into y). */
  readonly actuals: Float64Array[];
  /** RMSSE scale per origin (NaN when undefined). */
  readonly scales: number[];
  /** True when every origin has a positive RMSSE scale, so scores are RMSSEs. */
  readonly scaled: boolean;
  /** Models that ran at every origin, in the order given. */
  readonly runs: ModelRun[];
  /** Why each dropped model was dropped. */
  readonly failed: Record<string, string>;
  /** First step of each window that the scores count ({@link BacktestOptions.scoreFrom}); absent: 0. */
  readonly scoredFrom?: number;
}

/**
 * The score of a forecast at origin `o` over the scored steps of its window (all of it, or from
 * `scoredFrom` on in a stale run).
 */
export function scoreAt(bt: Pick<BacktestResult, 'actuals' | 'scales' | 'scaled' | 'scoredFrom'>, o: number, forecast: Float64Array): number {
  const from = bt.scoredFrom ?? 0;
  const scale = bt.scaled ? bt.scales[o] : 1;
  return from === 0 ? score(bt.actuals[o], forecast, scale) : score(bt.actuals[o].subarray(from), forecast.subarray(from), scale);
}

/**
 * The rolling-origin splits for a series of n days (rule in the module comment).
 *
 * @param n Series length in days.
 * @param opts Backtest settings.
 * @returns the splits, oldest origin first; empty when the series is too short.
 * @throws when a setting is not a positive integer (maxHistory may be 0).
 */
export function backtestSplits(n: number, opts: BacktestOptions): BacktestSplit[] {
  const { origins, step, horizon, maxHistory, minTrain, shortestHorizon } = opts;
  for (const [k, v] of [['origins', origins], ['step', step], ['horizon', horizon], ['minTrain', minTrain], ['shortestHorizon', shortestHorizon]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`backtestSplits needs a positive integer ${k}, got ${v}`);
  }
  if (!Number.isInteger(maxHistory) || maxHistory < 0) throw new Error(`backtestSplits needs maxHistory >= 0, got ${maxHistory}`);
  const shortest = Math.min(horizon, shortestHorizon);
  for (let k = origins; k >= 1; k--) {
    const hb = Math.min(horizon, n - minTrain - (k - 1) * step);
    if (hb < shortest) continue;
    const out: BacktestSplit[] = [];
    for (let i = k - 1; i >= 0; i--) {
      const origin = n - hb - i * step;
      out.push({ fitStart: maxHistory > 0 ? Math.max(0, origin - maxHistory) : 0, origin, end: origin + hb });
    }
    return out;
  }
  return [];
}

/**
 * The input a model sees at one split: y[fitStart, origin), the observations before it as
 * `before` (y[0, fitStart)), regressors over [fitStart, end), with `price` held at its last
 * training value over the test window.
 *
 * @param input The whole series input (regressors cover at least [0, split.end)).
 * @param split The split.
 */
export function splitInput(input: SeriesInput, split: BacktestSplit): SeriesInput {
  const { fitStart, origin, end } = split;
  // the weekday of y[0] moves with the window only for daily data
  const firstDow = (input.frequency ?? 'day') === 'day' ? (input.firstDow + fitStart) % 7 : input.firstDow;
  let regressors: Regressors | undefined;
  if (input.regressors) {
    const { names, values } = input.regressors;
    regressors = {
      names,
      values: values.map((v, j) => {
        if (names[j] !== 'price' || origin < 1) return v.subarray(fitStart, end);
        const p = v.slice(fitStart, end);
        const held = v[origin - 1];
        for (let t = origin - fitStart; t < p.length; t++) p[t] = held;
        return p;
      }),
    };
  }
  return { ...input, y: input.y.subarray(fitStart, origin), before: input.y.subarray(0, fitStart), firstDow, regressors };
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * Backtest each model at every split and score it (rule in the module comment).
 *
 * @param input The series (y from its first sale), with regressors covering at least [0, n).
 * @param models Models to run, in preference order (ties keep this order downstream).
 * @param opts Backtest settings.
 * @param truth What forecasts are scored against, indexed like `input.y` (the sales as recorded
 *   when `input.y` is a cleaned history); `input.y` when omitted. Also gives the RMSSE scale.
 * @returns runs of the models that succeeded everywhere, and the reasons for the others;
 *   with no splits (series too short) every model is listed as failed.
 * @throws only on invalid settings (see {@link backtestSplits}).
 */
export function runBacktest(input: SeriesInput, models: readonly Model[], opts: BacktestOptions, truth: Float64Array = input.y): BacktestResult {
  const n = input.y.length;
  if (truth.length !== n) throw new Error(`runBacktest needs truth of the same length as y (${n}), got ${truth.length}`);
  const splits = backtestSplits(n, opts);
  const failed: Record<string, string> = {};
  if (splits.length === 0) {
    for (const m of models) failed[m.name] = `series of ${n} periods is too short to backtest`;
    return { splits, horizon: 0, actuals: [], scales: [], scaled: false, runs: [], failed };
  }
  const hb = splits[0].end - splits[0].origin;
  const actuals = splits.map((s) => truth.subarray(s.origin, s.end));
  const scales = splits.map((s) => rmsseScale(truth.subarray(0, s.origin)));
  const scaled = scales.every((s) => s > 0);
  const from = opts.scoreFrom ?? 0;
  const scoredFrom = Number.isInteger(from) && from > 0 && from < hb ? from : 0;
  const window = { actuals, scales, scaled, scoredFrom };
  const inputs = splits.map((s) => splitInput(input, s));
  let shortestFit = Infinity;
  for (const s of splits) shortestFit = Math.min(shortestFit, s.origin - s.fitStart);
  const runs: ModelRun[] = [];
  for (const model of models) {
    if (model.minLength > shortestFit) {
      failed[model.name] = `${model.name} needs ${model.minLength} observations, the shortest backtest window has ${shortestFit}`;
      continue;
    }
    const forecasts: Float64Array[] = [];
    const sds: Float64Array[] = [];
    const scores: number[] = [];
    let reason: string | undefined;
    for (let i = 0; i < splits.length && !reason; i++) {
      try {
        const fitted = model.fit(inputs[i]);
        const fc = model.forecast(fitted, hb, inputs[i]);
        if (fc.mean.length !== hb || fc.sd.length !== hb) reason = `${model.name}.forecast returned ${fc.mean.length} values for h = ${hb}`;
        else if (!allFinite(fc.mean) || !allFinite(fc.sd)) reason = `${model.name} returned non-finite values at origin ${splits[i].origin}`;
        else {
          const clipped = new Float64Array(hb);
          for (let j = 0; j < hb; j++) clipped[j] = fc.mean[j] > 0 ? fc.mean[j] : 0;
          forecasts.push(clipped);
          sds.push(fc.sd);
          scores.push(scoreAt(window, i, clipped));
        }
      } catch (e) {
        reason = `${model.name} threw at origin ${splits[i].origin}: ${(e as Error).message}`;
      }
    }
    if (reason) {
      failed[model.name] = reason;
      continue;
    }
    runs.push({ model: model.name, forecasts, sds, scores, meanScore: mean(scores) });
  }
  return { splits, horizon: hb, actuals, scales, scaled, runs, failed, ...(scoredFrom ? { scoredFrom } : {}) };
}

/** sqrt(mean squared error / scale), allocation-free. */
export function score(actual: Float64Array, forecast: Float64Array, scale: number): number {
  let s = 0;
  for (let j = 0; j < actual.length; j++) {
    const e = forecast[j] - actual[j];
    s += e * e;
  }
  return Math.sqrt(s / actual.length / scale);
}
