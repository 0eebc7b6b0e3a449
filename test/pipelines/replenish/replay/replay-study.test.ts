import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../../config/schema.js';
import type { SeriesData } from '../../../../pipelines/types.js';
import { ANY_DAY } from '../../../../pipelines/replenish/delivery.js';
import type { ServicePolicy } from '../../../../pipelines/replenish/policy.js';
import { forecastsAt, seriesUpTo } from '../../../../pipelines/replenish/replay/replay-forecasts.js';
import { matchSimple, replayStudy, SIMULATION_COLUMNS, simulationCsv } from '../../../../pipelines/replenish/replay/replay-study.js';
import { runReplay, simpleLevels, type ReplaySubject } from '../../../../pipelines/replenish/replay/replay.js';

const START = 16000;

/** Deterministic counts with a weekly pattern. */
function demandOf(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[t] = Math.floor((s / 2 ** 32) * (t % 7 === 5 ? 9 : 5));
  }
  return out;
}

function seriesData(sku: string, seed: number, n = 560): SeriesData {
  return {
    key: `S1\u0000${sku}`,
    store: 'S1',
    sku,
    start: START,
    demand: demandOf(n, seed),
    returns: new Float64Array(n),
    price: new Float64Array(n).fill(2),
    observed: new Uint8Array(n).fill(1),
    issues: {},
    acceptedRows: n,
  };
}

const POLICY: ServicePolicy = { leadTimeDays: 3, leadTimeSdDays: 0, reviewPeriodDays: 7, serviceTarget: 0.95, serviceType: 'fill_rate', packSize: 1, minOrderQty: 0, schedule: ANY_DAY };

describe('forecastsAt: forecasts a run would have made on a past day', () => {
  const config = { ...defaultConfig(), models: { ...defaultConfig().models, candidates: ['naive', 'ses'] } } as ReturnType<typeof defaultConfig>;
  const data = [seriesData('A', 1), seriesData('B', 2)];
  it('sees nothing after the origin day', () => {
    const end = START + 400;
    const before = forecastsAt(data, config, 'daily')(end);
    // change every day after the origin: the forecasts made on it do not move
    const changed = data.map((s) => {
      const d = Float64Array.from(s.demand);
      for (let i = end - START + 1; i < d.length; i++) d[i] = 1000;
      return { ...s, demand: d };
    });
    expect(forecastsAt(changed, config, 'daily')(end)).toEqual(before);
    expect(before[0].recentSales).toHaveLength(392);
    expect(before[0].recentSales[391]).toBe(data[0].demand[400]);
  });
  it('cuts a series after a day, dropping what cleaning derived from later days', () => {
    const s = { ...seriesData('A', 1), recorded: new Float64Array(560), cleaning: { index: Int32Array.of(500), value: Float64Array.of(3) } };
    const cut = seriesUpTo(s, START + 9);
    expect(cut.demand).toHaveLength(10);
    expect(cut.recorded).toBeUndefined();
    expect(cut.cleaning).toBeUndefined();
    expect(() => seriesUpTo(s, START - 1)).toThrow(/before the start/);
  });
  it('forecasts zero for a series not started by the origin', () => {
    const late = { ...seriesData('L', 3, 100), start: START + 450 };
    const f = forecastsAt([data[0], late], config, 'daily')(START + 400);
    expect(f[1]).toMatchObject({ model: 'zero', demandClass: 'none', recentSales: [] });
  });
});

describe('replayStudy', () => {
  const data = [seriesData('A', 1), seriesData('B', 2), seriesData('C', 3)];
  const subjects: ReplaySubject[] = data.map((s) => ({ store: s.store, sku: s.sku, start: s.start, demand: s.demand, policy: POLICY, unitValue: 2 }));
  const config = { ...defaultConfig(), models: { ...defaultConfig().models, candidates: ['naive', 'ses'] } } as ReturnType<typeof defaultConfig>;
  const ends: number[] = [];
  const at = forecastsAt(data, config, 'daily');
  const last = START + 559;
  const study = replayStudy(
    subjects,
    (e) => {
      ends.push(e);
      return at(e);
    },
    { lastDay: last, weeks: 4, calibrationWeeks: 4, simpleCoverWeeks: 2 },
  );
  it('calibrates on the weeks before the reported ones, out of sample', () => {
    expect(study.window).toMatchObject({ first: last - 27, days: 28 });
    expect(study.calibrationWindow).toMatchObject({ first: last - 55, days: 28 });
    expect(study.calibrationWindow!.first + study.calibrationWindow!.days).toBe(study.window.first);
    // weekly refits the evening before each review, nothing on or after the last day
    expect(ends).toEqual([0, 7, 14, 21, 28, 35, 42, 49].map((k) => last - 56 + k));
    expect(study.calibration!.segments.length).toBeGreaterThan(0);
  });
  it('compares with the simple policy at the smallest cover reaching the same fill rate', () => {
    const m = study.matched!;
    expect(m.outcome.total.fillRate).toBeGreaterThanOrEqual(study.proposed.total.fillRate);
    const less = runReplay(study.plan, simpleLevels(study.plan, m.coverDays - 0.1));
    expect(less.total.fillRate).toBeLessThan(study.proposed.total.fillRate);
    expect(study.simple.total.days).toBe(28);
    expect(matchSimple(study.plan, 1.01, 50)).toBeNull();
  });
  it('writes simulation.csv: every series and policy, then the totals', () => {
    const lines = simulationCsv(study).trimEnd().split('\r\n');
    expect(lines[0]).toBe(SIMULATION_COLUMNS.join(','));
    const policies = 4; // proposed, proposed_uncalibrated, simple_2w, simple_matched_...
    expect(lines).toHaveLength(1 + 3 * policies + policies);
    expect(lines[1].startsWith('S1,A,')).toBe(true);
    expect(lines[1]).toContain(',proposed,28,');
    expect(lines[3]).toContain(',simple_2w,');
    expect(lines[lines.length - 4]).toMatch(/^,,,,proposed total,28,/);
  });
});
