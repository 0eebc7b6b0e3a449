/**
 * Calendar-adjusted models: any model of the registry run on the series with its calendar
 * effects taken out, the effects added back to its forecast.
 *
 * 1. Closed days: a day selling under CLOSED_SHARE (a tenth) of the same weekday a week before
 *    and a week after (the mean of those that exist) is a day the shop was closed (Christmas in
 *    the M5 stores), not demand (`closedDays`).
 * 2. Effects: ordinary least squares (least-squares.ts) on the last CALENDAR_WINDOW = 364 days,
 *    closed days left out, of y ~ intercept + trend + day-of-week dummies (m = 7; none for other
 *    seasons) + the calendar regressors of `input.regressors` (event flags or event types, the
 *    day before an event, SNAP share, ...; every regressor but `price`, whose future is unknown)
 *    that vary in the window. Only the calendar coefficients are kept: the trend and the weekly
 *    pattern are left to the inner model. Closed days are left out because a closure is not an
 *    effect of its event type: with Christmas (sales 0) in the window, the M5 total's `national`
 *    effect was -205 units a day (14% of its sales), and every other national holiday (Martin
 *    Luther King Day, ...) was forecast as a 14% drop.
 * 3. The inner model is fitted on y_t - Σ_k β_k x_kt (every day of the input; a closed day
 *    replaced by the adjusted value of the same weekday a week before) and forecasts
 *    ŷ_{n+j} + Σ_k β_k x_k,n+j; its sd is the inner model's. A horizon day is forecast 0 when it
 *    is an event day and the same date a year before (364 to 366 days) was a closed day: the
 *    shop closes on the holidays it closed on last year (`expectClosed`).
 * Additive effects, as the regression model (regression.ts): in units per day.
 *
 * Why: the exponential-smoothing family learns a level and a weekly cycle but no calendar, so an
 * aggregate's SNAP weeks and holidays pull its level and seasonal states about, while the
 * regression knows the calendar but has a rigid level (a one-year trend). For a store's or a
 * department's total (hundreds of units a day) the calendar effects are signal; on the M5
 * slice's aggregates, adjusted models lowered the 12-level WRMSSE of the reconciled forecasts on
 * four validation periods (bench/m5-hierarchy.ts; README). For a single item selling a few units
 * a day they are mostly noise and made it worse, hence the volume rule in
 * pipelines/forecast/classify.ts.
 *
 * The effects of one input are computed once and shared by every adjusted model fitted on it
 * (a memo keyed by the input's `y` array, which the backtest builds once per split): the same
 * numbers as computing them per model, at one least-squares fit per split.
 *
 * Closed days: chosen on the M5 slice's three 28-day periods at offsets 84, 112 and 140
 * (12-level WRMSSE of the reconciled forecasts 0.8314 -> 0.7617, item x store mean RMSSE
 * 0.8095 -> 0.8033; bench/m5-hierarchy.ts, README "Forecasts at every level").
 *
 * Source: Hyndman & Athanasopoulos, FPP3 §10 (regression with ARIMA errors: the same split of
 * calendar effects and dynamics) and §7.4 (intervention and calendar dummies).
 */
import { leastSquares } from './least-squares.js';
import type { FittedState, Model, PointForecast, SeriesInput } from './types.js';

/** Days the calendar effects are estimated on (one year: every yearly event once). */
export const CALENDAR_WINDOW = 364;

/** Prefix of a calendar-adjusted model's name (`cal:holt-winters`). */
export const CALENDAR_PREFIX = 'cal:';

/** Calendar coefficients: regressor names and their effects in units per day. */
export interface CalendarEffects {
  readonly names: string[];
  readonly beta: number[];
  /** Indices of the input's closed days (module comment, step 1), ascending. */
  readonly closed: number[];
}

/** Fitted state of a calendar-adjusted model. */
export interface CalendarAdjustedState extends FittedState {
  readonly effects: CalendarEffects;
  readonly inner: FittedState;
}

const memo = new WeakMap<Float64Array, CalendarEffects>();

/** The calendar regressors of an input (every one but `price`). */
function calendarColumns(input: SeriesInput): { names: string[]; values: Float64Array[] } {
  const names: string[] = [];
  const values: Float64Array[] = [];
  const r = input.regressors;
  if (r) {
    r.names.forEach((name, j) => {
      if (name === 'price') return;
      names.push(name);
      values.push(r.values[j]);
    });
  }
  return { names, values };
}

/**
 * Calendar effects of an input (step 1 of the module comment); no effect when no calendar
 * regressor varies in the window or the fit fails.
 */
export function calendarEffects(input: SeriesInput): CalendarEffects {
  const hit = memo.get(input.y);
  if (hit) return hit;
  const { y, season: m, firstDow } = input;
  const n = y.length;
  const start = Math.max(0, n - CALENDAR_WINDOW);
  const span = n - start;
  const cal = calendarColumns(input);
  const names: string[] = [];
  const cols: Float64Array[] = [];
  cal.values.forEach((v, k) => {
    if (v.length < n) return;
    const w = v.subarray(start, n);
    if (!varies(w)) return;
    names.push(cal.names[k]);
    cols.push(w);
  });
  // a week more than the window: a horizon day looks back up to 366 days (expectClosed)
  const closed = closedDays(y, Math.max(0, n - CALENDAR_WINDOW - 7));
  let effects: CalendarEffects = { names: [], beta: [], closed };
  const base = baseColumns(span, start, m, firstDow);
  if (names.length > 0 && span >= base.length + names.length + 1 + 7) {
    try {
      const open = openDays(span, closed, start);
      effects = { names, beta: effectsOnOpenDays(base, cols, y.subarray(start, n), open), closed };
    } catch {
      // a design that cannot be solved: no adjustment
    }
  }
  memo.set(input.y, effects);
  return effects;
}

/** A day selling under this share of the same weekday a week before and after is a closed day (module comment). */
export const CLOSED_SHARE = 0.1;

/**
 * Closed days from index `from` on (module comment, step 1): y[t] under CLOSED_SHARE times the
 * mean of y[t - 7] and y[t + 7] (those inside the series), that mean being positive.
 *
 * @returns indices into y, ascending.
 */
export function closedDays(y: ArrayLike<number>, from: number): number[] {
  const out: number[] = [];
  for (let t = Math.max(0, from); t < y.length; t++) {
    let ref = 0;
    let k = 0;
    if (t >= 7) (ref += y[t - 7]), k++;
    if (t + 7 < y.length) (ref += y[t + 7]), k++;
    if (k > 0 && ref > 0 && y[t] < CLOSED_SHARE * (ref / k)) out.push(t);
  }
  return out;
}

function varies(w: ArrayLike<number>): boolean {
  for (let i = 1; i < w.length; i++) if (w[i] !== w[0]) return true;
  return false;
}

/** Window positions (0 = index `start`) of the days that are not closed. */
function openDays(span: number, closed: readonly number[], start: number): number[] {
  const shut = new Set(closed);
  const out: number[] = [];
  for (let i = 0; i < span; i++) if (!shut.has(start + i)) out.push(i);
  return out;
}

/** Trend and day-of-week dummies (m = 7): the nuisance terms of the effects regression. */
function baseColumns(span: number, start: number, m: number, firstDow: number): Float64Array[] {
  const base: Float64Array[] = [];
  const trend = new Float64Array(span);
  for (let i = 0; i < span; i++) trend[i] = i / span;
  base.push(trend);
  if (m === 7) {
    for (let p = 1; p < 7; p++) {
      const c = new Float64Array(span);
      for (let i = 0; i < span; i++) if ((firstDow + start + i) % 7 === p) c[i] = 1;
      base.push(c);
    }
  }
  return base;
}

/**
 * The calendar coefficients of a least-squares fit on the open days; a regressor that does not
 * vary over them (its only day was closed) gets no effect.
 */
function effectsOnOpenDays(base: Float64Array[], cols: Float64Array[], y: Float64Array, open: number[]): number[] {
  // the open days' values by a plain loop (Float64Array.from with a map callback cost a fifth of this model's fit)
  const sub = (c: Float64Array): Float64Array => {
    if (open.length === c.length) return c;
    const out = new Float64Array(open.length);
    for (let j = 0; j < open.length; j++) out[j] = c[open[j]];
    return out;
  };
  const use = cols.map((c) => sub(c)).map((c, k) => ({ c, k })).filter((x) => varies(x.c));
  const w = leastSquares([...base.map(sub), ...use.map((x) => x.c)], sub(y)).weights;
  const beta = new Array<number>(cols.length).fill(0);
  use.forEach((x, j) => (beta[x.k] = w[base.length + j]));
  return beta;
}

/** Σ_k β_k x_k over days [from, to) of the input's regressors. */
export function effectsOver(effects: CalendarEffects, input: SeriesInput, from: number, to: number): Float64Array {
  const out = new Float64Array(to - from);
  const r = input.regressors;
  if (effects.names.length === 0) return out;
  effects.names.forEach((name, k) => {
    const j = r ? r.names.indexOf(name) : -1;
    if (!r || j < 0 || r.values[j].length < to) throw new Error(`calendar-adjusted model needs regressor "${name}" for ${to} days`);
    const v = r.values[j];
    const b = effects.beta[k];
    for (let t = from; t < to; t++) if (Number.isFinite(v[t])) out[t - from] += b * v[t];
  });
  return out;
}

/**
 * The last adjusted input of each input object, with the effects it was made with: a backtest
 * split's input is adjusted by every `cal:` model's fit and again by its forecast, with the same
 * effects (calendarEffects' memo), so the series is adjusted once per split instead.
 */
const adjustedMemo = new WeakMap<SeriesInput, { effects: CalendarEffects; out: SeriesInput }>();

/** The input with its calendar effects taken out (no regressors; cycles and the rest kept). */
export function adjusted(input: SeriesInput, effects: CalendarEffects): SeriesInput {
  const hit = adjustedMemo.get(input);
  if (hit && hit.effects === effects) return hit.out;
  const out = adjustedInput(input, effects);
  adjustedMemo.set(input, { effects, out });
  return out;
}

/** {@link adjusted} without the memo. */
function adjustedInput(input: SeriesInput, effects: CalendarEffects): SeriesInput {
  if (effects.names.length === 0 && effects.closed.length === 0) return { ...input, regressors: undefined };
  const e = effectsOver(effects, input, 0, input.y.length);
  const y = new Float64Array(input.y.length);
  for (let t = 0; t < y.length; t++) y[t] = input.y[t] - e[t];
  // a closed day is not demand: the same weekday a week before (or, at the start, after) stands in for it
  for (const t of effects.closed) y[t] = t >= 7 ? y[t - 7] : t + 7 < y.length ? y[t + 7] : y[t];
  return { ...input, y, regressors: undefined };
}

/**
 * Whether day t (an index of the input, possibly in the horizon) is expected closed: an event day
 * (a regressor `event` or `event_<type>` set) whose date a year before (364 to 366 days) was a
 * closed day.
 */
export function expectClosed(effects: CalendarEffects, input: SeriesInput, t: number): boolean {
  if (effects.closed.length === 0) return false;
  const r = input.regressors;
  if (!r) return false;
  const event = r.names.some((name, j) => (name === 'event' || name.startsWith('event_')) && name !== 'event_tomorrow' && r.values[j][t] > 0);
  return event && [364, 365, 366].some((d) => effects.closed.includes(t - d));
}

/**
 * The calendar-adjusted twin of a model (module comment), named `cal:<name>`.
 * @param inner A model of the registry that does not use regressors itself.
 * @throws when the inner model uses regressors.
 */
export function calendarAdjusted(inner: Model): Model<CalendarAdjustedState> {
  if (inner.usesRegressors) throw new Error(`calendarAdjusted: ${inner.name} uses regressors itself`);
  const name = `${CALENDAR_PREFIX}${inner.name}`;
  return {
    name,
    minLength: inner.minLength,
    intermittent: inner.intermittent,
    usesRegressors: true,
    fit(input: SeriesInput): CalendarAdjustedState {
      const effects = calendarEffects(input);
      let state: FittedState;
      try {
        state = inner.fit(adjusted(input, effects));
      } catch (e) {
        // the inner model's message, under this model's name
        const m = (e as Error).message;
        throw new Error(m.startsWith(`${inner.name}.`) ? `${name}.${m.slice(inner.name.length + 1)}` : `${name}: ${m}`);
      }
      return { model: name, n: input.y.length, sigma: state.sigma, effects, inner: state };
    },
    forecast(state: CalendarAdjustedState, h: number, input: SeriesInput): PointForecast {
      const fc = inner.forecast(state.inner, h, adjusted(input, state.effects));
      const mean = Float64Array.from(fc.mean);
      const e = effectsOver(state.effects, input, state.n, state.n + h);
      for (let j = 0; j < h; j++) mean[j] = expectClosed(state.effects, input, state.n + j) ? 0 : mean[j] + e[j];
      return { mean, sd: fc.sd };
    },
    fittedValues(state: CalendarAdjustedState, input: SeriesInput): Float64Array {
      const out = inner.fittedValues(state.inner, adjusted(input, state.effects));
      const e = effectsOver(state.effects, input, 0, out.length);
      for (let t = 0; t < out.length; t++) out[t] += e[t];
      for (const t of state.effects.closed) if (t < out.length) out[t] = 0;
      return out;
    },
  };
}
