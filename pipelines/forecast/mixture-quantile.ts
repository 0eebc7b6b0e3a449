/**
 * Quantiles of a mixture of uniform distributions: the continuity-corrected empirical
 * distribution of count data (every value spread uniformly over ±0.5 unit: Czado, Gneiting &
 * Held 2009), used by the interval rules (intervals.ts; tail-shape.ts has the same quantile for one
 * common spread, computed faster).
 */

/**
 * Quantile at probability p of the mixture of uniforms on [s_i - w_i, s_i + w_i] (a point mass
 * where w_i = 0), by bisection on its piecewise-linear CDF. p <= 0 gives the lowest end,
 * p >= 1 the highest.
 */
export function mixtureQuantile(s: Float64Array, w: Float64Array, p: number): number {
  const n = s.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (s[i] - w[i] < lo) lo = s[i] - w[i];
    if (s[i] + w[i] > hi) hi = s[i] + w[i];
  }
  if (p <= 0) return lo;
  if (p >= 1) return hi;
  for (let it = 0; it < 50 && hi - lo > 1e-9; it++) {
    const x = 0.5 * (lo + hi);
    let c = 0;
    for (let i = 0; i < n; i++) {
      const a = s[i] - w[i];
      if (x <= a) continue;
      const b = s[i] + w[i];
      c += x >= b ? 1 : (x - a) / (b - a);
    }
    if (c < p * n) lo = x;
    else hi = x;
  }
  return 0.5 * (lo + hi);
}

