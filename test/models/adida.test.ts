import { describe, expect, it } from 'vitest';
import { adida } from '../../models/adida.js';
import { imapa } from '../../models/imapa.js';
import type { Model } from '../../models/types.js';
import { aggregateSums, meanInterDemandInterval, roundHalfEven } from '../../models/temporal-aggregation.js';
import { expectAllClose, fixture } from './reference/r-reference.js';

const input = (y: ArrayLike<number>) => ({ y: Float64Array.from(y), season: 7, firstDow: 0 });
const Y = [0, 0, 3, 0, 2, 0, 0, 0, 1];

/** Independent SES (initial level = first value) with alpha chosen on a 1e-4 grid over [0.1, 0.3]. */
function gridSesLevel(x: number[]): number {
  let best = Infinity;
  let bestLevel = x[0];
  for (let a = 0.1; a <= 0.3 + 1e-12; a += 1e-4) {
    let l = x[0];
    let sse = 0;
    for (const v of x) {
      sse += (v - l) ** 2;
      l += a * (v - l);
    }
    if (sse < best) {
      best = sse;
      bestLevel = l;
    }
  }
  return bestLevel;
}

/** Bucket totals by slicing, oldest remainder dropped. */
function sums(y: number[], k: number): number[] {
  const r = y.length % k;
  const out: number[] = [];
  for (let i = r; i + k <= y.length; i += k) out.push(y.slice(i, i + k).reduce((a, b) => a + b, 0));
  return out;
}

describe('temporal aggregation helpers', () => {
  it('mean interval counts the first from the start; buckets drop the oldest remainder', () => {
    // demands at positions 3, 5, 9 (1-based): intervals 3, 2, 4
    expect(meanInterDemandInterval(Float64Array.from(Y))).toBe(3);
    expect(meanInterDemandInterval(new Float64Array(5))).toBe(0);
    expect(Array.from(aggregateSums(Float64Array.from(Y), 3))).toEqual([3, 2, 1]);
    expect(Array.from(aggregateSums(Float64Array.from(Y), 2))).toEqual([3, 2, 0, 1]);
    expect(Array.from(aggregateSums(Float64Array.from(Y), 4))).toEqual([5, 1]);
    expect([0.5, 1.5, 2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3]);
  });
});

describe('adida: hand-computed', () => {
  it('k = 3: totals [3, 2, 1]; SSE 1 + (2 - alpha)^2 is smallest at alpha = 0.3: level 2.19, forecast 0.73', () => {
    const st = adida.fit(input(Y));
    expect(st.k).toBe(3);
    expect(st.alpha).toBeCloseTo(0.3, 6);
    expect(st.level).toBeCloseTo(2.19, 6);
    expectAllClose(adida.forecast(st, 3, input(Y)).mean, [0.73, 0.73, 0.73], 1e-6);
    // fitted: bucket 0 gets l0 / 3 = 1, bucket 1 gets 3 / 3, bucket 2 gets 2.7 / 3
    expectAllClose(adida.fittedValues(st, input(Y)), [1, 1, 1, 1, 1, 1, 0.9, 0.9, 0.9], 1e-6);
    // sigma from days 3..8: errors -1, 1, -1, -0.9, -0.9, 0.1 -> SSE 4.63 over 6 - 1
    expect(st.sigma).toBeCloseTo(Math.sqrt(4.63 / 5), 5);
  });
});

describe('imapa', () => {
  it('is the mean of the per-level SES forecasts for k = 1..3 (independent grid-search SES)', () => {
    const expected = [1, 2, 3].map((k) => gridSesLevel(sums(Y, k)) / k).reduce((a, b) => a + b, 0) / 3;
    const st = imapa.fit(input(Y));
    expect(st.levels.map((l) => l.k)).toEqual([1, 2, 3]);
    expect(imapa.forecast(st, 1, input(Y)).mean[0]).toBeCloseTo(expected, 3);
  });

  it('on int40 equals the mean of ADIDA-style forecasts at every level', () => {
    const y = Array.from(fixture('int40'));
    const K = roundHalfEven(meanInterDemandInterval(Float64Array.from(y)));
    expect(K).toBe(4); // 39 / 10 = 3.9
    const expected = Array.from({ length: K }, (_, i) => gridSesLevel(sums(y, i + 1)) / (i + 1)).reduce((a, b) => a + b, 0) / K;
    expect(imapa.forecast(imapa.fit(input(y)), 1, input(y)).mean[0]).toBeCloseTo(expected, 3);
  });
});

describe('adida and imapa edge cases', () => {
  it('no demand, one observation, trailing zeros: finite, non-negative forecasts', () => {
    for (const m of [adida, imapa] as unknown as Model[]) {
      for (const y of [new Array(15).fill(0), [4], [0, 0, 0, 6], [1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0], new Array(10).fill(2)]) {
        const st = m.fit(input(y));
        const fc = m.forecast(st, 28, input(y));
        for (let j = 0; j < 28; j++) {
          expect(fc.mean[j]).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(fc.mean[j]) && Number.isFinite(fc.sd[j])).toBe(true);
        }
        expect(m.fittedValues(st, input(y)).length).toBe(y.length);
        const back = JSON.parse(JSON.stringify(st));
        expect(m.forecast(back, 1, input(y)).mean[0]).toBe(fc.mean[0]);
      }
      expect(m.forecast(m.fit(input(new Array(15).fill(0))), 1, input([0])).mean[0]).toBe(0);
      expect(() => m.fit(input([]))).toThrow(`${m.name}.fit needs at least 1 observation, got 0`);
    }
  });
});

describe('imapa level cap', () => {
  it('uses at most 28 aggregation levels for very sparse series', () => {
    const y = new Float64Array(1000);
    y[0] = 2;
    y[999] = 3; // mean interval 500
    const st = imapa.fit(input(y));
    expect(st.levels.length).toBe(28);
    expect(imapa.forecast(st, 1, input(y)).mean[0]).toBeGreaterThan(0);
  });
});
