import { describe, expect, it } from 'vitest';
import type { BacktestResult, ModelRun } from '../../../pipelines/forecast/backtest.js';
import { comboName, forecastValueAdded, selectModel, selectWithout } from '../../../pipelines/forecast/select.js';

const f64 = (...v: number[]) => Float64Array.from(v);

/** Two origins of two days with actuals 10,10 and scale 1 (scores are RMSEs). */
function backtest(runs: Record<string, number[][]>): BacktestResult {
  const actuals = [f64(10, 10), f64(10, 10)];
  const mk = (model: string, fc: number[][]): ModelRun => {
    const forecasts = fc.map((f) => Float64Array.from(f));
    const scores = forecasts.map((f, o) => Math.sqrt(((f[0] - actuals[o][0]) ** 2 + (f[1] - actuals[o][1]) ** 2) / 2));
    return { model, forecasts, sds: forecasts.map(() => f64(1, 2)), scores, meanScore: (scores[0] + scores[1]) / 2 };
  };
  return {
    splits: [{ fitStart: 0, origin: 20, end: 22 }, { fitStart: 0, origin: 27, end: 29 }],
    horizon: 2,
    actuals,
    scales: [1, 1],
    scaled: true,
    runs: Object.entries(runs).map(([m, fc]) => mk(m, fc)),
    failed: {},
  };
}

describe('selectModel', () => {
  it('picks the lowest mean backtest score', () => {
    const bt = backtest({ a: [[12, 12], [12, 12]], b: [[11, 11], [11, 11]], c: [[15, 15], [15, 15]] });
    const s = selectModel(bt, 1)!;
    expect(s.name).toBe('b');
    expect(s.members).toEqual(['b']);
    expect(s.meanScore).toBe(1);
    expect(s.ranking.map((r) => r.model)).toEqual(['b', 'a', 'c']);
  });
  it('combines the top k when their mean scores strictly better, named alphabetically', () => {
    // theta over-forecasts by 2, ses under by 2: each RMSE 2, their mean is exact
    const bt = backtest({ theta: [[12, 12], [12, 12]], ses: [[8, 8], [8, 8]], zz: [[20, 20], [20, 20]] });
    const s = selectModel(bt, 2)!;
    expect(s.name).toBe('combo(ses+theta)');
    expect(s.members).toEqual(['theta', 'ses']); // rank order (tie keeps the candidate order)
    expect(s.meanScore).toBe(0);
    expect(Array.from(s.forecasts[0])).toEqual([10, 10]);
    // both sds 1, 2 and the members 2 either side of the mean: the linear pool's sd (linear-pool.ts)
    // sqrt(1 + 4) and sqrt(4 + 4)
    expect(Array.from(s.sds[1])).toEqual([Math.sqrt(5), Math.sqrt(8)]);
    // with k = 3 the bad model spoils the mean: (12 + 8 + 20) / 3 = 13.33 -> single model kept
    expect(selectModel(bt, 3)!.name).toBe('theta');
  });
  it('keeps the single model when the combination is not strictly better, and breaks ties by candidate order', () => {
    const bt = backtest({ a: [[11, 11], [11, 11]], b: [[11, 11], [11, 11]] });
    expect(selectModel(bt, 2)!.name).toBe('a');
  });
  it('skips excluded models and returns null when nothing is eligible', () => {
    const bt = backtest({ snaive: [[10, 10], [10, 10]], ses: [[11, 11], [11, 11]] });
    expect(selectModel(bt, 1, ['snaive'])!.name).toBe('ses');
    expect(selectModel(backtest({}), 3)).toBeNull();
    expect(selectModel(bt, 1, ['snaive', 'ses'])).toBeNull();
    expect(() => selectModel(bt, 0)).toThrow(/selectModel needs a positive integer combineTop/);
  });
  it('adds a model listed as always to the top k whatever its rank, and publishes that combination', () => {
    // ranked a (11), b (12), yoy (14): top 2 = a, b; yoy joins -> mean (11 + 12 + 14) / 3 = 12.33,
    // published although a alone scores better (RMSE 1 against 2.33)
    const bt = backtest({ yoy: [[14, 14], [14, 14]], a: [[11, 11], [11, 11]], b: [[12, 12], [12, 12]] });
    const s = selectModel(bt, 2, [], 'if-better', ['yoy'])!;
    expect(s.members).toEqual(['a', 'b', 'yoy']);
    expect(s.name).toBe('combo(a+b+yoy)');
    expect(s.forecasts[0][0]).toBeCloseTo(37 / 3, 12);
    expect(s.meanScore).toBeCloseTo(7 / 3, 12);
    // already among the top k: the ordinary rule (a alone, the combination of a and b not better)
    expect(selectModel(bt, 3, [], 'if-better', ['a'])!.name).toBe('a');
    // combining disabled (k = 1): the single best model
    expect(selectModel(bt, 1, [], 'if-better', ['yoy'])!.name).toBe('a');
    // a listed model that did not run changes nothing
    expect(selectModel(bt, 2, [], 'if-better', ['zz'])!.name).toBe('a');
    // out of selection too: without origin 0 the same ranking, yoy joins
    expect(selectWithout(bt, 0, 2, [], 'if-better', ['yoy'])!.members).toEqual(['a', 'b', 'yoy']);
  });
  it('comboName sorts members', () => {
    expect(comboName(['tsb', 'ses', 'theta'])).toBe('combo(ses+theta+tsb)');
  });
});

describe('forecastValueAdded', () => {
  it('is 1 - chosen / snaive', () => {
    expect(forecastValueAdded(0.8, 1)).toBeCloseTo(0.2, 12);
    expect(forecastValueAdded(1.5, 1)).toBeCloseTo(-0.5, 12);
    expect(forecastValueAdded(null, 1)).toBeNull();
    expect(forecastValueAdded(1, 0)).toBeNull();
  });
});

describe('selectModel with combine: always', () => {
  it('publishes the mean of the top k even when the best single model scores better', () => {
    const bt = {
      splits: [{ fitStart: 0, origin: 20, end: 22 }],
      horizon: 2,
      actuals: [Float64Array.of(10, 10)],
      scales: [1],
      scaled: true,
      runs: [
        { model: 'a', forecasts: [Float64Array.of(10, 10)], sds: [Float64Array.of(1, 1)], scores: [0], meanScore: 0 },
        { model: 'b', forecasts: [Float64Array.of(14, 14)], sds: [Float64Array.of(3, 3)], scores: [4], meanScore: 4 },
      ],
      failed: {},
    };
    expect(selectModel(bt, 2)!.name).toBe('a');
    const s = selectModel(bt, 2, [], 'always')!;
    expect(s.name).toBe('combo(a+b)');
    expect(s.meanScore).toBe(2);
    // the linear pool's sd: sqrt((1² + 3²)/2 + ((10-12)² + (14-12)²)/2) = sqrt(5 + 4) = 3 (linear-pool.ts)
    expect(Array.from(s.sds[0])).toEqual([3, 3]);
    // a single eligible model stays single
    expect(selectModel(bt, 2, ['b'], 'always')!.name).toBe('a');
  });
});

describe('selectWithout', () => {
  it('ranks the models on the other origins only', () => {
    // a: scores 0 then 4 (mean 2); b: 2 then 1 (mean 1.5): b is the choice on both origins,
    // but without origin 2 only origin 1 counts, where a is exact
    const bt = backtest({ a: [[10, 10], [14, 14]], b: [[12, 12], [11, 11]] });
    expect(selectModel(bt, 1)!.name).toBe('b');
    expect(selectWithout(bt, 0, 1)!.name).toBe('b');
    const s = selectWithout(bt, 1, 1)!;
    expect(s.name).toBe('a');
    expect(Array.from(s.forecasts[1])).toEqual([14, 14]);
  });
  it('is the ordinary choice with a single origin', () => {
    const one = { ...backtest({ a: [[10, 10], [14, 14]] }) };
    const bt: typeof one = { ...one, splits: one.splits.slice(0, 1), actuals: one.actuals.slice(0, 1), scales: [1], runs: one.runs.map((r) => ({ ...r, forecasts: r.forecasts.slice(0, 1), sds: r.sds.slice(0, 1), scores: r.scores.slice(0, 1), meanScore: r.scores[0] })) };
    expect(selectWithout(bt, 0, 1)!.name).toBe('a');
  });
});
