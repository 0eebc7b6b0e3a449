/**
 * Classical seasonal decomposition by moving averages, as R's `stats::decompose`: a centred moving
 * average of order m (2 x m for even m) estimates the trend; the seasonal figure is the mean, per
 * position t mod m, of the detrended series (y - trend, or y / trend), normalised to sum 0 (additive)
 * or to mean 1 (multiplicative).
 *
 * Source: M. Kendall & A. Stuart, *The Advanced Theory of Statistics* vol. 3 (1983), §46; Hyndman &
 * Athanasopoulos, *FPP3* §3.4 "Classical decomposition"; R `stats::decompose` (R Core Team).
 */

/** Result of {@link classicalDecomposition}. */
export interface ClassicalDecomposition {
  /** Seasonal index of each position t mod m (t = 0 is the first observation). */
  readonly figure: Float64Array;
  /** Centred moving-average trend; NaN at the first and last floor(m / 2) observations. */
  readonly trend: Float64Array;
}

/**
 * Decompose a series into a moving-average trend and a fixed seasonal figure.
 *
 * @param y observations, length >= 2m - 1 (so every position has a detrended value).
 * @param m season length >= 2.
 * @param type `'additive'` or `'multiplicative'` (needs a positive trend).
 * @throws when the series is shorter than 2m - 1 or m < 2.
 */
export function classicalDecomposition(y: Float64Array, m: number, type: 'additive' | 'multiplicative'): ClassicalDecomposition {
  const n = y.length;
  if (!Number.isInteger(m) || m < 2) throw new Error(`classicalDecomposition needs an integer season >= 2, got ${m}`);
  if (n < 2 * m - 1) throw new Error(`classicalDecomposition needs at least ${2 * m - 1} observations for season ${m}, got ${n}`);
  const trend = new Float64Array(n).fill(NaN);
  const half = Math.floor(m / 2);
  if (m % 2 === 1) {
    let sum = 0;
    for (let t = 0; t < m; t++) sum += y[t];
    for (let t = half; t + half < n; t++) {
      trend[t] = sum / m;
      if (t + half + 1 < n) sum += y[t + half + 1] - y[t - half];
    }
  } else {
    for (let t = half; t + half < n; t++) {
      let s = 0.5 * (y[t - half] + y[t + half]);
      for (let q = t - half + 1; q < t + half; q++) s += y[q];
      trend[t] = s / m;
    }
  }
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = half; t + half < n; t++) {
    const d = type === 'additive' ? y[t] - trend[t] : y[t] / trend[t];
    if (Number.isNaN(d)) continue;
    sums[t % m] += d;
    counts[t % m]++;
  }
  const figure = new Float64Array(m);
  let total = 0;
  for (let j = 0; j < m; j++) {
    figure[j] = counts[j] > 0 ? sums[j] / counts[j] : type === 'additive' ? 0 : 1;
    total += figure[j];
  }
  const mean = total / m;
  for (let j = 0; j < m; j++) figure[j] = type === 'additive' ? figure[j] - mean : figure[j] / mean;
  return { figure, trend };
}
