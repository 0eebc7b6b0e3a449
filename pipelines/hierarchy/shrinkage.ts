/**
 * The shrinkage covariance of forecast errors used by MinT (mint.ts): the sample (uncentred)
 * covariance shrunk toward its diagonal,
 *   W = λ·diag(Σ̂) + (1 - λ)·Σ̂,   Σ̂ = E'E / T,
 * with the intensity λ of Schäfer & Strimmer (2005) (their "target D": shrink the correlations
 * toward 0, keep the variances), exactly as R's hts `shrink.estim` and fabletools'
 * `min_trace(method = "mint_shrink")` compute it:
 *   λ = Σ_{i≠j} Var(r_ij) / Σ_{i≠j} r_ij²,  clamped to [0, 1],
 *   Var(r_ij) = 1/(T(T-1)) · [Σ_t x_ti² x_tj² - (1/T)(Σ_t x_ti x_tj)²],
 * x = errors scaled by the square roots of the diagonal of Σ̂, r = the correlation matrix.
 *
 * Σ̂ itself is never formed (at M5 scale it would be 30,644² numbers): both sums over i ≠ j are
 * computed from the T × T Gram matrix G = X X' of the scaled errors,
 *   Σ_{i≠j} r_ij² = ||G||²_F / T² - p,
 *   Σ_{i≠j} Σ_t x_ti² x_tj² = Σ_t G_tt² - Σ_i Σ_t x_ti⁴,   Σ_{i≠j} (Σ_t x_ti x_tj)² = ||G||²_F - p·T²,
 * in O(p·T²) time and O(T²) memory. A series whose errors are all 0 has no correlation and is
 * left out of λ (R would give NaN).
 *
 * Sources: Schäfer, J. & Strimmer, K. (2005), "A shrinkage approach to large-scale covariance
 * matrix estimation and implications for functional genomics", Statistical Applications in
 * Genetics and Molecular Biology 4(1), art. 32, Table 1 target D; Wickramasuriya, S.L.,
 * Athanasopoulos, G. & Hyndman, R.J. (2019), "Optimal forecast reconciliation for hierarchical
 * and grouped time series through trace minimization", JASA 114(526), 804-819, §2.4; R packages
 * hts (`shrink.estim`) and fabletools (`min_trace`).
 */

/** The diagonal of Σ̂ and the shrinkage intensity. */
export interface Shrinkage {
  /** Σ_t e_ti² / T per series (uncentred). */
  readonly variance: Float64Array;
  /** Shrinkage intensity λ in [0, 1] (1 with fewer than two series that vary). */
  readonly lambda: number;
}

/**
 * Variances and Schäfer-Strimmer intensity of a set of error series (module comment).
 *
 * @param errors Row-major p × T: row i holds series i's T errors (the same T occasions in every row).
 * @param p Series.
 * @param T Occasions per series (at least 2).
 * @throws when the sizes do not match, T < 2, or an error is not finite.
 */
export function shrinkage(errors: Float64Array, p: number, T: number): Shrinkage {
  if (!Number.isInteger(T) || T < 2) throw new Error(`shrinkage needs at least 2 error occasions per series, got ${T}`);
  if (errors.length !== p * T) throw new Error(`shrinkage needs ${p} × ${T} errors, got ${errors.length}`);
  const variance = new Float64Array(p);
  const gram = new Float64Array(T * T);
  const x = new Float64Array(T);
  let used = 0;
  let fourth = 0;
  for (let i = 0; i < p; i++) {
    const row = i * T;
    let ss = 0;
    for (let t = 0; t < T; t++) {
      const e = errors[row + t];
      if (!Number.isFinite(e)) throw new Error(`shrinkage needs finite errors; series ${i} has ${e} at occasion ${t}`);
      ss += e * e;
    }
    variance[i] = ss / T;
    if (!(ss > 0)) continue;
    used++;
    const scale = 1 / Math.sqrt(variance[i]);
    for (let t = 0; t < T; t++) {
      const v = errors[row + t] * scale;
      x[t] = v;
      fourth += v * v * v * v;
    }
    for (let t = 0; t < T; t++) {
      const xt = x[t];
      if (xt === 0) continue;
      const g = t * T;
      for (let s = t; s < T; s++) gram[g + s] += xt * x[s];
    }
  }
  if (used < 2) return { variance, lambda: 1 };
  let frob = 0;
  let diagSq = 0;
  for (let t = 0; t < T; t++) {
    const gtt = gram[t * T + t];
    diagSq += gtt * gtt;
    frob += gtt * gtt;
    for (let s = t + 1; s < T; s++) frob += 2 * gram[t * T + s] * gram[t * T + s];
  }
  const sumSqCorr = frob / (T * T) - used;
  const sumVar = (diagSq - fourth - (frob - used * T * T) / T) / (T * (T - 1));
  if (!(sumSqCorr > 0)) return { variance, lambda: 1 };
  const lambda = Math.min(1, Math.max(0, sumVar / sumSqCorr));
  return { variance, lambda };
}
