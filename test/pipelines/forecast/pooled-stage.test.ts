import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../../config/schema.js';
import { dayFromYmd, dayOfWeek } from '../../../pipelines/dates.js';
import { demandPatch } from '../../../pipelines/prepare/cleaning-patch.js';
import { cappedDemand, cappedMax, implausibleForecast, pooledStage, type PooledInput } from '../../../pipelines/forecast/pooled-stage.js';
import { DAILY, periodGrid } from '../../../pipelines/periods.js';
import type { SeriesData } from '../../../pipelines/types.js';
import { mulberry32 } from '../../../models/random.js';

const start = dayFromYmd(2015, 1, 5); // a Monday
const profile = [1, 1, 1, 1, 2, 3, 0.5];

/** A daily series selling level × the weekday profile, `days` long from `first`. */
function series(store: string, sku: string, level: number, days: number, first = start): SeriesData {
  const demand = Float64Array.from({ length: days }, (_, i) => level * profile[dayOfWeek(first + i)]);
  return { key: `${store}\u0000${sku}`, store, sku, start: first, demand, returns: new Float64Array(days), price: new Float64Array(days).fill(2), observed: new Uint8Array(days).fill(1), issues: {}, acceptedRows: days, attributes: { category: sku < 'B' ? 'FOOD' : 'TOYS' } };
}

function config(pooled: Partial<Config['models']['pooled']> = {}): Config {
  const c = defaultConfig();
  return { ...c, models: { ...c.models, pooled: { ...c.models.pooled, ...pooled } } };
}

// 10 series of 100 days ending on `end`; horizon 7: latest origin index 92, origins 92, 85, ..., 57: 6 groups of 7 rows a series
const end = start + 99;
const panel = Array.from({ length: 10 }, (_, k) => series(`S${k % 2}`, `${String.fromCharCode(65 + (k % 3))}${k}`, 1 + k, 100));
const input: PooledInput = { series: panel, grid: DAILY, end, horizon: 7 };

describe('pooledStage', () => {
  it('gives every series the same forecast whatever the order of the input and its item attributes (a nightly history keeps none)', () => {
    // 24 noisy series of 400 days, two categories selling differently: enough rows for the trees to split
    const next = mulberry32(7);
    const noisy = Array.from({ length: 24 }, (_, k) => {
      const s = series(`S${k % 3}`, `${k % 2 ? 'A' : 'B'}${k}`, 1 + (k % 5), 400, end - 399);
      return { ...s, demand: s.demand.map((v) => Math.round(v * (k % 2 ? 3 : 1) * (0.5 + next()))), attributes: { category: k % 2 ? 'FOOD' : 'TOYS' } };
    });
    const c = config({ minRows: 1, minSeries: 1 });
    const base = pooledStage({ ...input, series: noisy }, c);
    expect(base.facts.used).toBe(true);
    const reversed = pooledStage({ ...input, series: [...noisy].reverse() }, c);
    expect(reversed.forecasts).toEqual([...base.forecasts].reverse());
    const bare = pooledStage({ ...input, series: noisy.map((s) => ({ ...s, attributes: undefined })) }, c);
    expect(bare.forecasts).toEqual(base.forecasts);
  });

  it('is skipped, with the reason, when disabled, not daily, or under minRows training rows (counted by hand: 10 series × 6 origins × 7 days = 420)', () => {
    const off = pooledStage(input, config({ enabled: false }));
    expect(off.facts).toMatchObject({ used: false, rows: 0, weight: 0.5, intermittentWeight: 0.3 });
    expect(off.facts.reason).toMatch(/models\.pooled\.enabled/);
    expect(off.forecasts).toEqual([]);
    const weekly = pooledStage({ ...input, grid: periodGrid('week') }, config({ minRows: 1 }));
    expect(weekly.facts.used).toBe(false);
    expect(weekly.facts.reason).toMatch(/weekly/);
    const few = pooledStage(input, config({ minRows: 421 }));
    expect(few.facts).toMatchObject({ used: false, rows: 420 });
    expect(few.facts.reason).toMatch(/420 training rows, under the 421/);
  });

  it('is skipped, with the reason, when fewer than minSeries series give training rows (a series under 56 days gives none)', () => {
    const short = series('S0', 'Z1', 5, 40, end - 39);
    const eleven = pooledStage(input, config({ minRows: 1, minSeries: 11 }));
    expect(eleven.facts).toMatchObject({ used: false, rows: 0, series: 0 });
    expect(eleven.facts.reason).toMatch(/^10 series with training rows, under the 11 .*models\.pooled\.minSeries/);
    // nine series with rows and one without: 9 count, under the default 10
    const nine = pooledStage({ ...input, series: [...panel.slice(0, 9), short] }, config({ minRows: 1 }));
    expect(nine.facts.used).toBe(false);
    expect(nine.facts.reason).toMatch(/^9 series with training rows, under the 10 /);
    // ten series meet the default floor
    expect(pooledStage(input, config({ minRows: 1 })).facts).toMatchObject({ used: true, series: 10 });
  });

  it('forecasts every series reaching the last day over the forecast days (at least 0), without a calendar; none for one too short or ending earlier', () => {
    const short = series('S0', 'Z1', 5, 40, end - 39);
    const early = series('S1', 'Z2', 5, 90);
    // the early one (90 days: origins 82, 75, 68, 61) trains, the short one (under 56 days) does not
    const r = pooledStage({ ...input, series: [...panel, short, early] }, config({ minRows: 420, weight: 0.25 }));
    expect(r.facts).toMatchObject({ used: true, rows: 420 + 4 * 7, series: 10, weight: 0.25 });
    expect(r.facts.trees).toBeGreaterThan(0);
    expect(r.forecasts).toHaveLength(12);
    expect(r.forecasts[10]).toBeNull();
    expect(r.forecasts[11]).toBeNull();
    for (const f of r.forecasts.slice(0, 10)) {
      expect(f).toHaveLength(7);
      expect(Array.from(f!).every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    }
    // the pooled model learns the level: the largest seller's week sums above the smallest's
    const week = (f: Float64Array | null) => Array.from(f!).reduce((a, b) => a + b, 0);
    expect(week(r.forecasts[9])).toBeGreaterThan(week(r.forecasts[0]));
  });

  it('learns from the sales as recorded: a cleaning patch changes nothing, a change in the recorded sales does', () => {
    const cleaned = Float64Array.from(panel[3].demand);
    for (const i of [20, 50, 95]) cleaned[i] += 40; // days the cleaning would have filled
    const patched = { ...panel[3], cleaning: demandPatch(panel[3].demand, cleaned) };
    const a = pooledStage({ ...input, series: panel.map((s, k) => (k === 3 ? patched : s)) }, config({ minRows: 1 }));
    const b = pooledStage(input, config({ minRows: 1 }));
    expect(a.forecasts.map((f) => Array.from(f!))).toEqual(b.forecasts.map((f) => Array.from(f!)));
    const c = pooledStage({ ...input, series: panel.map((s, k) => (k === 3 ? { ...s, demand: cleaned } : s)) }, config({ minRows: 1 }));
    expect(c.forecasts.map((f) => Array.from(f!))).not.toEqual(b.forecasts.map((f) => Array.from(f!)));
  });

  it('trains again with the cleaning\'s outlier caps when a forecast is implausible: as if the mistyped day had been its capped value', () => {
    const spiked = Float64Array.from(panel[3].demand);
    spiked[99] = 4000; // the last day mistyped; the cleaning caps it back to what was sold
    const patched = { ...panel[3], demand: spiked, cleaning: demandPatch(spiked, panel[3].demand) };
    const r = pooledStage({ ...input, series: panel.map((s, k) => (k === 3 ? patched : s)) }, config({ minRows: 1 }));
    // the spike's squared error reaches every tree: here every series got a day above its largest
    expect(r.facts.implausible).toContain(`${panel[3].store}/${panel[3].sku}`);
    expect(r.facts).toMatchObject({ retrained: true });
    expect(r.facts.implausibleLeft).toBeUndefined();
    const clean = pooledStage(input, config({ minRows: 1 }));
    expect(clean.facts.implausible).toBeUndefined();
    expect(r.forecasts.map((f) => Array.from(f!))).toEqual(clean.forecasts.map((f) => Array.from(f!)));
    expect(r.facts).toMatchObject({ used: true, series: 10, rows: clean.facts.rows, trees: clean.facts.trees });
  });
});

describe('implausible forecasts without a day the cleaning capped', () => {
  it('are left out (their own models alone) without training again: the same sales would give the same model', () => {
    const spiked = Float64Array.from(panel[3].demand);
    spiked[99] = 4000; // not capped by any cleaning: the series' own largest day, the others' forecasts pulled up
    const series = panel.map((s, k) => (k === 3 ? { ...s, demand: spiked } : s));
    const r = pooledStage({ ...input, series }, config({ minRows: 1 }));
    const keys = r.facts.implausible ?? [];
    expect(keys.length).toBeGreaterThan(0);
    expect(r.facts.retrained).toBe(false);
    expect(r.facts.implausibleLeft).toEqual(keys);
    series.forEach((s, k) => expect(r.forecasts[k] === null).toBe(keys.includes(`${s.store}/${s.sku}`)));
    expect(r.facts.series).toBe(10 - keys.length);
  });
});

describe('the implausibility rule', () => {
  const recorded = Float64Array.of(1, 50, 0, 4, 90, NaN);
  const cleaned = Float64Array.of(1, 5, 3, 4, 9, NaN); // days 1 and 4 capped, day 2 filled
  const s = { demand: recorded, cleaning: demandPatch(recorded, cleaned) };
  it('cappedDemand applies only the days a patch lowers, within the first n, on a copy; a view when none', () => {
    expect(Array.from(cappedDemand(s, 5))).toEqual([1, 5, 0, 4, 9]);
    expect(Array.from(cappedDemand(s, 4))).toEqual([1, 5, 0, 4]);
    expect(Array.from(recorded.subarray(0, 5))).toEqual([1, 50, 0, 4, 90]);
    const plain = cappedDemand({ demand: recorded }, 3);
    expect(plain.buffer).toBe(recorded.buffer);
  });
  it('cappedMax is the largest day with the caps (NaN skipped); a forecast day above it, or above 1 unit, is implausible', () => {
    expect(cappedMax(s, 6)).toBe(9);
    expect(cappedMax(s, 4)).toBe(5);
    expect(cappedMax({ demand: recorded }, 6)).toBe(90);
    expect(implausibleForecast(Float64Array.of(2, 9, 3), s, 6)).toBe(false);
    expect(implausibleForecast(Float64Array.of(2, 9.01, 3), s, 6)).toBe(true);
    // a series that never sold more than 0: up to 1 unit a day is plausible
    expect(implausibleForecast(Float64Array.of(1), { demand: new Float64Array(5) }, 5)).toBe(false);
    expect(implausibleForecast(Float64Array.of(1.5), { demand: new Float64Array(5) }, 5)).toBe(true);
  });
});
