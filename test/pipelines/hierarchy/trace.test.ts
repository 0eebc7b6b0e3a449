import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/schema.js';
import { forecastSeries } from '../../../pipelines/forecast/forecast-series.js';
import { nodeDistribution, nodeLeadTimeSd } from '../../../pipelines/hierarchy/distribution.js';
import { buildTrace, PROPORTION_DAYS, traceOrigins } from '../../../pipelines/hierarchy/trace.js';
import { levelShiftSd } from '../../../pipelines/hierarchy/level-shift.js';
import type { SeriesData } from '../../../pipelines/types.js';

const coldStart = (y: Float64Array) => ({ mean: y.reduce((a, b) => a + b, 0) / y.length, sd: 1 });

describe('traceOrigins', () => {
  it('ends the newest window on the last day, steps back by `step`', () => {
    // end 100, h 5: newest window 96..100; K = 3, step 2 -> 92, 94, 96
    expect(traceOrigins(100, 5, 3, 2)).toEqual([92, 94, 96]);
  });
});

describe('buildTrace', () => {
  it('holds the cold-start rule at every origin without a backtest (hand-computed)', () => {
    // days 80..89: no sale before index 3; recorded demand differs from the cleaned on day index 5
    const demand = Float64Array.of(0, 0, 0, 2, 4, 6, 1, 3, 5, 7);
    const recorded = Float64Array.of(0, 0, 0, 2, 4, 0, 1, 3, 5, 7);
    const t = buildTrace({ start: 80, demand, recorded, end: 89, horizon: 3, origins: 2, step: 2, first: 3, sd: [1, 1, 1], discrete: true, coldStart });
    expect(t.origins).toEqual([85, 87]);
    expect(t.actuals).toEqual([[0, 1, 3], [3, 5, 7]]);
    // origin 85 (index 5): mean of cleaned demand[3..5) = (2 + 4) / 2; origin 87: (2+4+6+1) / 4
    expect(t.forecasts).toEqual([[3, 3, 3], [13 / 4, 13 / 4, 13 / 4]]);
    // M5 scale of the recorded history before the origin, from the first sale: (4-2)² / 1 and ((2)² + 4² + 1²) / 3
    expect(t.scales).toEqual([4, 7]);
    // first sold inside the window: its rate since the first sale over the window's days (a new
    // item's top-down share not diluted by the days before it was sold), before each origin and
    // before the forecast: 6 in 2 days, 13 in 4, 28 in 7
    expect(PROPORTION_DAYS).toBeGreaterThan(10);
    expect(t.recent).toEqual([(6 / 2) * PROPORTION_DAYS, (13 / 4) * PROPORTION_DAYS, (28 / 7) * PROPORTION_DAYS]);
    // first sold before the window: the plain sum of the window's days
    const long = Float64Array.from({ length: PROPORTION_DAYS + 10 }, (_, i) => (i === 2 ? 5 : 1));
    const u = buildTrace({ start: 0, demand: long, recorded: long, end: long.length - 1, horizon: 3, origins: 1, step: 1, first: 0, sd: [1, 1, 1], discrete: true, coldStart });
    expect(u.recent[1]).toBe(PROPORTION_DAYS);
  });
  it('is the series\' own backtest for a long series, and reproduces its published intervals', () => {
    const n = 400;
    const demand = Float64Array.from({ length: n }, (_, t) => 5 + 3 * Math.sin((2 * Math.PI * t) / 7) + (t % 5));
    const s: SeriesData = {
      key: 'S\u0000A', store: 'S', sku: 'A', start: 1000, demand, returns: new Float64Array(n),
      price: new Float64Array(n).fill(NaN), observed: new Uint8Array(n).fill(1), issues: {}, acceptedRows: n,
    };
    const config = defaultConfig();
    const f = forecastSeries(s, { config, end: 1000 + n - 1, horizon: 28, trace: true });
    const t = f.trace!;
    expect(t.origins).toEqual(traceOrigins(1000 + n - 1, 28, 3, 7));
    expect(t.forecasts).toHaveLength(3);
    const d = nodeDistribution(t, t.forecasts, f.mean, config.intervals.levels, []);
    expect(d.lo).toEqual(f.lo);
    expect(d.hi).toEqual(f.hi);
    expect(nodeLeadTimeSd(t, t.forecasts, 28)).toEqual(f.leadTimeSd);
    expect(forecastSeries(s, { config, end: 1000 + n - 1, horizon: 28 }).trace).toBeUndefined();
    // the level sd of the history (origins a week apart over a year) widens an aggregate's intervals only
    expect(t.levelSd).toBe(levelShiftSd({ y: demand, horizon: 28, step: 7, span: 364 }));
    const agg = nodeDistribution(t, t.forecasts, f.mean, config.intervals.levels, [], true);
    expect(t.levelSd).toBeGreaterThan(0);
    for (let j = 0; j < 28; j++) expect(agg.hi['80'][j]).toBeGreaterThanOrEqual(d.hi['80'][j]);
    expect(agg.hi['80'][27]).toBeGreaterThan(d.hi['80'][27]);
  });
  it('has no level sd without the level grid or with too short a history', () => {
    const demand = Float64Array.of(0, 0, 0, 2, 4, 6, 1, 3, 5, 7);
    const input = { start: 80, demand, recorded: demand, end: 89, horizon: 3, origins: 2, step: 2, first: 3, sd: [1, 1, 1], discrete: true, coldStart };
    expect(buildTrace(input).levelSd).toBeUndefined();
    // 7 days from the first sale: under 8 origins of 3-day means
    expect(buildTrace({ ...input, level: { step: 1, span: 364 } }).levelSd).toBeUndefined();
  });
});
