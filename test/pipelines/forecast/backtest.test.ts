import { describe, expect, it } from 'vitest';
import { naive } from '../../../models/naive.js';
import type { FittedState, Model, SeriesInput } from '../../../models/types.js';
import { backtestSplits, runBacktest, splitInput, type BacktestOptions } from '../../../pipelines/forecast/backtest.js';

const OPTS: BacktestOptions = { origins: 3, step: 7, horizon: 28, maxHistory: 0, minTrain: 14, shortestHorizon: 7 };

function ramp(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, t) => t + 1);
}

/** A model that throws, one that returns NaN, and one that records what it was given. */
function fake(name: string, behaviour: 'throw' | 'nan' | 'record', seen: SeriesInput[] = []): Model {
  return {
    name,
    minLength: 1,
    intermittent: false,
    usesRegressors: true,
    fit(input: SeriesInput): FittedState {
      if (behaviour === 'throw') throw new Error('boom');
      seen.push(input);
      return { model: name, n: input.y.length, sigma: 1 };
    },
    forecast(_f, h) {
      return { mean: new Float64Array(h).fill(behaviour === 'nan' ? NaN : -5), sd: new Float64Array(h).fill(1) };
    },
    fittedValues: (_f, input) => new Float64Array(input.y.length),
  };
}

describe('backtestSplits', () => {
  it('places K origins s days apart, the newest window ending on the last day', () => {
    expect(backtestSplits(100, OPTS)).toEqual([
      { fitStart: 0, origin: 58, end: 86 },
      { fitStart: 0, origin: 65, end: 93 },
      { fitStart: 0, origin: 72, end: 100 },
    ]);
  });
  it('caps the fit window at maxHistory days before each origin', () => {
    expect(backtestSplits(100, { ...OPTS, maxHistory: 30 }).map((s) => s.fitStart)).toEqual([28, 35, 42]);
    expect(backtestSplits(100, { ...OPTS, maxHistory: 70 }).map((s) => s.fitStart)).toEqual([0, 0, 2]);
  });
  it('shortens the horizon, then drops origins, for short series', () => {
    // hb = min(28, 50 - 14 - 14) = 22
    expect(backtestSplits(50, OPTS)).toEqual([
      { fitStart: 0, origin: 14, end: 36 },
      { fitStart: 0, origin: 21, end: 43 },
      { fitStart: 0, origin: 28, end: 50 },
    ]);
    // K = 3 would leave hb = 2 < 7; K = 2 gives hb = 30 - 14 - 7 = 9
    expect(backtestSplits(30, OPTS)).toEqual([
      { fitStart: 0, origin: 14, end: 23 },
      { fitStart: 0, origin: 21, end: 30 },
    ]);
    expect(backtestSplits(20, OPTS)).toEqual([]);
    // a horizon shorter than the season only needs itself: K = 1, hb = min(3, 20 - 14) = 3
    expect(backtestSplits(20, { ...OPTS, horizon: 3 })).toEqual([{ fitStart: 0, origin: 17, end: 20 }]);
    expect(backtestSplits(40, { ...OPTS, horizon: 3 })).toEqual([
      { fitStart: 0, origin: 23, end: 26 },
      { fitStart: 0, origin: 30, end: 33 },
      { fitStart: 0, origin: 37, end: 40 },
    ]);
  });
  it('checks its settings', () => {
    expect(() => backtestSplits(100, { ...OPTS, step: 0 })).toThrow(/backtestSplits needs a positive integer step/);
    expect(() => backtestSplits(100, { ...OPTS, maxHistory: -1 })).toThrow(/maxHistory >= 0/);
  });
});

describe('runBacktest', () => {
  it('refits at every origin and scores RMSSE against the history before it (naive on a ramp, hand-computed)', () => {
    const y = ramp(100);
    const bt = runBacktest({ y, season: 7, firstDow: 0 }, [naive as unknown as Model], OPTS);
    expect(bt.horizon).toBe(28);
    expect(bt.scales).toEqual([1, 1, 1]); // one-step differences of a ramp are all 1
    const run = bt.runs[0];
    // naive at origin o forecasts y[o-1] = o; actual at step j is o + 1 + j -> error -(j+1)
    expect(Array.from(run.forecasts[0])).toEqual(new Array(28).fill(58));
    let ss = 0;
    for (let j = 1; j <= 28; j++) ss += j * j;
    for (const s of run.scores) expect(s).toBeCloseTo(Math.sqrt(ss / 28), 12);
    expect(run.meanScore).toBeCloseTo(Math.sqrt(ss / 28), 12);
    expect(Array.from(bt.actuals[2])).toEqual(Array.from(y.subarray(72, 100)));
  });
  it('a stale run scores only the published window after its lead (naive on a ramp, hand-computed)', () => {
    // horizon 28 = lead 21 + 7 published: errors at steps 22..28 only
    const bt = runBacktest({ y: ramp(100), season: 7, firstDow: 0 }, [naive as unknown as Model], { ...OPTS, scoreFrom: 21 });
    expect(bt.horizon).toBe(28);
    expect(bt.scoredFrom).toBe(21);
    let ss = 0;
    for (let j = 22; j <= 28; j++) ss += j * j;
    for (const s of bt.runs[0].scores) expect(s).toBeCloseTo(Math.sqrt(ss / 7), 12);
    // the whole window is still forecast (intervals need every step)
    expect(bt.runs[0].forecasts[0]).toHaveLength(28);
    // a window not longer than the lead (a short series) is scored whole
    const short = runBacktest({ y: ramp(100), season: 7, firstDow: 0 }, [naive as unknown as Model], { ...OPTS, horizon: 7, scoreFrom: 7 });
    expect(short.scoredFrom).toBeUndefined();
    let all = 0;
    for (let j = 1; j <= 7; j++) all += j * j;
    expect(short.runs[0].meanScore).toBeCloseTo(Math.sqrt(all / 7), 12);
  });
  it('drops a model that throws or returns non-finite values, and one whose minimum length is not met', () => {
    const y = ramp(60);
    const long: Model = { ...(naive as unknown as Model), name: 'long', minLength: 40 };
    const bt = runBacktest({ y, season: 7, firstDow: 0 }, [fake('t', 'throw'), fake('n', 'nan'), long, naive as unknown as Model], OPTS);
    expect(bt.runs.map((r) => r.model)).toEqual(['naive']);
    expect(bt.failed.t).toMatch(/t threw at origin \d+: boom/);
    expect(bt.failed.n).toMatch(/non-finite/);
    expect(bt.failed.long).toMatch(/long needs 40 observations/);
  });
  it('clips forecasts at 0 before scoring', () => {
    const bt = runBacktest({ y: ramp(60), season: 7, firstDow: 0 }, [fake('neg', 'record')], OPTS);
    expect(bt.runs[0].forecasts.every((f) => f.every((v) => v === 0))).toBe(true);
  });
  it('passes each origin only its own window, and holds the price regressor over the test window', () => {
    const n = 100;
    const price = Float64Array.from({ length: n + 28 }, (_, t) => 100 + t);
    const event = Float64Array.from({ length: n + 28 }, (_, t) => t % 2);
    const seen: SeriesInput[] = [];
    runBacktest({ y: ramp(n), season: 7, firstDow: 3, regressors: { names: ['event', 'price'], values: [event, price] } }, [fake('rec', 'record', seen)], { ...OPTS, maxHistory: 30 });
    expect(seen.map((s) => [s.y[0], s.y.length, s.firstDow])).toEqual([[29, 30, (3 + 28) % 7], [36, 30, (3 + 35) % 7], [43, 30, (3 + 42) % 7]]);
    const r = seen[0].regressors!;
    expect(r.values[0].length).toBe(30 + 28);
    expect(r.values[0][0]).toBe(28 % 2);
    // price: 128..157 over the fit window, then held at its last training value (157)
    expect(r.values[1][29]).toBe(157);
    expect(Array.from(r.values[1].subarray(30))).toEqual(new Array(28).fill(157));
    // the original array is untouched
    expect(price[60]).toBe(160);
  });
  it('lists every model as failed when the series is too short', () => {
    const bt = runBacktest({ y: ramp(10), season: 7, firstDow: 0 }, [naive as unknown as Model], OPTS);
    expect(bt.splits).toEqual([]);
    expect(bt.failed.naive).toMatch(/too short to backtest/);
  });
  it('splitInput gives the final-fit window with regressors over the horizon', () => {
    const price = Float64Array.from({ length: 13 }, (_, t) => t);
    const s = splitInput({ y: ramp(10), season: 7, firstDow: 6, regressors: { names: ['price'], values: [price] } }, { fitStart: 4, origin: 10, end: 13 });
    expect(Array.from(s.y)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(s.firstDow).toBe(3);
    expect(Array.from(s.regressors!.values[0])).toEqual([4, 5, 6, 7, 8, 9, 9, 9, 9]);
  });
});
