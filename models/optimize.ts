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
  let a = lower;
  let b = upper;
  let v = a + GOLD * (b - a);
  let w = v;
  let x = v;
  let d = 0;
  let e = 0;
  let fx = evalF(x);
  let fv = fx;
  let fw = fx;
  let evaluations = 1;
  while (evaluations < maxEval) {
    const xm = 0.5 * (a + b);
    const tol1 = EPS * Math.abs(x) + tol / 3;
    const tol2 = 2 * tol1;
    if (Math.abs(x - xm) <= tol2 - 0.5 * (b - a)) break;
    let useGolden = true;
    if (Math.abs(e) > tol1) {
      // try a parabola through x, v, w
      let r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      else q = -q;
      r = e;
      e = d;
      if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (a - x) && p < q * (b - x)) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = xm >= x ? tol1 : -tol1;
        useGolden = false;
      }
    }
    if (useGolden) {
      e = x < xm ? b - x : a - x;
      d = GOLD * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : d > 0 ? x + tol1 : x - tol1;
    const fu = evalF(u);
    evaluations++;
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  // Brent never evaluates the interval ends; an optimum on a bound (common: alpha -> 1) is only
  // approached to within tol, so try the nearby bound itself.
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
  const stepFrac = options.step ?? 0.1;
  const ftol = options.ftol ?? 1e-7;
  const xtol = options.xtol ?? 1e-5;
  const maxEval = options.maxEvaluations ?? 200;

  const np1 = n + 1;
  const simplex = new Float64Array(np1 * n); // vertex i at [i*n, i*n+n)
  const values = new Float64Array(np1);
  const centroid = new Float64Array(n);
  const xr = new Float64Array(n);
  const xe = new Float64Array(n);
  const xc = new Float64Array(n);
  let evaluations = 0;

  const project = (x: Float64Array): void => {
    for (let j = 0; j < n; j++) {
      if (x[j] < lower[j]) x[j] = lower[j];
      else if (x[j] > upper[j]) x[j] = upper[j];
    }
  };
  const evalAt = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };

  // initial simplex: x0 and x0 + step along each axis (stepping inwards at a bound)
  const v0 = simplex.subarray(0, n);
  for (let j = 0; j < n; j++) v0[j] = x0[j];
  project(v0);
  values[0] = evalAt(v0);
  for (let i = 1; i < np1; i++) {
    const vi = simplex.subarray(i * n, i * n + n);
    vi.set(v0);
    const j = i - 1;
    const s = stepFrac * (upper[j] - lower[j]);
    vi[j] = v0[j] + s <= upper[j] ? v0[j] + s : v0[j] - s;
    project(vi);
    values[i] = evalAt(vi);
  }

  const order = new Int32Array(np1);
  const sortVertices = (): void => {
    for (let i = 0; i < np1; i++) order[i] = i;
    // insertion sort: n + 1 <= 9
    for (let i = 1; i < np1; i++) {
      const k = order[i];
      let m = i - 1;
      while (m >= 0 && values[order[m]] > values[k]) {
        order[m + 1] = order[m];
        m--;
      }
      order[m + 1] = k;
    }
  };

  while (evaluations < maxEval) {
    sortVertices();
    const best = order[0];
    const worst = order[n];
    const second = order[n - 1];
    const fBest = values[best];
    const fWorst = values[worst];
    // convergence: function spread and simplex size
    if (fWorst - fBest <= ftol * (Math.abs(fBest) + 1e-30)) {
      let small = true;
      for (let i = 0; i < np1 && small; i++) {
        for (let j = 0; j < n; j++) {
          if (Math.abs(simplex[i * n + j] - simplex[best * n + j]) > xtol) {
            small = false;
            break;
          }
        }
      }
      if (small || fWorst === fBest) break;
    }
    // centroid of all but the worst
    centroid.fill(0);
    for (let i = 0; i < np1; i++) {
      if (i === worst) continue;
      for (let j = 0; j < n; j++) centroid[j] += simplex[i * n + j];
    }
    for (let j = 0; j < n; j++) centroid[j] /= n;
    const wOff = worst * n;
    // reflection
    for (let j = 0; j < n; j++) xr[j] = centroid[j] + (centroid[j] - simplex[wOff + j]);
    project(xr);
    const fr = evalAt(xr);
    if (fr < fBest) {
      // expansion
      for (let j = 0; j < n; j++) xe[j] = centroid[j] + 2 * (centroid[j] - simplex[wOff + j]);
      project(xe);
      const fe = evalAt(xe);
      if (fe < fr) {
        simplex.set(xe, wOff);
        values[worst] = fe;
      } else {
        simplex.set(xr, wOff);
        values[worst] = fr;
      }
      continue;
    }
    if (fr < values[second]) {
      simplex.set(xr, wOff);
      values[worst] = fr;
      continue;
    }
    // contraction (outside if the reflection improved on the worst, inside otherwise)
    const outside = fr < fWorst;
    for (let j = 0; j < n; j++) {
      xc[j] = outside ? centroid[j] + 0.5 * (xr[j] - centroid[j]) : centroid[j] + 0.5 * (simplex[wOff + j] - centroid[j]);
    }
    project(xc);
    const fc = evalAt(xc);
    if (fc < (outside ? fr : fWorst)) {
      simplex.set(xc, wOff);
      values[worst] = fc;
      continue;
    }
    // shrink towards the best vertex
    const bOff = best * n;
    for (let i = 0; i < np1; i++) {
      if (i === best) continue;
      const vi = simplex.subarray(i * n, i * n + n);
      for (let j = 0; j < n; j++) vi[j] = simplex[bOff + j] + 0.5 * (vi[j] - simplex[bOff + j]);
      values[i] = evalAt(vi);
    }
  }
  sortVertices();
  const best = order[0];
  return { x: simplex.slice(best * n, best * n + n), fx: values[best], evaluations };
}
