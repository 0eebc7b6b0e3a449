/**
 * The tail shape of a series' demand over a long span of its history, for the outer interval
 * levels (intervals.ts, step 3b): quantiles of the residuals of each period's sales from the
 * mean of the `window` periods before it (a local level, model-free), over the last `span`
 * periods, count data spread over ±0.5 unit as in the interval rule (step 3a).
 *
 * Why: the backtest the intervals are learnt from covers a few weeks (3 origins 7 days apart,
 * 28-day windows: 42 distinct days), so a 95% bound rests on the one or two largest errors of
 * those weeks; a year of residuals holds ten times as many points beyond the 97.5% quantile and
 * says how far the tail reaches beyond the 90% quantile. The interval rule adds that spacing to
 * the backtest's own 90% quantile, which its 42 days estimate well. A ratio of the two
 * quantiles' distances from the median (Weissman 1978's extrapolation) was tried first: as
 * well calibrated, but it blows up where the inner distance is small (slow sellers), and made
 * 95% intervals 10-24% wider on average on the M5 slice (mean width / mean actual, four 28-day
 * periods) where the spacing costs -2 to +6%, for the same item × store coverage or less.
 *
 * Source: Weissman, I. (1978), "Estimation of parameters and large quantiles based on the k
 * largest observations", JASA 73(364), 812-815 (the ratio form); Czado, Gneiting & Held (2009)
 * for the spread.
 */
export type TailShape = Readonly<Record<string, number>>;

/**
 * Residuals needed beyond the most extreme quantile asked for: with fewer, that quantile is
 * one or two points and no better than the backtest's own.
 */
export const MIN_TAIL_POINTS = 5;

/**
 * Quantiles of the local-level residuals y_t - mean(y_{t-window..t-1}) over the last `span`
 * values of `y` (module comment).
 *
 * @param y Sales as recorded, from the first sale to the last history period.
 * @param window Periods of the local mean (>= 1).
 * @param span Residuals used at most (the last ones).
 * @param probabilities The probabilities wanted, in (0, 1).
 * @param discrete Sales in whole units (spread each residual over ±0.5).
 * @returns the quantiles keyed by `String(p)`, or null when fewer than {@link MIN_TAIL_POINTS}
 *   residuals would lie beyond the most extreme probability.
 * @example tailShape(Float64Array.from([...]), 28, 364, [0.5, 0.9, 0.975], true)
 */
export function tailShape(y: Float64Array, window: number, span: number, probabilities: readonly number[], discrete: boolean): TailShape | null {
  if (!(window >= 1) || probabilities.length === 0) return null;
  const n = Math.min(span, y.length - window);
  let extreme = 0.5;
  for (const p of probabilities) extreme = Math.min(extreme, p, 1 - p);
  if (!(n > 0) || n * extreme < MIN_TAIL_POINTS) return null;
  const res = new Float64Array(n);
  let sum = 0;
  const first = y.length - n; // index of the first residual's period
  for (let t = first - window; t < first; t++) sum += y[t];
  for (let i = 0; i < n; i++) {
    const t = first + i;
    res[i] = y[t] - sum / window;
    sum += y[t] - y[t - window];
  }
  res.sort();
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + res[i];
  const out: Record<string, number> = {};
  for (const p of probabilities) out[String(p)] = spreadQuantile(res, prefix, discrete ? 0.5 : 0, p);
  return out;
}

/**
 * Quantile at p of sorted values each spread uniformly over ±w (mixture-quantile.ts's
 * `mixtureQuantile` for one common spread, by bisection on the CDF evaluated in O(log n) from
 * the prefix sums: a year of residuals per series costs microseconds, not a scan per step);
 * w = 0: the ⌈p·n⌉-th value, as `mixtureQuantile` gives for point masses.
 */
function spreadQuantile(sorted: Float64Array, prefix: Float64Array, w: number, p: number): number {
  const n = sorted.length;
  if (w === 0) return sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n - 1e-9) - 1))];
  // n·F(x) = #{s <= x - w} + Σ_{x-w < s < x+w} (x + w - s) / 2w
  const count = (x: number): number => {
    const a = firstAbove(sorted, x - w);
    const b = firstAbove(sorted, x + w);
    return a + ((b - a) * (x + w) - (prefix[b] - prefix[a])) / (2 * w);
  };
  let lo = sorted[0] - w;
  let hi = sorted[n - 1] + w;
  for (let it = 0; it < 60 && hi - lo > 1e-10; it++) {
    const x = 0.5 * (lo + hi);
    if (count(x) < p * n) lo = x;
    else hi = x;
  }
  return 0.5 * (lo + hi);
}

/** Index of the first value greater than x in a sorted array (n when none). */
function firstAbove(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The spacing |Q(outer) - Q(inner)| of two quantiles of a tail shape, or null when the shape lacks
 * one of them.
 */
export function tailSpacing(shape: TailShape | null | undefined, outer: number, inner: number): number | null {
  if (!shape) return null;
  const qo = shape[String(outer)];
  const qi = shape[String(inner)];
  if (qo === undefined || qi === undefined || !Number.isFinite(qo - qi)) return null;
  return Math.abs(qo - qi);
}

/**
 * The probabilities the interval rule reads from a tail shape for `levels` (percent): the
 * median, and per level α/2, 1 - α/2 and 1 - α (the one-sided bound of count data).
 */
export function tailProbabilities(levels: readonly number[]): number[] {
  const out = new Set<number>([0.5]);
  for (const level of levels) {
    const half = (100 - level) / 200; // as intervals.ts computes it
    out.add(half);
    out.add(1 - half);
    out.add(1 - 2 * half);
  }
  return [...out].sort((a, b) => a - b);
}
