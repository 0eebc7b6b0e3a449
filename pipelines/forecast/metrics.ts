/**
 * Forecast accuracy measures, on plain arrays of daily units.
 *
 * Conventions: `actual` and `forecast` are the h values of one forecast window; `train` is
 * the history the forecast was made from (oldest first). The error is forecast - actual, so a
 * positive bias means over-forecasting. A measure whose scale is zero (e.g. a constant
 * training series) is NaN: callers report it as missing.
 */

type Numbers = ArrayLike<number>;

function checkPair(fn: string, actual: Numbers, forecast: Numbers): void {
  if (actual.length === 0) throw new Error(`${fn} needs at least 1 actual value, got 0`);
  if (actual.length !== forecast.length) {
    throw new Error(`${fn} needs actual and forecast of the same length, got ${actual.length} and ${forecast.length}`);
  }
}

/**
 * Mean absolute error scaled by the in-sample mean absolute seasonal-naive error:
 * MASE = mean|f - y| / ((1/(n-m)) Σ_{t=m}^{n-1} |y_t - y_{t-m}|).
 *
 * Source: Hyndman, R.J. & Koehler, A.B. (2006), "Another look at measures of forecast
 * accuracy", International Journal of Forecasting 22(4), 679-688, §3 (seasonal scale).
 *
 * @param actual Observed units over the forecast window.
 * @param forecast Forecast units, same length.
 * @param train Training history, oldest first.
 * @param m Season length in periods (7 for daily data).
 * @returns MASE, or NaN when the scale is 0.
 * @throws when lengths differ, the window is empty, or train has no more than m values.
 */
export function mase(actual: Numbers, forecast: Numbers, train: Numbers, m = 7): number {
  checkPair('mase', actual, forecast);
  if (!Number.isInteger(m) || m < 1) throw new Error(`mase needs a positive integer season m, got ${m}`);
  if (train.length <= m) throw new Error(`mase needs more than m = ${m} training values, got ${train.length}`);
  let scale = 0;
  for (let t = m; t < train.length; t++) scale += Math.abs(train[t] - train[t - m]);
  scale /= train.length - m;
  let mae = 0;
  for (let i = 0; i < actual.length; i++) mae += Math.abs(forecast[i] - actual[i]);
  mae /= actual.length;
  return scale > 0 ? mae / scale : NaN;
}

/**
 * The RMSSE scale of a training series: the mean squared one-step difference
 * (1/(n-f-1)) Σ_{t=f+1}^{n-1} (y_t - y_{t-1})², counted from the first non-zero value y_f on
 * (the M5 competition's definition, so pre-launch zeros do not shrink the scale).
 *
 * Source: Makridakis, Spiliotis & Assimakopoulos (2022), "M5 accuracy competition: Results,
 * findings, and conclusions", International Journal of Forecasting 38(4), §2.3 (RMSSE).
 *
 * @param train Training history, oldest first.
 * @returns the scale, or NaN when fewer than 2 values follow the first sale.
 */
export function rmsseScale(train: Numbers): number {
  let f = 0;
  while (f < train.length && train[f] === 0) f++;
  if (train.length - f < 2) return NaN;
  let s = 0;
  for (let t = f + 1; t < train.length; t++) {
    const d = train[t] - train[t - 1];
    s += d * d;
  }
  return s / (train.length - f - 1);
}

/**
 * Root mean squared scaled error: sqrt(mean (f - y)² / scale), scale from {@link rmsseScale}.
 *
 * Source: M5 competition guidelines (Makridakis et al. 2022, §2.3).
 *
 * @param actual Observed units over the forecast window.
 * @param forecast Forecast units, same length.
 * @param train Training history (the scale is computed from it), or the scale itself as a number.
 * @returns RMSSE, or NaN when the scale is 0 or undefined.
 * @throws when lengths differ or the window is empty.
 */
export function rmsse(actual: Numbers, forecast: Numbers, train: Numbers | number): number {
  checkPair('rmsse', actual, forecast);
  const scale = typeof train === 'number' ? train : rmsseScale(train);
  if (!(scale > 0)) return NaN;
  let mse = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = forecast[i] - actual[i];
    mse += e * e;
  }
  return Math.sqrt(mse / actual.length / scale);
}

/**
 * Weighted absolute percentage error: Σ|f - y| / Σ|y|.
 *
 * Source: Kolassa, S. & Schütz, W. (2007), "Advantages of the MAD/MEAN ratio over the MAPE",
 * Foresight 6, 40-43 (WAPE = MAD/mean ratio).
 *
 * @returns WAPE as a fraction, or NaN when every actual is 0.
 * @throws when lengths differ or the window is empty.
 */
export function wape(actual: Numbers, forecast: Numbers): number {
  checkPair('wape', actual, forecast);
  let num = 0;
  let den = 0;
  for (let i = 0; i < actual.length; i++) {
    num += Math.abs(forecast[i] - actual[i]);
    den += Math.abs(actual[i]);
  }
  return den > 0 ? num / den : NaN;
}

/**
 * Relative bias: mean error / mean actual = Σ(f - y) / Σy. Positive = over-forecast.
 *
 * @returns the bias as a fraction, or NaN when the actuals sum to 0.
 * @throws when lengths differ or the window is empty.
 */
export function bias(actual: Numbers, forecast: Numbers): number {
  checkPair('bias', actual, forecast);
  let num = 0;
  let den = 0;
  for (let i = 0; i < actual.length; i++) {
    num += forecast[i] - actual[i];
    den += actual[i];
  }
  return den !== 0 ? num / den : NaN;
}

/**
 * M5 level-12 weight of a series: its revenue over the last `days` training days,
 * Σ units_t · price_t (days with an unknown price count as 0 revenue).
 *
 * Source: Makridakis et al. (2022), §2.3: weights are each series' dollar sales over the last
 * 28 days of the training sample.
 *
 * @param units Training units per day, oldest first.
 * @param price Unit price per day (USD), aligned with units; NaN when unknown.
 * @param days Trailing window in days.
 * @throws when the arrays differ in length or days < 1.
 */
export function revenueWeight(units: Numbers, price: Numbers, days = 28): number {
  if (units.length !== price.length) throw new Error(`revenueWeight needs units and price of the same length, got ${units.length} and ${price.length}`);
  if (!Number.isInteger(days) || days < 1) throw new Error(`revenueWeight needs days >= 1, got ${days}`);
  let w = 0;
  for (let t = Math.max(0, units.length - days); t < units.length; t++) {
    const p = price[t];
    if (Number.isFinite(p)) w += units[t] * p;
  }
  return w;
}

/**
 * Weighted RMSSE over series: Σ w_i · RMSSE_i / Σ w_i (the M5 level-12 WRMSSE when the weights
 * are {@link revenueWeight}s and the RMSSEs are 28-day ones). Series with a NaN RMSSE or a zero
 * weight contribute nothing.
 *
 * Source: Makridakis et al. (2022), §2.3.
 *
 * @param scores RMSSE per series.
 * @param weights Non-negative weight per series, same order.
 * @returns the weighted mean, or NaN when no series carries weight.
 * @throws when lengths differ or a weight is negative or non-finite.
 */
export function wrmsse(scores: Numbers, weights: Numbers): number {
  return weightedMean(scores, weights, 'wrmsse');
}

/**
 * Weighted mean of per-series scores, Σ w_i s_i / Σ w_i, skipping NaN scores and zero weights
 * (the weighting of every M5 measure: WRMSSE, WSPL).
 *
 * @param scores Score per series.
 * @param weights Non-negative weight per series, same order.
 * @param fn Name used in error messages.
 * @returns the weighted mean, or NaN when no series carries weight.
 * @throws when lengths differ or a weight is negative or non-finite.
 */
export function weightedMean(scores: Numbers, weights: Numbers, fn = 'weightedMean'): number {
  if (scores.length !== weights.length) throw new Error(`${fn} needs one weight per score, got ${scores.length} scores and ${weights.length} weights`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < scores.length; i++) {
    const w = weights[i];
    if (!Number.isFinite(w) || w < 0) throw new Error(`${fn} needs finite non-negative weights, got ${w} at index ${i}`);
    if (w === 0 || Number.isNaN(scores[i])) continue;
    num += w * scores[i];
    den += w;
  }
  return den > 0 ? num / den : NaN;
}

/**
 * The SPL scale of a training series: the mean absolute one-step difference
 * (1/(n-f-1)) Σ_{t=f+1}^{n-1} |y_t - y_{t-1}|, counted from the first non-zero value y_f on
 * (the M5 uncertainty competition's definition).
 *
 * Source: Makridakis, Spiliotis, Assimakopoulos, Chen, Gaba, Tsetlin & Winkler (2022), "The M5
 * uncertainty competition: Results, findings and conclusions", International Journal of
 * Forecasting 38(4), 1365-1385, §2.3 (SPL).
 *
 * @param train Training history, oldest first.
 * @returns the scale, or NaN when fewer than 2 values follow the first sale.
 */
export function splScale(train: Numbers): number {
  let f = 0;
  while (f < train.length && train[f] === 0) f++;
  if (train.length - f < 2) return NaN;
  let s = 0;
  for (let t = f + 1; t < train.length; t++) s += Math.abs(train[t] - train[t - 1]);
  return s / (train.length - f - 1);
}

/**
 * Mean pinball (quantile) loss of a quantile forecast at probability u:
 * (1/h) Σ_t [u·(y_t - q_t) when q_t <= y_t, else (1-u)·(q_t - y_t)].
 *
 * Source: Koenker, R. & Bassett, G. (1978), "Regression quantiles", Econometrica 46(1), 33-50;
 * Gneiting, T. (2011), "Quantiles as optimal point forecasts", IJF 27(2), 197-207.
 *
 * @param actual Observed units over the forecast window.
 * @param quantile Forecast u-quantile per day, same length.
 * @param u Probability in (0, 1).
 * @throws when lengths differ, the window is empty or u is outside (0, 1).
 */
export function pinballLoss(actual: Numbers, quantile: Numbers, u: number): number {
  checkPair('pinballLoss', actual, quantile);
  if (!(u > 0 && u < 1)) throw new Error(`pinballLoss needs a probability strictly between 0 and 1, got ${u}`);
  let s = 0;
  for (let t = 0; t < actual.length; t++) {
    const d = actual[t] - quantile[t];
    s += d >= 0 ? u * d : (u - 1) * d;
  }
  return s / actual.length;
}

/**
 * Scaled pinball loss of one series, averaged over the quantiles: (1/Q) Σ_u pinball_u / scale,
 * with the scale of {@link splScale} (the M5 uncertainty track's per-series SPL; its WSPL is the
 * {@link weightedMean} of these with revenue weights).
 *
 * Source: Makridakis et al. (2022), "The M5 uncertainty competition", §2.3.
 *
 * @param actual Observed units over the forecast window.
 * @param quantiles One forecast array per probability, each as long as `actual`.
 * @param probabilities The probabilities, same order.
 * @param train Training history (the scale is computed from it), or the scale itself.
 * @returns the SPL, or NaN when the scale is 0 or undefined.
 * @throws when shapes differ or a probability is outside (0, 1).
 */
export function spl(actual: Numbers, quantiles: readonly Numbers[], probabilities: readonly number[], train: Numbers | number): number {
  if (quantiles.length !== probabilities.length || quantiles.length === 0) {
    throw new Error(`spl needs one quantile forecast per probability, got ${quantiles.length} forecasts and ${probabilities.length} probabilities`);
  }
  const scale = typeof train === 'number' ? train : splScale(train);
  let s = 0;
  for (let q = 0; q < quantiles.length; q++) s += pinballLoss(actual, quantiles[q], probabilities[q]);
  return scale > 0 ? s / quantiles.length / scale : NaN;
}
