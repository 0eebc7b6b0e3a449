import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../../config/schema.js';
import { InputError } from '../../../pipelines/errors.js';
import { forecastSeries, type ForecastContext } from '../../../pipelines/forecast/forecast-series.js';
import { planLevels, resolveLevels, runLevelsStage } from '../../../pipelines/hierarchy/run-levels.js';
import type { SeriesData } from '../../../pipelines/types.js';

const DAYS = 200;
const END = 20000 + DAYS - 1;

/** A weekly-patterned count series with noise from a fixed seed (deterministic). */
function series(store: string, sku: string, level: number, seed: number): SeriesData {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const demand = Float64Array.from({ length: DAYS }, (_, t) => Math.round(level * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 7)) + 2 * (rnd() - 0.5) * level * 0.5));
  return {
    key: `${store}\u0000${sku}`, store, sku, start: 20000,
    demand, returns: new Float64Array(DAYS), price: new Float64Array(DAYS).fill(2),
    observed: new Uint8Array(DAYS).fill(1), issues: {}, acceptedRows: DAYS,
  };
}

const bottom = [series('S1', 'A', 5, 1), series('S1', 'B', 2, 2), series('S2', 'A', 8, 3), series('S2', 'C', 1, 4)];
const items = new Map([['A', { category: 'FOOD' }], ['B', { category: 'TOYS' }], ['C', { category: 'FOOD' }]]);

function run(levels: string[], quantiles: number[]) {
  const config: Config = { ...defaultConfig(), horizon: 14, levels, quantiles };
  const ctx: ForecastContext = { config, end: END, horizon: 14, trace: true };
  const forecasts = bottom.map((s) => forecastSeries(s, ctx));
  const plan = planLevels(bottom, config, items);
  return runLevelsStage(forecasts, plan.aggregates.map((s) => forecastSeries(s, ctx)), config, plan);
}

const Q = [0.025, 0.25, 0.5, 0.75, 0.975];

describe('runLevelsStage', () => {
  const r = run(['default'], Q);
  const nodes = r.levels!.nodes;

  it('forecasts the default levels with the item attribute: total, store, category, store/category', () => {
    expect(r.levels!.levels).toEqual(['total', 'store', 'category', 'store/category']);
    expect(nodes.map((n) => `${n.level}:${n.key}`)).toEqual([
      'total:total', 'store:S1', 'store:S2', 'category:FOOD', 'category:TOYS',
      'store/category:S1/FOOD', 'store/category:S1/TOYS', 'store/category:S2/FOOD',
    ]);
    expect(r.levels!.method).not.toBeNull();
    expect(r.levels!.scores.length).toBeGreaterThan(1);
  });

  it('is coherent: the published bottom forecasts sum to every node, day by day', () => {
    const members: Record<string, number[]> = {
      'total:total': [0, 1, 2, 3], 'store:S1': [0, 1], 'store:S2': [2, 3], 'category:FOOD': [0, 2, 3], 'category:TOYS': [1],
      'store/category:S1/FOOD': [0], 'store/category:S1/TOYS': [1], 'store/category:S2/FOOD': [2, 3],
    };
    for (const n of nodes) {
      const m = members[`${n.level}:${n.key}`];
      for (let j = 0; j < 14; j++) expect(n.mean[j]).toBeCloseTo(m.reduce((s, b) => s + r.forecasts[b].mean[j], 0), 9);
    }
  });

  it('publishes monotone, non-negative quantiles and nested bounds for series and nodes, without traces', () => {
    expect(r.quantiles).toHaveLength(4);
    for (const q of [...r.quantiles, ...nodes.map((n) => n.quantiles)]) {
      expect(q).toHaveLength(Q.length);
      for (let j = 0; j < 14; j++) for (let k = 1; k < Q.length; k++) expect(q[k][j]).toBeGreaterThanOrEqual(q[k - 1][j]);
      for (let j = 0; j < 14; j++) expect(q[0][j]).toBeGreaterThanOrEqual(0);
    }
    for (const f of r.forecasts) {
      expect(f.trace).toBeUndefined();
      for (let j = 0; j < 14; j++) expect(f.lo['95'][j] <= f.lo['80'][j] && f.lo['80'][j] <= f.mean[j] && f.mean[j] <= f.hi['80'][j] && f.hi['80'][j] <= f.hi['95'][j]).toBe(true);
    }
  });

  it('gives quantiles from the series own errors when no level is asked for, forecasts unchanged', () => {
    const config: Config = { ...defaultConfig(), horizon: 14, levels: [], quantiles: Q };
    const ctx: ForecastContext = { config, end: END, horizon: 14, trace: true };
    const forecasts = bottom.map((s) => forecastSeries(s, ctx));
    const plan = planLevels(bottom, config, items);
    expect(plan.aggregates).toEqual([]);
    const q = runLevelsStage(forecasts, [], config, plan);
    expect(q.levels).toBeNull();
    expect(q.forecasts.map((f) => f.mean)).toEqual(forecasts.map((f) => f.mean));
    // the median (whole units: these are count series) lies inside the 80% interval taken to
    // whole units: the interval rule reads count data at its mid-distribution (intervals.ts,
    // step 3a), so a bound may fall between two counts, e.g. [0, 0.96] beside a median of 1
    q.quantiles.forEach((qs, b) => {
      for (let j = 0; j < 14; j++) expect(qs[2][j] >= Math.floor(forecasts[b].lo['80'][j] + 1e-9) && qs[2][j] <= Math.ceil(forecasts[b].hi['80'][j] - 1e-9)).toBe(true);
    });
  });
});

describe('resolveLevels', () => {
  it('expands default to the total, store, item attributes and their crossing with store', () => {
    expect(resolveLevels(['default'], ['category', 'department'])).toEqual(['total', 'store', 'category', 'department', 'store/category', 'store/department']);
    expect(resolveLevels(['default', 'total'], [])).toEqual(['total', 'store']);
  });
  it('refuses a level no series can be grouped by, naming it', () => {
    expect(() => resolveLevels(['store/category'], [])).toThrow(InputError);
    expect(() => resolveLevels(['store/category'], [])).toThrow(/"category", which no series has/);
    // an input without stores: store is no attribute, and the default set leaves it out
    expect(() => resolveLevels(['store'], ['category'], false)).toThrow(/"store", which no series has; levels can use total, category/);
    expect(resolveLevels(['default'], ['category'], false)).toEqual(['total', 'category']);
  });
});
