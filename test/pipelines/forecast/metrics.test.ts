import { describe, expect, it } from 'vitest';
import { bias, mase, pinballLoss, revenueWeight, rmsse, rmsseScale, spl, splScale, wape, wrmsse } from '../../../pipelines/forecast/metrics.js';

describe('mase', () => {
  it('scales by the in-sample seasonal naive MAE (hand-computed)', () => {
    // m = 1: diffs of 2,4,6,8 are 2,2,2 -> scale 2; |8-10|,|8-12| = 2,4 -> MAE 3 -> 1.5
    expect(mase([10, 12], [8, 8], [2, 4, 6, 8], 1)).toBeCloseTo(1.5, 12);
    // m = 7 on 1..9: |8-1| = |9-2| = 7 -> scale 7; errors 7,7 -> MAE 7 -> 1
    expect(mase([10, 10], [3, 17], [1, 2, 3, 4, 5, 6, 7, 8, 9], 7)).toBeCloseTo(1, 12);
  });
  it('is NaN on a zero scale and throws on bad input', () => {
    expect(mase([1], [2], [5, 5, 5, 5, 5, 5, 5, 5], 7)).toBeNaN();
    expect(() => mase([1, 2], [1], [1, 2, 3], 1)).toThrow(/same length/);
    expect(() => mase([1], [1], [1, 2, 3], 7)).toThrow(/more than m = 7/);
  });
});

describe('rmsse', () => {
  it('uses the mean squared one-step difference from the first non-zero value on (M5)', () => {
    // from index 2: 3,1,2 -> diffs -2, 1 -> (4 + 1) / 2 = 2.5
    expect(rmsseScale([0, 0, 3, 1, 2])).toBeCloseTo(2.5, 12);
    // errors 1, -2 -> MSE 2.5 -> sqrt(2.5 / 2.5) = 1
    expect(rmsse([2, 2], [3, 0], [0, 0, 3, 1, 2])).toBeCloseTo(1, 12);
    // errors 2, 2 -> MSE 4 -> sqrt(4 / 2.5)
    expect(rmsse([2, 2], [4, 4], [0, 0, 3, 1, 2])).toBeCloseTo(Math.sqrt(1.6), 12);
    expect(rmsse([2, 2], [4, 4], 4)).toBeCloseTo(1, 12);
  });
  it('is NaN when the scale is 0 or undefined', () => {
    expect(rmsseScale([0, 0, 4])).toBeNaN();
    expect(rmsse([1], [1], [3, 3, 3])).toBeNaN();
  });
});

describe('wape and bias', () => {
  it('are hand-computed ratios; bias is positive for over-forecasts', () => {
    // |2-1| + |2-2| + |1-3| = 3 over 6
    expect(wape([1, 2, 3], [2, 2, 1])).toBeCloseTo(0.5, 12);
    // (1 + 0 - 2) / 6
    expect(bias([1, 2, 3], [2, 2, 1])).toBeCloseTo(-1 / 6, 12);
    expect(bias([1, 1], [2, 2])).toBeCloseTo(1, 12);
    expect(wape([0, 0], [1, 1])).toBeNaN();
  });
});

describe('M5 level-12 weights and WRMSSE', () => {
  it('weights by revenue over the trailing days, unknown prices as 0', () => {
    // last 3 days: 2*1 + 3*2 + 4*0.5 = 10
    expect(revenueWeight([1, 2, 3, 4], [NaN, 1, 2, 0.5], 3)).toBeCloseTo(10, 12);
    expect(revenueWeight([1, 2], [NaN, NaN], 28)).toBe(0);
  });
  it('averages RMSSE by weight, skipping NaN scores', () => {
    // (1*1 + 3*2) / (1 + 3)
    expect(wrmsse([1, 2, NaN], [1, 3, 5])).toBeCloseTo(1.75, 12);
    expect(wrmsse([1, 2], [0, 0])).toBeNaN();
    expect(() => wrmsse([1], [-1])).toThrow(/non-negative/);
  });
});

describe('pinballLoss, splScale and spl (the M5 uncertainty measure)', () => {
  it('match hand-computed values', () => {
    const actual = [0, 2, 5];
    // u = 0.5, q = 1: errors y - q = -1, 1, 4 -> (0.5 + 0.5 + 2) / 3 = 1
    expect(pinballLoss(actual, [1, 1, 1], 0.5)).toBeCloseTo(1, 12);
    // u = 0.9, q = 3: -3, -1, 2 -> (0.1·3 + 0.1·1 + 0.9·2) / 3 = 2.2 / 3
    expect(pinballLoss(actual, [3, 3, 3], 0.9)).toBeCloseTo(2.2 / 3, 12);
    // scale from the first sale on: |3-1| + |2-3| + |2-2| over 3 differences = 1
    const train = [0, 0, 1, 3, 2, 2];
    expect(splScale(train)).toBeCloseTo(1, 12);
    expect(spl(actual, [[1, 1, 1], [3, 3, 3]], [0.5, 0.9], train)).toBeCloseTo((1 + 2.2 / 3) / 2, 12);
    expect(spl(actual, [[1, 1, 1]], [0.5], 4)).toBeCloseTo(0.25, 12);
  });
  it('is undefined without a scale and checks its input', () => {
    expect(splScale([0, 0, 3])).toBeNaN();
    expect(spl([1], [[1]], [0.5], [2, 2, 2])).toBeNaN();
    expect(() => pinballLoss([1], [1], 1)).toThrow(/strictly between 0 and 1/);
    expect(() => spl([1], [[1]], [0.5, 0.9], 1)).toThrow(/one quantile forecast per probability/);
  });
});
