import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotApplicableError } from '../../models/check-input.js';
import { MODELS } from '../../models/index.js';
import type { SeriesInput } from '../../models/types.js';
import { believable, grownBase, growthRatio, shrunkGrowth, yearOverYear } from '../../models/year-over-year.js';

describe('year-over-year growth', () => {
  it('is the last 28 days over the same days a year before, closed days left out in pairs', () => {
    // 100 a day, 120 from day 372 on (the last 28 days of 400): r = 120 / 100
    const x = new Float64Array(400).fill(100);
    for (let t = 372; t < 400; t++) x[t] = 120;
    expect(growthRatio(x, 28)).toBeCloseTo(1.2, 12);
    // closed on day 380 (0 between 120s) and on day 20 a year before day 384 (5 < 10% of 100):
    // both pairs left out, the ratio unchanged (kept in, it would be (26·120 + 0 + 120) / (27·100 + 5))
    x[380] = 0;
    x[20] = 5;
    expect(growthRatio(x, 28)).toBeCloseTo(1.2, 12);
    // nothing sold a year before: no growth measured
    const late = new Float64Array(400);
    for (let t = 372; t < 400; t++) late[t] = 5;
    expect(growthRatio(late, 28)).toBeNaN();
  });
  it('is believable within [1/2, 2] only', () => {
    expect([0.49, 0.5, 1, 2, 2.01, NaN].map((r) => believable(r))).toEqual([false, true, true, true, false, false]);
  });
  it('leaves the model out (a throw) for a product new since a year before', () => {
    // nothing for 372 days, then 30 a day: a year before sold nothing
    const y = new Float64Array(400);
    for (let t = 372; t < 400; t++) y[t] = 30;
    const input: SeriesInput = { y, season: 7, firstDow: 0 };
    expect(() => yearOverYear.fit(input)).toThrow(NotApplicableError);
    expect(() => yearOverYear.fit(input)).toThrow(/no guide/);
    // a tenth of today a year before: ratio 10, outside [1/2, 2]
    for (let t = 8; t < 36; t++) y[t] = 3;
    expect(() => yearOverYear.fit(input)).toThrow(/10\.00×/);
  });
  it('is shrunk toward the prior geometrically, both clipped to [1/2, 2]', () => {
    expect(shrunkGrowth(1.21, 1, 0.5)).toBeCloseTo(1.1, 12);
    expect(shrunkGrowth(1.44, 1, 0.5)).toBeCloseTo(1.2, 12);
    expect(shrunkGrowth(1.44, 1.44, 0.5)).toBeCloseTo(1.44, 12);
    expect(shrunkGrowth(4, 1, 0.5, 2)).toBeCloseTo(Math.SQRT2, 12); // r clipped to 2
    expect(shrunkGrowth(1, 0.1, 0.5, 2)).toBeCloseTo(Math.SQRT1_2, 12); // prior clipped to 1/2
    expect(shrunkGrowth(0.9, 1.3, 1)).toBeCloseTo(0.9, 12);
  });
});

describe('year-over-year base', () => {
  it('is g times the same weekday a year before, weighted 1/2, and the weeks either side, 1/4 each', () => {
    // a[t] = t², day 400: 1.1 · (29² + 2·36² + 43²) / 4 = 1.1 · 1320.5
    const a = Float64Array.from({ length: 400 }, (_, t) => t * t);
    const b = grownBase(a, 1.1, 3);
    expect(b[0]).toBeCloseTo(1.1 * 1320.5, 9);
    expect(b[2]).toBeCloseTo((1.1 * (31 * 31 + 2 * 38 * 38 + 45 * 45)) / 4, 9);
  });
  it('past a year ahead uses its own forecasts (the growth compounds)', () => {
    // lag 14, n = 20, a = 10, g = 2: day 20 weighs a[6] by 2 and a[13] by 1 (day -1 does not
    // exist) -> 20; day 27 weighs a[6], a[13] by 1, 2 and b[20] = 20 by 1 -> 2 · 50 / 4
    const b = grownBase(new Float64Array(20).fill(10), 2, 10, 14);
    expect(b[0]).toBeCloseTo(20, 12);
    expect(b[7]).toBeCloseTo(25, 12);
  });
});

/**
 * 400 days from a Monday, y[t] = 100 + 0.1·t + dow[t % 7] + 6 on event days (100, 150, 200, 250,
 * 300; 403 in the horizon); the first 36 days as `before`, the last 364 as the fit window.
 */
function trendingInput(): { input: SeriesInput; dow: number[] } {
  const dow = [0, 1, 2, 3, 2, -3, -5];
  const N = 400;
  const h = 7;
  const B = 36;
  const event = new Float64Array(N + h);
  for (const t of [100, 150, 200, 250, 300, 403]) event[t] = 1;
  const x = Float64Array.from({ length: N }, (_, t) => 100 + 0.1 * t + dow[t % 7] + 6 * event[t]);
  const input: SeriesInput = {
    y: x.subarray(B),
    before: x.subarray(0, B),
    season: 7,
    firstDow: B % 7,
    regressors: { names: ['event'], values: [event.subarray(B)] },
  };
  return { input, dow };
}

describe('year-over-year model', () => {
  it('forecasts g · (adjusted series a year before) + the day\'s calendar effects (noise-free data)', () => {
    const { input, dow } = trendingInput();
    const state = yearOverYear.fit(input);
    // growth over days 372..399 and 8..35 (no event in either): mean level 138.55 vs 102.15;
    // under two years of history, shrunk toward 1
    const g = Math.sqrt(138.55 / 102.15);
    expect(state.growth).toBeCloseTo(g, 10);
    const fc = yearOverYear.forecast(state, 7, input);
    for (let j = 0; j < 7; j++) {
      const t = 400 + j;
      // base days t - 364 (= 36 + j), weight 2, and a week after, weight 1 (the week before is
      // outside the fit window)
      const base = 100 + 0.1 * (t - 364 + 7 / 3) + dow[t % 7];
      expect(fc.mean[j]).toBeCloseTo(g * base + (t === 403 ? 6 : 0), 8);
      expect(fc.sd[j]).toBe(state.sigma);
    }
    expect(JSON.parse(JSON.stringify(state))).toMatchObject({ model: 'cal:yoy', effects: { names: ['event'] } });
    expect(MODELS['cal:yoy']).toBe(yearOverYear);
  });
  it('shrinks the last 28 days\' growth toward the last year\'s with two years of history', () => {
    // 100 a day in year 1 (days 0..363), 110 in year 2, 132 in the last 32 days (728..759):
    // r = 132 / 110 = 1.2; prior over days 396..759 and 32..395 = (332·110 + 32·132) / (332·100 + 32·110)
    const x = Float64Array.from({ length: 760 }, (_, t) => (t < 364 ? 100 : t < 728 ? 110 : 132));
    const input: SeriesInput = { y: x.subarray(396), before: x.subarray(0, 396), season: 7, firstDow: 396 % 7 };
    const prior = (332 * 110 + 32 * 132) / (332 * 100 + 32 * 110);
    expect(yearOverYear.fit(input).growth).toBeCloseTo(Math.sqrt(prior * 1.2), 12);
    // the base a year before is 110 (days 396.. are year 2): forecast 110 · g
    expect(yearOverYear.forecast(yearOverYear.fit(input), 1, input).mean[0]).toBeCloseTo(110 * Math.sqrt(prior * 1.2), 9);
  });
  it('needs a year in the fit window, a year and 28 days in all, and daily data', () => {
    const { input } = trendingInput();
    expect(() => yearOverYear.fit({ ...input, y: input.y.subarray(1) })).toThrow(/cal:yoy.fit needs a year/);
    expect(() => yearOverYear.fit({ ...input, before: input.before!.subarray(10) })).toThrow(/cal:yoy.fit needs 392 days/);
    expect(() => yearOverYear.fit({ ...input, season: 12 })).toThrow(/cal:yoy.fit needs daily data/);
  });
  it('random demand: finite forecasts and sd, in-sample fit after the first year, JSON-safe state', () => {
    const demand = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 400, maxLength: 460 });
    fc.assert(
      fc.property(demand, (v) => {
        const x = Float64Array.from(v);
        x[380] += 1; // a sale in the growth window a year before (days 16..43 hold one too)
        x[20] += 1;
        const input: SeriesInput = { y: x.subarray(x.length - 380), before: x.subarray(0, x.length - 380), season: 7, firstDow: 0 };
        const state = yearOverYear.fit(input);
        const f = yearOverYear.forecast(JSON.parse(JSON.stringify(state)), 28, input);
        for (let j = 0; j < 28; j++) expect(Number.isFinite(f.mean[j]) && f.sd[j] >= 0).toBe(true);
        const fitted = yearOverYear.fittedValues(state, input);
        expect(Number.isNaN(fitted[363]) && Number.isFinite(fitted[364])).toBe(true);
      }),
      { numRuns: 20, seed: 20261205 },
    );
  });
});
