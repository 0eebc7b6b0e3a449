/**
 * The optimiser window: smoothing parameters are estimated on at most the most recent
 * {@link FIT_WINDOW} observations, then the model is run once over the whole series with them.
 *
 * Why: model choice fits ~8 candidates x 4 origins per series on up to 1,857 daily points within
 * ~5 ms per series; an SSE evaluation costs 3-6 ns per point and an optimiser needs 10-80 of them, so
 * estimating on two years instead of five cuts the optimiser's cost 2.5-fold, while two years (104
 * weeks) still give every parameter hundreds of one-step errors. (On the M5 slice, estimating on 52
 * weeks instead cost 0.4-0.8% of RMSSE for SES and damped Holt: bench/models.ts.) Series no longer than
 * the window are estimated on all their observations, so tests against R on short series are
 * unaffected. The final states, fitted values and sigma always come from the whole series.
 * Holt-Winters and the regression use their own, documented windows.
 */

/** Most recent observations used to estimate smoothing parameters (104 weeks). */
export const FIT_WINDOW = 728;

/**
 * The most recent `window` observations of `y` (a view, no copy), or `y` itself when it is shorter.
 * @param y the series.
 * @param window the cap, in observations (> 0).
 */
export function recent(y: Float64Array, window: number = FIT_WINDOW): Float64Array {
  return y.length > window ? y.subarray(y.length - window) : y;
}
