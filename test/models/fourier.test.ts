import { describe, expect, it } from 'vitest';
import { aicc, fitBucketedSeason, fitFourierSeason, fourierAt, fourierColumns, maxHarmonics, normalEquations } from '../../models/fourier.js';

/** Deterministic noise in [-0.5, 0.5) (a linear congruential generator). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

describe('fourier: terms', () => {
  it('evaluates a season by hand: P = 4, t = 1 gives cos = 0, sin = 1 for k = 1 and cos = -1, sin = 0 for k = 2', () => {
    const s = { period: 4, harmonics: 2, coef: [2, 3, 5, 7] };
    // 2·0 + 3·1 + 5·(-1) + 7·0 = -2
    expect(fourierAt(s, 1)).toBeCloseTo(-2, 12);
    // t = 0: 2·1 + 5·1 = 7
    expect(fourierAt(s, 0)).toBeCloseTo(7, 12);
    expect(fourierAt({ period: 4, harmonics: 0, coef: [] }, 3)).toBe(0);
  });
  it('builds columns that agree with the evaluator, for a fractional period', () => {
    const P = 365.25 / 7;
    const coef = [1.5, -0.5, 0.25, 2];
    const cols = fourierColumns(P, 2, 100, 60);
    for (let i = 0; i < 60; i++) {
      let v = 0;
      for (let j = 0; j < 4; j++) v += coef[j] * cols[j][i];
      expect(v).toBeCloseTo(fourierAt({ period: P, harmonics: 2, coef }, 100 + i), 10);
    }
    // cos(2π · 13 / 52.1786) by hand: 2π·13/52.1786 = 1.56543 rad, cos = 0.005366
    expect(fourierColumns(P, 1, 13, 1)[0][0]).toBeCloseTo(Math.cos((2 * Math.PI * 13 * 7) / 365.25), 12);
  });
  it('computes the AICc by hand', () => {
    // n ln(SSE/n) + 2q + 2q(q+1)/(n-q-1), q = p + 1: 20 ln(0.5) + 6 + 24/16 = -6.36294
    expect(aicc(10, 20, 2)).toBeCloseTo(20 * Math.log(0.5) + 6 + 1.5, 10);
    expect(aicc(10, 4, 2)).toBe(Infinity);
  });
  it('caps the harmonics by the period, the cost cap and the degrees of freedom', () => {
    expect(maxHarmonics(1000, 12)).toBe(6);
    expect(maxHarmonics(1000, 365.25 / 7)).toBe(26);
    expect(maxHarmonics(60, 365.25 / 7)).toBe(14); // (30 - 2) / 2
    expect(maxHarmonics(5, 12)).toBe(0);
  });
});

describe('normalEquations', () => {
  it("equals X'X and X'y built column by column (product-to-sum identities)", () => {
    const r = noise(21);
    for (const [n, period, K] of [[60, 12, 4], [157, 365.25 / 7, 6], [31, 7.5, 3]] as const) {
      const y = Float64Array.from({ length: n }, () => 10 * r());
      const cols: Float64Array[] = [new Float64Array(n).fill(1), Float64Array.from({ length: n }, (_, t) => (t - (n - 1) / 2) / n), ...fourierColumns(period, K, 0, n)];
      const p = cols.length;
      const { xtx, xty, yy } = normalEquations(y, period, K);
      for (let a = 0; a < p; a++) {
        let d = 0;
        for (let t = 0; t < n; t++) d += cols[a][t] * y[t];
        expect(xty[a]).toBeCloseTo(d, 8);
        for (let b = 0; b < p; b++) {
          let e = 0;
          for (let t = 0; t < n; t++) e += cols[a][t] * cols[b][t];
          expect(xtx[a * p + b]).toBeCloseTo(e, 8);
        }
      }
      expect(yy).toBeCloseTo(y.reduce((s, v) => s + v * v, 0), 6);
    }
  });
});

describe('fitFourierSeason', () => {
  it('recovers two monthly harmonics under a trend, and chooses K = 2', () => {
    const r = noise(7);
    const y = Float64Array.from({ length: 72 }, (_, t) => 10 + 0.5 * t + 3 * Math.cos((2 * Math.PI * t) / 12) - 2 * Math.sin((4 * Math.PI * t) / 12) + 0.2 * r());
    const s = fitFourierSeason(y, 12);
    expect(s.harmonics).toBe(2);
    expect(s.coef[0]).toBeCloseTo(3, 1);
    expect(s.coef[1]).toBeCloseTo(0, 1);
    expect(s.coef[2]).toBeCloseTo(0, 1);
    expect(s.coef[3]).toBeCloseTo(-2, 1);
  });
  it('recovers a yearly cycle of 52.18 weeks from three years', () => {
    const P = 365.25 / 7;
    const r = noise(11);
    const y = Float64Array.from({ length: 157 }, (_, t) => 50 + 8 * Math.sin((2 * Math.PI * t) / P) + r());
    const s = fitFourierSeason(y, P);
    expect(s.harmonics).toBe(1);
    expect(s.coef[0]).toBeCloseTo(0, 0);
    expect(Math.abs(s.coef[1] - 8)).toBeLessThan(0.3);
  });
  it('finds no season in a trend with white noise in most draws (K = 0: not worth its parameters)', () => {
    // two more parameters pass the AICc by chance with probability about P(chi2_2 > 4.2) = 0.12
    let none = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const r = noise(seed * 7919);
      const y = Float64Array.from({ length: 120 }, (_, t) => 20 + 0.1 * t + r());
      if (fitFourierSeason(y, 12).harmonics === 0) none++;
    }
    expect(none).toBeGreaterThanOrEqual(35);
    const y = Float64Array.from({ length: 5 }, (_, t) => t);
    expect(fitFourierSeason(y, 12).harmonics).toBe(0);
    expect(() => fitFourierSeason(y, 2)).toThrow(/fitFourierSeason needs a cycle longer than 2/);
  });
});

describe('fitBucketedSeason', () => {
  it('fits a daily yearly cycle from weekly totals of three years and returns it per day, phase included', () => {
    const P = 365.25;
    const week = [0, 1, 2, 3, 4, 9, 8];
    const r = noise(5);
    const all = Float64Array.from({ length: 1100 }, (_, t) => 40 + week[t % 7] + 10 * Math.cos((2 * Math.PI * (t - 60)) / P) + r());
    // the fit window is the last 364 days; the rest is history before it
    const before = all.subarray(0, 1100 - 364);
    const y = all.subarray(1100 - 364);
    const s = fitBucketedSeason(before, y, P, 7, Math.ceil(3 * P));
    expect(s.harmonics).toBeGreaterThanOrEqual(1);
    // y's index t is day 736 + t of the series: the season there is 10 cos(2π (736 + t - 60) / P),
    // times the weekly-averaging factor sin(7π/P) / (7 sin(π/P)) = 0.99876
    for (const t of [0, 50, 100, 200, 363, 364 + 30]) {
      expect(Math.abs(fourierAt(s, t) - 10 * Math.cos((2 * Math.PI * (736 + t - 60)) / P))).toBeLessThan(0.6);
    }
  });
  it('gives no season when the whole history holds fewer than two cycles', () => {
    const y = new Float64Array(500).fill(3);
    expect(fitBucketedSeason(new Float64Array(200), y, 365.25, 7, 1096).harmonics).toBe(0);
  });
});
