import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type Config } from '../../../../config/schema.js';
import type { SeriesData } from '../../../../pipelines/types.js';
import { replayForRun } from '../../../../pipelines/replenish/replay/run-replay.js';
import { replaySubjects } from '../../../../pipelines/replenish/replay/replay-subjects.js';
import { formatDay } from '../../../../pipelines/dates.js';

const START = 16000;

function series(sku: string, n: number, start = START, perDay = 4): SeriesData {
  return {
    key: `S1\u0000${sku}`,
    store: 'S1',
    sku,
    start,
    // the same sales every day: any sensible forecast is exact, the policy never runs out
    demand: new Float64Array(n).fill(perDay),
    returns: new Float64Array(n),
    price: new Float64Array(n).fill(2.5),
    observed: new Uint8Array(n).fill(1),
    issues: {},
    acceptedRows: n,
  };
}

function configWith(sim: Partial<Config['replenishment']['simulation']>): Config {
  const c = defaultConfig();
  return { ...c, models: { ...c.models, candidates: ['naive', 'ses'] }, replenishment: { ...c.replenishment, simulation: { ...c.replenishment.simulation, ...sim } } };
}

describe('replayForRun: the replay section of a run', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-replay-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  // 4 weeks replayed + 4 calibrated + 28 days averaged = 84 days needed; 120 days of sales
  const config = configWith({ weeks: 4, calibrationWeeks: 4 });
  const n = 120;
  const lastDay = START + n - 1;
  const base = { kind: 'daily' as const, lastDay, frequency: 'day' as const, config, parsed: {} };

  it('says it is off when simulation.weeks is 0 and writes nothing', async () => {
    const r = await replayForRun({ ...base, config: configWith({ weeks: 0 }), series: [series('A', n)], dir: join(dir, 'off') });
    expect(r.summary.status).toBe('off');
    expect(r.summary.note).toMatch(/turned off.*weeks is 0/);
    expect(r.wrote).toBe(false);
    expect(r.shifts).toEqual({});
  });

  it('skips weekly and monthly runs with the reason', async () => {
    const r = await replayForRun({ ...base, frequency: 'week', series: [series('A', n)], dir });
    expect(r.summary.status).toBe('skipped');
    expect(r.summary.note).toMatch(/this run works in weeks and the replay works day by day/);
  });

  it('skips too short a history, saying how many days it has and needs', async () => {
    const r = await replayForRun({ ...base, series: [series('A', 80, lastDay - 79)], dir });
    expect(r.summary.status).toBe('skipped');
    expect(r.summary.note).toContain('cover 80 days and the replay needs 84');
  });

  it('replays steady sales without a lost unit, writes simulation.csv and leaves out an item sold too briefly', async () => {
    const out = join(dir, 'replayed');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(out);
    const r = await replayForRun({ ...base, series: [series('A', n), series('B', n, START, 2), series('NEW', 30, lastDay - 29)], dir: out });
    expect(r.summary.status).toBe('replayed');
    expect(r.summary.series).toBe(2);
    expect(r.summary.seriesLeftOut).toBe(1);
    expect(r.summary.leftOutExamples).toEqual(['S1/NEW']);
    expect(r.summary.firstDate).toBe(formatDay(lastDay - 27));
    expect(r.summary.lastDate).toBe(formatDay(lastDay));
    const proposed = r.summary.policies!.find((p) => p.policy === 'proposed')!;
    // 4 + 2 units a day over 28 days, all served
    expect(proposed.fillRate).toBe(1);
    expect(proposed.lostUnits).toBe(0);
    expect(proposed.stockoutDays).toBe(0);
    expect(r.summary.policies!.map((p) => p.policy)).toContain('simple_3w');
    expect(r.summary.calibration!.length).toBeGreaterThan(0);
    expect(Object.keys(r.bySeries).sort()).toEqual(['S1\u0000A', 'S1\u0000B']);
    expect(r.bySeries['S1\u0000A']).toEqual({ fillRate: 1, stockoutDays: 0, lostUnits: 0 });
    expect(existsSync(join(out, 'simulation.csv'))).toBe(true);
    const csv = await readFile(join(out, 'simulation.csv'), 'utf8');
    // one row per series and policy plus the totals
    const policies = r.summary.policies!.length;
    expect(csv.trim().split('\n')).toHaveLength(1 + 2 * policies + policies);
    // by default a run refits once per window (4 weeks = 28 days) and replays every series of a small catalogue
    expect(r.summary.refitDays).toBe(28);
    expect(r.summary.sample).toBeUndefined();
    expect(r.summary.note).toContain('Forecasts were made once at the start of the replayed weeks');
  });

  it('replays a sample of at most runMaxSeries series, spread over sales volume, and says so', async () => {
    const out = join(dir, 'sampled');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(out);
    // 4 series selling 1, 2, 3, 4 a day; 2 sampled: the middle ranks of the halves [1, 2] and [3, 4] are ranks 1 and 3 (0-based): 2 and 4 a day
    const all = [series('A', n, START, 3), series('B', n, START, 1), series('C', n, START, 4), series('D', n, START, 2)];
    const r = await replayForRun({ ...base, config: configWith({ weeks: 4, calibrationWeeks: 4, runMaxSeries: 2, runRefitDays: 7 }), series: all, dir: out });
    expect(r.summary.series).toBe(2);
    expect(r.summary.sample).toEqual({ of: 4, rule: 'spread evenly over units sold before the calibration weeks' });
    expect(Object.keys(r.bySeries).sort()).toEqual(['S1\u0000C', 'S1\u0000D']);
    expect(r.summary.refitDays).toBe(7);
    expect(r.summary.note).toContain('2 of the 4 items that could take part were replayed');
    expect(r.summary.note).toContain('Forecasts were remade every 7 days (4 times over the replayed weeks)');
  });
});

describe('replaySubjects', () => {
  it('keeps series covering the windows and the averaging days, in order, and names the others', () => {
    const config = configWith({ weeks: 1, calibrationWeeks: 0, simpleAverageDays: 7 });
    const last = START + 99;
    // needs days last-13 .. last
    const r = replaySubjects([series('A', 100), series('B', 14, last - 13), series('C', 13, last - 12)], {}, config, last);
    expect(r.subjects.map((s) => s.sku)).toEqual(['A', 'B']);
    expect(r.leftOut).toEqual(['S1/C']);
    // no unit cost: the last price before the replayed week
    expect(r.subjects[0].unitValue).toBe(2.5);
  });
});
