import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/schema.js';
import { candidatesFor, PERIOD_CANDIDATES } from '../../../pipelines/forecast/classify.js';
import { forecastSeries } from '../../../pipelines/forecast/forecast-series.js';
import { periodDays, periodGrid } from '../../../pipelines/periods.js';
import type { SeriesData } from '../../../pipelines/types.js';

const WEEK = periodGrid('week', 0);
const MONTH = periodGrid('month');
const P = 365.25 / 7;

function series(demand: ArrayLike<number>, start: number): SeriesData {
  const n = demand.length;
  return {
    key: '\u0000A',
    store: '',
    sku: 'A',
    start,
    demand: Float64Array.from(demand),
    returns: new Float64Array(n),
    price: new Float64Array(n).fill(NaN),
    observed: new Uint8Array(n).fill(1),
    issues: {},
    acceptedRows: n,
  };
}

/** Deterministic noise in [-0.5, 0.5). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

describe('forecastSeries on weekly data', () => {
  it('forecasts a yearly cycle of 52.18 weeks (a Christmas-like peak) that a flat forecast misses', () => {
    const r = noise(1);
    const peak = (t: number): number => 100 + 40 * Math.cos((2 * Math.PI * (t - 49)) / P);
    const n = 200; // 3.8 years of weeks
    const y = Array.from({ length: n }, (_, t) => Math.round(peak(t) + 4 * r()));
    const start = 2144;
    const h = 13;
    const f = forecastSeries(series(y, start), { config: defaultConfig(), end: start + n - 1, horizon: h, grid: WEEK });
    expect(f.fallback).toBeNull();
    expect(f.mean).toHaveLength(h);
    let err = 0;
    let flat = 0;
    const last = y.slice(n - 4).reduce((a, b) => a + b, 0) / 4;
    for (let j = 0; j < h; j++) {
      err += (f.mean[j] - peak(n + j)) ** 2;
      flat += (last - peak(n + j)) ** 2;
    }
    // the cycle moves by up to 40 units over the quarter: the forecast follows it within a few units
    expect(Math.sqrt(err / h)).toBeLessThan(6);
    expect(Math.sqrt(err / h)).toBeLessThan(Math.sqrt(flat / h) / 3);
    for (const k of ['80', '95']) for (let j = 0; j < h; j++) expect(f.lo[k][j] <= f.mean[j] && f.mean[j] <= f.hi[k][j]).toBe(true);
  });
  it('gives the cold start to a history shorter than 12 weeks: the mean of the last 4 weeks', () => {
    const y = [0, 0, 5, 9, 3, 6, 2, 8, 4, 6]; // 8 weeks since the first sale: under 56 days = 8 weeks raised to 12
    const f = forecastSeries(series(y, 2144), { config: defaultConfig(), end: 2144 + 9, horizon: 3, grid: WEEK });
    expect(f.model).toBe('mean-cold-start');
    expect(f.fallback).toBe('short-history');
    expect(f.mean).toEqual([5, 5, 5]); // (8 + 4 + 6 + 2) / 4
  });
  it('backtests with a step of one week and at most 157 weeks per origin', () => {
    const r = noise(2);
    const y = Array.from({ length: 60 }, () => Math.round(20 + 6 * r()));
    const f = forecastSeries(series(y, 2144), { config: defaultConfig(), end: 2144 + 59, horizon: 8, grid: WEEK });
    expect(f.accuracy.origins).toBe(3);
    expect(f.fallback).toBeNull();
    // no 52-week season in 60 weeks: seasonal MASE is undefined rather than wrong
    expect(f.accuracy.mase).toBeNull();
    expect(f.accuracy.rmsse).not.toBeNull();
  });
});

describe('forecastSeries on monthly data', () => {
  it('forecasts a 12-month pattern from four years of months', () => {
    const pattern = [30, 28, 35, 40, 45, 50, 52, 50, 44, 40, 60, 90];
    const r = noise(3);
    const n = 48;
    const y = Array.from({ length: n }, (_, t) => Math.round(pattern[t % 12] + 2 * r()));
    const start = 12 * 41; // January 2011
    const f = forecastSeries(series(y, start), { config: defaultConfig(), end: start + n - 1, horizon: 12, grid: MONTH });
    expect(f.fallback).toBeNull();
    let err = 0;
    for (let j = 0; j < 12; j++) err += (f.mean[j] - pattern[j]) ** 2;
    expect(Math.sqrt(err / 12)).toBeLessThan(3);
    // December stays the peak
    expect(f.mean.indexOf(Math.max(...f.mean))).toBe(11);
  });
  it('models monthly totals per average month: a steady 10 units a day forecasts 310 for January, 280 for February', () => {
    // Jan 2011 .. Dec 2014 at 10 units per day: month totals 310, 280, 310, 300, ...
    const start = 12 * 41;
    const days = (p: number): number => periodDays(MONTH, p);
    const y = Array.from({ length: 48 }, (_, t) => 10 * days(start + t));
    const f = forecastSeries(series(y, start), { config: defaultConfig(), end: start + 47, horizon: 12, grid: MONTH });
    // 2015: 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 days
    const want = [310, 280, 310, 300, 310, 300, 310, 310, 300, 310, 300, 310];
    for (let j = 0; j < 12; j++) expect(f.mean[j]).toBeCloseTo(want[j], 6);
  });
  it('uses the monthly candidates: seasonal exponential smoothing, no day-of-week regressors', () => {
    const cfg = defaultConfig();
    expect(candidatesFor('smooth', cfg, 'month')).toEqual([...PERIOD_CANDIDATES.month.smooth]);
    expect(candidatesFor('smooth', cfg, 'week')).not.toContain('holt-winters');
    expect(candidatesFor('lumpy', cfg, 'week')).toEqual(candidatesFor('lumpy', cfg, 'day'));
  });
});
