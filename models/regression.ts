/**
 * Linear regression on calendar features,
 *   y[t] = b0 + b1 (t - start) / span + sum_j d_j [day type j] + sum_r c_r x_r[t] + e[t],
 * with a linear trend, m - 1 seasonal dummies (for m = 7: day of week, Monday the baseline, from
 * `input.firstDow`; none when m > MAX_DUMMY_SEASON = 31), Fourier terms for every other cycle of
 * `input.cycles` (the year: 52.18 weeks, 365.25 days) that the fitted window holds twice, with K
 * harmonic pairs chosen by AICc on the window (fourier.ts), and the calendar regressors of
 * `input.regressors` (event and SNAP flags or counts, price, ...) when given. Fitted by ordinary
 * least squares (least-squares.ts: centred normal equations by Cholesky, with `ml-regression`'s
 * SVD pseudo-inverse when collinear columns make X'X singular); the residual variance is computed
 * here, (X'X)^-1 by ml-matrix's Cholesky decomposition (its arithmetic, on Float64Arrays: cholesky.ts).
 *
 * Preparation (documented): a regressor value that is NaN is replaced by the last finite value before it
 * (or, before the first one, the first finite value of the history); a feature column that is constant
 * over the fitted days (an event that never happened yet, a price that never changed) is dropped, since
 * its effect cannot be estimated; regressors are used only when n >= (number of features) + 7. The fit
 * uses at most the last REGRESSION_WINDOW = 364 days (see below).
 *
 * Forecast: x' b at the future days, with regressors taken from `input.regressors` at t = n..n+h-1.
 * sd[h] = sqrt(sigma^2 + x' C x), C = sigma^2 (X'X)^-1 the coefficient covariance: the exact OLS
 * prediction-error variance (FPP3 §7.9 / Seber & Lee 2003 §5.3). sigma^2 = SSE / (n - p). When X'X is
 * numerically singular (collinear regressors) the parameter term is dropped: sd = sigma.
 * Fitted values are the in-sample regression fit (the regressors are known in advance, so this is what
 * a one-step forecast with the final coefficients gives).
 *
 * Source: Hyndman & Athanasopoulos, *FPP3* ch. 7 "Time series regression models" (§7.4 trend,
 * seasonal dummy and intervention variables); G. A. F. Seber & A. J. Lee, *Linear Regression Analysis*
 * (2nd ed., 2003), ch. 3 and 5.
 */
import { checkHorizon, checkSeason, checkSeries } from './check-input.js';
import { choleskyInverse } from './cholesky.js';
import { fitFourierSeason, fourierColumns } from './fourier.js';
import { leastSquares } from './least-squares.js';
import type { FittedState, Model, PointForecast, Regressors, SeriesInput } from './types.js';

/**
 * The regression is fitted on at most the last 364 observations (52 weeks): ml-regression builds dense
 * row matrices (about 0.1 us per row and feature, ~0.25 ms per fit at 364 days), and on the M5 slice a
 * one-year window forecast as well as two years (RMSSE 0.755 vs 0.757 without regressors;
 * bench/models.ts) and better than half a year (0.762). Every yearly event occurs once in the window.
 * Fitted values before the window are NaN; the trend is (t - start) / window length.
 */
export const REGRESSION_WINDOW = 364;

/** Seasons longer than this get no seasonal dummies (m - 1 columns would swamp a one-year window). */
export const MAX_DUMMY_SEASON = 31;

/** Fitted state of `regression`. */
export interface RegressionState extends FittedState {
  readonly model: 'regression';
  /** Index of the first observation fitted. */
  readonly start: number;
  /** Observations fitted (n - start): the trend's unit. */
  readonly span: number;
  readonly season: number;
  readonly firstDow: number;
  /** Regressors used, by name (a subset of input.regressors.names). */
  readonly regressors: string[];
  /** Fourier terms: cycle length (observations) and harmonic pairs; empty when none. */
  readonly fourier: { period: number; harmonics: number }[];
  /** Names of the features, in weight order (the intercept last). */
  readonly features: string[];
  /** Regression weights, one per feature, the intercept last. */
  readonly weights: number[];
  /** Coefficient covariance sigma^2 (X'X)^-1, in weight order. */
  readonly covariance: number[][];
}

/** Seasonal position of day t: weekday (0 = Monday) for m = 7, else t mod m. */
function position(t: number, m: number, firstDow: number): number {
  return m === 7 ? (firstDow + t) % 7 : t % m;
}

/**
 * A regressor over days [from, to) with NaN filled forward (and, before the first finite value of the
 * history, backward); null when the history [0, n) has no finite value or the column is too short.
 */
function filledColumn(values: Float64Array, n: number, from: number, to: number): Float64Array | null {
  if (values.length < to) return null;
  let last = NaN;
  for (let t = from - 1; t >= 0 && Number.isNaN(last); t--) if (Number.isFinite(values[t])) last = values[t];
  for (let t = 0; t < n && Number.isNaN(last); t++) if (Number.isFinite(values[t])) last = values[t];
  if (Number.isNaN(last)) return null;
  const out = new Float64Array(to - from);
  for (let t = from; t < to; t++) {
    const v = values[t];
    if (Number.isFinite(v)) last = v;
    out[t - from] = last;
  }
  return out;
}

/**
 * The m - 1 seasonal dummies of `len` days whose first day has seasonal position `pos0`: column p - 1
 * is 1 on the days of position p (1..m-1), 0 elsewhere; one pass stepping the position, not a
 * {@link position} per day and dummy.
 */
function dummyColumns(m: number, pos0: number, len: number): Float64Array[] {
  const cols: Float64Array[] = [];
  for (let p = 1; p < m; p++) cols.push(new Float64Array(len));
  let pos = pos0;
  for (let i = 0; i < len; i++) {
    if (pos > 0) cols[pos - 1][i] = 1;
    if (++pos === m) pos = 0;
  }
  return cols;
}

interface Design {
  readonly names: string[];
  /** Feature columns over days [from, to): columns[j][t - from] is feature j on day t. */
  readonly columns: Float64Array[];
}

/**
 * Candidate feature columns over days [from, to) of the series (t is the series' day index).
 * @param n history length (regressor NaN back-fill looks at [0, n)).
 * @param start first fitted day; @param span trend unit.
 * @param use regressor names to build (null: all).
 */
function allFeatures(
  n: number,
  start: number,
  span: number,
  m: number,
  firstDow: number,
  regs: Regressors | undefined,
  from: number,
  to: number,
  use: readonly string[] | null,
  fourier: readonly { period: number; harmonics: number }[],
): Design {
  const len = to - from;
  const names: string[] = ['trend'];
  const trend = new Float64Array(len);
  for (let i = 0; i < len; i++) trend[i] = (from + i - start) / span;
  const columns: Float64Array[] = [trend];
  // seasonal dummies need two seasons in the window (always true for daily data: minLength 14)
  if (m <= MAX_DUMMY_SEASON && span >= 2 * m) {
    for (let p = 1; p < m; p++) names.push(m === 7 ? `dow${p}` : `season${p}`);
    for (const c of dummyColumns(m, position(from, m, firstDow), len)) columns.push(c);
  }
  for (const f of fourier) {
    const cols = fourierColumns(f.period, f.harmonics, from, len);
    cols.forEach((col, j) => {
      names.push(`fourier${+f.period.toFixed(2)}_${j % 2 === 0 ? 'cos' : 'sin'}${(j >> 1) + 1}`);
      columns.push(col);
    });
  }
  if (regs) {
    regs.names.forEach((name, j) => {
      if (use && !use.includes(name)) return;
      const col = filledColumn(regs.values[j], n, from, to);
      if (!col) return;
      names.push(name);
      columns.push(col);
    });
  }
  return { names, columns };
}

function fit(input: SeriesInput): RegressionState {
  const { y, season: m, firstDow, regressors } = input;
  checkSeries('regression.fit', y, 14);
  checkSeason('regression.fit', m);
  if (regressors) {
    if (regressors.values.length !== regressors.names.length) {
      throw new Error(`regression.fit needs one value column per regressor name, got ${regressors.values.length} columns for ${regressors.names.length} names`);
    }
    for (let j = 0; j < regressors.values.length; j++) {
      if (regressors.values[j].length < y.length) {
        throw new Error(`regression.fit needs regressor "${regressors.names[j]}" for every day of the history (${y.length}), got ${regressors.values[j].length}`);
      }
    }
  }
  const n = y.length;
  const start = n > REGRESSION_WINDOW ? n - REGRESSION_WINDOW : 0;
  const span = n - start;
  const fourier: { period: number; harmonics: number }[] = [];
  for (const c of input.cycles ?? []) {
    if (c <= 2 || (c === m && m <= MAX_DUMMY_SEASON) || span < 2 * c) continue;
    const k = fitFourierSeason(y.subarray(start), c).harmonics;
    if (k > 0) fourier.push({ period: c, harmonics: k });
  }
  const design = allFeatures(n, start, span, m, firstDow, regressors, start, n, null, fourier);
  // keep columns that vary over the fitted days; regressors only with enough observations
  const keep: number[] = [];
  for (let j = 0; j < design.columns.length; j++) {
    const col = design.columns[j];
    const v0 = col[0];
    let varies = false;
    for (let i = 1; i < span && !varies; i++) if (col[i] !== v0) varies = true;
    if (varies) keep.push(j);
  }
  // trend, the m - 1 dummies and the Fourier terms come first
  const seasonalCount = (m <= MAX_DUMMY_SEASON && span >= 2 * m ? m : 1) + 2 * fourier.reduce((a, f) => a + f.harmonics, 0);
  let kept = keep;
  if (span < keep.length + 1 + 7) kept = keep.filter((j) => j < seasonalCount);
  const cols = kept.map((j) => design.columns[j]);
  const target = y.subarray(start, n);
  const { weights, xtx } = leastSquares(cols, target);
  // residual variance; covariance sigma^2 (X'X)^-1
  const p = weights.length;
  const sse = residualSse(cols, weights, target);
  const dof = span - p;
  const s2 = dof > 0 ? sse / dof : 0;
  const sigma = s2 > 0 && Number.isFinite(s2) ? Math.sqrt(s2) : 0;
  const inv = normalMatrixInverse(xtx, p);
  const covariance: number[][] = [];
  for (let a = 0; a < p; a++) {
    const row: number[] = [];
    for (let b = 0; b < p; b++) row.push(inv ? s2 * inv[a * p + b] : 0);
    covariance.push(row);
  }
  const features = kept.map((j) => design.names[j]).concat('intercept');
  const used = features.filter((f) => regressors?.names.includes(f) && f !== 'trend' && f !== 'intercept' && !f.startsWith('fourier'));
  return {
    model: 'regression',
    n,
    sigma,
    start,
    span,
    season: m,
    firstDow,
    regressors: used,
    fourier,
    features,
    weights,
    covariance,
  };
}

/**
 * Sum of squared residuals of the fitted rows: row i's mean is the intercept (weights' last) plus
 * weights[a]·cols[a][i] in column order. Two rows per step, each summed in that order as on its own
 * and added to the total in row order (the same doubles): the rows' two sums run side by side.
 */
function residualSse(cols: readonly Float64Array[], weights: readonly number[], target: Float64Array): number {
  const k = weights.length - 1;
  const n = target.length;
  let sse = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let mu = weights[k];
    let nu = weights[k];
    for (let a = 0; a < k; a++) {
      const c = cols[a];
      mu += weights[a] * c[i];
      nu += weights[a] * c[i + 1];
    }
    const e = target[i] - mu;
    sse += e * e;
    const f = target[i + 1] - nu;
    sse += f * f;
  }
  if (i < n) {
    let mu = weights[k];
    for (let a = 0; a < k; a++) mu += weights[a] * cols[a][i];
    const e = target[i] - mu;
    sse += e * e;
  }
  return sse;
}

/**
 * (X'X)^-1 by ml-matrix's Cholesky decomposition (`choleskyInverse`: the same arithmetic), or null when
 * X'X is numerically singular (collinear regressors): a pivot below 1e-14 x the largest diagonal entry.
 * A ridge of 1e-12 x that entry on the diagonal guards against rounding.
 *
 * @param xtx p x p, row-major; only the upper triangle is read.
 * @returns (X'X)^-1, p x p row-major.
 */
function normalMatrixInverse(xtx: Float64Array, p: number): Float64Array | null {
  let maxDiag = 0;
  for (let c = 0; c < p; c++) maxDiag = Math.max(maxDiag, xtx[c * p + c]);
  if (!(maxDiag > 0) || !Number.isFinite(maxDiag)) return null;
  const a = new Float64Array(p * p);
  for (let r = 0; r < p; r++) {
    for (let c = r; c < p; c++) {
      const v = xtx[r * p + c] + (r === c ? 1e-12 * maxDiag : 0);
      a[r * p + c] = v;
      a[c * p + r] = v;
    }
  }
  const chol = choleskyInverse(a, p);
  if (!chol) return null;
  const l = chol.diagonal;
  for (let c = 0; c < p; c++) if (!(l[c] * l[c] > 1e-14 * maxDiag)) return null;
  return chol.inverse;
}

/** Feature rows of days [from, to) for a fitted state (intercept included, last). */
function rows(state: RegressionState, input: SeriesInput, from: number, to: number): number[][] {
  const design = allFeatures(state.n, state.start, state.span, state.season, state.firstDow, input.regressors, from, to, state.regressors, state.fourier ?? []);
  const index = new Map(design.names.map((name, j) => [name, j]));
  const cols = state.features.slice(0, -1).map((name) => {
    const j = index.get(name);
    if (j === undefined) throw new Error(`regression.forecast needs regressor "${name}" for days ${from}..${to - 1}`);
    return design.columns[j];
  });
  const out: number[][] = [];
  for (let i = 0; i < to - from; i++) {
    const row = cols.map((c) => c[i]);
    row.push(1);
    out.push(row);
  }
  return out;
}

function forecast(state: RegressionState, h: number, input: SeriesInput): PointForecast {
  checkHorizon('regression.forecast', h);
  const n = state.n;
  if (input.regressors && state.regressors.length > 0) {
    for (const name of state.regressors) {
      const j = input.regressors.names.indexOf(name);
      if (j < 0 || input.regressors.values[j].length < n + h) {
        throw new Error(`regression.forecast needs regressor "${name}" for ${n + h} days (history and horizon)`);
      }
    }
  } else if (state.regressors.length > 0) {
    throw new Error(`regression.forecast needs the regressors it was fitted with: ${state.regressors.join(', ')}`);
  }
  const x = rows(state, input, n, n + h);
  const mean = new Float64Array(h);
  const sd = new Float64Array(h);
  const p = state.weights.length;
  const s2 = state.sigma * state.sigma;
  const w = Float64Array.from(state.weights);
  const cov = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) cov[a * p + b] = state.covariance[a][b];
  let i = 0;
  for (; i + 1 < h; i += 2) predictPair(w, cov, p, x[i], x[i + 1], s2, mean, sd, i);
  if (i < h) predictPair(w, cov, p, x[i], x[i], s2, mean, sd, i);
  return { mean, sd };
}

/**
 * Mean x'w and sd sqrt(s2 + x'Cx) of rows r1 (step i) and r2 (step i + 1; not written when
 * i + 1 = h, the last step of an odd horizon): each row's sums run in the order of a row on its own
 * (the same doubles), two rows side by side so that their sums overlap.
 */
function predictPair(w: Float64Array, cov: Float64Array, p: number, r1: number[], r2: number[], s2: number, mean: Float64Array, sd: Float64Array, i: number): void {
  let mu1 = 0;
  let q1 = 0;
  let mu2 = 0;
  let q2 = 0;
  for (let a = 0; a < p; a++) {
    mu1 += w[a] * r1[a];
    mu2 += w[a] * r2[a];
    let t1 = 0;
    let t2 = 0;
    for (let b = 0; b < p; b++) {
      const c = cov[a * p + b];
      t1 += c * r1[b];
      t2 += c * r2[b];
    }
    q1 += r1[a] * t1;
    q2 += r2[a] * t2;
  }
  mean[i] = mu1;
  sd[i] = Math.sqrt(s2 + Math.max(0, q1));
  if (i + 1 < mean.length) {
    mean[i + 1] = mu2;
    sd[i + 1] = Math.sqrt(s2 + Math.max(0, q2));
  }
}

function fittedValues(state: RegressionState, input: SeriesInput): Float64Array {
  const x = rows(state, input, state.start, input.y.length);
  const out = new Float64Array(input.y.length).fill(NaN);
  for (let i = 0; i < x.length; i++) {
    let mu = 0;
    for (let a = 0; a < state.weights.length; a++) mu += state.weights[a] * x[i][a];
    out[state.start + i] = mu;
  }
  return out;
}

/** Linear regression on trend, day of week and calendar regressors (ml-regression OLS). */
export const regression: Model<RegressionState> = {
  name: 'regression',
  minLength: 14,
  intermittent: false,
  usesRegressors: true,
  fit,
  forecast,
  fittedValues,
};
