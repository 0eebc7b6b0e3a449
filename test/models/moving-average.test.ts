import { describe, expect, it } from 'vitest';
import { MOVING_AVERAGE_WINDOWS, movingAverage, movingAverageSse } from '../../models/moving-average.js';

const input = (y: ArrayLike<number>) => ({ y: Float64Array.from(y), season: 7, firstDow: 0 });

/** Independent re-computation: mean of the `w` values before t, squared error, over t >= from. */
function bruteSse(y: number[], w: number, from: number): number {
  let sse = 0;
  for (let t = from; t < y.length; t++) {
    const win = y.slice(t - w, t);
    const mean = win.reduce((a, b) => a + b, 0) / w;
    sse += (y[t] - mean) ** 2;
  }
  return sse;
}

describe('moving-average', () => {
  it('hand case: n = 4 uses w = 3; forecast mean(2, 3, 4) = 3, one error 4 - 2', () => {
    const st = movingAverage.fit(input([1, 2, 3, 4]));
    expect(st.window).toBe(3);
    expect(st.level).toBe(3);
    expect(st.sigma).toBe(2); // sqrt(4 / 1)
    const fc = movingAverage.forecast(st, 3, input([1, 2, 3, 4]));
    expect(Array.from(fc.mean)).toEqual([3, 3, 3]);
    expect(Array.from(fc.sd)).toEqual([2, 2, 2]);
  });

  it('running-sum SSE equals the direct computation', () => {
    const y = Array.from({ length: 80 }, (_, t) => ((t * 37) % 11) + (t % 7 === 5 ? 6 : 0));
    for (const w of MOVING_AVERAGE_WINDOWS.day) {
      expect(movingAverageSse(Float64Array.from(y), w, 56)).toBeCloseTo(bruteSse(y, w, 56), 9);
    }
  });

  it('chooses the window with the smallest one-step MSE on the common days', () => {
    // level shift at t = 100: short windows adapt, long ones lag
    const shifted = Array.from({ length: 140 }, (_, t) => (t < 100 ? 2 : 12) + ((t * 13) % 3));
    // stationary noise: long windows average it out
    const noisy = Array.from({ length: 140 }, (_, t) => 5 + (((t * 7919) % 17) - 8));
    for (const y of [shifted, noisy]) {
      const st = movingAverage.fit(input(y));
      const sses = MOVING_AVERAGE_WINDOWS.day.map((w) => bruteSse(y, w, 56));
      expect(st.window).toBe(MOVING_AVERAGE_WINDOWS.day[sses.indexOf(Math.min(...sses))]);
    }
    expect(movingAverage.fit(input(shifted)).window).toBe(7);
    expect(movingAverage.fit(input(noisy)).window).toBe(56);
  });

  it('fitted values are the trailing means, NaN before the window is full', () => {
    const y = Array.from({ length: 30 }, (_, t) => t % 5);
    const st = movingAverage.fit(input(y));
    const fv = movingAverage.fittedValues(st, input(y));
    for (let t = 0; t < st.window; t++) expect(Number.isNaN(fv[t])).toBe(true);
    for (let t = st.window; t < 30; t++) expect(fv[t]).toBeCloseTo(y.slice(t - st.window, t).reduce((a, b) => a + b, 0) / st.window, 12);
  });

  it('handles zeros, constants, trailing zeros; rejects one observation', () => {
    const z = movingAverage.fit(input(new Array(60).fill(0)));
    expect(z.level).toBe(0);
    expect(z.sigma).toBe(0);
    const c = movingAverage.fit(input(new Array(60).fill(3)));
    expect(c.level).toBe(3);
    const tz = input([...new Array(50).fill(4), ...new Array(10).fill(0)]);
    const st = movingAverage.fit(tz);
    expect(st.window).toBe(7);
    expect(st.level).toBe(0);
    expect(() => movingAverage.fit(input([1]))).toThrow('moving-average.fit needs at least 2 observations, got 1');
  });
});

describe('moving-average windows per frequency', () => {
  it('chooses among weekly windows {2, 4, 8, 13} for weekly data', () => {
    // a level shift 3 weeks before the end: the 2-week window has the smallest one-step errors
    const y = Float64Array.from({ length: 40 }, (_, t) => (t < 37 ? 10 : 30) + (t % 2));
    const st = movingAverage.fit({ y, season: 52, firstDow: 0, frequency: 'week' });
    expect(MOVING_AVERAGE_WINDOWS.week).toContain(st.window);
    expect(MOVING_AVERAGE_WINDOWS.month).toEqual([2, 3, 6, 12]);
    // never a daily window on weekly data
    const noisy = Float64Array.from({ length: 100 }, (_, t) => 5 + (((t * 7919) % 17) - 8));
    expect(movingAverage.fit({ y: noisy, season: 52, firstDow: 0, frequency: 'week' }).window).toBe(13);
  });
});
