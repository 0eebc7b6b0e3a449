import { describe, expect, it } from 'vitest';
import { arPath, psiWeights, regressionAr, yuleWalker } from '../../models/regression-ar.js';
import { regression } from '../../models/regression.js';
import { MODELS } from '../../models/index.js';
import type { SeriesInput } from '../../models/types.js';

const u = [1.2, -0.5, 0.8, 2.1, -1.3, 0.4, 0.9, -0.7, 1.5, 0.2, -1.1, 0.6, 1.8, -0.9, 0.3];

/** Autocovariance c_k = Σ u_t u_{t+k} / n (not demeaned), written out independently. */
function acov(k: number): number {
  let s = 0;
  for (let t = 0; t + k < u.length; t++) s += u[t] * u[t + k];
  return s / u.length;
}

describe('regression-ar: Yule-Walker, ψ weights, AR path', () => {
  it('AR(1) is c1 / c0', () => {
    expect(yuleWalker(u, 1)[0]).toBeCloseTo(acov(1) / acov(0), 12);
  });
  it('AR(2) solves the 2 x 2 Yule-Walker equations (Cramer)', () => {
    const [c0, c1, c2] = [acov(0), acov(1), acov(2)];
    const d = c0 * c0 - c1 * c1;
    const phi = yuleWalker(u, 2);
    expect(phi[0]).toBeCloseTo((c1 * c0 - c1 * c2) / d, 12);
    expect(phi[1]).toBeCloseTo((c0 * c2 - c1 * c1) / d, 12);
  });
  it('an all-zero series has zero coefficients', () => {
    expect(yuleWalker([0, 0, 0, 0, 0], 3)).toEqual([0, 0, 0]);
  });
  it('ψ weights of φ = (0.5, -0.3): 1, 0.5, -0.05, -0.175 (hand-computed)', () => {
    const psi = psiWeights([0.5, -0.3], 4);
    [1, 0.5, -0.05, -0.175].forEach((v, j) => expect(psi[j]).toBeCloseTo(v, 12));
  });
  it('the AR path halves a residual of 4 with φ = 0.5: 2, 1, 0.5', () => {
    expect(Array.from(arPath([0.5], [4], 3))).toEqual([2, 1, 0.5]);
  });
});

/** 140 days: 100 + trend 0.1 a day + weekday pattern, plus a residual path given per day. */
function series(resid: (t: number) => number): SeriesInput {
  const dow = [0, 5, 3, -2, 4, 10, -6];
  const y = new Float64Array(140);
  for (let t = 0; t < y.length; t++) y[t] = 100 + 0.1 * t + dow[t % 7] + resid(t);
  return { y, season: 7, firstDow: 0 };
}

describe('regression-ar model', () => {
  it('is the regression when the data have no residual (exact data)', () => {
    const x = series(() => 0);
    const a = regressionAr.forecast(regressionAr.fit(x), 14, x).mean;
    const b = regression.forecast(regression.fit(x), 14, x).mean;
    for (let j = 0; j < 14; j++) expect(a[j]).toBeCloseTo(b[j], 6);
  });
  it('follows a series running above its regression line, the gap decaying over the horizon', () => {
    // an alternating residual (mean 0), then the last 5 days 8 above the line
    const x = series((t) => (t >= 135 ? 8 : t % 2 === 0 ? 1 : -1));
    const st = regressionAr.fit(x);
    const a = regressionAr.forecast(st, 28, x).mean;
    const b = regression.forecast(st.reg, 28, x).mean;
    expect(a[0] - b[0]).toBeGreaterThan(1);
    expect(Math.abs(a[27] - b[27])).toBeLessThan(a[0] - b[0]);
  });
  it('sd grows with the horizon from the one-step sd', () => {
    const x = series((t) => Math.sin(t * 1.3) * 3);
    const st = regressionAr.fit(x);
    const sd = regressionAr.forecast(st, 10, x).sd;
    expect(sd[0]).toBeGreaterThanOrEqual(st.sigma);
    for (let j = 1; j < 10; j++) expect(sd[j]).toBeGreaterThanOrEqual(sd[j - 1] - 1e-9);
  });
  it('has a calendar twin in the registry', () => {
    expect(MODELS['cal:regression-ar']).toBeDefined();
  });
});
