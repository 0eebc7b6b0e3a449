import { describe, expect, it } from 'vitest';
import { croston, crostonFitted, demandSizesAndIntervals, fitCroston } from '../../models/croston.js';
import { sba } from '../../models/sba.js';
import { sesSse } from '../../models/ses.js';
import { R, expectAllClose, fixture } from './reference/r-reference.js';

const input = (y: ArrayLike<number>) => ({ y: Float64Array.from(y), season: 7, firstDow: 0 });
/** R's fitted values with NA as NaN. */
const rFitted = (v: (number | string)[]) => v.map((x) => (x === 'NA' ? NaN : (x as number)));
const expectFitted = (actual: Float64Array, expected: number[]) => {
  expect(Number.isNaN(actual[0])).toBe(Number.isNaN(expected[0]));
  expectAllClose(actual.subarray(1), expected.slice(1), 1e-12);
};

describe('croston: hand-computed', () => {
  it('[0, 3, 0, 0, 2] with alpha 0.1: sizes 3 -> 2.9, intervals 2 -> 2.1, forecast 2.9 / 2.1', () => {
    const y = Float64Array.of(0, 3, 0, 0, 2);
    const { sizes, intervals } = demandSizesAndIntervals(y);
    expect(Array.from(sizes)).toEqual([3, 2]);
    expect(Array.from(intervals)).toEqual([2, 3]);
    const f = fitCroston(y, { alpha: 0.1 });
    expect(f.zLevel).toBeCloseTo(2.9, 14);
    expect(f.pLevel).toBeCloseTo(2.1, 14);
    // fitted: NA, 0 (no demand yet), 3 / 2 after the first demand
    const out = new Float64Array(5);
    crostonFitted(y, 0.1, 0.1, 1, out);
    expect(Array.from(out.subarray(1))).toEqual([0, 1.5, 1.5, 1.5]);
    expect(Number.isNaN(out[0])).toBe(true);
  });
});

describe('croston against R forecast 8.20 at fixed alpha', () => {
  it('croston(c(0, 3, 0, 0, 2), alpha = 0.1)', () => {
    const ref = R.croston_tiny; // mean 1.38095238, fitted NA 0 1.5 1.5 1.5
    const f = fitCroston(Float64Array.of(0, 3, 0, 0, 2), { alpha: 0.1 });
    expectAllClose([f.zLevel / f.pLevel, f.zLevel / f.pLevel], ref.mean, 1e-14);
  });

  for (const [key, alpha] of [
    ['croston_int40', 0.1],
    ['croston_int40_a025', 0.25],
  ] as const) {
    it(`croston(int40, alpha = ${alpha}): mean and all 40 fitted values`, () => {
      const ref = R[key];
      const y = fixture('int40');
      const f = fitCroston(y, { alpha });
      expectAllClose([f.zLevel / f.pLevel], [ref.mean[0]], 1e-12);
      const out = new Float64Array(y.length);
      crostonFitted(y, alpha, alpha, 1, out);
      expectFitted(out, rFitted(ref.fitted));
    });
  }

  it('SBA is Croston times (1 - alpha / 2)', () => {
    // Syntetos & Boylan (2005): at alpha 0.1 the factor is 0.95; R croston(int40, alpha = 0.1) = 0.71621455
    const y = fixture('int40');
    const out = new Float64Array(y.length);
    crostonFitted(y, 0.1, 0.1, 0.95, out);
    expectAllClose(out.subarray(1), rFitted(R.croston_int40.fitted).slice(1).map((v) => 0.95 * v), 1e-12);
  });
});

describe('croston and sba models', () => {
  it('estimate each alpha in [0.1, 0.3] by the SSE of its own SES', () => {
    const y = fixture('int40');
    const st = croston.fit(input(y));
    const { sizes, intervals } = demandSizesAndIntervals(y);
    for (const [x, a] of [
      [sizes, st.alphaZ],
      [intervals, st.alphaP],
    ] as const) {
      expect(a).toBeGreaterThanOrEqual(0.1);
      expect(a).toBeLessThanOrEqual(0.3);
      const best = sesSse(x, a, x[0]);
      for (let g = 0.1; g <= 0.3 + 1e-9; g += 0.01) expect(best).toBeLessThanOrEqual(sesSse(x, g, x[0]) + 1e-6);
    }
    const fc = croston.forecast(st, 3, input(y));
    const fs = sba.forecast(sba.fit(input(y)), 3, input(y));
    expect(fs.mean[0]).toBeCloseTo(fc.mean[0] * (1 - st.alphaP / 2), 12);
  });

  it('forecast all zeros for a series without demand, the demand rate for a single demand', () => {
    for (const m of [croston, sba]) {
      const z = input(new Float64Array(10));
      const st = m.fit(z);
      expect(Array.from(m.forecast(st, 3, z).mean)).toEqual([0, 0, 0]);
      expect(st.sigma).toBe(0);
      const one = input([0, 0, 0, 4]);
      const s1 = m.fit(one);
      // R: croston(c(0, 0, 0, 4)) -> 4 / 4 = 1 (one demand: size / interval)
      expect(m.forecast(s1, 1, one).mean[0]).toBeCloseTo(m.name === 'sba' ? 1 - s1.alphaP / 2 : 1, 12);
      const single = input([7]);
      expect(m.forecast(m.fit(single), 2, single).mean[0]).toBeGreaterThan(0);
    }
  });

  it('never forecasts a negative or non-finite value (trailing zeros included)', () => {
    const y = input([0, 2, 0, 0, 1, 5, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    for (const m of [croston, sba]) {
      const st = m.fit(y);
      const fc = m.forecast(st, 28, y);
      for (let j = 0; j < 28; j++) {
        expect(fc.mean[j]).toBeGreaterThan(0);
        expect(Number.isFinite(fc.sd[j])).toBe(true);
      }
      const back = JSON.parse(JSON.stringify(st));
      expect(m.forecast(back, 2, y).mean[0]).toBe(fc.mean[0]);
      expect(m.fittedValues(st, y).length).toBe(20);
    }
  });

  it('rejects negative demand and empty input', () => {
    expect(() => croston.fit(input([1, -1, 2]))).toThrow('croston.fit needs non-negative demand, got -1 at index 1');
    expect(() => sba.fit(input([]))).toThrow('sba.fit needs at least 1 observation, got 0');
  });
});
