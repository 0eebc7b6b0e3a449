import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/schema.js';
import { COLD_START_MODEL, forecastSeries, ZERO_MODEL } from '../../../pipelines/forecast/forecast-series.js';
import type { SeriesData } from '../../../pipelines/types.js';

const START = 15000;

function series(demand: ArrayLike<number>): SeriesData {
  const n = demand.length;
  return {
    key: 'S\u0000A',
    store: 'S',
    sku: 'A',
    start: START,
    demand: Float64Array.from(demand),
    returns: new Float64Array(n),
    price: new Float64Array(n).fill(NaN),
    observed: new Uint8Array(n).fill(1),
    issues: {},
    acceptedRows: n,
  };
}

describe('degraded mode (ForecastContext.degraded: a failed batch of a queued run)', () => {
  // 200 days: a weekly pattern 1, 2, ..., 7 with plenty of history for a model choice
  const demand = Array.from({ length: 200 }, (_, t) => 1 + (t % 7));
  const ctx = { config: defaultConfig(), end: START + 199, horizon: 7 };

  it('gives the cold-start mean of the last 28 days to a series that would get a model', () => {
    expect(forecastSeries(series(demand), ctx).model).not.toBe(COLD_START_MODEL);
    const f = forecastSeries(series(demand), { ...ctx, degraded: true });
    expect(f.model).toBe(COLD_START_MODEL);
    // the last 28 days are four whole weeks of 1..7: mean 4
    for (const m of f.mean) expect(m).toBeCloseTo(4, 12);
  });
  it('keeps the zero forecast for a series without sales', () => {
    expect(forecastSeries(series(new Array(200).fill(0)), { ...ctx, degraded: true }).model).toBe(ZERO_MODEL);
  });
});
