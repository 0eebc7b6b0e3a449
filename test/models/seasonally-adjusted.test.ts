import { describe, expect, it } from 'vitest';
import { getModel, MODELS } from '../../models/index.js';
import { classicalSeason, seasonalAdjustment, seasonallyAdjusted } from '../../models/seasonally-adjusted.js';
import { ses } from '../../models/ses.js';
import type { Model, SeriesInput } from '../../models/types.js';

const input = (y: number[], cycles: number[]): SeriesInput => ({ y: Float64Array.from(y), season: cycles[0] ?? 1, cycles, firstDow: 0 });
const repeat = (cycle: number[], times: number): number[] => Array.from({ length: cycle.length * times }, (_, t) => cycle[t % cycle.length]);

describe('seasonalAdjustment', () => {
  it('divides out a multiplicative season of a positive series', () => {
    // level 10 times the figure 0.5, 1.5, 0.8, 1.2 (mean 1): the 2x4 moving average is 10 everywhere
    const y = Float64Array.from(repeat([5, 15, 8, 12], 6));
    const a = seasonalAdjustment(y, 4);
    expect(a.seasonal).toBe('multiplicative');
    [0.5, 1.5, 0.8, 1.2].forEach((s, i) => expect(a.figure[i]).toBeCloseTo(s, 12));
    for (const v of a.x) expect(v).toBeCloseTo(10, 12);
  });
  it('subtracts an additive season when a period has no sales', () => {
    // 5 + (-5, 5, -2, 2): a zero in every cycle, so additive; the figure sums to 0
    const a = seasonalAdjustment(Float64Array.from(repeat([0, 10, 3, 7], 6)), 4);
    expect(a.seasonal).toBe('additive');
    [-5, 5, -2, 2].forEach((s, i) => expect(a.figure[i]).toBeCloseTo(s, 12));
    for (const v of a.x) expect(v).toBeCloseTo(5, 12);
  });
  it('leaves a series of at most two seasons alone (the test needs n > 2m)', () => {
    const y = Float64Array.from(repeat([5, 15, 8, 12], 2));
    expect(seasonalAdjustment(y, 4)).toMatchObject({ seasonal: 'none', x: y });
  });
});

describe('classicalSeason', () => {
  it('is the shortest whole cycle of 2 to 24 observations, else 1', () => {
    expect(classicalSeason({ season: 12, cycles: [12] })).toBe(12);
    expect(classicalSeason({ season: 7, cycles: [7, 365.25] })).toBe(7);
    expect(classicalSeason({ season: 52, cycles: [52.18] })).toBe(1);
    expect(classicalSeason({ season: 12 })).toBe(12);
  });
});

describe('sa:ses', () => {
  const sa = getModel('sa:ses');
  it('is registered beside sa:holt-damped, with the inner model\'s needs', () => {
    expect(MODELS['sa:holt-damped']).toBeDefined();
    expect(sa.minLength).toBe(ses.minLength);
    expect(sa.usesRegressors).toBe(false);
  });
  it('forecasts the level times the season of each future position', () => {
    // adjusted series is 10 everywhere: SES forecasts 10, re-seasonalised from position 24 (24 mod 4 = 0)
    const inp = input(repeat([5, 15, 8, 12], 6), [4]);
    const f = sa.forecast(sa.fit(inp), 6, inp);
    [5, 15, 8, 12, 5, 15].forEach((v, j) => expect(f.mean[j]).toBeCloseTo(v, 6));
    const fitted = sa.fittedValues(sa.fit(inp), inp);
    for (let t = 0; t < 24; t++) expect(fitted[t]).toBeCloseTo(inp.y[t], 6);
  });
  it('adds an additive season back', () => {
    const inp = input(repeat([0, 10, 3, 7], 6), [4]);
    const f = sa.forecast(sa.fit(inp), 4, inp);
    [0, 10, 3, 7].forEach((v, j) => expect(f.mean[j]).toBeCloseTo(v, 6));
  });
  it('is the inner model when the series shows no season', () => {
    const y = [12, 9, 14, 11, 10, 13, 8, 12, 11, 10];
    const inp = input(y, [4]);
    const a = sa.forecast(sa.fit(inp), 3, inp);
    const b = (ses as unknown as Model).forecast(ses.fit(inp), 3, inp);
    expect(Array.from(a.mean)).toEqual(Array.from(b.mean));
    expect(Array.from(a.sd)).toEqual(Array.from(b.sd));
  });
  it('refuses an inner model that uses regressors', () => {
    expect(() => seasonallyAdjusted(getModel('regression'))).toThrow(/uses regressors/);
  });
});
