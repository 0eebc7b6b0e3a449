/**
 * Year-over-year model (`cal:yoy`): a day is forecast as the same weekday a year before (364
 * days), calendar-adjusted, times the growth since then; this year's calendar effects are added
 * back as in models/calendar-adjusted.ts.
 *
 * 1. Growth: r = Σ y[t] / Σ y[t - 364] over the last {@link YOY_WINDOW} days t of the history,
 *    leaving out every pair with a closed day on either side (calendar-adjusted.ts `closedDays`:
 *    Christmas); both sums are sales as recorded (the days a year before lie before the fit
 *    window in the backtest, where no calendar regressors are given; a 28-day window a year
 *    apart holds about as many SNAP and event days on both sides). One window's ratio is noisy,
 *    so it is shrunk toward the prior p, the same ratio over the last 364 days (1 with under two
 *    years of history): g = p^(1 - d)·r^d with d = {@link YOY_DAMPING}, both clipped to
 *    [1/{@link YOY_CLIP}, YOY_CLIP]. A growing business has p > 1: shrinking toward 1 instead
 *    forecast the M5 total 5-10% under the same days a year before times their growth.
 * 2. Base: the calendar-adjusted series (effects out, closed days replaced: calendar-adjusted.ts
 *    `adjusted`) 364 days before the target day, weighted 1/2, with the same weekday a week before
 *    and after, 1/4 each ({@link YOY_CENTRE_WEIGHT}; those in the fit window): one year ago's
 *    level and weekly pattern at that time of year, with 3/8 of one day's noise variance (the
 *    day alone followed the holiday weeks closer and other weeks worse, equal weights the other
 *    way round; README).
 * 3. Forecast: g·base + this year's calendar effects of the day, 0 on a day expected closed
 *    (an event day whose date a year before was closed). Beyond a year ahead the forecasts of a
 *    year before are used as the base, so the growth compounds.
 * 4. sd: the root mean square of y[t] - g·y[t - 364] over the last year (as recorded), the same
 *    at every step (the error of a year-ago forecast does not accumulate with the horizon).
 *
 * Why: the level models forecast an aggregate at its recent level, so a period in which sales
 * move with the time of year (the spring rise of the M5 stores) is forecast low, and the yearly
 * Fourier terms of the dynamic regression (README) moved January the wrong way. The year before
 * gives the movement of this time of year directly, and the growth ratio scales it to this year's
 * level: the "same period last year times trend" forecast of retail planning.
 * Needs a year in the fit window (the base, with its calendar regressors) and a year plus the
 * growth window in all (with `before`), and growth ratios within [1/2, 2] ({@link believable});
 * otherwise it throws, and the backtest then leaves the model out of that series' candidates.
 *
 * A candidate of the series selling 20+ a day (pipelines/forecast/classify.ts), always in their
 * combination (`ALWAYS_COMBINED`: the backtest's six weeks cannot judge a model of the time of
 * year). Chosen on six earlier 28-day periods of the M5 slice, where it lowered every score on
 * each of them (README "Forecasts at every level").
 *
 * Source: Hyndman & Athanasopoulos, FPP3 §5.2 (seasonal naive with the yearly lag) and §7.4
 * (calendar adjustment).
 */
import { adjusted, calendarEffects, closedDays, effectsOver, expectClosed, type CalendarEffects, CALENDAR_PREFIX } from './calendar-adjusted.js';
import { NotApplicableError } from './check-input.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

/** Days between a day and its base day: 52 weeks, the same weekday. */
export const YOY_LAG = 364;
/** Days whose sales are compared with the same days a year before (growth, step 1). */
export const YOY_WINDOW = 28;
/** Weight of the recent growth ratio against the last year's (step 1). */
export const YOY_DAMPING = 0.5;
/** Weight of the day a year before against the same weekday a week either side (base, step 2). */
export const YOY_CENTRE_WEIGHT = 2;
/** Largest growth ratio (and smallest, as its inverse) believed (step 1). */
export const YOY_CLIP = 2;

/** Fitted state of the year-over-year model. */
export interface YearOverYearState extends FittedState {
  readonly model: string;
  /** Growth g (step 1). */
  readonly growth: number;
  readonly effects: CalendarEffects;
}

const NAME = `${CALENDAR_PREFIX}yoy`;

/** The history as one array: `before` then `y`. */
function wholeHistory(input: SeriesInput): Float64Array {
  const b = input.before;
  if (!b || b.length === 0) return input.y;
  const out = new Float64Array(b.length + input.y.length);
  out.set(b);
  out.set(input.y, b.length);
  return out;
}

/**
 * Growth ratio r (step 1, before damping) of the last `window` days of `x` over the same days
 * `lag` before, pairs with a closed day on either side left out.
 * NaN when the days a year before sold nothing.
 */
export function growthRatio(x: Float64Array, window: number, lag: number = YOY_LAG): number {
  const N = x.length;
  const shut = new Set(closedDays(x, N - window - lag - 7));
  let num = 0;
  let den = 0;
  for (let t = N - window; t < N; t++) {
    if (shut.has(t) || shut.has(t - lag)) continue;
    num += x[t];
    den += x[t - lag];
  }
  return den > 0 ? num / den : NaN;
}

/**
 * Growth g = prior^(1 - damping)·r^damping, r and prior clipped to [1/clip, clip] (step 1):
 * the recent ratio shrunk toward the prior (the last year's growth over the year before).
 */
export function shrunkGrowth(r: number, prior: number, damping: number = YOY_DAMPING, clip: number = YOY_CLIP): number {
  const c = (v: number): number => Math.min(clip, Math.max(1 / clip, v));
  return c(prior) ** (1 - damping) * c(r) ** damping;
}

/** RMS of x[t] - g·x[t - lag] over the last year of x (as recorded; step 4). */
function yearAgoSigma(x: Float64Array, g: number, lag: number): number {
  const from = Math.max(lag, x.length - lag);
  let ss = 0;
  for (let t = from; t < x.length; t++) {
    const e = x[t] - g * x[t - lag];
    ss += e * e;
  }
  return x.length > from ? Math.sqrt(ss / (x.length - from)) : 0;
}

/**
 * Whether a growth ratio lets the year before stand for this year: within [1/clip, clip]. A
 * product new since then, relaunched or collapsed sold nothing or a small fraction of today a
 * year before; scaled by a clipped ratio that year would forecast it far off, so the model
 * throws and the backtest leaves it out of that series' candidates (as for a short history).
 */
export function believable(r: number, clip: number = YOY_CLIP): boolean {
  return r >= 1 / clip && r <= clip;
}

function fit(input: SeriesInput): YearOverYearState {
  const n = input.y.length;
  if (input.season !== 7) throw new Error(`${NAME}.fit needs daily data (season 7), got season ${input.season}`);
  if (n < YOY_LAG) throw new Error(`${NAME}.fit needs a year (${YOY_LAG} days) in the fit window, got ${n}`);
  const x = wholeHistory(input);
  if (x.length < YOY_LAG + YOY_WINDOW) throw new Error(`${NAME}.fit needs ${YOY_LAG + YOY_WINDOW} days of history, got ${x.length}`);
  const prior = x.length >= 2 * YOY_LAG ? growthRatio(x, YOY_LAG) : 1;
  const recent = growthRatio(x, YOY_WINDOW);
  if (!believable(prior) || !believable(recent)) {
    throw new NotApplicableError(`${NAME}.fit: the last ${YOY_WINDOW} days sold ${recent.toFixed(2)}× the same days a year before (the last year ${prior.toFixed(2)}×): the year before is no guide`);
  }
  const growth = shrunkGrowth(recent, prior);
  return { model: NAME, n, sigma: yearAgoSigma(x, growth, YOY_LAG), growth, effects: calendarEffects(input) };
}

/**
 * The base (step 2) of days n..n+h-1 times g: b[t] = g·(weighted mean of a[t - 364 + 7k],
 * k = -1, 0, 1, weights 1, {@link YOY_CENTRE_WEIGHT}, 1, over the indices < t that exist), with
 * a = the adjusted series, extended by b itself past its end
 * (more than 357 days ahead: the growth compounds).
 */
export function grownBase(a: Float64Array, g: number, h: number, lag: number = YOY_LAG): Float64Array {
  const n = a.length;
  const b = new Float64Array(n + h);
  b.set(a);
  for (let t = n; t < n + h; t++) {
    let s = 0;
    let k = 0;
    for (let d = -7; d <= 7; d += 7) {
      const i = t - lag + d;
      if (i < 0 || i >= t) continue;
      const w = d === 0 ? YOY_CENTRE_WEIGHT : 1;
      s += w * b[i];
      k += w;
    }
    b[t] = k > 0 ? (g * s) / k : 0;
  }
  return b.subarray(n);
}

function forecast(state: YearOverYearState, h: number, input: SeriesInput): PointForecast {
  const a = adjusted(input, state.effects).y;
  const mean = Float64Array.from(grownBase(a, state.growth, h));
  const e = effectsOver(state.effects, input, state.n, state.n + h);
  for (let j = 0; j < h; j++) mean[j] = expectClosed(state.effects, input, state.n + j) ? 0 : mean[j] + e[j];
  return { mean, sd: new Float64Array(h).fill(state.sigma) };
}

/** g·(adjusted series a year before) + the day's effects; NaN in the first year of the window. */
function fittedValues(state: YearOverYearState, input: SeriesInput): Float64Array {
  const a = adjusted(input, state.effects).y;
  const e = effectsOver(state.effects, input, 0, a.length);
  const out = new Float64Array(a.length);
  for (let t = 0; t < a.length; t++) out[t] = t >= YOY_LAG ? state.growth * a[t - YOY_LAG] + e[t] : NaN;
  return out;
}

/** The year-over-year model (module comment). */
export const yearOverYear: Model<YearOverYearState> = {
  name: NAME,
  minLength: YOY_LAG,
  intermittent: false,
  usesRegressors: true,
  fit,
  forecast,
  fittedValues,
};
