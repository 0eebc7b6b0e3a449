/**
 * Input checks shared by the models: each throws a message naming the model function and what it needs,
 * so the caller (model choice) can log it and fall back to a simpler model.
 */

/**
 * Thrown by a model whose premise the series does not meet although it is long enough (the
 * year-over-year model on a product new since a year before): not a defect, the backtest leaves
 * the model out of that series' candidates as for any throw, and bench/checks/models.ts counts
 * these apart from failures.
 */
export class NotApplicableError extends Error {
  override name = 'NotApplicableError';
}

/**
 * Check a series for `fit`: at least `minLength` observations, every value finite.
 *
 * @param fn function name for the message, e.g. `'ses.fit'`.
 * @param y the series (demand per day).
 * @param minLength shortest accepted length.
 * @throws when `y` is shorter than `minLength` or holds a NaN or infinite value.
 */
export function checkSeries(fn: string, y: Float64Array, minLength: number): void {
  if (!(y instanceof Float64Array)) throw new Error(`${fn} needs y as a Float64Array`);
  if (y.length < minLength) {
    throw new Error(`${fn} needs at least ${minLength} observation${minLength === 1 ? '' : 's'}, got ${y.length}`);
  }
  for (let t = 0; t < y.length; t++) {
    if (!Number.isFinite(y[t])) throw new Error(`${fn} needs finite observations, got ${y[t]} at index ${t}`);
  }
}

/**
 * Check that a series has no negative value (intermittent-demand models).
 * @throws when some `y[t] < 0`.
 */
export function checkNonNegative(fn: string, y: Float64Array): void {
  for (let t = 0; t < y.length; t++) {
    if (y[t] < 0) throw new Error(`${fn} needs non-negative demand, got ${y[t]} at index ${t}`);
  }
}

/**
 * Check a forecast horizon.
 * @throws when `h` is not a positive integer.
 */
export function checkHorizon(fn: string, h: number): void {
  if (!Number.isInteger(h) || h < 1) throw new Error(`${fn} needs a positive integer horizon, got ${h}`);
}

/**
 * Check a season length.
 * @throws when `season` is not a positive integer.
 */
export function checkSeason(fn: string, season: number): void {
  if (!Number.isInteger(season) || season < 1) throw new Error(`${fn} needs a positive integer season, got ${season}`);
}

/**
 * Residual standard deviation sqrt(SSE / (n - k)) with k estimated parameters, as R's `ets` computes
 * sigma^2 (Hyndman et al. 2008, §5.2); falls back to SSE / n when n <= k.
 *
 * @param sse sum of squared one-step errors.
 * @param n number of errors in the sum.
 * @param k number of estimated parameters (smoothing parameters and initial states).
 */
export function residualSd(sse: number, n: number, k: number): number {
  if (n <= 0) return 0;
  const dof = n > k ? n - k : n;
  const v = sse / dof;
  return v > 0 && Number.isFinite(v) ? Math.sqrt(v) : 0;
}
