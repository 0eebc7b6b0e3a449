/**
 * MinT reconciliation (minimum trace, Wickramasuriya, Athanasopoulos & Hyndman 2019) with the
 * shrinkage covariance of shrinkage.ts, computed without any n × n matrix.
 *
 * With base forecasts ŷ = [ŷ_a; ŷ_b] (aggregate nodes, then bottom series), the summing matrix
 * S = [C; I] and the error covariance W, MinT's bottom forecasts are
 *   b̃ = (S'W⁻¹S)⁻¹ S'W⁻¹ ŷ,
 * which equals (the paper's Lemma 1, in the form of its eq. 9 with U' = [I, -C]):
 *   b̃ = ŷ_b - (W_ba - W_bb C') M⁻¹ d,   d = ŷ_a - C ŷ_b (the incoherence),
 *   M = U'WU = W_aa - W_ab C' - C W_ba + C W_bb C'   (aggregate nodes × aggregate nodes).
 * With W = λD + (1-λ)E'E/T (D the diagonal, E the T × n errors) every product goes through the
 * errors' incoherence EU = E_a - E_b C' (T × n_a):
 *   M = λ(D_a + C D_b C') + (1-λ)/T · EU'EU,
 *   b̃ = ŷ_b + λ·D_b ∘ (C'X) - (1-λ)/T · E_b'(EU·X),   X = M⁻¹ d.
 * The cost is O(n_b·T·(n_a + h) + n_a³): linear in the bottom series, cubic only in the
 * aggregate nodes (154 at M5 scale with the default levels; a dense MinT over the 42,840 nodes
 * of the full M5 hierarchy would need the 30,490² matrix S'W⁻¹S). WLS (`wls`) is the same with
 * λ = 1 (variance scaling, no correlations).
 *
 * A tiny ridge (1e-10 × mean diagonal of M) keeps M invertible when some nodes had no error at
 * all; such a node is then taken as known exactly, which is what a zero variance means.
 *
 * Source: Wickramasuriya, S.L., Athanasopoulos, G. & Hyndman, R.J. (2019), "Optimal forecast
 * reconciliation for hierarchical and grouped time series through trace minimization", JASA
 * 114(526), 804-819, Theorem 1, Lemma 1 and §2.4 (MinT(Shrink)).
 */
import { choleskyLeading, choleskySolveLeading } from '../../models/cholesky.js';
import { sumOverNodes, sumToNodes } from './aggregate.js';
import { nodeCount, type Hierarchy } from './levels.js';
import { shrinkage } from './shrinkage.js';

/** Aggregate nodes above which MinT is not attempted (its n_a³ step would dominate the run). */
export const MINT_MAX_NODES = 2000;

/** The error model of a MinT reconciliation. */
export interface MintModel {
  /** Shrinkage intensity λ (1 for WLS). */
  readonly lambda: number;
  /** Uncentred error variance per aggregate node. */
  readonly varianceA: Float64Array;
  /** Uncentred error variance per bottom series. */
  readonly varianceB: Float64Array;
  /** Errors' incoherence EU = E_a - C E_b, row-major aggregate nodes × T. */
  readonly incoherence: Float64Array;
  /** Bottom errors, row-major bottom × T. */
  readonly errorsB: Float64Array;
  readonly T: number;
  /** Cholesky factor L of M (L L' = M), row-major aggregate nodes × aggregate nodes. */
  readonly factor: Float64Array;
}

/**
 * Estimate the MinT error model from the base forecasts' errors at T common occasions.
 *
 * @param h The hierarchy.
 * @param errorsA Aggregate-node errors (actual - forecast), row-major nodes × T.
 * @param errorsB Bottom errors, row-major bottom × T.
 * @param T Occasions (at least 2).
 * @param kind `mint-shrink` (λ from the data) or `wls` (λ = 1).
 * @throws when the sizes do not match, there are more than {@link MINT_MAX_NODES} aggregate
 *   nodes, or M cannot be inverted.
 */
export function mintModel(h: Hierarchy, errorsA: Float64Array, errorsB: Float64Array, T: number, kind: 'mint-shrink' | 'wls' = 'mint-shrink'): MintModel {
  const na = nodeCount(h);
  const nb = h.bottom.length;
  if (na > MINT_MAX_NODES) throw new Error(`mintModel: ${na} aggregate nodes is more than ${MINT_MAX_NODES}; use fewer levels or another method`);
  if (errorsA.length !== na * T || errorsB.length !== nb * T) throw new Error(`mintModel needs ${na} × ${T} and ${nb} × ${T} errors, got ${errorsA.length} and ${errorsB.length}`);
  const all = new Float64Array((na + nb) * T);
  all.set(errorsA, 0);
  all.set(errorsB, na * T);
  const { variance, lambda: shrunk } = shrinkage(all, na + nb, T);
  const lambda = kind === 'wls' ? 1 : shrunk;
  const varianceA = variance.slice(0, na);
  const varianceB = variance.slice(na);
  const incoherence = Float64Array.from(errorsA);
  const summed = sumToNodes(h, errorsB, T);
  for (let i = 0; i < incoherence.length; i++) incoherence[i] -= summed[i];

  // M = λ(D_a + C D_b C') + (1-λ)/T · EU EU'
  const M = new Float64Array(na * na);
  for (let k = 0; k < na; k++) M[k * na + k] += lambda * varianceA[k];
  const L = h.levels.length;
  const nodes = new Int32Array(L);
  for (let b = 0; b < nb; b++) {
    const v = lambda * varianceB[b];
    if (v === 0) continue;
    for (let l = 0; l < L; l++) nodes[l] = h.offsets[l] + h.levels[l].nodeOf[b];
    for (let l = 0; l < L; l++) for (let m = 0; m < L; m++) M[nodes[l] * na + nodes[m]] += v;
  }
  if (lambda < 1) {
    const c = (1 - lambda) / T;
    for (let k = 0; k < na; k++) {
      for (let q = k; q < na; q++) {
        let s = 0;
        for (let t = 0; t < T; t++) s += incoherence[k * T + t] * incoherence[q * T + t];
        M[k * na + q] += c * s;
        if (q !== k) M[q * na + k] += c * s;
      }
    }
  }
  let trace = 0;
  for (let k = 0; k < na; k++) trace += M[k * na + k];
  const ridge = 1e-10 * (trace / Math.max(1, na)) + 1e-300;
  for (let k = 0; k < na; k++) M[k * na + k] += ridge;
  const { L: factor, rank } = choleskyLeading(M, na);
  if (rank < na) throw new Error('mintModel: the reconciliation matrix U\'WU is not positive definite');
  return { lambda, varianceA, varianceB, incoherence, errorsB: Float64Array.from(errorsB), T, factor };
}

/**
 * MinT bottom forecasts b̃ (module comment), before any non-negativity rule.
 *
 * @param h The hierarchy.
 * @param model The error model ({@link mintModel}).
 * @param baseA Aggregate-node base forecasts, row-major nodes × width.
 * @param baseB Bottom base forecasts, row-major bottom × width.
 * @param width Forecast steps per row.
 * @returns bottom forecasts, row-major bottom × width.
 * @throws when the sizes do not match.
 */
export function mintReconcile(h: Hierarchy, model: MintModel, baseA: Float64Array, baseB: Float64Array, width: number): Float64Array {
  const na = nodeCount(h);
  const nb = h.bottom.length;
  if (baseA.length !== na * width || baseB.length !== nb * width) throw new Error(`mintReconcile needs ${na} × ${width} and ${nb} × ${width} base forecasts, got ${baseA.length} and ${baseB.length}`);
  const { lambda, factor, incoherence, errorsB, varianceB, T } = model;
  // d = ŷ_a - C ŷ_b, X = M⁻¹ d
  const d = sumToNodes(h, baseB, width);
  for (let i = 0; i < d.length; i++) d[i] = baseA[i] - d[i];
  const X = new Float64Array(na * width);
  const column = new Float64Array(na);
  for (let j = 0; j < width; j++) {
    for (let k = 0; k < na; k++) column[k] = d[k * width + j];
    const x = choleskySolveLeading(factor, na, column, na);
    for (let k = 0; k < na; k++) X[k * width + j] = x[k];
  }
  const out = Float64Array.from(baseB);
  // + λ D_b ∘ (C'X)
  if (lambda > 0) {
    const cx = sumOverNodes(h, X, width);
    for (let b = 0; b < nb; b++) {
      const v = lambda * varianceB[b];
      for (let j = 0; j < width; j++) out[b * width + j] += v * cx[b * width + j];
    }
  }
  // - (1-λ)/T · E_b' (EU' X)
  if (lambda < 1) {
    const Z = new Float64Array(T * width);
    for (let k = 0; k < na; k++) {
      for (let t = 0; t < T; t++) {
        const e = incoherence[k * T + t];
        if (e === 0) continue;
        for (let j = 0; j < width; j++) Z[t * width + j] += e * X[k * width + j];
      }
    }
    const c = (1 - lambda) / T;
    for (let b = 0; b < nb; b++) {
      for (let t = 0; t < T; t++) {
        const e = errorsB[b * T + t];
        if (e === 0) continue;
        for (let j = 0; j < width; j++) out[b * width + j] -= c * e * Z[t * width + j];
      }
    }
  }
  return out;
}
