/**
 * Fourier seasonality, for cycles of any length, fractional ones included (the year: 52.18 weeks,
 * 365.25 days), where seasonal dummies or a classical decomposition need a whole number of
 * observations per cycle:
 *   s(t) = sum_{k=1..K} a_k cos(2 pi k t / P) + b_k sin(2 pi k t / P),  t = 0 at y[0].
 *
 * Fit: ordinary least squares of y on [1, trend, cos_1, sin_1, ..., cos_Kmax, sin_Kmax] (the linear
 * trend keeps a trend from being read as season), K chosen in 0..Kmax by AICc among the nested models.
 * One Cholesky factorisation of X'X serves every K: with z = L^-1 X'y, the SSE of the model with the
 * first p columns is y'y - (z_1^2 + ... + z_p^2) (Golub & Van Loan 2013, §5.3). K = 0 means the
 * season is not worth its parameters: s = 0.
 * Kmax = min(floor(P / 2), MAX_HARMONICS, floor((n / 2 - 2) / 2)): at least half the observations are
 * left as degrees of freedom. The search first tries K <= FIRST_SEARCH = 12 and goes on to Kmax only
 * when K = 12 wins (the cost grows with K^2; most retail series choose K <= 6).
 *
 * Source: Hyndman & Athanasopoulos, *FPP3* §7.4 (Fourier series), §10.5 (dynamic harmonic regression:
 * K chosen by AICc), §12.1 (weekly data: a period of 365.25 / 7 = 52.18); the AICc, Hurvich & Tsai,
 * "Regression and time series model selection in small samples", *Biometrika* 76 (1989) 297-307.
 */
import { choleskyLeading, choleskySolveLeading } from './cholesky.js';

/** Most harmonic pairs tried (a cost cap: X'X has 2 + 2K columns). */
export const MAX_HARMONICS = 26;

/** Harmonic pairs tried first; more only when the largest of them wins. */
export const FIRST_SEARCH = 12;

/** A fitted Fourier season. */
export interface FourierSeason {
  /** Cycle length in observations (may be fractional). */
  readonly period: number;
  /** Harmonic pairs K (0: no season). */
  readonly harmonics: number;
  /** [a_1, b_1, ..., a_K, b_K]: cosine and sine weights. */
  readonly coef: number[];
}

/**
 * X'X, X'y and y'y of the design [1, trend, cos_1, sin_1, ..., cos_K, sin_K] over t = 0..n-1, trend =
 * (t - (n - 1) / 2) / n, in O(n K) rather than O(n K^2): products of harmonics are sums of harmonics,
 * cos(a w) cos(b w) = (cos((a - b) w) + cos((a + b) w)) / 2 and the like, so one pass collects
 * sum_t cos(k w_t) and sum_t sin(k w_t) for k <= 2K, their products with the trend and with y
 * for k <= K, and the matrix is assembled from those sums.
 */
export function normalEquations(y: Float64Array, period: number, K: number): { xtx: Float64Array; xty: Float64Array; yy: number } {
  const n = y.length;
  const p = 2 + 2 * K;
  const sc = new Float64Array(2 * K + 1); // sum cos(k w_t), k = 0..2K
  const ss = new Float64Array(2 * K + 1);
  const tc = new Float64Array(K + 1); // sum trend_t cos(k w_t)
  const ts = new Float64Array(K + 1);
  const yc = new Float64Array(K + 1);
  const ys = new Float64Array(K + 1);
  let st = 0;
  let stt = 0;
  let sy = 0;
  let sty = 0;
  let yy = 0;
  const mid = (n - 1) / 2;
  for (let t = 0; t < n; t++) {
    const tr = (t - mid) / n;
    const v = y[t];
    st += tr;
    stt += tr * tr;
    sy += v;
    sty += tr * v;
    yy += v * v;
    const w = (2 * Math.PI * t) / period;
    const c1 = Math.cos(w);
    const s1 = Math.sin(w);
    let c = c1;
    let s = s1;
    for (let k = 1; k <= 2 * K; k++) {
      sc[k] += c;
      ss[k] += s;
      if (k <= K) {
        tc[k] += tr * c;
        ts[k] += tr * s;
        yc[k] += v * c;
        ys[k] += v * s;
      }
      const c2 = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = c2;
    }
  }
  sc[0] = n;
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  const set = (a: number, b: number, v: number): void => {
    xtx[a * p + b] = v;
    xtx[b * p + a] = v;
  };
  set(0, 0, n);
  set(0, 1, st);
  set(1, 1, stt);
  xty[0] = sy;
  xty[1] = sty;
  // signed sums: sin(-k w) = -sin(k w)
  const sinSum = (k: number): number => (k >= 0 ? ss[k] : -ss[-k]);
  for (let a = 1; a <= K; a++) {
    const ca = 2 * a; // column of cos_a; sin_a is ca + 1
    set(0, ca, sc[a]);
    set(0, ca + 1, ss[a]);
    set(1, ca, tc[a]);
    set(1, ca + 1, ts[a]);
    xty[ca] = yc[a];
    xty[ca + 1] = ys[a];
    for (let b = a; b <= K; b++) {
      const cb = 2 * b;
      set(ca, cb, 0.5 * (sc[b - a] + sc[a + b]));
      set(ca + 1, cb + 1, 0.5 * (sc[b - a] - sc[a + b]));
      set(ca, cb + 1, 0.5 * (ss[a + b] + sinSum(b - a))); // cos_a sin_b
      set(ca + 1, cb, 0.5 * (ss[a + b] + sinSum(a - b))); // sin_a cos_b
    }
  }
  return { xtx, xty, yy };
}

/** Value of a Fourier season at index t (t = 0 is the first observation fitted; t may be >= n). */
export function fourierAt(season: FourierSeason, t: number): number {
  const { period, harmonics, coef } = season;
  if (harmonics === 0) return 0;
  const w = (2 * Math.PI * t) / period;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  let c = c1;
  let s = s1;
  let v = 0;
  for (let k = 0; k < harmonics; k++) {
    v += coef[2 * k] * c + coef[2 * k + 1] * s;
    const c2 = c * c1 - s * s1;
    s = s * c1 + c * s1;
    c = c2;
  }
  return v;
}

/**
 * Fill `out[i]` with the k-th harmonic pair of index from + i: cos in even rows of `cols`, sine in odd
 * (cols[2k], cols[2k + 1], k < K), by the angle-addition recurrence (one sin and cos per index).
 */
export function fourierColumns(period: number, harmonics: number, from: number, length: number): Float64Array[] {
  const cols: Float64Array[] = [];
  for (let j = 0; j < 2 * harmonics; j++) cols.push(new Float64Array(length));
  for (let i = 0; i < length; i++) {
    const w = (2 * Math.PI * (from + i)) / period;
    const c1 = Math.cos(w);
    const s1 = Math.sin(w);
    let c = c1;
    let s = s1;
    for (let k = 0; k < harmonics; k++) {
      cols[2 * k][i] = c;
      cols[2 * k + 1][i] = s;
      const c2 = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = c2;
    }
  }
  return cols;
}

/** Largest K tried for a series of n observations and a cycle of `period` (module comment). */
export function maxHarmonics(n: number, period: number): number {
  return Math.max(0, Math.min(Math.floor(period / 2), MAX_HARMONICS, Math.floor((n / 2 - 2) / 2)));
}

/**
 * AICc of a Gaussian linear model with p coefficients and residual sum of squares sse on n
 * observations (sigma counted as a parameter): n ln(sse / n) + 2q + 2q(q + 1) / (n - q - 1), q = p + 1.
 * Infinity when n - q - 1 <= 0.
 */
export function aicc(sse: number, n: number, p: number): number {
  const q = p + 1;
  if (n - q - 1 <= 0) return Infinity;
  return n * Math.log(Math.max(sse, 1e-300) / n) + 2 * q + (2 * q * (q + 1)) / (n - q - 1);
}

/**
 * Fit a Fourier season with a linear trend, K by AICc (module comment).
 *
 * @param y observations (finite).
 * @param period cycle length in observations (> 2).
 * @param maxK largest K tried; defaults to {@link maxHarmonics}(n, period).
 * @returns the season (K = 0 when no K beats the trend alone, or the series is too short).
 * @throws when period <= 2.
 * @example fitFourierSeason(Float64Array.from({ length: 120 }, (_, t) => 10 + 3 * Math.cos((2 * Math.PI * t) / 12)), 12)
 *   // { period: 12, harmonics: 1, coef: [3, 0] } (up to rounding)
 */
export function fitFourierSeason(y: Float64Array, period: number, maxK = maxHarmonics(y.length, period)): FourierSeason {
  if (!(period > 2)) throw new Error(`fitFourierSeason needs a cycle longer than 2 observations, got ${period}`);
  const K = Math.max(0, Math.min(maxK, maxHarmonics(y.length, period)));
  if (K <= FIRST_SEARCH) return searchHarmonics(y, period, K);
  const first = searchHarmonics(y, period, FIRST_SEARCH);
  return first.harmonics < FIRST_SEARCH ? first : searchHarmonics(y, period, K);
}

/** The AICc search over K = 0..K (module comment). */
function searchHarmonics(y: Float64Array, period: number, K: number): FourierSeason {
  const n = y.length;
  if (K === 0) return { period, harmonics: 0, coef: [] };
  const p = 2 + 2 * K;
  const { xtx, xty, yy } = normalEquations(y, period, K);
  const { L, rank } = choleskyLeading(xtx, p);
  if (rank < 2) return { period, harmonics: 0, coef: [] };
  // z = L^-1 X'y; SSE of the first q columns = y'y - sum_{i<q} z_i^2
  const z = new Float64Array(rank);
  for (let r = 0; r < rank; r++) {
    let s = xty[r];
    for (let q = 0; q < r; q++) s -= L[r * p + q] * z[q];
    z[r] = s / L[r * p + r];
  }
  let explained = z[0] * z[0] + z[1] * z[1];
  let bestK = 0;
  let best = aicc(yy - explained, n, 2);
  for (let k = 1; 2 + 2 * k <= rank; k++) {
    explained += z[2 * k] * z[2 * k] + z[2 * k + 1] * z[2 * k + 1];
    const a = aicc(yy - explained, n, 2 + 2 * k);
    if (a < best) {
      best = a;
      bestK = k;
    }
  }
  if (bestK === 0) return { period, harmonics: 0, coef: [] };
  const beta = choleskySolveLeading(L, p, xty, 2 + 2 * bestK);
  return { period, harmonics: bestK, coef: Array.from(beta.subarray(2)) };
}

/**
 * A long cycle fitted on more history than the fit window holds, in buckets: the last `span`
 * observations of [before, y] are summed in buckets of `bucket` observations ending at y's last one
 * (7: days into weeks, which removes the weekly cycle and cuts the cost seven-fold), a Fourier season
 * of period / bucket is fitted to the bucket totals ({@link fitFourierSeason}), and it is returned
 * per observation, on y's index (t = 0 at y[0]): a bucket total's season spread evenly over its
 * observations, phase-shifted to the bucket centres. Used for the yearly cycle of daily data, whose
 * fit windows are shorter than the two years a yearly cycle needs.
 *
 * @param before Observations before y (oldest first); may be empty.
 * @param y The fit window.
 * @param period Cycle length in observations (365.25 days).
 * @param bucket Observations per bucket (>= 1).
 * @param span Most observations used (e.g. three cycles).
 * @returns the season, or K = 0 when [before, y] holds fewer than two cycles.
 */
export function fitBucketedSeason(before: Float64Array, y: Float64Array, period: number, bucket: number, span: number): FourierSeason {
  const total = before.length + y.length;
  const used = Math.min(total, span);
  const B = Math.floor(used / bucket);
  if (B * bucket < 2 * period || period / bucket <= 2) return { period, harmonics: 0, coef: [] };
  const sums = new Float64Array(B);
  // bucket b covers y-indices [n - (B - b) * bucket, n - (B - b - 1) * bucket)
  const n = y.length;
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = n - (B - b) * bucket, end = i + bucket; i < end; i++) s += i >= 0 ? y[i] : before[before.length + i];
    sums[b] = s;
  }
  const f = fitFourierSeason(sums, period / bucket);
  if (f.harmonics === 0) return { period, harmonics: 0, coef: [] };
  // bucket index u = (t - c) / bucket with c the y-index of bucket 0's centre: shift each harmonic's phase
  const c = n - B * bucket + (bucket - 1) / 2;
  const coef: number[] = [];
  for (let k = 1; k <= f.harmonics; k++) {
    const a = f.coef[2 * k - 2];
    const b = f.coef[2 * k - 1];
    const phi = (2 * Math.PI * k * c) / period;
    const cp = Math.cos(phi);
    const sp = Math.sin(phi);
    coef.push((a * cp - b * sp) / bucket, (a * sp + b * cp) / bucket);
  }
  return { period, harmonics: f.harmonics, coef };
}
