import { describe, expect, it } from 'vitest';
import { mean, meanOfFinite, median, midranks, sampleSd, spearman } from '../../pipelines/stats.js';

describe('mean', () => {
  it('sums left to right; NaN for an empty list', () => {
    // > print(mean(c(0.1, 0.2, 0.3)), digits = 17)   [1] 0.20000000000000001
    expect(mean([0.1, 0.2, 0.3])).toBeCloseTo(0.2, 15);
    expect(mean(Float64Array.from([1, 2, 6]))).toBe(3);
    expect(mean([])).toBeNaN();
  });
});

describe('meanOfFinite', () => {
  it('skips null, NaN and infinities; null when nothing is left', () => {
    expect(meanOfFinite([1, null, NaN, 3, Infinity])).toBe(2);
    expect(meanOfFinite([null, NaN])).toBeNull();
    expect(meanOfFinite([])).toBeNull();
  });
});

describe('median', () => {
  it('matches R, leaves its input alone, NaN for an empty list', () => {
    // > median(c(3, 1, 4, 1))   [1] 2
    const v = [3, 1, 4, 1];
    expect(median(v)).toBe(2);
    expect(v).toEqual([3, 1, 4, 1]);
    expect(median([5, -1, 3])).toBe(3);
    expect(median([10, 9])).toBe(9.5); // numeric order, not string order
    expect(median([])).toBeNaN();
  });
});

describe('sampleSd', () => {
  it('matches R; 0 for fewer than two values', () => {
    // > print(sd(c(2, 4, 4, 4, 5, 5, 7, 9)), digits = 15)   [1] 2.1380899352994
    expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.1380899352994, 12);
    expect(sampleSd([7])).toBe(0);
  });
});

describe('midranks', () => {
  it('matches R rank() with average ties', () => {
    // > rank(c(10, 20, 20, 5))   [1] 2.0 3.5 3.5 1.0
    expect(midranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(midranks([])).toEqual([]);
  });
});

describe('spearman', () => {
  it('matches R with ties', () => {
    // > x <- c(90, 85, 85, 70, 60, 95, 100, 75, 80, 65); y <- c(0.8, 0.9, 1.1, 1.2, 1.5, 0.7, 0.6, 1.0, 1.3, 1.4)
    // > cor(x, y, method = "spearman")   [1] -0.9300954818
    // > 2 * pnorm(-0.9300954818 * 3)      [1] 0.005266142797   (normal approximation, z = rho * sqrt(n - 1))
    const r = spearman([90, 85, 85, 70, 60, 95, 100, 75, 80, 65], [0.8, 0.9, 1.1, 1.2, 1.5, 0.7, 0.6, 1.0, 1.3, 1.4]);
    expect(r.rho).toBeCloseTo(-0.9300954818, 9);
    expect(r.p).toBeCloseTo(0.005266142797, 6);
  });
  it('is null when undefined', () => {
    expect(spearman([1, 2], [3, 4]).rho).toBeNull();
    expect(spearman([1, 1, 1], [3, 4, 5]).rho).toBeNull();
    expect(() => spearman([1], [1, 2])).toThrow(/paired/);
  });
});

