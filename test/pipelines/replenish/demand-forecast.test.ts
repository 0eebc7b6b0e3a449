import { describe, expect, it } from 'vitest';
import { dailyForecast, demandSum, laterForecast } from '../../../pipelines/replenish/demand-forecast.js';

describe('dailyForecast (buckets of several days to days)', () => {
  const weekly = { mean: [7, 14], leadTimeSd: [2, 3], recentSales: [7, 0], demandClass: 'smooth' as const };
  it('is the identity for daily buckets', () => {
    const d = dailyForecast(weekly, 1);
    expect(d).toEqual({ mean: [7, 14], sumSd: [2, 3], history: [7, 0], demandClass: 'smooth' });
  });
  it('spreads weekly buckets over their days and interpolates the variance of sums', () => {
    const d = dailyForecast(weekly, 7);
    expect(d.mean).toEqual([1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2]);
    expect(d.history).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(d.sumSd[6]).toBeCloseTo(2, 12); // one bucket
    expect(d.sumSd[13]).toBeCloseTo(3, 12); // two buckets
    // 10 days = 1.4286 buckets: variance 4 + (3/7)(9 - 4)
    expect(d.sumSd[9]).toBeCloseTo(Math.sqrt(4 + (3 / 7) * 5), 12);
    // 3 days = 0.4286 buckets: variance (3/7)·4
    expect(d.sumSd[2]).toBeCloseTo(Math.sqrt((3 / 7) * 4), 12);
    expect(demandSum(d, 14).demand).toBeCloseTo(21, 12);
    expect(() => dailyForecast(weekly, 0)).toThrow(/bucket/);
  });
});

describe('laterForecast', () => {
  const f = { mean: [1, 2, 3, 4, 5, 6, 7, 8], sumSd: [1, 1, 1, 1, 1, 1, 1, 1], history: [], demandClass: 'smooth' as const };
  it('drops the days already past', () => {
    expect(laterForecast(f, 3).mean).toEqual([4, 5, 6, 7, 8]);
    expect(laterForecast(f, 0)).toBe(f);
  });
  it('continues with the last 7 days mean past the end', () => {
    // last 7 days: 2..8, mean 5
    expect(laterForecast(f, 20).mean).toEqual([5]);
    expect(demandSum(laterForecast(f, 20), 4).demand).toBeCloseTo(20, 12);
  });
});
