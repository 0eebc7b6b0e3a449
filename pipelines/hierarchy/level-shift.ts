/**
 * The level uncertainty of an aggregate's forecast over its horizon, from the aggregate's own
 * history: how far the mean of h periods has moved from the mean of the h periods before it, at
 * origins `step` periods apart over the last year.
 *
 * Why: an aggregate's intervals come from its backtest errors (distribution.ts), and the backtest
 * holds K windows of h days a few days apart (3 windows 7 days apart: 42 distinct days), so it
 * sees one level at most: its errors measure the day-to-day noise around a level, never a shift of
 * the level itself. An item's sales are mostly noise and its intervals cover as they should; an
 * aggregate's noise averages out and a shift of its level by a few percent is most of its error
 * over four weeks (on the M5 slice its 80% intervals covered 72-75% on six 28-day periods, the
 * misses mostly above them). Means over the whole horizon (28 days: every weekday and a month's
 * SNAP days) leave out the calendar pattern the aggregate's model forecasts.
 *
 * Rule: s = 1.4826 × the median of |m_next / m_prev - 1| over the origins (the normal sd for
 * normal changes; the median keeps a closed week or a Christmas from setting it; about 0, so a
 * steady growth the trailing mean misses counts as uncertainty), in units of the current mean
 * of the last h periods, c: L_j = s·c·√((j + 1) / h) at horizon step j = 0 .. h-1. The change
 * of two consecutive h-period means spans h periods (centre to centre), a level error j + 1
 * periods after the origin spans j + 1; for a level that wanders as a random walk the variance
 * grows in proportion. The interval rule adds L_j in quadrature to the backtest's spread about
 * its median (intervals.ts step 4b).
 */
import { median } from '../stats.js';

/** Fewest origins from which a spread is estimated; with fewer, no allowance (null). */
export const MIN_LEVEL_ORIGINS = 8;

/** The normal sd per median absolute deviation, 1 / Φ⁻¹(0.75). */
const MAD_TO_SD = 1.482602218505602;

/** What {@link levelShiftSd} needs. */
export interface LevelShiftInput {
  /** Demand from the first sale to the last history period. */
  readonly y: Float64Array;
  /** Periods forecast (also the length of the means compared). */
  readonly horizon: number;
  /** Periods between origins (7 for daily data). */
  readonly step: number;
  /** Periods of history the origins' windows lie in (364 for daily data). */
  readonly span: number;
}

/**
 * The level sd over a whole horizon, s·c (module comment), in units of the series; null when the
 * history gives fewer than {@link MIN_LEVEL_ORIGINS} origins or the current mean is not positive.
 * {@link levelSdPath} spreads it over the horizon's steps.
 *
 * Origins t (index of a window's first period) step back by `step` from n - h (the newest window
 * ends on the last period) while t >= n - span (the window within the last `span` periods) and
 * t >= h (the h periods before it in the history); an origin whose earlier mean is 0 is skipped.
 *
 * @example levelShiftSd({ y, horizon: 28, step: 7, span: 364 }) // 1.4826 · median |change| · current mean
 */
export function levelShiftSd(input: LevelShiftInput): number | null {
  const { y, horizon: h, step, span } = input;
  const n = y.length;
  if (!(h >= 1 && step >= 1) || n < 2 * h) return null;
  const prefix = new Float64Array(n + 1);
  for (let t = 0; t < n; t++) prefix[t + 1] = prefix[t] + y[t];
  const sumOf = (from: number): number => prefix[from + h] - prefix[from];
  const current = sumOf(n - h) / h;
  if (!(current > 0)) return null;
  const changes: number[] = [];
  for (let t = n - h; t >= h && t >= n - span; t -= step) {
    const before = sumOf(t - h);
    if (before > 0) changes.push(Math.abs(sumOf(t) / before - 1));
  }
  if (changes.length < MIN_LEVEL_ORIGINS) return null;
  return MAD_TO_SD * median(changes) * current;
}

/**
 * The level sd per horizon step, L_j = sd·√((j + 1) / h), j = 0 .. h-1 (module comment): the
 * whole horizon's sd reached at its last step. A missing or non-positive sd gives null.
 */
export function levelSdPath(sd: number | null | undefined, h: number): Float64Array | null {
  if (sd === null || sd === undefined || !(sd > 0)) return null;
  const out = new Float64Array(h);
  for (let j = 0; j < h; j++) out[j] = sd * Math.sqrt((j + 1) / h);
  return out;
}

