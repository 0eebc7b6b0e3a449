import { describe, expect, it } from 'vitest';
import { buildHierarchy } from '../../../pipelines/hierarchy/levels.js';
import { mintModel, mintReconcile } from '../../../pipelines/hierarchy/mint.js';
import { shrinkage } from '../../../pipelines/hierarchy/shrinkage.js';

// A 2-level toy: total; groups G1 = {b1, b2}, G2 = {b3, b4}; bottom b1..b4.
// Errors at T = 6 occasions, one column per node in the order total, G1, G2, b1, b2, b3, b4
// (R's layout: one row per occasion).
const E = [
  [2.0, 1.0, 0.5, 0.6, 0.3, -0.2, 0.4],
  [-1.5, -0.4, -0.9, -0.1, -0.5, -0.3, -0.7],
  [0.8, 0.9, -0.2, 0.5, 0.2, 0.1, -0.4],
  [-0.3, -1.1, 1.0, -0.6, -0.4, 0.7, 0.2],
  [1.2, 0.2, 0.7, 0.3, -0.2, 0.1, 0.5],
  [-0.9, 0.3, -1.3, 0.2, 0.4, -0.8, -0.3],
];
const T = E.length;
/** Node-major errors of nodes [from, to): row i holds node i's T errors. */
function nodeMajor(from: number, to: number): Float64Array {
  const out = new Float64Array((to - from) * T);
  for (let i = from; i < to; i++) for (let t = 0; t < T; t++) out[(i - from) * T + t] = E[t][i];
  return out;
}
const bottom = [
  { store: 'S', sku: 'b1', group: 'G1' },
  { store: 'S', sku: 'b2', group: 'G1' },
  { store: 'S', sku: 'b3', group: 'G2' },
  { store: 'S', sku: 'b4', group: 'G2' },
];
const h = buildHierarchy(bottom, ['total', 'group']);
const yhat = [100, 55, 40, 30, 20, 25, 12];

describe('shrinkage', () => {
  it('matches hts::shrink.estim', () => {
    // confirmed in R 4.2.2 with hts' shrink.estim (copied verbatim), x = E (6 x 7), tar = diag(diag(crossprod(E)/6)):
    // > shrink.estim(E, diag(diag(covm)))[[2]]   [1] 0.450365887877476
    const s = shrinkage(nodeMajor(0, 7), 7, T);
    expect(s.lambda).toBeCloseTo(0.450365887877476, 12);
    // uncentred variance: column 1 of E, squared, / 6
    expect(s.variance[0]).toBeCloseTo((4 + 2.25 + 0.64 + 0.09 + 1.44 + 0.81) / 6, 12);
  });
  it('leaves out series without errors, and gives lambda 1 with fewer than two that vary', () => {
    const withZero = new Float64Array(8 * T);
    withZero.set(nodeMajor(0, 7), 0); // the eighth series has no error at all
    expect(shrinkage(withZero, 8, T).lambda).toBeCloseTo(0.450365887877476, 12);
    expect(shrinkage(Float64Array.of(1, -1, 0, 0), 2, 2).lambda).toBe(1);
  });
  it('checks its input', () => {
    expect(() => shrinkage(new Float64Array(4), 2, 3)).toThrow(/2 × 3 errors/);
    expect(() => shrinkage(new Float64Array(2), 2, 1)).toThrow(/at least 2 error occasions/);
    expect(() => shrinkage(Float64Array.of(1, NaN), 1, 2)).toThrow(/finite errors/);
  });
});

describe('MinT', () => {
  const baseA = Float64Array.from(yhat.slice(0, 3));
  const baseB = Float64Array.from(yhat.slice(3));
  it('gives R\'s (S\'W⁻¹S)⁻¹S\'W⁻¹ŷ with the shrinkage W, without forming S or W', () => {
    // confirmed in R 4.2.2: W <- shrink.estim(E, diag(diag(covm)))[[1]]
    // > solve(t(S) %*% solve(W) %*% S) %*% t(S) %*% solve(W) %*% c(100, 55, 40, 30, 20, 25, 12)
    // [1] 30.5192860875503 20.9927960613205 25.9106136717045 12.6100571873377
    const model = mintModel(h, nodeMajor(0, 3), nodeMajor(3, 7), T);
    expect(model.lambda).toBeCloseTo(0.450365887877476, 12);
    const b = mintReconcile(h, model, baseA, baseB, 1);
    const r = [30.5192860875503, 20.9927960613205, 25.9106136717045, 12.6100571873377];
    r.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 9));
  });
  it('gives R\'s WLS (diagonal W) with kind wls', () => {
    // confirmed in R 4.2.2: Wd <- diag(diag(crossprod(E) / 6))
    // > solve(t(S) %*% solve(Wd) %*% S) %*% t(S) %*% solve(Wd) %*% yhat
    // [1] 31.6763028935168 21.1175352623446 26.2536228515608 13.1654774948105
    const model = mintModel(h, nodeMajor(0, 3), nodeMajor(3, 7), T, 'wls');
    expect(model.lambda).toBe(1);
    const b = mintReconcile(h, model, baseA, baseB, 1);
    [31.6763028935168, 21.1175352623446, 26.2536228515608, 13.1654774948105].forEach((v, i) => expect(b[i]).toBeCloseTo(v, 9));
  });
  it('leaves coherent base forecasts unchanged, step by step', () => {
    const model = mintModel(h, nodeMajor(0, 3), nodeMajor(3, 7), T);
    // two steps: [30, 20, 25, 12] and [1, 2, 3, 4]; aggregates their sums
    const b = Float64Array.of(30, 1, 20, 2, 25, 3, 12, 4);
    const a = Float64Array.of(87, 10, 50, 3, 37, 7);
    const out = mintReconcile(h, model, a, b, 2);
    out.forEach((v, i) => expect(v).toBeCloseTo(b[i], 9));
  });
  it('checks sizes', () => {
    expect(() => mintModel(h, new Float64Array(3), nodeMajor(3, 7), T)).toThrow(/errors/);
    const model = mintModel(h, nodeMajor(0, 3), nodeMajor(3, 7), T);
    expect(() => mintReconcile(h, model, baseA, baseB, 2)).toThrow(/base forecasts/);
  });
});
