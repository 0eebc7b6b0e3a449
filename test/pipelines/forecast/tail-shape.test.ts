import { describe, expect, it } from 'vitest';
import { MIN_TAIL_POINTS, tailProbabilities, tailShape, tailSpacing } from '../../../pipelines/forecast/tail-shape.js';
import { mixtureQuantile } from '../../../pipelines/forecast/mixture-quantile.js';

// y_t = t(t+1)/2: with a local mean over the one period before, the residuals are y_t - y_{t-1} = t
const triangular = (n: number) => Float64Array.from({ length: n }, (_, t) => (t * (t + 1)) / 2);

describe('tailShape', () => {
  it('gives the quantiles of the residuals from the local mean over the last span', () => {
    // 201 values: residuals 1..200; continuous: Q(p) is the ⌈200p⌉-th residual
    const s = tailShape(triangular(201), 1, 364, [0.5, 0.9, 0.975], false)!;
    expect(s['0.5']).toBeCloseTo(100, 6);
    expect(s['0.9']).toBeCloseTo(180, 6);
    expect(s['0.975']).toBeCloseTo(195, 6);
    expect(tailSpacing(s, 0.975, 0.9)).toBeCloseTo(15, 6);
    // count data: the residuals 1..200 spread over ±0.5 are uniform on [0.5, 200.5]
    const c = tailShape(triangular(201), 1, 364, [0.5, 0.9, 0.975], true)!;
    expect(c['0.5']).toBeCloseTo(100.5, 6);
    expect(c['0.975']).toBeCloseTo(195.5, 6);
  });
  it('uses the local mean of `window` periods and only the last `span` residuals', () => {
    // y = 0, 0, 0, 0, 4, 0, 4, 0, ...: the last 200 residuals are 4 - 2 = 2 and 0 - 2 = -2 from the
    // mean of the two periods before (window 2), ±4 from the one period before (window 1); the
    // first residuals (4 - 0 at t = 4) lie outside a span of 200
    const y = Float64Array.from({ length: 400 }, (_, t) => (t >= 4 && t % 2 === 0 ? 4 : 0));
    const s = tailShape(y, 2, 200, [0.025, 0.5, 0.975], false)!;
    expect(s['0.025']).toBeCloseTo(-2, 6);
    expect(s['0.975']).toBeCloseTo(2, 6);
    expect(tailShape(y, 1, 200, [0.025, 0.5, 0.975], false)!['0.975']).toBeCloseTo(4, 6);
    expect(tailShape(y, 2, 400, [0.025, 0.5, 0.975], false)!['0.975']).toBeCloseTo(2, 6);
  });
  it(`needs ${MIN_TAIL_POINTS} residuals beyond the most extreme probability`, () => {
    // 0.025·200 = 5 residuals beyond 0.975: enough; 199 are not
    expect(tailShape(triangular(201), 1, 364, [0.5, 0.975], false)).not.toBeNull();
    expect(tailShape(triangular(200), 1, 364, [0.5, 0.975], false)).toBeNull();
    expect(tailShape(triangular(1000), 1, 199, [0.5, 0.975], false)).toBeNull();
  });
});

describe('tailSpacing', () => {
  it('is the distance between two quantiles, null when the shape lacks one', () => {
    const s = { '0.025': -5, '0.1': -1, '0.5': 1, '0.9': 3, '0.975': 9 };
    expect(tailSpacing(s, 0.975, 0.9)).toBe(6);
    expect(tailSpacing(s, 0.025, 0.1)).toBe(4);
    expect(tailSpacing(s, 0.95, 0.8)).toBeNull();
    expect(tailSpacing(null, 0.975, 0.9)).toBeNull();
  });
});

describe('tailProbabilities', () => {
  it('lists the median and each level\'s α/2, 1 - α/2 and 1 - α', () => {
    expect(tailProbabilities([80, 95])).toEqual([0.025, 0.1, 0.5, 0.8, 0.9, 0.95, 0.975]);
  });
});

describe('mixtureQuantile', () => {
  it('is the mid-distribution quantile of a count sample', () => {
    // a Poisson(1)-shaped sample of 16: 6 zeros, 6 ones, 3 twos, 1 three (pmf 0.37, 0.37, 0.18, 0.06),
    // each spread over ±0.5: the CDF is 6/16 at 0.5, 12/16 at 1.5, 15/16 at 2.5; the median 0.5 + 2/6·1
    // lies in the ones' unit, and the 0.9 quantile 1.5 + (0.9·16 - 12)/3 = 2.3 in the twos'
    const s = Float64Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3]);
    const w = new Float64Array(16).fill(0.5);
    expect(mixtureQuantile(s, w, 0.5)).toBeCloseTo(0.5 + 2 / 6, 6);
    expect(mixtureQuantile(s, w, 0.9)).toBeCloseTo(2.3, 6);
    expect(mixtureQuantile(s, w, 0)).toBe(-0.5);
    expect(mixtureQuantile(s, w, 1)).toBe(3.5);
  });
});
