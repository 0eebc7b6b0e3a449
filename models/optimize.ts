/**
 * Derivative-free minimisers shared by every model that estimates smoothing parameters.
 *
 * - {@link minimize1d}: Brent's `fmin` (golden-section search with parabolic interpolation),
 *   the algorithm behind R's `optimize()`; for one parameter (SES alpha, ...).
 * - {@link nelderMead}: Nelder-Mead simplex with box bounds, for 2-4 parameters (Holt, Holt-Winters, TSB).
 *
 * Both allocate only when called, never inside the objective loop; the objective receives a
 * scratch array it must not keep.
 */

/** Result of a minimisation. */
export interface MinimizeResult {
  /** Arg-min found (a number for {@link minimize1d}). */
  readonly x: Float64Array;
  /** Objective value at `x`. */
  readonly fx: number;
  /** Objective evaluations used. */
  readonly evaluations: number;
}

/** Options of {@link minimize1d}. */
export interface Minimize1dOptions {
  /** Absolute tolerance on x (Brent's `tol`). @defaultValue 1e-5 */
  readonly tol?: number;
  /** Maximum objective evaluations. @defaultValue 60 */
  readonly maxEvaluations?: number;
}

const GOLD = 0.3819660112501051; // (3 - sqrt(5)) / 2
const EPS = Math.sqrt(2.220446049250313e-16);

/**
 * Minimise a function of one variable on [lower, upper] by Brent's method: golden-section search
 * with successive parabolic interpolation; converges superlinearly on smooth unimodal functions
 * and never worse than golden section.
 *
 * @param f objective; non-finite values are treated as +Infinity.
 * @param lower lower end of the search interval.
 * @param upper upper end of the search interval (> lower).
 * @returns `{ x: [argmin], fx, evaluations }`.
 * @throws when the interval is empty or not finite.
 *
 * Source: R. P. Brent, *Algorithms for Minimization without Derivatives* (1973), ch. 5, procedure
 * `localmin` (the `fmin` of netlib and of R's `optimize`); Press et al., *Numerical Recipes* (3rd ed.), §10.3.
 */
export function minimize1d(f: (x: number) => number, lower: number, upper: number, options: Minimize1dOptions = {}): MinimizeResult {
  if (!(Number.isFinite(lower) && Number.isFinite(upper) && upper > lower)) {
    throw new Error(`minimize1d needs finite bounds with lower < upper, got [${lower}, ${upper}]`);
  }
  const tol = options.tol ?? 1e-5;
  const maxEval = options.maxEvaluations ?? 60;
  const evalF = (x: number): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const x0 = lower + GOLD * (upper - lower);
  const fx0 = evalF(x0);
  const s: BrentState = { a: lower, b: upper, v: x0, w: x0, x: x0, d: 0, e: 0, fx: fx0, fv: fx0, fw: fx0 };
  let evaluations = 1;
  while (evaluations < maxEval) {
    const xm = 0.5 * (s.a + s.b);
    const tol1 = EPS * Math.abs(s.x) + tol / 3;
    if (Math.abs(s.x - xm) <= 2 * tol1 - 0.5 * (s.b - s.a)) break;
    const u = brentTrial(s, xm, tol1);
    brentUpdate(s, u, evalF(u));
    evaluations++;
  }
  // Brent never evaluates the interval ends; an optimum on a bound (common: alpha -> 1) is only
  // approached to within tol, so try the nearby bound itself.
  let { x, fx } = s;
  const near = 3 * (EPS * Math.abs(x) + tol);
  const edge = x - lower <= near ? lower : upper - x <= near ? upper : NaN;
  if (!Number.isNaN(edge)) {
    const fe = evalF(edge);
    evaluations++;
    if (fe <= fx) {
      x = edge;
      fx = fe;
    }
  }
  return { x: Float64Array.of(x), fx, evaluations };
}

/**
 * Brent's bracket [a, b], best point x, second best w, previous w v, their values, the last
 * step d and the one before e.
 */
interface BrentState {
  a: number;
  b: number;
  v: number;
  w: number;
  x: number;
  d: number;
  e: number;
  fx: number;
  fv: number;
  fw: number;
}

/** The next trial point: a parabola through x, v, w when it is acceptable, golden section otherwise (updates d, e). */
function brentTrial(s: BrentState, xm: number, tol1: number): number {
  const tol2 = 2 * tol1;
  let useGolden = true;
  if (Math.abs(s.e) > tol1) {
    let r = (s.x - s.w) * (s.fx - s.fv);
    let q = (s.x - s.v) * (s.fx - s.fw);
    let p = (s.x - s.v) * q - (s.x - s.w) * r;
    q = 2 * (q - r);
    if (q > 0) p = -p;
    else q = -q;
    r = s.e;
    s.e = s.d;
    if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (s.a - s.x) && p < q * (s.b - s.x)) {
      s.d = p / q;
      const u = s.x + s.d;
      if (u - s.a < tol2 || s.b - u < tol2) s.d = xm >= s.x ? tol1 : -tol1;
      useGolden = false;
    }
  }
  if (useGolden) {
    s.e = s.x < xm ? s.b - s.x : s.a - s.x;
    s.d = GOLD * s.e;
  }
  return Math.abs(s.d) >= tol1 ? s.x + s.d : s.d > 0 ? s.x + tol1 : s.x - tol1;
}

/** Narrow the bracket around the trial u and keep the three best points. */
function brentUpdate(s: BrentState, u: number, fu: number): void {
  if (fu <= s.fx) {
    if (u < s.x) s.b = s.x;
    else s.a = s.x;
    s.v = s.w;
    s.fv = s.fw;
    s.w = s.x;
    s.fw = s.fx;
    s.x = u;
    s.fx = fu;
    return;
  }
  if (u < s.x) s.a = u;
  else s.b = u;
  if (fu <= s.fw || s.w === s.x) {
    s.v = s.w;
    s.fv = s.fw;
    s.w = u;
    s.fw = fu;
  } else if (fu <= s.fv || s.v === s.x || s.v === s.w) {
    s.v = u;
    s.fv = fu;
  }
}

/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Initial simplex step per coordinate, as a fraction of (upper - lower). @defaultValue 0.1 */
  readonly step?: number;
  /** Stop when (f_worst - f_best) <= ftol * (|f_best| + 1e-30). @defaultValue 1e-7 */
  readonly ftol?: number;
  /** Stop when every vertex is within xtol of the best, per coordinate. @defaultValue 1e-5 */
  readonly xtol?: number;
  /** Maximum objective evaluations. @defaultValue 200 */
  readonly maxEvaluations?: number;
}

/**
 * Minimise a function of 1-8 variables inside a box by the Nelder-Mead simplex method, with the
 * standard coefficients (reflection 1, expansion 2, contraction 1/2, shrink 1/2). Every trial
 * point is projected onto the box, so the objective is only ever evaluated inside the bounds.
 *
 * @param f objective; receives a scratch array (do not keep it); non-finite values count as +Infinity.
 * @param x0 starting point (projected onto the box).
 * @param lower lower bounds, same length as x0.
 * @param upper upper bounds, same length as x0, each > lower.
 * @returns `{ x, fx, evaluations }` with the best vertex found.
 * @throws when the dimensions disagree or a bound pair is empty.
 *
 * Source: J. A. Nelder & R. Mead, "A simplex method for function minimization", *Computer Journal*
 * 7 (1965) 308-313; coefficients and tie-breaking as in Lagarias, Reeds, Wright & Wright,
 * *SIAM J. Optim.* 9 (1998) 112-147. Bounds by projection (Box 1965 style), as in many ETS codes.
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  options: NelderMeadOptions = {},
): MinimizeResult {
  const n = x0.length;
  if (n < 1 || n > 8 || lower.length !== n || upper.length !== n) {
    throw new Error(`nelderMead needs 1-8 parameters with matching bounds, got ${n} start values, ${lower.length} lower, ${upper.length} upper`);
  }
  for (let j = 0; j < n; j++) {
    if (!(upper[j] > lower[j])) throw new Error(`nelderMead needs lower < upper for parameter ${j}, got [${lower[j]}, ${upper[j]}]`);
  }
  const ftol = options.ftol ?? 1e-7;
  const xtol = options.xtol ?? 1e-5;
  const maxEval = options.maxEvaluations ?? 200;
  const s = new Simplex(f, lower, upper, n);
  s.start(x0, options.step ?? 0.1);
  while (s.evaluations < maxEval) {
    s.sort();
    if (s.converged(ftol, xtol)) break;
    s.iterate();
  }
  s.sort();
  const best = s.order[0];
  return { x: s.vertices.slice(best * n, best * n + n), fx: s.values[best], evaluations: s.evaluations };
}

/** The n + 1 vertices of {@link nelderMead}, their values and the scratch of one iteration, in flat typed arrays. */
class Simplex {
  /** Vertex i at [i*n, i*n+n). */
  readonly vertices: Float64Array;
  readonly values: Float64Array;
  /** Vertex indices by value, best first (after {@link sort}). */
  readonly order: Int32Array;
  evaluations = 0;
  private readonly np1: number;
  private readonly centroid: Float64Array;
  private readonly xr: Float64Array;
  private readonly xe: Float64Array;
  private readonly xc: Float64Array;

  constructor(
    private readonly f: (x: Float64Array) => number,
    private readonly lower: ArrayLike<number>,
    private readonly upper: ArrayLike<number>,
    private readonly n: number,
  ) {
    this.np1 = n + 1;
    this.vertices = new Float64Array(this.np1 * n);
    this.values = new Float64Array(this.np1);
    this.order = new Int32Array(this.np1);
    this.centroid = new Float64Array(n);
    this.xr = new Float64Array(n);
    this.xe = new Float64Array(n);
    this.xc = new Float64Array(n);
  }

  /** Clamp a point onto the box. */
  private project(x: Float64Array): void {
    for (let j = 0; j < this.n; j++) {
      if (x[j] < this.lower[j]) x[j] = this.lower[j];
      else if (x[j] > this.upper[j]) x[j] = this.upper[j];
    }
  }

  private evalAt(x: Float64Array): number {
    this.evaluations++;
    const v = this.f(x);
    return Number.isFinite(v) ? v : Infinity;
  }

  /** The initial simplex: x0 and x0 + step along each axis (stepping inwards at a bound). */
  start(x0: ArrayLike<number>, stepFrac: number): void {
    const { n, vertices, lower, upper } = this;
    const v0 = vertices.subarray(0, n);
    for (let j = 0; j < n; j++) v0[j] = x0[j];
    this.project(v0);
    this.values[0] = this.evalAt(v0);
    for (let i = 1; i < this.np1; i++) {
      const vi = vertices.subarray(i * n, i * n + n);
      vi.set(v0);
      const j = i - 1;
      const s = stepFrac * (upper[j] - lower[j]);
      vi[j] = v0[j] + s <= upper[j] ? v0[j] + s : v0[j] - s;
      this.project(vi);
      this.values[i] = this.evalAt(vi);
    }
  }

  /** Order the vertices by value (insertion sort: n + 1 <= 9). */
  sort(): void {
    const { order, values } = this;
    for (let i = 0; i < this.np1; i++) order[i] = i;
    for (let i = 1; i < this.np1; i++) {
      const k = order[i];
      let m = i - 1;
      while (m >= 0 && values[order[m]] > values[k]) {
        order[m + 1] = order[m];
        m--;
      }
      order[m + 1] = k;
    }
  }

  /** Converged: the values' spread within ftol and every vertex within xtol of the best (sorted first). */
  converged(ftol: number, xtol: number): boolean {
    const { n, vertices, values, order } = this;
    const best = order[0];
    const fBest = values[best];
    const fWorst = values[order[n]];
    if (fWorst - fBest > ftol * (Math.abs(fBest) + 1e-30)) return false;
    if (fWorst === fBest) return true;
    for (let i = 0; i < this.np1; i++) {
      for (let j = 0; j < n; j++) if (Math.abs(vertices[i * n + j] - vertices[best * n + j]) > xtol) return false;
    }
    return true;
  }

  /** One Nelder-Mead step on the sorted simplex: reflect, expand, contract or shrink. */
  iterate(): void {
    const { n, vertices, values, order, centroid, xr } = this;
    const best = order[0];
    const worst = order[n];
    const fWorst = values[worst];
    this.centroidWithout(worst);
    const wOff = worst * n;
    for (let j = 0; j < n; j++) xr[j] = centroid[j] + (centroid[j] - vertices[wOff + j]);
    this.project(xr);
    const fr = this.evalAt(xr);
    if (fr < values[best]) return this.expand(worst, fr);
    if (fr < values[order[n - 1]]) return this.replace(worst, xr, fr);
    if (this.contract(worst, fr, fWorst)) return;
    this.shrink(best);
  }

  private centroidWithout(worst: number): void {
    const { n, vertices, centroid } = this;
    centroid.fill(0);
    for (let i = 0; i < this.np1; i++) {
      if (i === worst) continue;
      for (let j = 0; j < n; j++) centroid[j] += vertices[i * n + j];
    }
    for (let j = 0; j < n; j++) centroid[j] /= n;
  }

  private replace(i: number, x: Float64Array, fx: number): void {
    this.vertices.set(x, i * this.n);
    this.values[i] = fx;
  }

  /** The reflection beat the best: try twice as far and keep the better of the two. */
  private expand(worst: number, fr: number): void {
    const { n, vertices, centroid, xe } = this;
    const wOff = worst * n;
    for (let j = 0; j < n; j++) xe[j] = centroid[j] + 2 * (centroid[j] - vertices[wOff + j]);
    this.project(xe);
    const fe = this.evalAt(xe);
    if (fe < fr) this.replace(worst, xe, fe);
    else this.replace(worst, this.xr, fr);
  }

  /** Contraction, outside if the reflection improved on the worst, inside otherwise; false when it does not help. */
  private contract(worst: number, fr: number, fWorst: number): boolean {
    const { n, vertices, centroid, xr, xc } = this;
    const wOff = worst * n;
    const outside = fr < fWorst;
    for (let j = 0; j < n; j++) {
      xc[j] = outside ? centroid[j] + 0.5 * (xr[j] - centroid[j]) : centroid[j] + 0.5 * (vertices[wOff + j] - centroid[j]);
    }
    this.project(xc);
    const fc = this.evalAt(xc);
    if (!(fc < (outside ? fr : fWorst))) return false;
    this.replace(worst, xc, fc);
    return true;
  }

  /** Shrink every vertex halfway towards the best. */
  private shrink(best: number): void {
    const { n, vertices, values } = this;
    const bOff = best * n;
    for (let i = 0; i < this.np1; i++) {
      if (i === best) continue;
      const vi = vertices.subarray(i * n, i * n + n);
      for (let j = 0; j < n; j++) vi[j] = vertices[bOff + j] + 0.5 * (vi[j] - vertices[bOff + j]);
      values[i] = this.evalAt(vi);
    }
  }
}
