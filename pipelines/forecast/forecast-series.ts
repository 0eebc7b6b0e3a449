/**
 * The single per-series entry point of the forecasting stage, called by the CLI run and by the
 * queue's train-batch workers alike: classify, backtest the candidates, choose (or combine),
 * fit, forecast, make intervals and the lead-time uncertainty used by replenishment.
 *
 * Steps for one series and a batch end day:
 * 1. demand history = the series' demand from its first sale to `end` (leading pre-launch
 *    zeros are not demand history); no sale at all -> the zero forecast (model `zero`,
 *    fallback `no-sales`);
 * 2. fewer than `config.models.minHistory` days (in periods: forecast-settings.ts) since the first sale -> the cold-start
 *    forecast (below, fallback `short-history`);
 * 3. regressors (calendar events, SNAP, carried price; pipelines/forecast/calendar.ts);
 * 4. demand class (pipelines/forecast/classify.ts) -> candidate models; seasonal naive is always
 *    backtested too, as the benchmark of the forecast value added, but is only eligible when
 *    it is a candidate;
 * 5. rolling-origin backtest (pipelines/forecast/backtest.ts) and choice or combination
 *    (pipelines/forecast/select.ts, `models.combineTop`, or the whole monthly pool:
 *    forecast-settings.ts `combineTopFor`; `models.combine`); when every candidate fails ->
 *    cold start (fallback `all-candidates-failed`);
 *    Each backtest origin fits on at most `models.backtestMaxHistory` (364) days before it, the
 *    final fit on `models.maxHistory` (728): the models estimate their parameters on a recent
 *    window anyway (Holt-Winters on its last 364 days, SES's alpha on 728), and on the M5 slice
 *    choosing on one-year windows costs nothing measurable (test period: mean RMSSE 0.7281 vs
 *    0.7254, WRMSSE 0.8757 vs 0.8764 with 728-day windows; all history: 0.7244 / 0.8807) for
 *    about 10% less backtest time;
 * 6. final fit of the chosen model(s) on the last `maxHistory` days (all when 0); when that fit
 *    fails the next model in the backtest ranking is used;
 * 7. intervals (pipelines/forecast/intervals.ts) from the chosen forecast's backtest errors,
 *    their outer levels shaped by the tail of the sales over the backtest's fit window
 *    (pipelines/forecast/tail-shape.ts: residuals from the cold-start window's mean; daily data
 *    only in practice, since it needs 200 residuals);
 * 8. accuracy of the chosen forecast in the backtest, the lead-time sd per lead time, and the
 *    last year of sales as recorded (for replenishment).
 *
 * Cold start (`mean-cold-start`): the mean m of the last min(n, w) periods (w = 28 days; 4 weeks,
 * 3 months: forecast-settings.ts); its sd is s·sqrt(1 + 1/k) for the k periods averaged, with s = max(sample sd, sqrt(m)) (a Poisson floor:
 * count demand is at least that variable); intervals m ± t·sd, clipped at 0, with t the Student-t
 * quantile of k - 1 degrees of freedom (the normal one for k = 1): the prediction interval of a
 * normal sample whose sd is estimated from k values (Hahn & Meeker 1991, §4.6), of which
 * s·sqrt(1 + 1/k) is the sd part. Three months give t = 1.89 for 80% (normal 1.28) and 4.30 for
 * 95% (1.96); 28 days 1.31 and 2.05. On the M5 slice by month the 23 cold-start series' intervals
 * covered 71.9% / 81.9% of the test year with normal quantiles.
 *
 * Lead-time sd (`leadTimeSd[L-1]`, the sd of the error of the L-period demand sum): for L <= hb
 * (the backtest horizon), the mean squared error of all L-day window sums of backtest errors
 * (every window start in every origin, N_L = K·(hb-L+1) sums), blended in variance with the
 * independent-days Gaussian value Σ_{i<L} sd_i² of the final fit, weight N_L / (N_L + 20) on
 * the empirical part (the interval rule's prior, intervals.ts); for L > hb, the value at hb
 * grown by sqrt(L / hb). Without a backtest, the Gaussian value alone.
 *
 * Periods (`ctx.grid`, pipelines/periods.ts): weekly and monthly series are indexed by period
 * number, the horizon counts periods, and every day-based setting is converted to periods
 * (pipelines/forecast/forecast-settings.ts, which also gives the cycles modelled: the year of 52.18
 * weeks, 12 months, or 7 and 365.25 days). Monthly totals are calendar-adjusted: modelled per
 * average month (each total times 30.4375 / the month's days), and the forecasts, bounds and
 * lead-time sds scaled back by the forecast months' lengths (a February holds 8% fewer days than an
 * average month; FPP3 §3.1 "calendar adjustments"); their backtest accuracy is that of the
 * adjusted series. On the M5 slice by month this brought interval coverage from 66.1% / 85.0% to
 * 72.4% / 86.9% at the same mean RMSSE (bench/period-accuracy.ts).
 *
 * Deterministic: the same series, config, end, horizon and calendar give the same output.
 */
import type { Config } from '../../config/schema.js';
import { CALENDAR_WINDOW } from '../../models/calendar-adjusted.js';
import { getModel } from '../../models/index.js';
import type { Model, SeriesInput } from '../../models/types.js';
import { linearPoolSd } from './linear-pool.js';
import { runBacktest, splitInput, type BacktestResult } from './backtest.js';
import { regressorsFor, type Calendar } from './calendar.js';
import { ALWAYS_COMBINED, candidatesFor, classifyDemand, type DemandClass } from './classify.js';
import { dayOfWeek } from '../dates.js';
import { combineTopFor, cyclesFor, forecastSettings, type ForecastSettings } from './forecast-settings.js';
import { DAILY, daysToPeriods, MEAN_PERIOD_DAYS, periodDays, periodFirstDay, type Frequency, type PeriodGrid } from '../periods.js';
import { conformalIntervals, gaussianIntervals, PRIOR_ERRORS, publishIntervals, type IntervalBounds } from './intervals.js';
import { bias, mase, wape } from './metrics.js';
import { tailProbabilities, tailShape, type TailShape } from './tail-shape.js';
import { forecastValueAdded, selectModel, selectWithout, type Selection } from './select.js';
import type { SeriesData } from '../types.js';
import { applyCleaning } from '../prepare/cleaning-patch.js';
import { buildTrace, type BacktestTrace, type TraceInput } from '../hierarchy/trace.js';

/**
 * What {@link forecastSeries} needs besides the series.
 *
 * Weekly and monthly data: the series' `start` and `end` are period numbers of `grid`
 * (pipelines/periods.ts: `periodOfDay`), its arrays hold one value per period, and `horizon`
 * counts periods; every day-based setting is converted to periods (pipelines/forecast/forecast-settings.ts).
 * Daily data (the default grid): period numbers are day numbers, as before.
 */
export interface ForecastContext {
  readonly config: Config;
  /** Period number (the day number for daily data) of the batch's last history period. */
  readonly end: number;
  /** Periods to forecast past `end`. */
  readonly horizon: number;
  /**
   * Of those, the first periods not published (a stale run's gap to the run date,
   * pipelines/run/staleness.ts): the backtest scores the window after them. @defaultValue 0
   */
  readonly lead?: number;
  readonly calendar?: Calendar;
  /** How the series' periods lie on the calendar. @defaultValue DAILY (pipelines/periods.ts) */
  readonly grid?: PeriodGrid;
  /** Keep the backtest trace reconciliation needs (pipelines/hierarchy/trace.ts). @defaultValue false */
  readonly trace?: boolean;
  /**
   * Degraded mode: every series with sales gets the cold-start forecast, as a short history does
   * (no backtest, no model choice). A queued run uses it for a batch whose fit failed for good
   * (workers/publish-worker.ts). @defaultValue false
   */
  readonly degraded?: boolean;
  /**
   * Only what replenishment reads (pipelines/replenish/demand-forecast.ts `StageForecast`: mean,
   * lead-time sds, recent sales, demand class), for the replay's forecasts at past origins: a
   * forecast from the backtest leaves out its intervals (`lo`, `hi` empty) and its accuracy (null),
   * which nothing there reads. The rest is the same forecast. @defaultValue false
   */
  readonly replenishmentOnly?: boolean;
}

/** Backtest accuracy of the chosen forecast (null where undefined, e.g. cold start). */
export interface SeriesAccuracy {
  /** Mean over origins of MASE (seasonal scale). */
  mase: number | null;
  /** Mean over origins of RMSSE (the choice criterion). */
  rmsse: number | null;
  /** WAPE pooled over origins. */
  wape: number | null;
  /** Relative bias pooled over origins (positive = over-forecast). */
  bias: number | null;
  /** Forecast value added over seasonal naive: 1 - rmsse / snaiveRmsse. */
  fva: number | null;
  /** Mean RMSSE of seasonal naive in the same backtest. */
  snaiveRmsse: number | null;
  /** Backtest origins used. */
  origins: number;
}

/** The forecast of one series: plain JSON (it crosses a queue). */
export interface SeriesForecast {
  store: string;
  sku: string;
  demandClass: DemandClass;
  /** Model name, `combo(a+b)`, `mean-cold-start` or `zero`. */
  model: string;
  /** Why a fallback model was used (`no-sales`, `short-history`, `all-candidates-failed`), else null. */
  fallback: string | null;
  /** Point forecast for periods end+1 ... end+horizon (units, >= 0). */
  mean: number[];
  /** Lower / upper bounds keyed by level (`'80'`, `'95'`). */
  lo: Record<string, number[]>;
  hi: Record<string, number[]>;
  accuracy: SeriesAccuracy;
  /** Sd of the L-period demand sum error, index L-1, L = 1..horizon. */
  leadTimeSd: number[];
  /**
   * Sales as recorded on the last {@link RECENT_SALES_DAYS} days up to `end`, one value per period
   * (weekly and monthly data: the periods covering as many days, 56 weeks or 13 months; fewer when the
   * series sold for the first time later; empty without a sale). Replenishment measures on them
   * how much demand over a lead time varies (pipelines/replenish/demand-distribution.ts) and
   * rolls stock counts forward to the run's last day.
   */
  recentSales: number[];
  /** The backtest on the run's common grid, when the context asks for it (`trace`). */
  trace?: BacktestTrace;
}

/** Days of recorded sales a forecast carries for replenishment: a year, plus the 28 days the first year-day's level is measured on. */
export const RECENT_SALES_DAYS = 364 + 28;

/** Name of the cold-start model. */
export const COLD_START_MODEL = 'mean-cold-start';
/** Name of the forecast for a series without sales. */
export const ZERO_MODEL = 'zero';
/** Days averaged by the cold-start model at most (daily data; periods: pipelines/forecast/forecast-settings.ts). */
export const COLD_START_WINDOW = 28;

const NO_ACCURACY: SeriesAccuracy = { mase: null, rmsse: null, wape: null, bias: null, fva: null, snaiveRmsse: null, origins: 0 };

/**
 * Forecast one series (steps in the module comment).
 *
 * @param series The series; its arrays must cover day `ctx.end`.
 * @param ctx Settings, batch end day, horizon (days) and optional calendar.
 * @throws when the horizon is not a positive integer, `end` lies past the series' last day, the
 *   demand holds a negative or non-finite value, or a configured candidate is unknown.
 */
export function forecastSeries(given: SeriesData, ctx: ForecastContext): SeriesForecast {
  // a series the cleaning stage changed carries its changes as a patch: fit on the cleaned demand
  const series = applyCleaning(given);
  const grid = ctx.grid ?? DAILY;
  if (grid.frequency !== 'month') return forecastCleaned(series, ctx);
  // monthly totals are modelled per average month (module comment: calendar adjustment)
  const factor = (t: number): number => periodDays(grid, series.start + t) / MEAN_PERIOD_DAYS.month;
  const adjusted = (a: Float64Array): Float64Array => Float64Array.from(a, (v, t) => v / factor(t));
  const f = forecastCleaned({ ...series, demand: adjusted(series.demand), recorded: series.recorded && adjusted(series.recorded) }, ctx);
  const out = ctx.end - series.start + 1; // index of the first forecast period
  const scale = (a: number[]): number[] => a.map((v, j) => v * factor(out + j));
  let sum = 0;
  const leadTimeSd = f.leadTimeSd.map((v, j) => ((sum += factor(out + j)), (v * sum) / (j + 1)));
  return {
    ...f,
    mean: scale(f.mean),
    lo: Object.fromEntries(Object.entries(f.lo).map(([k, v]) => [k, scale(v)])),
    hi: Object.fromEntries(Object.entries(f.hi).map(([k, v]) => [k, scale(v)])),
    leadTimeSd,
    ...(f.trace ? { trace: monthlyTrace(f.trace, (period) => factor(period - series.start)) } : {}),
  };
}

/** A monthly trace made on calendar-adjusted totals, scaled back to the months' own lengths. */
function monthlyTrace(t: BacktestTrace, factor: (period: number) => number): BacktestTrace {
  const back = (rows: number[][]): number[][] => rows.map((r, o) => r.map((v, j) => v * factor(t.origins[o] + j)));
  const end = t.origins[t.origins.length - 1] + t.horizon;
  return { ...t, actuals: back(t.actuals), forecasts: back(t.forecasts), sds: back(t.sds), sd: t.sd.map((v, j) => v * factor(end + j)) };
}

/**
 * The index of the first sale up to `end` (-1 when none), after checking the horizon, the end
 * period and that the demand is finite and non-negative.
 */
function firstSaleIndex(series: SeriesData, end: number, h: number): number {
  if (!Number.isInteger(h) || h < 1) throw new Error(`forecastSeries needs a positive integer horizon, got ${h}`);
  const last = series.start + series.demand.length - 1;
  if (!Number.isInteger(end) || end > last) throw new Error(`forecastSeries: end period ${end} is past the last period ${last} of series ${series.store}/${series.sku}`);
  const endIdx = end - series.start;
  let first = -1;
  for (let t = 0; t <= endIdx; t++) {
    const v = series.demand[t];
    if (!Number.isFinite(v) || v < 0) throw new Error(`forecastSeries needs finite non-negative demand; series ${series.store}/${series.sku} has ${v} at period index ${t}`);
    if (first < 0 && v > 0) first = t;
  }
  return first;
}

/** The candidates of a demand class backtested (seasonal naive always, as the FVA benchmark) and the choice among them. */
function chooseByBacktest(input: SeriesInput, demandClass: DemandClass, ctx: ForecastContext, settings: ForecastSettings, truth: Float64Array) {
  const { config, horizon } = ctx;
  const candidates = candidatesFor(demandClass, config, settings.grid.frequency, meanOfLast(input.y, CALENDAR_WINDOW));
  const names = candidates.includes('snaive') ? candidates : [...candidates, 'snaive'];
  const bt = runBacktest(input, names.map(getModel), {
    origins: config.models.backtestOrigins,
    step: settings.backtestStep,
    horizon,
    maxHistory: settings.backtestMaxHistory,
    minTrain: settings.minTrain,
    shortestHorizon: settings.shortestBacktest,
    scoreFrom: ctx.lead ?? 0,
  }, truth);
  const exclude = candidates.includes('snaive') ? [] : ['snaive'];
  const combineTop = combineTopFor(config, settings.grid.frequency, demandClass);
  return { bt, exclude, combineTop, sel: selectModel(bt, combineTop, exclude, config.models.combine, ALWAYS_COMBINED) };
}

/** The final fit on the capped window; on failure the next models of the backtest ranking. */
function fitFinal(sel: Selection, bt: BacktestResult, input: SeriesInput, settings: ForecastSettings, h: number): { sel: Selection; final: NonNullable<ReturnType<typeof fitMembers>> } | null {
  const n = input.y.length;
  const W = settings.maxHistory > 0 ? Math.min(settings.maxHistory, n) : n;
  const finalInput = splitInput(input, { fitStart: n - W, origin: n, end: n + h });
  const final = fitMembers(sel.members, finalInput, h);
  if (final) return { sel, final };
  for (const r of sel.ranking) {
    if (r.model === sel.name) continue;
    const f = fitMembers([r.model], finalInput, h);
    if (f) return { sel: singleSelection(bt, r.model, sel.ranking), final: f };
  }
  return null;
}

/** The backtest accuracy of the choice, with its value added over seasonal naive. */
function chosenAccuracy(bt: BacktestResult, sel: Selection, truth: Float64Array, season: number): SeriesAccuracy {
  const snaive = bt.runs.find((r) => r.model === 'snaive');
  const rmsse = bt.scaled ? sel.meanScore : null;
  const snaiveRmsse = bt.scaled && snaive ? snaive.meanScore : null;
  return {
    ...backtestAccuracy(bt, sel, truth, season),
    rmsse,
    fva: forecastValueAdded(rmsse, snaiveRmsse),
    snaiveRmsse,
    origins: bt.splits.length,
  };
}

/**
 * Origin step and span of an aggregate's level sd (hierarchy/level-shift.ts): origins a week
 * apart over a year for daily data (as the backtest's, in a year of history), every period over
 * a year otherwise.
 */
function levelShiftGrid(season: number, grid: PeriodGrid): { step: number; span: number } {
  if (grid.frequency === 'day') return { step: season >= 1 ? season : 1, span: 364 };
  return { step: 1, span: grid.frequency === 'week' ? 52 : 12 };
}

/** {@link forecastSeries} on a series whose cleaning, if any, is applied. */
function forecastCleaned(series: SeriesData, ctx: ForecastContext): SeriesForecast {
  const { config, end, horizon: h, calendar } = ctx;
  const grid = ctx.grid ?? DAILY;
  const settings = forecastSettings(config, grid);
  const first = firstSaleIndex(series, end, h);
  const levels = config.intervals.levels;
  const endIdx = end - series.start;
  const base = { store: series.store, sku: series.sku };
  const coldWindow = settings.coldStartWindow;
  // count data by the sales as recorded: cleaning may impute fractional demand (a stockout day),
  // the sales being forecast stay whole units
  const discrete = isWholeNumbers((series.recorded ?? series.demand).subarray(Math.max(first, 0), endIdx + 1));
  // the trace (when asked for) of whichever forecast this returns
  const traced = (f: SeriesForecast, sd: ArrayLike<number>, backtest?: TraceInput['backtest'], tail?: TailShape | null): SeriesForecast => {
    if (!ctx.trace) return f;
    f.trace = buildTrace({
      start: series.start, demand: series.demand, recorded: series.recorded ?? series.demand, end, horizon: h,
      origins: config.models.backtestOrigins, step: settings.backtestStep, first, backtest, sd, discrete,
      coldStart: (past) => coldStartMoments(past, coldWindow),
      level: levelShiftGrid(settings.season, grid),
      ...(tail ? { tail } : {}),
    });
    return f;
  };
  if (first < 0) return traced(zeroForecast(base, h, levels), new Float64Array(h));

  const y = series.demand.subarray(first, endIdx + 1);
  const n = y.length;
  const season = settings.season;
  const coldSd = (): Float64Array => new Float64Array(h).fill(coldStartMoments(y, coldWindow).sd);
  // score against the sales as recorded when cleaning changed the history
  const truth = series.recorded ? series.recorded.subarray(first, endIdx + 1) : y;
  const cold = (demandClass: DemandClass, reason: 'short-history' | 'all-candidates-failed'): SeriesForecast =>
    traced(coldStart(base, demandClass, y, h, levels, reason, coldWindow, truth, grid.frequency), coldSd());
  if (ctx.degraded || n < settings.minHistory) return cold(classifyDemand(y).demandClass, 'short-history');
  const input: SeriesInput = {
    y,
    season,
    cycles: cyclesFor(settings, n),
    firstDow: dayOfWeek(periodFirstDay(grid, series.start + first)),
    frequency: grid.frequency,
    regressors: regressorsFor(series, calendar, n, h, end, grid),
  };
  const profile = classifyDemand(y);
  const { bt, exclude, combineTop, sel: chosenByBacktest } = chooseByBacktest(input, profile.demandClass, ctx, settings, truth);
  if (!chosenByBacktest) return cold(profile.demandClass, 'all-candidates-failed');
  const fitted = fitFinal(chosenByBacktest, bt, input, settings, h);
  if (!fitted) return cold(profile.demandClass, 'all-candidates-failed');
  const { sel, final } = fitted;
  if (ctx.replenishmentOnly && !ctx.trace) return { ...base, demandClass: profile.demandClass, model: sel.name, fallback: null, ...withoutIntervals(bt, sel, final, truth, grid.frequency) };
  const tail = tailShape(truth, coldWindow, settings.backtestMaxHistory, tailProbabilities(levels), discrete);
  const bounds = conformalIntervals({
    actuals: bt.actuals,
    forecasts: sel.forecasts,
    sds: sel.sds,
    mean: final.mean,
    sd: final.sd,
    levels,
    discrete,
    distinctDays: bt.splits[bt.splits.length - 1].end - bt.splits[0].origin,
    tail,
  });
  return traced({
    ...base,
    demandClass: profile.demandClass,
    model: sel.name,
    fallback: null,
    ...publishIntervals(final.mean, bounds, levels),
    accuracy: chosenAccuracy(bt, sel, truth, season),
    leadTimeSd: leadTimeSd(bt, sel, final.sd, h),
    recentSales: recentSales(truth, grid.frequency),
  }, final.sd, {
    bt,
    // out of selection: the choice made without that window (pipelines/hierarchy/trace.ts)
    at: (split) => {
      const s = selectWithout(bt, split, combineTop, exclude, config.models.combine, ALWAYS_COMBINED) ?? sel;
      return { forecast: s.forecasts[split], sd: s.sds[split] };
    },
  }, tail);
}

/**
 * What replenishment reads of a forecast from the backtest, without intervals or accuracy
 * (ForecastContext `replenishmentOnly`): the mean as `publishIntervals` publishes it (finite, at
 * least 0), the lead-time sds and the recent sales as the full forecast has them.
 */
function withoutIntervals(bt: BacktestResult, sel: Selection, final: { mean: Float64Array; sd: Float64Array }, truth: Float64Array, frequency: Frequency) {
  const h = final.mean.length;
  const mean = Array.from(final.mean, (m) => (Number.isFinite(m) && m > 0 ? m : 0));
  return { mean, lo: {}, hi: {}, accuracy: { ...NO_ACCURACY }, leadTimeSd: leadTimeSd(bt, sel, final.sd, h), recentSales: recentSales(truth, frequency) };
}

/**
 * Fit window of the backtest origins of daily data: `models.backtestMaxHistory`, or
 * `models.maxHistory` when that is 0; never longer than `maxHistory` (when that is set). Other
 * periods: `forecastSettings(config, grid).backtestMaxHistory`.
 */
export function backtestWindow(config: Pick<Config, 'models' | 'season'>): number {
  return forecastSettings(config).backtestMaxHistory;
}

/** Fit each member on the final window and average (the sd: their linear pool's, linear-pool.ts); null when any member fails. */
function fitMembers(members: readonly string[], input: SeriesInput, h: number): { mean: Float64Array; sd: Float64Array } | null {
  const mean = new Float64Array(h);
  const sd = new Float64Array(h);
  const k = members.length;
  const means: Float64Array[] = [];
  const sds: Float64Array[] = [];
  for (const name of members) {
    const model: Model = getModel(name);
    if (input.y.length < model.minLength) return null;
    try {
      const fc = model.forecast(model.fit(input), h, input);
      for (let j = 0; j < h; j++) {
        const m = fc.mean[j];
        if (!Number.isFinite(m) || !Number.isFinite(fc.sd[j])) return null;
        mean[j] += (m > 0 ? m : 0) / k;
      }
      means.push(fc.mean);
      sds.push(fc.sd);
    } catch {
      return null;
    }
  }
  return { mean, sd: linearPoolSd(means, sds, sd) };
}

function singleSelection(bt: BacktestResult, model: string, ranking: Selection['ranking']): Selection {
  const r = bt.runs.find((x) => x.model === model)!;
  return { name: r.model, members: [r.model], forecasts: r.forecasts, sds: r.sds, scores: r.scores, meanScore: r.meanScore, ranking };
}

/** MASE (mean over origins), WAPE and bias (pooled over origins) of the selection's backtest. */
function backtestAccuracy(bt: BacktestResult, sel: Selection, y: Float64Array, season: number): Pick<SeriesAccuracy, 'mase' | 'wape' | 'bias'> {
  // the steps scored: the whole window, or the published part of a stale run's
  const from = bt.scoredFrom ?? 0;
  let maseSum = 0;
  let maseCount = 0;
  for (let o = 0; o < bt.splits.length; o++) {
    // the seasonal MASE scale needs more than one season of history (weekly data: 52 weeks)
    if (bt.splits[o].origin <= season) continue;
    const v = mase(bt.actuals[o].subarray(from), sel.forecasts[o].subarray(from), y.subarray(0, bt.splits[o].origin), season);
    if (Number.isFinite(v)) {
      maseSum += v;
      maseCount++;
    }
  }
  const total = bt.actuals.reduce((s, a) => s + a.length - from, 0);
  const a = new Float64Array(total);
  const f = new Float64Array(total);
  let k = 0;
  for (let o = 0; o < bt.actuals.length; o++) {
    a.set(bt.actuals[o].subarray(from), k);
    f.set(sel.forecasts[o].subarray(from), k);
    k += bt.actuals[o].length - from;
  }
  const w = wape(a, f);
  const b = bias(a, f);
  return {
    mase: maseCount > 0 ? maseSum / maseCount : null,
    wape: Number.isFinite(w) ? w : null,
    bias: Number.isFinite(b) ? b : null,
  };
}

/**
 * Sd of the error of the L-day demand sum, for L = 1..h (rule in the module comment).
 *
 * @param bt The backtest (actuals and horizon hb).
 * @param sel The chosen forecast's backtest forecasts.
 * @param sd The final fit's per-day sd, h values.
 * @param h Horizon in periods.
 * @returns h values, index L-1.
 */
export function leadTimeSd(bt: Pick<BacktestResult, 'actuals' | 'horizon' | 'splits'>, sel: Pick<Selection, 'forecasts'>, sd: ArrayLike<number>, h: number): number[] {
  const out: number[] = [];
  const hb = bt.horizon;
  const K = bt.splits.length;
  // prefix sums of backtest errors per origin
  const prefix = bt.actuals.map((a, o) => {
    const p = new Float64Array(a.length + 1);
    for (let j = 0; j < a.length; j++) p[j + 1] = p[j] + (a[j] - sel.forecasts[o][j]);
    return p;
  });
  let gauss = 0;
  for (let L = 1; L <= h; L++) {
    const s = sd[L - 1];
    gauss += Number.isFinite(s) && s > 0 ? s * s : 0;
    if (K === 0) {
      out.push(Math.sqrt(gauss));
    } else if (L <= hb) {
      let ss = 0;
      let count = 0;
      for (const p of prefix) {
        for (let start = 0; start + L <= hb; start++) {
          const e = p[start + L] - p[start];
          ss += e * e;
          count++;
        }
      }
      const w = count / (count + PRIOR_ERRORS);
      out.push(Math.sqrt(w * (ss / count) + (1 - w) * gauss));
    } else {
      out.push(out[hb - 1] * Math.sqrt(L / hb));
    }
  }
  return out;
}

function zeroForecast(base: { store: string; sku: string }, h: number, levels: readonly number[]): SeriesForecast {
  const zeros = new Float64Array(h);
  const published = publishIntervals(zeros, gaussianIntervals(zeros, zeros, levels), levels);
  return {
    ...base,
    demandClass: 'none',
    model: ZERO_MODEL,
    fallback: 'no-sales',
    ...published,
    accuracy: { ...NO_ACCURACY },
    leadTimeSd: new Array<number>(h).fill(0),
    recentSales: [],
  };
}

/**
 * Cold-start forecast of a short (or unforecastable) history: the mean of the last
 * min(n, 28) days with a Poisson-floored sd (module comment). `sales`: the history as recorded.
 */
function coldStart(
  base: { store: string; sku: string },
  demandClass: DemandClass,
  y: Float64Array,
  h: number,
  levels: readonly number[],
  reason: string,
  window: number,
  sales: Float64Array,
  frequency: Frequency,
): SeriesForecast {
  const { mean: m, sd: s, k } = coldStartMoments(y, window);
  const mean = new Float64Array(h).fill(m);
  const sd = new Float64Array(h).fill(s);
  // the sd is estimated from k values: Student-t with k - 1 degrees of freedom (module comment)
  const bounds: IntervalBounds = gaussianIntervals(mean, sd, levels, k > 1 ? k - 1 : undefined);
  const published = publishIntervals(mean, bounds, levels);
  const lt: number[] = [];
  for (let L = 1; L <= h; L++) lt.push(s * Math.sqrt(L));
  return {
    ...base,
    demandClass,
    model: COLD_START_MODEL,
    fallback: reason,
    ...published,
    accuracy: { ...NO_ACCURACY },
    leadTimeSd: lt,
    recentSales: recentSales(sales, frequency),
  };
}

/**
 * The sales from the first sale over the last {@link RECENT_SALES_DAYS} days, as plain numbers:
 * that many values of daily data, the periods that cover as many days of weekly and monthly data
 * (rounded up: 56 weeks, 13 months).
 */
function recentSales(y: Float64Array, frequency: Frequency): number[] {
  const k = frequency === 'day' ? RECENT_SALES_DAYS : daysToPeriods(RECENT_SALES_DAYS, frequency, 'up').periods;
  return Array.from(y.subarray(Math.max(0, y.length - k)));
}

/**
 * The cold-start rule's mean and sd (module comment) on a history from its first sale.
 * @param y Demand, at least one value. @param window Periods averaged at most.
 */
export function coldStartMoments(y: Float64Array, window: number = COLD_START_WINDOW): { mean: number; sd: number; k: number } {
  const k = Math.min(y.length, window);
  let sum = 0;
  for (let t = y.length - k; t < y.length; t++) sum += y[t];
  const m = sum / k;
  let ss = 0;
  for (let t = y.length - k; t < y.length; t++) ss += (y[t] - m) * (y[t] - m);
  const sample = k > 1 ? Math.sqrt(ss / (k - 1)) : 0;
  return { mean: m, sd: Math.max(sample, Math.sqrt(m)) * Math.sqrt(1 + 1 / k), k };
}

/** Mean of the last `days` values (all when fewer). */
function meanOfLast(y: Float64Array, days: number): number {
  const k = Math.min(days, y.length);
  let s = 0;
  for (let t = y.length - k; t < y.length; t++) s += y[t];
  return k > 0 ? s / k : 0;
}

/** True when every value is a whole number (count data). */
function isWholeNumbers(y: Float64Array): boolean {
  for (let t = 0; t < y.length; t++) if (!Number.isInteger(y[t])) return false;
  return true;
}
