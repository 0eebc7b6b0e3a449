import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../../config/schema.js';
import { parseCalendar } from '../../../pipelines/forecast/calendar.js';
import { backtestWindow, forecastSeries, leadTimeSd, COLD_START_MODEL, RECENT_SALES_DAYS, ZERO_MODEL, type SeriesForecast } from '../../../pipelines/forecast/forecast-series.js';
import type { SeriesData } from '../../../pipelines/types.js';

const START = 15000; // 2011-01-25
const H = 28;

function series(demand: ArrayLike<number>, price?: ArrayLike<number>): SeriesData {
  const n = demand.length;
  return {
    key: 'CA_1\u0000A',
    store: 'CA_1',
    sku: 'A',
    start: START,
    demand: Float64Array.from(demand),
    returns: new Float64Array(n),
    price: price ? Float64Array.from(price) : new Float64Array(n).fill(NaN),
    observed: new Uint8Array(n).fill(1),
    issues: {},
    acceptedRows: n,
  };
}

function run(demand: ArrayLike<number>, config: Config = defaultConfig(), horizon = H): SeriesForecast {
  return forecastSeries(series(demand), { config, end: START + demand.length - 1, horizon });
}

/** Deterministic pseudo-random numbers in [0, 1) (a linear congruential generator). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function checkPublished(f: SeriesForecast, h: number, levels: number[]): void {
  expect(f.mean).toHaveLength(h);
  expect(f.leadTimeSd).toHaveLength(h);
  const keys = [...levels].sort((a, b) => a - b).map(String);
  for (let j = 0; j < h; j++) {
    expect(Number.isFinite(f.mean[j]) && f.mean[j] >= 0).toBe(true);
    let lo = f.mean[j];
    let hi = f.mean[j];
    for (const k of keys) {
      const l = f.lo[k][j];
      const u = f.hi[k][j];
      expect(Number.isFinite(l) && Number.isFinite(u)).toBe(true);
      expect(l).toBeGreaterThanOrEqual(0);
      expect(l).toBeLessThanOrEqual(lo);
      expect(u).toBeGreaterThanOrEqual(hi);
      lo = l;
      hi = u;
    }
    expect(Number.isFinite(f.leadTimeSd[j]) && f.leadTimeSd[j] >= 0).toBe(true);
  }
}

describe('forecastSeries: choice', () => {
  it('picks seasonal naive for a pure weekly pattern and forecasts the pattern (combine if better)', () => {
    const week = [2, 4, 6, 8, 10, 20, 30];
    const y = Array.from({ length: 210 }, (_, t) => week[t % 7]);
    // the default `combine: always` would average the perfect model with the next two
    const cfg = defaultConfig();
    cfg.models.combine = 'if-better';
    const f = run(y, cfg);
    expect(f.model).toBe('snaive');
    expect(f.fallback).toBeNull();
    for (let j = 0; j < H; j++) expect(f.mean[j]).toBeCloseTo(week[(210 + j) % 7], 9);
    expect(f.accuracy.rmsse).toBe(0);
    // seasonal naive itself scores 0, so its value added is undefined
    expect(f.accuracy.snaiveRmsse).toBe(0);
    expect(f.accuracy.fva).toBeNull();
    expect(f.accuracy.origins).toBe(3);
  });
  it('picks TSB over Croston for an intermittent item that stops selling (obsolescence)', () => {
    // Teunter, Syntetos & Babai (2011): Croston does not update without demand, TSB decays the demand probability
    const r = rng(7);
    const y = Array.from({ length: 300 }, (_, t) => (t < 230 && r() < 0.3 ? 1 + Math.floor(r() * 3) : 0));
    const cfg = defaultConfig();
    cfg.models.candidates = ['croston', 'tsb'];
    cfg.models.combineTop = 1;
    const f = run(y, cfg);
    expect(f.demandClass).toBe('intermittent');
    expect(f.model).toBe('tsb');
  });
  it('classifies an intermittent series, backtests its class candidates and beats seasonal naive on them', () => {
    const r = rng(3);
    const y = Array.from({ length: 400 }, () => (r() < 0.25 ? 1 + Math.floor(r() * 3) : 0));
    const f = run(y);
    expect(f.demandClass).toBe('intermittent');
    expect(f.fallback).toBeNull();
    expect(f.accuracy.fva!).toBeGreaterThan(0);
    expect(f.accuracy.rmsse!).toBeCloseTo(f.accuracy.snaiveRmsse! * (1 - f.accuracy.fva!), 12);
  });
  it('publishes a combination as the mean of its members when it wins the backtest', () => {
    // demand alternating 2, 10: naive repeats the last value, seasonal naive a 7-day block of the
    // 2-day cycle; each is wrong half the time, their mean is closer (hand-checked backtest)
    const y = Array.from({ length: 100 }, (_, t) => (t % 2 ? 10 : 2));
    const cfg = defaultConfig();
    cfg.models.candidates = ['naive', 'snaive'];
    cfg.models.combineTop = 2;
    const f = run(y, cfg);
    expect(f.model).toBe('combo(naive+snaive)');
    // naive: y[99] = 10; seasonal naive: y[93..99] = 10,2,10,2,10,2,10
    const lastWeek = [10, 2, 10, 2, 10, 2, 10];
    for (let j = 0; j < H; j++) expect(f.mean[j]).toBeCloseTo((10 + lastWeek[j % 7]) / 2, 12);
    cfg.models.combineTop = 1;
    expect(run(y, cfg).model).not.toMatch(/combo/);
  });
});

describe('forecastSeries: cold start and fallbacks', () => {
  it('forecasts zero for a series without sales', () => {
    const f = run(new Array(100).fill(0));
    expect(f).toMatchObject({ model: ZERO_MODEL, fallback: 'no-sales', demandClass: 'none' });
    expect(f.mean).toEqual(new Array(H).fill(0));
    expect(f.hi['95']).toEqual(new Array(H).fill(0));
    expect(f.accuracy).toEqual({ mase: null, rmsse: null, wape: null, bias: null, fva: null, snaiveRmsse: null, origins: 0 });
  });
  it('uses the cold-start mean for one observation (Poisson-floored sd)', () => {
    const f = run([0, 0, 0, 4]);
    expect(f).toMatchObject({ model: COLD_START_MODEL, fallback: 'short-history' });
    expect(f.mean).toEqual(new Array(H).fill(4));
    // sd = max(0, sqrt(4)) * sqrt(1 + 1/1) = 2 sqrt 2; 95%: 4 ± 1.959964 * 2.828427
    expect(f.hi['95'][0]).toBeCloseTo(4 + 1.959964 * 2 * Math.SQRT2, 4);
    expect(f.lo['95'][0]).toBe(0);
    // independent days: the L-day sum has sd 2 sqrt 2 · sqrt L
    expect(f.leadTimeSd[6]).toBeCloseTo(2 * Math.SQRT2 * Math.sqrt(7), 12);
    checkPublished(f, H, [80, 95]);
  });
  it('averages the last 28 days of a short history', () => {
    const y = Array.from({ length: 40 }, (_, t) => (t < 12 ? 100 : t % 2 ? 3 : 1));
    const f = run(y);
    expect(f.fallback).toBe('short-history');
    expect(f.mean[0]).toBeCloseTo(2, 12); // the last 28 days alternate 1 and 3
  });
  it('respects minHistory from the config', () => {
    const y = Array.from({ length: 40 }, (_, t) => 5 + (t % 7));
    const cfg = defaultConfig();
    cfg.models.minHistory = 30;
    expect(run(y, cfg).fallback).toBeNull();
  });
  it('falls back when every candidate fails', () => {
    const cfg = defaultConfig();
    cfg.models.candidates = ['snaive'];
    cfg.models.minHistory = 1;
    // 10 days: too short for any backtest split
    const f = run([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], cfg);
    expect(f).toMatchObject({ model: COLD_START_MODEL, fallback: 'all-candidates-failed' });
  });
});

describe('forecastSeries: contract', () => {
  it('caps backtest windows at backtestMaxHistory, never beyond maxHistory', () => {
    const cfg = defaultConfig();
    expect(backtestWindow(cfg)).toBe(364);
    cfg.models.backtestMaxHistory = 0;
    expect(backtestWindow(cfg)).toBe(cfg.models.maxHistory);
    cfg.models.backtestMaxHistory = 1000;
    cfg.models.maxHistory = 500;
    expect(backtestWindow(cfg)).toBe(500);
    cfg.models.maxHistory = 0;
    expect(backtestWindow(cfg)).toBe(1000);
  });
  it('derives the lead-time sd from backtest errors of L-day sums (hand-computed)', () => {
    // one origin, hb = 2, errors (actual - forecast) 1 and 3; final per-day sd 1; N0 = 9
    const bt = { actuals: [Float64Array.of(11, 13)], horizon: 2, splits: [{ fitStart: 0, origin: 50, end: 52 }] };
    const sel = { forecasts: [Float64Array.of(10, 10)] };
    const lt = leadTimeSd(bt, sel, [1, 1, 1], 3);
    // L = 1: sums 1 and 3 -> MSE 5, w = 2/11, Gaussian 1 -> sqrt(2/11 * 5 + 9/11 * 1)
    expect(lt[0]).toBeCloseTo(Math.sqrt(19 / 11), 12);
    // L = 2: one sum 4 -> MSE 16, w = 1/10, Gaussian variance 2 -> sqrt(16/10 + 9/10 * 2)
    expect(lt[1]).toBeCloseTo(Math.sqrt(3.4), 12);
    // L = 3 > hb: grown by sqrt(3/2)
    expect(lt[2]).toBeCloseTo(Math.sqrt(3.4) * Math.sqrt(1.5), 12);
    // no backtest: independent days
    expect(leadTimeSd({ actuals: [], horizon: 0, splits: [] }, { forecasts: [] }, [3, 4], 2)).toEqual([3, 5]);
  });
  it('ignores pre-launch zeros and data after the end day, and is deterministic', () => {
    const r = rng(11);
    const y = Array.from({ length: 200 }, (_, t) => (t < 50 ? 0 : Math.floor(r() * 6)));
    const cfg = defaultConfig();
    const cal = parseCalendar('date,event_name_1,snap_CA\n2011-03-01,X,1\n2011-08-01,,1\n');
    const a = forecastSeries(series(y), { config: cfg, end: START + 179, horizon: 14, calendar: cal });
    const changed = y.slice();
    for (let t = 180; t < 200; t++) changed[t] = 1000;
    const b = forecastSeries(series(changed), { config: cfg, end: START + 179, horizon: 14, calendar: cal });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    // the same with the leading zeros cut off (a series starting at its first sale)
    const s = series(y.slice(50));
    const c = forecastSeries({ ...s, start: START + 50 }, { config: cfg, end: START + 179, horizon: 14, calendar: cal });
    expect(JSON.stringify(c)).toBe(JSON.stringify(a));
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });
  it('rejects a bad horizon, an end past the data, and negative demand', () => {
    expect(() => run([1, 2, 3], defaultConfig(), 0)).toThrow(/forecastSeries needs a positive integer horizon/);
    expect(() => forecastSeries(series([1, 2]), { config: defaultConfig(), end: START + 5, horizon: 3 })).toThrow(/past the last period/);
    expect(() => run([1, -2, 3])).toThrow(/finite non-negative demand/);
  });
  it('publishes finite, non-negative, nested intervals for random series (fast-check)', () => {
    const cfg = defaultConfig();
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 500, noNaN: true })), { minLength: 1, maxLength: 160 }),
        fc.integer({ min: 1, max: 35 }),
        (y, h) => {
          const f = run(y, cfg, h);
          checkPublished(f, h, [80, 95]);
        },
      ),
      { numRuns: 60, seed: 20240601 },
    );
  });
});

describe('forecastSeries: the recent sales replenishment reads', () => {
  it('carries the last 392 days of sales as recorded, from the first sale, not the cleaned history', () => {
    const r = rng(11);
    const demand = [0, 0, 0, ...Array.from({ length: 500 }, () => Math.floor(r() * 6))];
    const s = series(demand);
    // a cleaning patch that changed day 400: the forecast fits on it, replenishment sees the recorded sale
    const patched: SeriesData = { ...s, cleaning: { index: Int32Array.of(400), value: Float64Array.of(99) } };
    const f = forecastSeries(patched, { config: defaultConfig(), end: START + demand.length - 1, horizon: H });
    expect(f.recentSales).toEqual(demand.slice(demand.length - 392));
    expect(RECENT_SALES_DAYS).toBe(392);
    // a short history (cold start) carries what there is from the first sale; no sale carries none
    expect(run([0, 0, 2, 1, 0, 3]).recentSales).toEqual([2, 1, 0, 3]);
    expect(run([0, 0, 0]).recentSales).toEqual([]);
  });
});

describe('forecastSeries: replenishmentOnly, for the forecasts of the replay', () => {
  it('gives the same mean, lead-time sds, recent sales, class and model, without intervals or accuracy', () => {
    const r = rng(5);
    const cases = [
      Array.from({ length: 500 }, (_, t) => Math.floor(r() * 4) + (t % 7 === 5 ? 3 : 0)),
      Array.from({ length: 420 }, () => (r() < 0.2 ? 1 + Math.floor(r() * 3) : 0)),
      [0, 0, 2, 1, 0, 3],
    ];
    for (const demand of cases) {
      const ctx = { config: defaultConfig(), end: START + demand.length - 1, horizon: H };
      const full = forecastSeries(series(demand), ctx);
      const only = forecastSeries(series(demand), { ...ctx, replenishmentOnly: true });
      const { lo: _l, hi: _h, accuracy: _a, ...same } = full;
      expect(only).toMatchObject(same);
      expect(only.mean).toEqual(full.mean);
      expect(only.leadTimeSd).toEqual(full.leadTimeSd);
    }
    const ctx = { config: defaultConfig(), end: START + 499, horizon: H, replenishmentOnly: true };
    expect(forecastSeries(series(cases[0]), ctx)).toMatchObject({ lo: {}, hi: {}, accuracy: { rmsse: null, origins: 0 } });
  });
});

describe('forecastSeries: count data', () => {
  const r = rng(17);
  const demand = [0, ...Array.from({ length: 300 }, () => Math.floor(r() * 5))];
  const end = START + demand.length - 1;
  it('are recognised by the sales as recorded, whatever cleaning made of the demand', () => {
    // cleaning imputed 2.5 units on a stockout day: the sales are still whole units
    const patched: SeriesData = { ...series(demand), cleaning: { index: Int32Array.of(200), value: Float64Array.of(2.5) } };
    const f = forecastSeries(patched, { config: defaultConfig(), end, horizon: H, trace: true });
    expect(f.trace?.discrete).toBe(true);
    // the count rules (intervals.ts 4a): a one-sided 80% interval starts at 0 for this slow series
    expect(f.lo['80'].every((v) => v === 0)).toBe(true);
    // sales in fractions of a unit (kilograms) are not counts
    const kg = forecastSeries(series(demand.map((v) => v * 0.75 + 0.1)), { config: defaultConfig(), end, horizon: H, trace: true });
    expect(kg.trace?.discrete).toBe(false);
  });
});
