/**
 * Research learner of the pooled stage (pipelines/forecast/pooled.ts `learner`): ridge regression
 * (models/ridge.ts) on the pooled rows (pipelines/forecast/gbdt-features.ts), the same target
 * (y[t+h] / scale). A linear model does not find interactions as trees do, so the `expanded`
 * design spells out the few the sales need, each as a one-hot column and that column times the
 * 28-day mean (a category's own level and its own multiple of the series' level):
 *   - numeric: the scaled means and lags (MISSING as 0, with an indicator where a year back is
 *     missing), zeros28, days since sale, price ratio, log level, last year's ramp × mean28;
 *   - weekday (× 1, mean28, same_weekday4), horizon week 1..4 (× 1, mean7, mean28, same_weekday4),
 *     month (× 1, mean28), day of month (× 1);
 *   - each event type, the next day's event and SNAP (× 1, mean28);
 *   - department, category and store codes one-hot (× 1, mean28).
 * `intermittent` adds the share of zero days in the last 28 in six buckets (× 1, mean7, mean28,
 * same_weekday4): slow sellers' own level and multiples. `seasonal` adds to that last year's
 * day, its week and its date over last year's mean (clipped to 5) × mean28, and the target's day
 * of the year one-hot (× 1, mean28): the pooled yearly profile (a holiday's rush, a closed day). `raw` is the 26 features as they are, and an intercept. Rows are expanded one at a time into a
 * reused sparse buffer (no allocation a row).
 */
import { addRow, normalEquations, solveRidge } from '../../models/ridge.js';
import { MISSING } from './gbdt-features.js';

/** Which design the ridge learner fits on. */
export type RidgeFeatures = 'raw' | 'expanded' | 'intermittent' | 'seasonal';

/** The expanded design: raw column positions and the design's column offsets. */
export interface RidgeDesign {
  kind: RidgeFeatures;
  /** Raw features a row. */
  p: number;
  /** Design columns (column 0 the intercept). */
  q: number;
  /** Raw column of each feature name. */
  at: Record<string, number>;
  /** Raw columns of the NUMERIC features. */
  numeric: number[];
  /** Raw columns of the event types. */
  events: number[];
  /** One-hot widths of department, category and store codes. */
  codeWidths: [number, number, number];
}

/** A fitted ridge learner: its design and weights (q). */
export interface RidgeModel {
  design: RidgeDesign;
  weights: Float64Array;
}

const NUMERIC = ['mean7', 'mean28', 'mean91', 'mean364', 'same_weekday4', 'lag364', 'lag364_week', 'same_date_last_year', 'zeros28', 'days_since_sale', 'price_rel28', 'log_level'];
const CODES = ['department', 'category', 'store'];
/** Upper bounds of the zero-share buckets of `intermittent` (the last takes the rest). */
const ZERO_BUCKETS = [0.1, 0.3, 0.5, 0.7, 0.9, Infinity];
/** Columns before the categorical blocks: intercept, NUMERIC, two missing indicators, ramp × mean28. */
const DENSE = 1 + NUMERIC.length + 3;

/** The design of the given feature names (gbdtFeatureNames), the code widths from the training rows' largest codes. */
export function ridgeDesign(names: readonly string[], x: Float64Array, n: number, kind: RidgeFeatures): RidgeDesign {
  const p = names.length;
  const at: Record<string, number> = {};
  names.forEach((name, i) => (at[name] = i));
  const events = names.flatMap((name, i) => (name.startsWith('event_') && name !== 'event_tomorrow' ? [i] : []));
  const codeWidths: [number, number, number] = [0, 0, 0];
  CODES.forEach((c, k) => {
    for (let r = 0; r < n; r++) codeWidths[k] = Math.max(codeWidths[k], x[r * p + at[c]] + 1);
  });
  const codes = codeWidths[0] + codeWidths[1] + codeWidths[2];
  const expanded = DENSE + 7 * 3 + 4 * 4 + 12 * 2 + 31 + 2 * (events.length + 2) + 2 * codes;
  const intermittent = expanded + ZERO_BUCKETS.length * 4;
  const q = kind === 'raw' ? p + 1 : kind === 'seasonal' ? intermittent + 3 + 366 * 2 : kind === 'intermittent' ? intermittent : expanded;
  return { kind, p, q, at, numeric: NUMERIC.map((name) => at[name]), events, codeWidths };
}

/** A reused sparse row: columns, values, count, and a scratch of a one-hot's factors. */
export interface SparseRow {
  idx: Int32Array;
  val: Float64Array;
  m: number;
  factors: Float64Array;
}

/** A sparse row buffer for a design. */
export function sparseRow(d: RidgeDesign): SparseRow {
  return { idx: new Int32Array(d.q), val: new Float64Array(d.q), m: 0, factors: new Float64Array(4) };
}

function put(s: SparseRow, col: number, v: number): void {
  if (v !== 0) (s.idx[s.m] = col), (s.val[s.m++] = v);
}

/** A one-hot block of `width` levels × the first `nf` factors at column c (a level outside it: nothing); returns the next block's column. */
function oneHot(s: SparseRow, c: number, level: number, width: number, nf: number): number {
  if (level >= 0 && level < width) for (let f = 0; f < nf; f++) put(s, c + level * nf + f, s.factors[f]);
  return c + width * nf;
}

/** A raw value, MISSING as 0. */
function value(x: Float64Array, i: number): number {
  return x[i] === MISSING ? 0 : x[i];
}

/** Writes row `r`'s design into `s` (columns in increasing order, zeros left out); returns its count. */
export function designRow(d: RidgeDesign, x: Float64Array, r: number, s: SparseRow): number {
  const o = r * d.p;
  const at = d.at;
  const f = s.factors;
  s.m = 0;
  put(s, 0, 1);
  if (d.kind === 'raw') {
    for (let k = 0; k < d.p; k++) (s.idx[k + 1] = k + 1), (s.val[k + 1] = x[o + k]);
    return (s.m = d.p + 1);
  }
  for (let k = 0; k < NUMERIC.length; k++) put(s, 1 + k, value(x, o + d.numeric[k]));
  const mean7 = value(x, o + at.mean7);
  const mean28 = value(x, o + at.mean28);
  const weekday4 = value(x, o + at.same_weekday4);
  const ramp = x[o + at.year_ago_ramp];
  put(s, 1 + NUMERIC.length, x[o + at.lag364] === MISSING ? 1 : 0);
  put(s, 2 + NUMERIC.length, ramp === MISSING ? 1 : 0);
  put(s, 3 + NUMERIC.length, ramp === MISSING ? 0 : Math.min(ramp, 4) * mean28);
  (f[0] = 1), (f[1] = mean28), (f[2] = weekday4);
  let c = oneHot(s, DENSE, x[o + at.weekday], 7, 3);
  (f[1] = mean7), (f[2] = mean28), (f[3] = weekday4);
  c = oneHot(s, c, Math.min(4, Math.ceil(x[o + at.horizon] / 7)) - 1, 4, 4);
  f[1] = mean28;
  c = oneHot(s, c, x[o + at.month] - 1, 12, 2);
  c = oneHot(s, c, x[o + at.day_of_month] - 1, 31, 1);
  for (let e = 0; e < d.events.length; e++) c = oneHot(s, c, x[o + d.events[e]] > 0 ? 0 : -1, 1, 2);
  c = oneHot(s, c, x[o + at.event_tomorrow] > 0 ? 0 : -1, 1, 2);
  c = oneHot(s, c, x[o + at.snap] > 0 ? 0 : -1, 1, 2);
  for (let k = 0; k < CODES.length; k++) c = oneHot(s, c, x[o + at[CODES[k]]], d.codeWidths[k], 2);
  if (d.kind === 'expanded') return s.m;
  (f[1] = mean7), (f[2] = mean28), (f[3] = weekday4);
  const zeros = value(x, o + at.zeros28);
  let b = 0;
  while (zeros >= ZERO_BUCKETS[b]) b++;
  c = oneHot(s, c, b, ZERO_BUCKETS.length, 4);
  if (d.kind === 'seasonal') seasonalColumns(d, x, o, s, c, mean28);
  return s.m;
}

/** A value a year back over last year's mean (at most 5) times the current level; 0 when unknown. */
function yearRatio(v: number, year: number, mean28: number): number {
  return v === MISSING || !(year > 0) ? 0 : Math.min(v / year, 5) * mean28;
}

/** Days of the year before each month's first (a leap year's: 29 February has its own column). */
const MONTH_START = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];

/** `seasonal`'s columns from column c: last year's day, week and date over last year's mean × mean28; day of the year × 1, mean28. */
function seasonalColumns(d: RidgeDesign, x: Float64Array, o: number, s: SparseRow, c: number, mean28: number): void {
  const at = d.at;
  const year = x[o + at.mean364];
  put(s, c, yearRatio(x[o + at.lag364], year, mean28));
  put(s, c + 1, yearRatio(x[o + at.lag364_week], year, mean28));
  put(s, c + 2, yearRatio(x[o + at.same_date_last_year], year, mean28));
  s.factors[0] = 1;
  s.factors[1] = mean28;
  oneHot(s, c + 3, MONTH_START[x[o + at.month] - 1] + x[o + at.day_of_month] - 1, 366, 2);
}

/** Ridge weights on n rows of raw features (row-major) and targets; null when singular. */
export function fitRidge(names: readonly string[], x: Float64Array, y: Float64Array, n: number, kind: RidgeFeatures, lambda: number): RidgeModel | null {
  const design = ridgeDesign(names, x, n, kind);
  const ne = normalEquations(design.q);
  const s = sparseRow(design);
  for (let r = 0; r < n; r++) addRow(ne, s.idx, s.val, designRow(design, x, r, s), y[r]);
  const weights = solveRidge(ne, lambda);
  return weights ? { design, weights } : null;
}

/** Predictions of n raw rows (row-major, the design's p features each). */
export function predictRidge(model: RidgeModel, x: Float64Array, n: number): Float64Array {
  const { design, weights } = model;
  if (x.length !== n * design.p) throw new Error(`predictRidge: x has ${x.length} values, expected n * p = ${n * design.p}`);
  const s = sparseRow(design);
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const m = designRow(design, x, r, s);
    let v = 0;
    for (let a = 0; a < m; a++) v += weights[s.idx[a]] * s.val[a];
    out[r] = v;
  }
  return out;
}
