/**
 * Prediction intervals for every model, intermittent ones included: split-conformal quantiles
 * of the rolling-origin backtest errors, shaped per horizon step by the model's own standard
 * deviation, and widened toward the model's own Gaussian interval when there are few errors.
 *
 * Rule, for a level L (α = 1 - L/100), from K backtest origins × hb steps:
 * 1. residuals e_{o,j} = y - f (actual minus the clipped backtest forecast);
 * 2. each is divided by the model's own relative sd growth r_{o,j} = sd_{o,j} / sd_{o,0}
 *    (1 where sd_{o,0} is 0), so steps of a model whose uncertainty grows with the horizon are
 *    comparable; the N = K·hb scores are pooled across origins and steps;
 * 3. split-conformal ranks (Angelopoulos & Bates 2021, §1; Stankeviciute, Alaa & van der Schaar
 *    2021 for the horizon-wise use), counted over the M distinct days the backtest windows cover
 *    (overlapping windows repeat days, so M = (last window end - first origin) <= N is the
 *    honest sample size): lower rank r_lo = ⌊(M+1)·α/2⌋, upper r_hi = ⌈(M+1)·(1-α/2)⌉; the
 *    bounds are the pooled scores' empirical quantiles at probabilities (r_lo - 1)/M and
 *    r_hi/M (exactly the r_lo-th and r_hi-th order statistics when M = N); a rank outside 1..M
 *    leaves that side to the Gaussian alone (w = 0 in step 4);
 *    3a. count data (every sale as recorded a whole number): each score is spread uniformly over
 *        ±0.5 unit (÷ r) before taking quantiles (a continuity correction: Czado, Gneiting &
 *        Held 2009), so the bounds do not depend on where f + q falls between two counts; at an
 *        interior rank (1 < r < M) the spread scores are read at ((M+1)·τ - ½)/M, the fractional
 *        rank (M+1)·τ itself (Hyndman & Fan 1996, type 6: coverage τ on average where the
 *        rounded rank and the top of its spread covered more), at an extreme rank (the largest
 *        or smallest score, the backtest's only evidence of the tail) at its outer end;
 *    3b. outer levels: the empirical quantile of each level above the smallest is carried out
 *        from the next smaller level's by the spacing of the same two quantiles in the series'
 *        sales residuals over a year, q_inner ± |Q(τ_outer) - Q(τ_inner)| (tail-shape.ts: the
 *        backtest's few weeks fix the inner quantile, ten times the data the length of the tail
 *        beyond it), when that reaches further out than the backtest's own quantile (both
 *        sides, and the one-sided bound of 4a);
 * 4. with weight w = M / (M + N0), N0 = {@link PRIOR_ERRORS}, the bounds at final step j are
 *    lo_j = f_j + w·q_lo·r_j - (1-w)·z·sd_j and hi_j = f_j + w·q_hi·r_j + (1-w)·z·sd_j, where
 *    z = Φ⁻¹(1-α/2) and sd_j, r_j come from the final fit (Gaussian interval: Hyndman &
 *    Athanasopoulos, FPP3 §5.5);
 *    4a. count data whose lower bound is under half a unit: demand cannot fall below zero, so
 *        the lower tail is empty and the interval is one-sided, [0, f_j + w·q_1·r_j +
 *        (1-w)·z_1·sd_j] with q_1 at rank ⌈(M+1)·(1-α)⌉ and z_1 = Φ⁻¹(1-α); without this,
 *        zero-heavy series get [0, q(1-α/2)] and over-cover;
 *    4b. with an extra level sd L_j (an aggregate's level uncertainty, hierarchy/level-shift.ts),
 *        each bound's distance from the blended median c_j (tau = 0.5 by the same rule) is
 *        combined in quadrature with z·L_j: hi_j = c_j + √((hi_j - c_j)² + (z·L_j)²), lo_j
 *        likewise below (z_1 for the one-sided bound of 4a), as for the sum of two independent
 *        errors, the backtest's (noise about a level) and the level's;
 * 5. published: every bound and forecast clipped at 0, each interval widened to contain its
 *    point forecast, nested across levels (wider level ⊇ narrower), never NaN.
 *
 * The sd of a combination of models is its linear pool's (linear-pool.ts): the members'
 * disagreement counts in steps 2 and 4.
 *
 * On the M5 slice (bench/m5-accuracy.ts) this gives 80% / 95% intervals whose empirical
 * coverage is 80.5% / 95.2% on the test period and 79.2-82.0% / 94.7-95.5% on three earlier
 * 28-day periods (80.2% / 95.1% and 78.8-81.8% / 94.5-95.3% before the linear pool's sd;
 * before 3a's type-6 ranks and 3b: 82.0% / 94.1%, 80.5-84.1% / 94.4-95.0%; the
 * ranks alone brought 80% to target and 95% to 93.0%: README, Accuracy); pure conformal
 * quantiles without 3a/4a covered only ~71% / 81% there, because zero days fell under a
 * positive lower bound. N0 hardly matters there (coverage moved
 * by under 0.5 points between N0 = 0 and 20); 4 gives the Gaussian a 9% share with six weeks of
 * error days and more when the history is short.
 *
 * Sources: Angelopoulos, A.N. & Bates, S. (2021), "A gentle introduction to conformal
 * prediction and distribution-free uncertainty quantification", arXiv:2107.07511;
 * Stankeviciute, K., Alaa, A.M. & van der Schaar, M. (2021), "Conformal time-series
 * forecasting", NeurIPS 34; Hyndman, R.J. & Fan, Y. (1996), "Sample quantiles in statistical
 * packages", The American Statistician 50(4), 361-365; Czado, C., Gneiting, T. & Held, L. (2009), "Predictive model
 * assessment for count data", Biometrics 65(4), 1254-1261 (continuity for counts).
 */

import { mixtureQuantile } from './mixture-quantile.js';
import { countQuantiles } from './negative-binomial.js';
import { tailSpacing, type TailShape } from './tail-shape.js';

/**
 * Pseudo-count N0 of the Gaussian interval in the blend: with M distinct error days the empirical
 * weight is M / (M + N0). 9, not 4: with cleaning on, the 95% bound rests on the largest few of
 * ~40-80 backtest errors and fell short; on the M5 slice N0 = 9 brought 95% coverage from
 * 92.4/93.1/92.1% to 93.5/94.4/93.6% on three 28-day periods (ending 56, 28 and 0 days before the
 * data's end; `bench/m5-accuracy.ts --offset=D`), 80% coverage moving from 83.0/81.6/80.8% to
 * 83.9/82.2/81.7%.
 */
export const PRIOR_ERRORS = 9;

/** Interval bounds keyed by level (`'80'`, `'95'`). */
export interface IntervalBounds {
  readonly lo: Record<string, number[]>;
  readonly hi: Record<string, number[]>;
}

/**
 * Standard normal quantile Φ⁻¹(p).
 *
 * Source: Acklam, P.J. (2003), "An algorithm for computing the inverse normal cumulative
 * distribution function" (rational approximation, relative error < 1.15e-9).
 * Not simple-statistics' `probit`: its closed-form inverse error function is off by 0.09% at
 * p = 0.95 and 0.33% at 0.999 (1.6434 for 1.6449, 3.0801 for 3.0902), which moved forecasts.csv
 * by up to 0.023 units and the reorder points by up to 0.33 units on the M5 slice.
 *
 * @param p Probability in (0, 1).
 * @example normalQuantile(0.95) // 1.6448536...
 * @throws when p is not strictly between 0 and 1.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile needs a probability strictly between 0 and 1, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pLow) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * P(|T| <= t) for Student's t with an integer number of degrees of freedom ν, by the finite
 * series of Abramowitz & Stegun (1964) 26.7.3 (ν odd) and 26.7.4 (ν even), θ = atan(t / √ν).
 */
function studentCentral(t: number, df: number): number {
  const theta = Math.atan(t / Math.sqrt(df));
  const c2 = Math.cos(theta) ** 2;
  const s = Math.sin(theta);
  if (df % 2 === 0) {
    // sin θ (1 + ½cos²θ + (1·3)/(2·4)cos⁴θ + ... up to cos^(ν-2)θ)
    let term = 1;
    let sum = 1;
    for (let k = 2; k <= df - 2; k += 2) {
      term *= ((k - 1) / k) * c2;
      sum += term;
    }
    return s * sum;
  }
  if (df === 1) return (2 / Math.PI) * theta;
  // (2/π)(θ + sin θ cos θ (1 + (2/3)cos²θ + (2·4)/(3·5)cos⁴θ + ... up to cos^(ν-3)θ))
  let term = 1;
  let sum = 1;
  for (let k = 3; k <= df - 2; k += 2) {
    term *= ((k - 1) / k) * c2;
    sum += term;
  }
  return (2 / Math.PI) * (theta + s * Math.cos(theta) * sum);
}

/**
 * Student's t quantile with an integer number of degrees of freedom: the inverse of the exact
 * distribution function (Abramowitz & Stegun 1964, 26.7.3-4) by bisection to 1e-12; the normal
 * quantile from 10,000 degrees of freedom on (the difference is then below 2e-4 of the value).
 *
 * @param p Probability in (0, 1). @param df Degrees of freedom, a positive integer.
 * @example studentQuantile(0.975, 2) // 4.302653 (R: qt(0.975, 2))
 * @throws when p is not strictly between 0 and 1 or df is not a positive integer.
 */
export function studentQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentQuantile needs a probability strictly between 0 and 1, got ${p}`);
  if (!Number.isInteger(df) || df < 1) throw new Error(`studentQuantile needs a positive integer df, got ${df}`);
  if (df >= 10000) return normalQuantile(p);
  if (p < 0.5) return -studentQuantile(1 - p, df);
  const target = 2 * p - 1;
  let lo = 0;
  let hi = Math.max(1, normalQuantile(p));
  while (studentCentral(hi, df) < target) hi *= 2;
  for (let it = 0; it < 200 && hi - lo > 1e-12 * Math.max(1, hi); it++) {
    const mid = 0.5 * (lo + hi);
    if (studentCentral(mid, df) < target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

function checkLevels(fn: string, levels: readonly number[]): void {
  if (levels.length === 0) throw new Error(`${fn} needs at least one level`);
  for (const l of levels) if (!(l > 0 && l < 100)) throw new Error(`${fn} needs levels in (0, 100) percent, got ${l}`);
}

/** Level key as used in outputs: `80`, `95`, `97.5`. */
export function levelKey(level: number): string {
  return String(level);
}

/**
 * Gaussian intervals f ± z·sd, before publishing rules; with `df`, Student-t intervals
 * f ± t_df·sd, the prediction interval of a normal sample whose sd is estimated with df degrees
 * of freedom (Hahn, G.J. & Meeker, W.Q. (1991), Statistical Intervals, §4.6).
 *
 * @param mean Point forecast per step.
 * @param sd Forecast standard deviation per step (non-negative).
 * @param levels Coverage levels in percent.
 * @param df Degrees of freedom of an estimated sd (a positive integer); absent: normal quantiles.
 * @throws on a bad level, a bad df or mismatched lengths.
 */
export function gaussianIntervals(mean: ArrayLike<number>, sd: ArrayLike<number>, levels: readonly number[], df?: number): IntervalBounds {
  checkLevels('gaussianIntervals', levels);
  if (mean.length !== sd.length) throw new Error(`gaussianIntervals needs mean and sd of the same length, got ${mean.length} and ${sd.length}`);
  const lo: Record<string, number[]> = {};
  const hi: Record<string, number[]> = {};
  for (const level of levels) {
    const p = 1 - (1 - level / 100) / 2;
    const z = df === undefined ? normalQuantile(p) : studentQuantile(p, df);
    const l: number[] = [];
    const u: number[] = [];
    for (let j = 0; j < mean.length; j++) {
      const s = positiveAt(sd, j);
      l.push(mean[j] - z * s);
      u.push(mean[j] + z * s);
    }
    lo[levelKey(level)] = l;
    hi[levelKey(level)] = u;
  }
  return { lo, hi };
}

/** What {@link conformalIntervals} needs. */
export interface ConformalInput {
  /** Actual values per backtest origin. */
  readonly actuals: readonly Float64Array[];
  /** Backtest forecasts per origin (same shapes as actuals). */
  readonly forecasts: readonly Float64Array[];
  /** The model's own sd per origin and step (same shapes). */
  readonly sds: readonly Float64Array[];
  /** Final point forecast, h steps. */
  readonly mean: ArrayLike<number>;
  /** Final model sd, h steps. */
  readonly sd: ArrayLike<number>;
  /** Levels in percent. */
  readonly levels: readonly number[];
  /** Demand in whole units (steps 3a and 4a of the module comment). @defaultValue false */
  readonly discrete?: boolean;
  /** Distinct days covered by the backtest windows (M); defaults to the number of errors (N). */
  readonly distinctDays?: number;
  /** The series' tail shape over a longer history (tail-shape.ts; step 3b); absent: no tail rule. */
  readonly tail?: TailShape | null;
  /**
   * An extra level sd per final step (step 4b: an aggregate's level uncertainty,
   * hierarchy/level-shift.ts), h values; absent: none.
   */
  readonly levelSd?: ArrayLike<number> | null;
}

/** a[j] when finite and positive, else 0 (a model sd or a level sd at one step). */
function positiveAt(a: ArrayLike<number>, j: number): number {
  return Number.isFinite(a[j]) && a[j] > 0 ? a[j] : 0;
}

function relGrowth(sd: ArrayLike<number>, j: number): number {
  const s0 = sd[0];
  const sj = sd[j];
  return s0 > 0 && Number.isFinite(s0) && Number.isFinite(sj) && sj > 0 ? sj / s0 : 1;
}

/** The pooled conformal scores of a backtest (module comment, steps 1-3a) and their blend weight. */
interface ScoreDistribution {
  /** Scores e / r, sorted ascending. */
  readonly scores: Float64Array;
  /** Half-width of each score's uniform spread (count data), in score order only when all are equal. */
  readonly spread: Float64Array;
  /** Errors N. */
  readonly n: number;
  /** Distinct error days M. */
  readonly m: number;
  /** Empirical weight w = M / (M + N0). */
  readonly w: number;
  readonly discrete: boolean;
  /** Root mean square of the scores (0 without errors). */
  readonly rms: number;
}

/** Check shapes and pool the scores (module comment, steps 1-3a). @throws on shapes that do not match. */
function scoreDistribution(fn: string, input: Omit<ConformalInput, 'levels'>): ScoreDistribution {
  const { actuals, forecasts, sds, mean, sd } = input;
  const discrete = input.discrete === true;
  if (actuals.length !== forecasts.length || actuals.length !== sds.length) {
    throw new Error(`${fn} needs actuals, forecasts and sds for the same origins, got ${actuals.length}, ${forecasts.length}, ${sds.length}`);
  }
  if (mean.length !== sd.length) throw new Error(`${fn} needs mean and sd of the same length, got ${mean.length} and ${sd.length}`);
  let n = 0;
  for (let o = 0; o < actuals.length; o++) {
    if (actuals[o].length !== forecasts[o].length || actuals[o].length !== sds[o].length) {
      throw new Error(`${fn}: origin ${o} has ${actuals[o].length} actuals, ${forecasts[o].length} forecasts and ${sds[o].length} sds`);
    }
    n += actuals[o].length;
  }
  const m = input.distinctDays !== undefined && input.distinctDays > 0 ? Math.min(n, input.distinctDays) : n;
  const scores = new Float64Array(n);
  const spread = new Float64Array(n);
  let k = 0;
  for (let o = 0; o < actuals.length; o++) {
    const a = actuals[o];
    const f = forecasts[o];
    for (let j = 0; j < a.length; j++) {
      const r = relGrowth(sds[o], j);
      spread[k] = discrete ? 0.5 / r : 0;
      scores[k++] = (a[j] - f[j]) / r;
    }
  }
  scores.sort(); // numeric for typed arrays; the spreads of count data are not needed in order
  let ss = 0;
  for (let i = 0; i < n; i++) ss += scores[i] * scores[i];
  return { scores, spread, n, m, w: m / (m + PRIOR_ERRORS), discrete, rms: n > 0 ? Math.sqrt(ss / n) : 0 };
}

/**
 * The probability at which the scores are read for probability tau and its conformal rank r
 * (module comment, step 3): r/M (upper) or (r - 1)/M (lower) for continuous data, the ends of
 * the r-th order statistic; for count data (step 3a) at an interior rank (1 < r < M) the
 * type-6 position ((M+1)·tau - ½)/M, which reads the spread scores at the fractional rank
 * (M+1)·tau itself (the ½ is the spread's centre: the r-th of M scores spread over ±0.5 unit
 * holds probabilities (r-1)/M to r/M), and at the extreme ranks the extreme score's outer end.
 */
function rankProbability(d: ScoreDistribution, tau: number, r: number, upper: boolean): number {
  if (d.discrete && r > 1 && r < d.m) return ((d.m + 1) * tau - 0.5) / d.m;
  return upper ? r / d.m : (r - 1) / d.m;
}

/** Empirical quantile of the scores: lower = value at rank ⌊p·n⌋ + 1, upper = value at rank ⌈p·n⌉. */
function scoreQuantile(d: ScoreDistribution, p: number, upper: boolean): number {
  if (d.discrete) return mixtureQuantile(d.scores, d.spread, p);
  const idx = upper ? Math.ceil(p * d.n - 1e-9) - 1 : Math.floor(p * d.n + 1e-9);
  return d.scores[Math.min(d.n - 1, Math.max(0, idx))];
}

/**
 * The blended quantile at probability tau (module comment, steps 3-4) as an offset from the
 * forecast, per unit of the final fit's growth r_j and sd s_j: value_j = f_j + a·r_j + b·s_j.
 * Split-conformal rank for tau < 0.5: r = ⌊(M+1)·tau⌋, probability (r-1)/M (lower); for
 * tau >= 0.5: r = ⌈(M+1)·tau⌉, probability r/M (upper); a rank outside 1..M leaves tau to the
 * Gaussian alone, or (`extrapolate`) takes the extreme score and carries it out along a normal
 * tail: q = Q(r_c) + (Φ⁻¹(tau) - Φ⁻¹(r_c/(M+1)))·rms(scores), r_c the rank clamped to 1..M.
 * For tau = α/2 and 1 - α/2 these are the interval bounds of level 1 - α.
 */
function blendedQuantile(d: ScoreDistribution, tau: number, extrapolate = false): Blended {
  // Φ⁻¹ of a lower tail as minus the upper one: bit for bit the published intervals' z
  const z = tau < 0.5 ? -normalQuantile(1 - tau) : normalQuantile(tau);
  if (d.n === 0) return { a: 0, b: z };
  const upper = tau >= 0.5;
  const r = upper ? Math.ceil((d.m + 1) * tau - 1e-9) : Math.floor((d.m + 1) * tau + 1e-9);
  if (r >= 1 && r <= d.m) {
    const q = scoreQuantile(d, rankProbability(d, tau, r, upper), upper);
    return { a: d.w * q, b: (1 - d.w) * z, q };
  }
  if (!extrapolate) return { a: 0, b: z };
  // beyond the extreme error: the extreme score, carried out along a normal tail of the scores' rms
  const rc = Math.min(d.m, Math.max(1, r));
  const edge = scoreQuantile(d, upper ? rc / d.m : (rc - 1) / d.m, upper);
  const q = edge + (z - normalQuantile(rc / (d.m + 1))) * d.rms;
  return { a: d.w * q, b: (1 - d.w) * z };
}

/** A blended quantile: value_j = f_j + a·r_j + b·s_j; `q` the empirical score quantile when one was taken. */
interface Blended {
  readonly a: number;
  readonly b: number;
  readonly q?: number;
}

/**
 * Step 3b: the outer level's empirical quantile carried out from the inner level's by the
 * spacing of the same two quantiles in the series' long history (tail-shape.ts), when that
 * reaches further out than the backtest's own; otherwise `outer` unchanged.
 */
function extendTail(d: ScoreDistribution, outer: Blended, inner: Blended, spacing: number | null, upper: boolean): Blended {
  if (spacing === null || outer.q === undefined || inner.q === undefined) return outer;
  const q = upper ? inner.q + spacing : inner.q - spacing;
  if (upper ? !(q > outer.q) : !(q < outer.q)) return outer;
  return { a: d.w * q, b: outer.b, q };
}

/**
 * Conformal intervals from backtest errors blended with the model's Gaussian interval (rule in
 * the module comment, steps 1-4a), before publishing rules. With no backtest errors this is
 * the Gaussian interval.
 *
 * @throws on a bad level or shapes that do not match.
 */
export function conformalIntervals(input: ConformalInput): IntervalBounds {
  const { mean, sd, levels } = input;
  checkLevels('conformalIntervals', levels);
  const d = scoreDistribution('conformalIntervals', input);
  const lo: Record<string, number[]> = {};
  const hi: Record<string, number[]> = {};
  let inner: { half: number; qLo: Blended; qHi: Blended; qOne: Blended } | null = null;
  for (const level of [...levels].sort((x, y) => x - y)) {
    const half = (100 - level) / 200; // α/2, computed so that e.g. 20 · 0.1 is exactly 2
    let qLo = blendedQuantile(d, half);
    let qHi = blendedQuantile(d, 1 - half);
    let qOne = d.discrete ? blendedQuantile(d, 1 - 2 * half) : qHi;
    if (inner) {
      const t = input.tail;
      qLo = extendTail(d, qLo, inner.qLo, tailSpacing(t, half, inner.half), false);
      qHi = extendTail(d, qHi, inner.qHi, tailSpacing(t, 1 - half, 1 - inner.half), true);
      if (d.discrete) qOne = extendTail(d, qOne, inner.qOne, tailSpacing(t, 1 - 2 * half, 1 - 2 * inner.half), true);
    }
    inner = { half, qLo, qHi, qOne };
    const bounds = levelBounds(d, input, { qLo, qHi, qOne, z: normalQuantile(1 - half), z1: normalQuantile(1 - 2 * half) });
    lo[levelKey(level)] = bounds.lo;
    hi[levelKey(level)] = bounds.hi;
  }
  return { lo, hi };
}

/** One level's blended quantiles and the normal quantiles of its two-sided and one-sided bounds. */
interface LevelQuantiles {
  readonly qLo: Blended;
  readonly qHi: Blended;
  readonly qOne: Blended;
  readonly z: number;
  readonly z1: number;
}

/** One level's bounds per final step (module comment, steps 4, 4a and 4b). */
function levelBounds(d: ScoreDistribution, input: ConformalInput, q: LevelQuantiles): { lo: number[]; hi: number[] } {
  const { mean, sd } = input;
  const extra = input.levelSd ?? null;
  const med = extra ? blendedQuantile(d, 0.5) : null;
  const l: number[] = [];
  const u: number[] = [];
  for (let j = 0; j < mean.length; j++) {
    const s = positiveAt(sd, j);
    const r = relGrowth(sd, j);
    const x = extra ? positiveAt(extra, j) : 0;
    const c = med ? mean[j] + med.a * r + med.b * s : mean[j];
    let lower = mean[j] + q.qLo.a * r + q.qLo.b * s;
    if (x > 0) lower = c - Math.hypot(Math.max(0, c - lower), q.z * x);
    if (d.discrete && lower < 0.5) {
      l.push(0);
      const upper = mean[j] + q.qOne.a * r + q.qOne.b * s;
      u.push(x > 0 ? c + Math.hypot(Math.max(0, upper - c), q.z1 * x) : upper);
    } else {
      l.push(lower);
      const upper = mean[j] + q.qHi.a * r + q.qHi.b * s;
      u.push(x > 0 ? c + Math.hypot(Math.max(0, upper - c), q.z * x) : upper);
    }
  }
  return { lo: l, hi: u };
}

/** What {@link conformalQuantiles} needs: the conformal input without levels. */
export type QuantileInput = Omit<ConformalInput, 'levels'>;

/**
 * Quantiles of the forecast distribution from the same backtest errors as the intervals: for a
 * probability tau, q_j = f_j + w·Q(tau)·r_j + (1-w)·Φ⁻¹(tau)·s_j (steps 1-4 of the module
 * comment, with the split-conformal ranks of {@link blendedQuantile}); count data spread over
 * ±0.5 unit (step 3a). A rank beyond the errors (tau = 0.995 needs M >= 199) extends the
 * extreme error along a normal tail scaled by the errors' rms rather than falling back to the
 * Gaussian alone: the model's own sd is often far narrower than its errors, and a tail quantile
 * inside the 0.975 one would be absurd. Published: clipped at 0 and, per step, sorted across probabilities
 * (monotone rearrangement, Chernozhukov, Fernández-Val & Galichon 2010), so the quantiles
 * never cross. Unlike the intervals there is no one-sided rule (4a): a quantile below the mass
 * at zero is simply 0.
 *
 * Source: as the module; Chernozhukov, V., Fernández-Val, I. & Galichon, A. (2010), "Quantile
 * and probability curves without crossing", Econometrica 78(3), 1093-1125.
 *
 * @param input Backtest actuals, forecasts and sds, final mean and sd.
 * @param probabilities Probabilities in (0, 1), ascending (the M5 set: 0.005 ... 0.995).
 * @returns one array of h values per probability, in the given order.
 * @throws on a probability outside (0, 1), probabilities not strictly ascending, or shapes that do not match.
 */
export function conformalQuantiles(input: QuantileInput, probabilities: readonly number[]): number[][] {
  checkProbabilities('conformalQuantiles', probabilities);
  const d = scoreDistribution('conformalQuantiles', input);
  const { mean, sd } = input;
  const parts = probabilities.map((tau) => blendedQuantile(d, tau, true));
  const zs = probabilities.map((tau) => normalQuantile(tau));
  const med = blendedQuantile(d, 0.5);
  const out = probabilities.map(() => new Array<number>(mean.length));
  const column = new Float64Array(probabilities.length);
  for (let j = 0; j < mean.length; j++) {
    const s = positiveAt(sd, j);
    const r = relGrowth(sd, j);
    const f = Number.isFinite(mean[j]) ? mean[j] : 0;
    const x = input.levelSd ? positiveAt(input.levelSd, j) : 0;
    const c = f + med.a * r + med.b * s;
    for (let q = 0; q < parts.length; q++) {
      let v = f + parts[q].a * r + parts[q].b * s;
      // step 4b: the distance from the median combined with the level's in quadrature
      if (x > 0) v = c + Math.sign(zs[q]) * Math.hypot(v - c, zs[q] * x);
      column[q] = v > 0 ? v : 0;
    }
    column.sort();
    for (let q = 0; q < parts.length; q++) out[q][j] = column[q];
  }
  return out;
}

/**
 * Quantiles of the forecast distribution as published (quantiles.csv): for count data (every
 * sale as recorded a whole number) the negative binomial quantiles of {@link countForecastQuantiles},
 * otherwise {@link conformalQuantiles}.
 *
 * @param input Backtest actuals, forecasts and sds, final mean and sd, whether demand is counted.
 * @param probabilities Probabilities in (0, 1), ascending.
 * @returns one array of h values per probability, in the given order (monotone, >= 0).
 * @throws as {@link conformalQuantiles}.
 */
export function forecastQuantiles(input: QuantileInput, probabilities: readonly number[]): number[][] {
  return input.discrete === true ? countForecastQuantiles(input, probabilities) : conformalQuantiles(input, probabilities);
}

/**
 * Quantiles of count demand: at step j the negative binomial (negative-binomial.ts) with the
 * point forecast f_j as its mean and the variance of the interval blend (module comment, step 4)
 * v_j = w·(rms·r_j)² + (1-w)·s_j² (+ L_j², an aggregate's level sd: step 4b), rms the root mean square of the backtest scores (errors ÷
 * sd growth), r_j and s_j the final fit's sd growth and sd; Poisson when v_j <= f_j. Whole
 * units: with counts the pinball loss of a quantile between two counts is higher than at one
 * of them, so the conformal quantiles, continuous by construction, lose at every probability;
 * the count distribution also puts the mass at zero where intermittent demand has it
 * (measured against the conformal quantiles: bench/m5-hierarchy.ts, README).
 *
 * @param input As {@link conformalQuantiles}; `discrete` is not read.
 * @param probabilities Probabilities in (0, 1), ascending.
 * @returns one array of h whole numbers per probability, monotone across probabilities.
 * @throws as {@link conformalQuantiles}.
 */
export function countForecastQuantiles(input: QuantileInput, probabilities: readonly number[]): number[][] {
  checkProbabilities('countForecastQuantiles', probabilities);
  const d = scoreDistribution('countForecastQuantiles', input);
  const { mean, sd } = input;
  const out = probabilities.map(() => new Array<number>(mean.length));
  for (let j = 0; j < mean.length; j++) {
    const s = positiveAt(sd, j);
    const e = d.rms * relGrowth(sd, j);
    const f = Number.isFinite(mean[j]) && mean[j] > 0 ? mean[j] : 0;
    const x = input.levelSd ? positiveAt(input.levelSd, j) : 0;
    const q = countQuantiles(f, d.w * e * e + (1 - d.w) * s * s + x * x, probabilities);
    for (let k = 0; k < q.length; k++) out[k][j] = q[k];
  }
  return out;
}

/** Probabilities strictly inside (0, 1) and strictly ascending. */
export function checkProbabilities(fn: string, probabilities: readonly number[]): void {
  if (probabilities.length === 0) throw new Error(`${fn} needs at least one probability`);
  probabilities.forEach((p, i) => {
    if (!(p > 0 && p < 1)) throw new Error(`${fn} needs probabilities strictly between 0 and 1, got ${p}`);
    if (i > 0 && !(p > probabilities[i - 1])) throw new Error(`${fn} needs ascending probabilities, got ${probabilities[i - 1]} then ${p}`);
  });
}

/** Quantile column name as used in outputs: `q0.005`, `q0.5`; in plain decimals below 1e-6 too (`q0.0000001`, not `q1e-7`). */
export function quantileKey(p: number): string {
  const m = /^(\d)(?:\.(\d+))?e-(\d+)$/.exec(String(p));
  return m ? `q0.${'0'.repeat(Number(m[3]) - 1)}${m[1]}${m[2] ?? ''}` : `q${p}`;
}

/**
 * Apply the publishing rules to a forecast and its intervals (module comment, step 5): the
 * forecast and every bound clipped at 0 (NaN becomes 0 for the forecast, the forecast for a
 * bound), each interval made to contain its forecast, and levels nested so that for levels
 * 80 < 95: lo95 <= lo80 <= forecast <= hi80 <= hi95.
 *
 * @param mean Point forecast per step.
 * @param bounds Raw bounds keyed by level.
 * @param levels The levels present in `bounds`.
 * @returns the published forecast (a new array) and bounds (new arrays).
 * @throws when a level in `levels` has no bounds or lengths differ.
 */
export function publishIntervals(
  mean: ArrayLike<number>,
  bounds: IntervalBounds,
  levels: readonly number[],
): { mean: number[]; lo: Record<string, number[]>; hi: Record<string, number[]> } {
  checkLevels('publishIntervals', levels);
  const h = mean.length;
  const f: number[] = [];
  for (let j = 0; j < h; j++) f.push(Number.isFinite(mean[j]) && mean[j] > 0 ? mean[j] : 0);
  const sorted = [...levels].sort((a, b) => a - b);
  const lo: Record<string, number[]> = {};
  const hi: Record<string, number[]> = {};
  let prevLo = f;
  let prevHi = f;
  for (const level of sorted) {
    const key = levelKey(level);
    const rl = bounds.lo[key];
    const ru = bounds.hi[key];
    if (!rl || !ru || rl.length !== h || ru.length !== h) throw new Error(`publishIntervals needs ${h} lower and upper bounds for level ${key}`);
    const l: number[] = [];
    const u: number[] = [];
    for (let j = 0; j < h; j++) {
      let a = Number.isFinite(rl[j]) ? rl[j] : prevLo[j];
      let b = Number.isFinite(ru[j]) ? ru[j] : prevHi[j];
      if (a > prevLo[j]) a = prevLo[j];
      if (b < prevHi[j]) b = prevHi[j];
      l.push(a > 0 ? a : 0);
      u.push(b > 0 ? b : 0);
    }
    lo[key] = l;
    hi[key] = u;
    prevLo = l;
    prevHi = u;
  }
  return { mean: f, lo, hi };
}

