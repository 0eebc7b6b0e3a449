/**
 * Rows of a global (pooled over series) direct multi-horizon model, as models/gbdt.ts fits them:
 * one row per series, forecast origin t (the last known day) and horizon h = 1..H, target
 * y[t + h] / scale, where scale is the series' level (the mean of the 28 days up to t) or the
 * RMSSE's scale (root mean squared daily change over the year to t), at least `scaleFloor`
 * (`GbdtScale`). Every feature is
 * known at the origin: the target day's calendar (weekday, day of month, month, event types, the
 * next day's event, SNAP of the store's state), the series' recent means over 7 / 28 / 91 / 364
 * days, the same weekday's mean over the last 4 weeks, the value 364 days before the target day
 * and the week around it, the value on its date a year before (Christmas), last year's move
 * from the 28 days before the origin to the 28 after it, the share of zero days in the last 28, days since the last
 * sale, the price at the origin against its 28-day mean, the level itself (log), and
 * integer codes of department, category and store (the product's stage passes the store's only: pooled-stage.ts). Means are divided by the scale, so one model
 * serves fast and slow sellers.
 *
 * Read by pipelines/forecast/pooled.ts (the pooled stage of `forecast run`: pooled-stage.ts) and bench/gbdt-experiment.ts.
 */
import { dayOfWeek, yearsBefore } from '../dates.js';
import type { Calendar } from './calendar.js';

/** One series as the builder reads it. */
export interface GbdtSeries {
  demand: Float64Array;
  /** Unit price per day (NaN unknown), same length as demand. */
  price: Float64Array;
  /** Day number of index 0. */
  start: number;
  /** SNAP flags of the store's state (calendar.snap[state]), if any. */
  snap?: readonly number[];
  /** Integer codes: department, category, store. */
  codes: [number, number, number];
}

/** Rows built: row-major features, targets (NaN beyond the data), scales. */
export interface GbdtRows {
  n: number;
  p: number;
  x: Float64Array;
  y: Float64Array;
  scale: Float64Array;
}

/** Feature value where the history does not reach back far enough. */
export const MISSING = -1;

const SERIES_FEATURES = ['mean7', 'mean28', 'mean91', 'mean364', 'same_weekday4', 'lag364', 'lag364_week', 'zeros28', 'days_since_sale', 'price_rel28', 'log_level', 'department', 'category', 'store', 'same_date_last_year', 'year_ago_ramp'];

/** Event types of the calendar, sorted (the event columns). */
function eventTypes(calendar: Calendar): string[] {
  return Object.keys(calendar.eventTypes ?? {}).sort();
}

/** Names of the features, in column order. */
export function gbdtFeatureNames(calendar: Calendar): string[] {
  return ['horizon', 'weekday', 'day_of_month', 'month', ...eventTypes(calendar).map((t) => `event_${t}`), 'event_tomorrow', 'snap', ...SERIES_FEATURES];
}

function flag(flags: readonly number[] | undefined, calendar: Calendar, day: number): number {
  const i = day - calendar.start;
  return flags && i >= 0 && i < flags.length ? flags[i] : 0;
}

/** Calendar columns of the target days origin + 1..H (SNAP left out: it depends on the state): H rows of `width`. */
function calendarBlock(calendar: Calendar, origin: number, horizon: number, width: number): Float64Array {
  const types = eventTypes(calendar);
  const out = new Float64Array(horizon * width);
  for (let h = 1; h <= horizon; h++) {
    const d = origin + h;
    const date = new Date(d * 86_400_000);
    const row = (h - 1) * width;
    out[row] = h;
    out[row + 1] = dayOfWeek(d);
    out[row + 2] = date.getUTCDate();
    out[row + 3] = date.getUTCMonth() + 1;
    types.forEach((t, k) => (out[row + 4 + k] = flag(calendar.eventTypes[t], calendar, d)));
    out[row + 4 + types.length] = flag(calendar.event, calendar, d + 1);
  }
  return out;
}

/** Prefix sums of a series' demand (cum[i] = sum of demand[0, i)). */
export function prefixSums(demand: Float64Array): Float64Array {
  const cum = new Float64Array(demand.length + 1);
  for (let i = 0; i < demand.length; i++) cum[i + 1] = cum[i] + demand[i];
  return cum;
}

/**
 * How targets and means are scaled: `level` the mean of the 28 days to the origin; `diff` the
 * root mean squared day-to-day change over the year to it, the RMSSE's own scale, so that the L2
 * loss weighs each series' errors as the mean RMSSE does.
 */
export type GbdtScale = 'level' | 'diff';

/** Prefix sums of squared day-to-day changes (sq[i] = sum over j < i of (y[j] - y[j-1])², j >= 1). */
export function diffSums(demand: Float64Array): Float64Array {
  const sq = new Float64Array(demand.length + 1);
  for (let i = 0; i < demand.length; i++) sq[i + 1] = sq[i] + (i > 0 ? (demand[i] - demand[i - 1]) ** 2 : 0);
  return sq;
}

/** Root mean squared change over the 364 days to index t (0 when there is none). */
function diffScale(sq: Float64Array, t: number): number {
  const lo = Math.max(1, t - 363);
  return t < lo ? 0 : Math.sqrt((sq[t + 1] - sq[lo]) / (t - lo + 1));
}

/** Mean of demand over indices [a, b] clipped to the data, or MISSING when none lies inside. */
function windowMean(cum: Float64Array, a: number, b: number): number {
  const lo = Math.max(0, a);
  const hi = Math.min(cum.length - 2, b);
  return hi < lo ? MISSING : (cum[hi + 1] - cum[lo]) / (hi - lo + 1);
}

/** Scaled means: a value divided by the scale, MISSING kept. */
function scaled(v: number, scale: number): number {
  return v === MISSING ? MISSING : v / scale;
}

/** Origin statistics of a series that do not depend on h (written into `out`): see SERIES_FEATURES. */
function originStats(s: GbdtSeries, cum: Float64Array, t: number, scale: number, out: Float64Array): void {
  const y = s.demand;
  out[0] = scaled(windowMean(cum, t - 6, t), scale);
  out[1] = scaled(windowMean(cum, t - 27, t), scale);
  out[2] = scaled(windowMean(cum, t - 90, t), scale);
  out[3] = scaled(windowMean(cum, t - 363, t), scale);
  let zeros = 0;
  let days = 0;
  for (let i = Math.max(0, t - 27); i <= t; i++) {
    days++;
    if (y[i] === 0) zeros++;
  }
  out[7] = days ? zeros / days : MISSING;
  let since = 0;
  while (since < 364 && t - since >= 0 && y[t - since] === 0) since++;
  out[8] = since;
  out[9] = priceRelative(s.price, t);
  const level = windowMean(cum, t - 27, t);
  out[10] = level === MISSING ? MISSING : Math.log1p(level);
  [out[11], out[12], out[13]] = s.codes;
  // last year's move from the 28 days before the origin to the 28 after it (seasonal ramp)
  const before = windowMean(cum, t - 27 - 364, t - 364);
  const after = windowMean(cum, t + 1 - 364, t + 28 - 364);
  out[15] = t - 27 - 364 >= 0 && before > 0 ? after / before : MISSING;
}

/** Last known price at t over the mean known price of the 28 days to t; 1 when unknown. */
function priceRelative(price: Float64Array, t: number): number {
  let last = NaN;
  let sum = 0;
  let n = 0;
  for (let i = Math.max(0, t - 27); i <= t; i++) {
    if (!Number.isFinite(price[i])) continue;
    last = price[i];
    sum += price[i];
    n++;
  }
  return n > 0 && sum > 0 ? last / (sum / n) : 1;
}

/** The h-dependent series features: same weekday over 4 weeks, the target day 364 days before and its week, the same date a year before (`yearLag` days). */
function horizonStats(cum: Float64Array, t: number, h: number, yearLag: number, scale: number, out: Float64Array): void {
  const target = t + h;
  out[14] = target - yearLag >= 0 ? (cum[target - yearLag + 1] - cum[target - yearLag]) / scale : MISSING;
  const back = 7 * Math.ceil(h / 7); // the latest same weekday at or before t
  let sum = 0;
  let n = 0;
  for (let j = 0; j < 4; j++) {
    const i = target - back - 7 * j;
    if (i >= 0) (sum += cum[i + 1] - cum[i]), n++;
  }
  out[4] = n ? sum / n / scale : MISSING;
  out[5] = target - 364 >= 0 ? (cum[target - 363] - cum[target - 364]) / scale : MISSING;
  out[6] = target - 367 >= 0 ? scaled(windowMean(cum, target - 367, target - 361), scale) : MISSING;
}

/** Row count of a build. */
function rowCount(series: readonly GbdtSeries[], origins: readonly number[], horizon: number): number {
  return series.length * origins.length * horizon;
}

/**
 * Rows for every origin (day numbers; origin-major, then series, then h = 1..horizon), target
 * NaN where origin + h lies beyond a series' data. Rows of a series whose origin lies before
 * its start get MISSING means (the caller chooses origins inside the data).
 *
 * @param scaleFloor Smallest scale (units a day): keeps the scaled target of a series that has not sold for 28 days finite.
 */
export function gbdtRows(series: readonly GbdtSeries[], calendar: Calendar, origins: readonly number[], horizon: number, scaleFloor = 0.1, scaleKind: GbdtScale = 'level'): GbdtRows {
  const p = gbdtFeatureNames(calendar).length;
  const n = rowCount(series, origins, horizon);
  const out: GbdtRows = { n, p, x: new Float64Array(n * p), y: new Float64Array(n), scale: new Float64Array(n) };
  writeGbdtRows(series, calendar, origins, horizon, scaleFloor, scaleKind, out, 0);
  return out;
}

/** What the rows of one origin share whatever the series: its calendar columns (`calendarBlock`) and each h's days back to the same date a year before. */
export interface OriginCalendar {
  block: Float64Array;
  yearLags: Int32Array;
}

/** The origin's calendar columns and year lags, from `cache` when an earlier call built them (same calendar, horizon and width). */
function originCalendar(calendar: Calendar, origin: number, horizon: number, width: number, cache: Map<number, OriginCalendar>): OriginCalendar {
  let c = cache.get(origin);
  if (!c) {
    const yearLags = new Int32Array(horizon);
    for (let h = 1; h <= horizon; h++) yearLags[h - 1] = origin + h - yearsBefore(origin + h, 1);
    c = { block: calendarBlock(calendar, origin, horizon, width), yearLags };
    cache.set(origin, c);
  }
  return c;
}

/**
 * gbdtRows' rows written into `out` from row `row0` on (out's arrays long enough, out.p the
 * features' count): a caller building rows series by series (pipelines/forecast/pooled.ts
 * trainingRows) fills one array without a copy, and shares `cache` (the origins' calendar
 * columns: the same for every series; one cache per calendar and horizon).
 */
export function writeGbdtRows(series: readonly GbdtSeries[], calendar: Calendar, origins: readonly number[], horizon: number, scaleFloor: number, scaleKind: GbdtScale, out: GbdtRows, row0: number, cache = new Map<number, OriginCalendar>()): void {
  const calWidth = gbdtFeatureNames(calendar).length - SERIES_FEATURES.length; // horizon .. snap
  const p = calWidth + SERIES_FEATURES.length;
  const { x, y, scale } = out;
  const cums = series.map((s) => prefixSums(s.demand));
  const diffs = scaleKind === 'diff' ? series.map((s) => diffSums(s.demand)) : [];
  const stats = new Float64Array(SERIES_FEATURES.length);
  let row = row0;
  for (const origin of origins) {
    const { block, yearLags } = originCalendar(calendar, origin, horizon, calWidth, cache);
    series.forEach((s, k) => {
      const t = origin - s.start;
      const sc = Math.max(scaleKind === 'diff' ? diffScale(diffs[k], t) : windowMean(cums[k], t - 27, t), scaleFloor);
      originStats(s, cums[k], t, sc, stats);
      for (let h = 1; h <= horizon; h++, row++) {
        horizonStats(cums[k], t, h, yearLags[h - 1], sc, stats);
        const base = row * p;
        for (let c = 0; c < calWidth - 1; c++) x[base + c] = block[(h - 1) * calWidth + c];
        x[base + calWidth - 1] = flag(s.snap, calendar, origin + h);
        x.set(stats, base + calWidth);
        y[row] = t + h < s.demand.length ? s.demand[t + h] / sc : NaN;
        scale[row] = sc;
      }
    });
  }
}
