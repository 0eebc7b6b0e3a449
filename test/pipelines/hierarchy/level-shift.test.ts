import { describe, expect, it } from 'vitest';
import { levelSdPath, levelShiftSd, MIN_LEVEL_ORIGINS } from '../../../pipelines/hierarchy/level-shift.js';

describe('levelShiftSd', () => {
  it('is 1.4826 × the median |change| of consecutive h-period means, in units of the current mean, growing as √((j+1)/h) (hand-computed)', () => {
    // y_t = 2^(t/2): every 2-period sum is twice the one before, so |change| = 1 at every origin
    const y = Float64Array.from({ length: 12 }, (_, t) => 2 ** (t / 2));
    const sd = levelShiftSd({ y, horizon: 2, step: 1, span: 10 })!;
    // origins t = 10 .. 2 (nine, t >= n - span = 2 and t >= h = 2); current mean (2^5 + 2^5.5) / 2
    const c = (32 + 32 * Math.SQRT2) / 2;
    expect(sd).toBeCloseTo(1.482602218505602 * c, 10);
    const path = levelSdPath(sd, 2)!;
    expect(path[0]).toBeCloseTo(1.482602218505602 * c * Math.sqrt(1 / 2), 10);
    expect(path[1]).toBe(sd);
  });
  it('takes the median change: a single jump does not set it (hand-computed)', () => {
    // flat at 10 with one spike of 50 on index 13: with h = 2, step 2, the pairs (12,13) and (14,15)
    // compare 60 with 20 (+2) and 20 with 60 (-2/3); the other origins change by 0
    const y = new Float64Array(24).fill(10);
    y[13] = 50;
    const sd = levelShiftSd({ y, horizon: 2, step: 2, span: 22 })!;
    // origins 22, 20, ..., 2 (eleven); |changes|: nine 0, 2, 2/3 -> median 0
    expect(sd).toBe(0);
    expect(levelSdPath(sd, 2)).toBeNull();
  });
  it('measures a level that wanders: half the origins move by 10%, half by 30% (hand-computed)', () => {
    // h = 1, step 1: the change of each value from the one before; alternating ×1.1 and ×1.3
    const y = new Float64Array(11);
    y[0] = 100;
    for (let t = 1; t < 11; t++) y[t] = y[t - 1] * (t % 2 ? 1.1 : 1.3);
    const sd = levelShiftSd({ y, horizon: 1, step: 1, span: 10 })!;
    // ten changes, five 0.1 and five 0.3: median 0.2; current mean y[10]
    expect(sd).toBeCloseTo(1.482602218505602 * 0.2 * y[10], 9);
  });
  it('spreads over the horizon as √((j + 1) / h) (hand-computed)', () => {
    expect(Array.from(levelSdPath(6, 4)!)).toEqual([3, 6 * Math.sqrt(0.5), 6 * Math.sqrt(0.75), 6]);
    expect(levelSdPath(undefined, 4)).toBeNull();
  });
  it(`is null with fewer than ${MIN_LEVEL_ORIGINS} origins, a history under two horizons or a current mean of 0`, () => {
    const y = Float64Array.from({ length: 12 }, (_, t) => 1 + t);
    // span 8: origins 10 .. 4, seven
    expect(levelShiftSd({ y, horizon: 2, step: 1, span: 8 })).toBeNull();
    expect(levelShiftSd({ y, horizon: 2, step: 1, span: 9 })).not.toBeNull();
    expect(levelShiftSd({ y: y.subarray(0, 3), horizon: 2, step: 1, span: 9 })).toBeNull();
    const closed = Float64Array.from(y);
    closed[10] = 0;
    closed[11] = 0;
    expect(levelShiftSd({ y: closed, horizon: 2, step: 1, span: 10 })).toBeNull();
  });
});
