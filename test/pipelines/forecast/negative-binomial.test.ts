import { describe, expect, it } from 'vitest';
import { countQuantiles, logGamma } from '../../../pipelines/forecast/negative-binomial.js';

const M5 = [0.005, 0.025, 0.165, 0.25, 0.5, 0.75, 0.835, 0.975, 0.995];

/** size r = μ² / (v - μ) of the module's parameterisation. */
const size = (mu: number, v: number): number => (mu * mu) / (v - mu);

describe('countQuantiles', () => {
  it('gives the negative binomial quantiles of R / scipy', () => {
    // confirmed in scipy 1.17 (as R's qnbinom(p, size = r, mu = μ)):
    // > nbinom.ppf(M5, r, r / (r + mu)) for (mu, v) = (0.8, 2.4), (5, 20), (300, 3000)
    expect(size(5, 20)).toBeCloseTo(5 / 3, 12);
    expect(countQuantiles(0.8, 2.4, M5)).toEqual([0, 0, 0, 0, 0, 1, 2, 5, 9]);
    expect(countQuantiles(5, 20, M5)).toEqual([0, 0, 1, 2, 4, 7, 9, 16, 23]);
    expect(countQuantiles(300, 3000, M5)).toEqual([177, 202, 247, 262, 297, 335, 353, 416, 459]);
  });
  it('gives the Poisson quantiles when the variance does not exceed the mean', () => {
    // > poisson.ppf(M5, 3); poisson.ppf(M5, 0.1)
    expect(countQuantiles(3, 3, M5)).toEqual([0, 0, 1, 2, 3, 4, 5, 7, 8]);
    expect(countQuantiles(3, 1, M5)).toEqual([0, 0, 1, 2, 3, 4, 5, 7, 8]);
    expect(countQuantiles(0.1, 0.1, M5)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1]);
  });
  it('handles means whose P(0) underflows, and starts far below a large mean', () => {
    // > poisson.ppf(M5, 800); nbinom.ppf(M5, r, p) for (800, 1000) and (40000, 45000)
    expect(countQuantiles(800, 800, M5)).toEqual([728, 745, 772, 781, 800, 819, 828, 856, 874]);
    expect(countQuantiles(800, 1000, M5)).toEqual([720, 739, 769, 779, 800, 821, 831, 863, 883]);
    expect(countQuantiles(40000, 45000, M5)).toEqual([39455, 39585, 39793, 39857, 40000, 40143, 40207, 40416, 40548]);
  });
  it('is 0 for a zero or vanishing mean, whole and non-decreasing in any case, and checks its input', () => {
    expect(countQuantiles(0, 5, M5)).toEqual(M5.map(() => 0));
    // a combination's forecast of 1e-31 with a variance of 450: P(0) = 1 - 7e-61, all quantiles 0
    // (q = μ / (r + μ) rounds to 1 here: P(0) must not come from ln(1 - q))
    expect(countQuantiles(1.4e-31, 450, M5)).toEqual(M5.map(() => 0));
    expect(countQuantiles(1e-300, 1e6, M5)).toEqual(M5.map(() => 0));
    for (const [mu, v] of [[0.03, 0.5], [17.3, 17.3], [2.5, 400]]) {
      const q = countQuantiles(mu, v, M5);
      q.forEach((x, i) => {
        expect(Number.isInteger(x)).toBe(true);
        if (i > 0) expect(x).toBeGreaterThanOrEqual(q[i - 1]);
      });
    }
    expect(() => countQuantiles(-1, 1, M5)).toThrow(/finite mean >= 0/);
    expect(() => countQuantiles(NaN, 1, M5)).toThrow(/finite mean >= 0/);
    expect(() => countQuantiles(1, Infinity, M5)).toThrow(/finite variance/);
  });
});

describe('logGamma', () => {
  it('matches known values', () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 11);
    expect(logGamma(1)).toBeCloseTo(0, 13);
    // > scipy.special.gammaln(1e6) = 12815504.569147611
    expect(logGamma(1e6)).toBeCloseTo(12815504.569147611, 5);
    expect(() => logGamma(0)).toThrow(/x > 0/);
  });
});
