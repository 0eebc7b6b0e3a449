import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../../config/schema.js';
import { dayFromYmd, dayOfWeek } from '../../../pipelines/dates.js';
import { pooledStage, type PooledInput } from '../../../pipelines/forecast/pooled-stage.js';
import { meanForecasts, POOLED_DEFAULTS } from '../../../pipelines/forecast/pooled.js';
import { DAILY } from '../../../pipelines/periods.js';
import type { SeriesData } from '../../../pipelines/types.js';
import { mulberry32 } from '../../../models/random.js';

const profile = [1, 1, 1, 1, 2, 3, 0.5];
const end = dayFromYmd(2016, 3, 1);

/** 24 noisy daily series of 400 days ending on `end`, two categories selling differently. */
function panel(): SeriesData[] {
  const next = mulberry32(7);
  return Array.from({ length: 24 }, (_, k) => {
    const first = end - 399;
    const demand = Float64Array.from({ length: 400 }, (_, i) => Math.round((1 + (k % 5)) * profile[dayOfWeek(first + i)] * (k % 2 ? 3 : 1) * (0.5 + next())));
    return { key: `S${k % 3}\u0000${k}`, store: `S${k % 3}`, sku: `${k % 2 ? 'A' : 'B'}${k}`, start: first, demand, returns: new Float64Array(400), price: new Float64Array(400).fill(2), observed: new Uint8Array(400).fill(1), issues: {}, acceptedRows: 400 };
  });
}

function config(): Config {
  const c = defaultConfig();
  return { ...c, models: { ...c.models, pooled: { ...c.models.pooled, minRows: 1, minSeries: 1 } } };
}

const input: PooledInput = { series: panel(), grid: DAILY, end, horizon: 7 };
const gbdt = { ...POOLED_DEFAULTS.gbdt, trees: 40 };

describe('pooled seed ensemble (research option `ensemble`)', () => {
  it('with 1 fit gives the single fit; with 2 the mean of the single fits with seeds 1 and 2', () => {
    const single1 = pooledStage(input, config(), { gbdt });
    const single2 = pooledStage(input, config(), { gbdt: { ...gbdt, seed: 2 } });
    expect(single1.facts.used).toBe(true);
    // the two seeds really differ, so the mean below is not one of them
    expect(single2.forecasts).not.toEqual(single1.forecasts);
    expect(pooledStage(input, config(), { gbdt, ensemble: 1 }).forecasts).toEqual(single1.forecasts);
    const pair = pooledStage(input, config(), { gbdt, ensemble: 2 });
    const mean = single1.forecasts.map((a, i) => a && Float64Array.from(a, (v, h) => (v + single2.forecasts[i]![h]) / 2));
    expect(pair.forecasts).toEqual(mean);
    expect(pair.facts.trees).toBe(single1.facts.trees + single2.facts.trees);
  });

  it('averages per series and horizon, keeping null series null (by hand)', () => {
    const a = [Float64Array.of(1, 2), null, Float64Array.of(0, 4)];
    const b = [Float64Array.of(3, 2), null, Float64Array.of(3, 5)];
    const c = [Float64Array.of(2, 5), null, Float64Array.of(0, 0)];
    expect(meanForecasts([a, b, c])).toEqual([Float64Array.of(2, 3), null, Float64Array.of(1, 3)]);
    expect(meanForecasts([a])).toBe(a);
  });

  it('refuses an ensemble that is not a positive integer', () => {
    expect(() => pooledStage(input, config(), { ensemble: 0 })).toThrow(/ensemble/);
    expect(() => pooledStage(input, config(), { ensemble: 1.5 })).toThrow(/ensemble/);
  });
});
