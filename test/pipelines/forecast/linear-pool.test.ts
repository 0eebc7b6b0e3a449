import { describe, expect, it } from 'vitest';
import { linearPoolSd } from '../../../pipelines/forecast/linear-pool.js';

describe('linearPoolSd', () => {
  it('adds the variance of the members\' forecasts to the mean of their variances (hand-computed)', () => {
    // step 0: means 10, 14 (mean 12, squared deviations 4, 4 -> 4), sds 1, 3 (variances 1, 9 -> 5): sqrt(9) = 3
    // step 1: means 6, 6 (no disagreement), sds 2, 2 (-> 4): sqrt(4) = 2
    expect(Array.from(linearPoolSd([[10, 6], [14, 6]], [[1, 2], [3, 2]], new Float64Array(2)))).toEqual([3, 2]);
    // means 6, 6, 12 (mean 8, squared deviations 4, 4, 16 -> 8), sds 2, 2, 2 (-> 4): sqrt(12)
    const three = linearPoolSd([[6], [6], [12]], [[2], [2], [2]], new Float64Array(1));
    expect(three[0]).toBeCloseTo(Math.sqrt(12), 12);
  });

  it('is the mean sd when the members agree, and the member\'s own sd for one member', () => {
    // equal forecasts and sds: no disagreement, sd unchanged
    expect(Array.from(linearPoolSd([[5, 5], [5, 5]], [[2, 3], [2, 3]], new Float64Array(2)))).toEqual([2, 3]);
    expect(Array.from(linearPoolSd([[7, 1]], [[1.5, 0.5]], new Float64Array(2)))).toEqual([1.5, 0.5]);
  });

  it('clips negative forecasts at 0 and counts a negative or non-finite sd as 0', () => {
    // means -4 -> 0 and 2: mean 1, deviations 1, 1 -> 1; sds NaN -> 0 and -1 -> 0: sqrt(1) = 1
    expect(Array.from(linearPoolSd([[-4], [2]], [[NaN], [-1]], new Float64Array(1)))).toEqual([1]);
  });

  it('throws without members or on shapes that do not match', () => {
    expect(() => linearPoolSd([], [], new Float64Array(1))).toThrow(/one sd array per member/);
    expect(() => linearPoolSd([[1]], [[1], [1]], new Float64Array(1))).toThrow(/one sd array per member/);
    expect(() => linearPoolSd([[1]], [[1]], new Float64Array(2))).toThrow(/member 0 has 1 means/);
  });
});
