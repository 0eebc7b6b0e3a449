import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDay } from '../../../pipelines/dates.js';
import { parseForecastsCsv, parseQualityScores, scoreEarlierRuns, scoreRealized } from '../../../pipelines/publish/realized.js';
import { defaultConfig } from '../../../config/schema.js';
import { forecastBatch, forecastContext, prepareRun, publishRun } from '../../../pipelines/run/run.js';
import { appendHistory, historyPath, historyTrend, readHistory, runRecordFromSummary, type RunSummaryLike } from '../../../pipelines/publish/run-history.js';
import type { SeriesData } from '../../../pipelines/types.js';

const D0 = 18262; // 2020-01-01

function series(sku: string, demand: number[], observed?: number[], store = 'S1'): SeriesData {
  const n = demand.length;
  return {
    key: `${store}\u0000${sku}`,
    store,
    sku,
    start: D0,
    demand: Float64Array.from(demand),
    returns: new Float64Array(n),
    price: new Float64Array(n).fill(1),
    observed: Uint8Array.from(observed ?? new Array(n).fill(1)),
    issues: {},
    acceptedRows: n,
  };
}

/** forecasts.csv as publish.ts writes it: flat forecast 4, 80% [3, 5], 95% [1, 7], days 10..13. */
function forecastsCsv(skus: string[], store = 'S1'): string {
  let s = 'store,sku,date,forecast,lo_80,hi_80,lo_95,hi_95,model\r\n';
  for (const sku of skus) for (let t = 10; t <= 13; t++) s += `${store},${sku},${formatDay(D0 + t)},4,3,5,1,7,ses\r\n`;
  return s;
}

const HISTORY = [2, 4, 3, 5, 4, 6, 5, 3, 4, 4];
// RMSSE scale of HISTORY: squared one-step differences 4,1,4,1,4,1,4,1,0 -> 20 / 9

describe('parseForecastsCsv', () => {
  it('reads the published layout and its levels', () => {
    const f = parseForecastsCsv(forecastsCsv(['A']));
    expect(f.levels).toEqual([80, 95]);
    expect(f.points.length).toBe(4);
    expect(f.points[0]).toEqual({ store: 'S1', sku: 'A', day: D0 + 10, forecast: 4, lo: [3, 1], hi: [5, 7] });
  });
  it('names a missing column and a bad value', () => {
    expect(() => parseForecastsCsv('store,sku,date\r\n')).toThrow(/"forecast" column/);
    expect(() => parseForecastsCsv('store,sku,date,forecast\r\nS,A,2020-13-01,1\r\n')).toThrow(/bad date "2020-13-01" on line 2/);
    expect(() => parseForecastsCsv('store,sku,date,forecast\r\nS,A,2020-01-01,x\r\n')).toThrow(/bad forecast "x" on line 2/);
  });
});

describe('scoreRealized', () => {
  it('scores against the actuals by hand', () => {
    // actuals on days 10, 11, 12 (day 13 is past the new data): 5, 2, 6; errors -1, 2, -2
    const s = series('A', [...HISTORY, 5, 2, 6]);
    const r = scoreRealized(parseForecastsCsv(forecastsCsv(['A'])), [s], { origin: D0 + 9, kind: 'daily' });
    expect(r.series.length).toBe(1);
    const a = r.series[0];
    expect(a.days).toBe(3);
    expect(a.rmsse).toBeCloseTo(Math.sqrt(3 / (20 / 9)), 12); // 1.161895
    expect(a.mae).toBeCloseTo(5 / 3, 12);
    expect(a.bias).toBeCloseTo(-1 / 13, 12);
    expect(a.coverage[0]).toBeCloseTo(1 / 3, 12); // only 5 is inside [3, 5]
    expect(a.coverage[1]).toBe(1);
    expect(r.from).toBe(D0 + 10);
    expect(r.to).toBe(D0 + 12);
    expect(r.days).toBe(3);
    expect(r.overall).toMatchObject({ series: 1, points: 3 });
  });

  it('skips unobserved days of a daily input but counts them as zero sales for transactions', () => {
    const s = series('A', [...HISTORY, 5, 0, 6], [...new Array(10).fill(1), 1, 0, 1]);
    const d = scoreRealized(parseForecastsCsv(forecastsCsv(['A'])), [s], { origin: D0 + 9, kind: 'daily' });
    expect(d.series[0].days).toBe(2);
    expect(d.series[0].rmsse).toBeCloseTo(Math.sqrt(2.5 / (20 / 9)), 12);
    const t = scoreRealized(parseForecastsCsv(forecastsCsv(['A'])), [s], { origin: D0 + 9, kind: 'transactions' });
    expect(t.series[0].days).toBe(3);
    expect(t.series[0].mae).toBeCloseTo((1 + 4 + 2) / 3, 12);
  });

  it('relates realized error to the earlier quality score', () => {
    const sA = series('A', [...HISTORY, 4, 4, 4]); // perfect
    const sB = series('B', [...HISTORY, 6, 6, 6]); // off by 2
    const sC = series('C', [...HISTORY, 9, 9, 9]); // off by 5
    const r = scoreRealized(parseForecastsCsv(forecastsCsv(['A', 'B', 'C', 'D'])), [sA, sB, sC], {
      origin: D0 + 9,
      kind: 'daily',
      quality: [
        { store: 'S1', sku: 'A', score: 95 },
        { store: 'S1', sku: 'B', score: 80 },
        { store: 'S1', sku: 'C', score: 60 },
      ],
    });
    expect(r.series.map((x) => x.sku)).toEqual(['A', 'B', 'C']); // D has no actuals
    expect(r.qualitySpearman).toBeCloseTo(-1, 12);
    expect(r.overall.mae).toBeCloseTo((0 + 2 + 5) / 3, 12);
    expect(r.overall.coverage[0]).toBeCloseTo(3 / 9, 12);
  });

  it('needs an integer origin', () => {
    expect(() => scoreRealized({ levels: [], points: [] }, [], { origin: 1.5, kind: 'daily' })).toThrow(/integer origin/);
  });
});

describe('two runs through the real stages: the second scores the first', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'realized-e2e-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** 4 daily series x `days` days from 2021-01-04, level 3..6 with a weekly shape (deterministic). */
  function csv(days: number): string {
    const lines = ['date,store_id,item_id,units'];
    for (let s = 0; s < 4; s++) for (let t = 0; t < days; t++) lines.push(`${formatDay(18631 + t)},ST,ITEM_${s},${3 + s + ((t * (s + 3)) % 5) - (t % 7 === 6 ? 2 : 0)}`);
    return lines.join('\n') + '\n';
  }

  it('records both runs and the realized accuracy of the first, with interval coverage', async () => {
    const config = defaultConfig();
    const out = join(dir, 'out');
    const publish = async (input: string, runDate: string) => {
      const prep = await prepareRun({ input, outDir: out, config, runDate });
      const forecasts = forecastBatch(prep.series, forecastContext(prep, config));
      // publishRun writes quality-impact.csv and report.html and appends to the history itself
      const { runDir } = await publishRun(prep, forecasts, config, { mode: 'in-process' });
      return { prep, q: { realized: prep.realized }, runDir };
    };
    await writeFile(join(dir, 'jan-apr.csv'), csv(100)); // 2021-01-04 .. 2021-04-13
    await writeFile(join(dir, 'jan-may.csv'), csv(130)); // .. 2021-05-13
    const first = await publish(join(dir, 'jan-apr.csv'), '2021-04-13');
    expect(first.q.realized).toEqual([]);
    const second = await publish(join(dir, 'jan-may.csv'), '2021-05-13');
    expect(second.q.realized.length).toBe(1);
    const z = second.q.realized[0];
    expect(z).toMatchObject({ runId: first.prep.runId, scoredBy: second.prep.runId, from: '2021-04-14', to: '2021-05-11', days: 28, series: 4, points: 112 });
    for (const c of Object.values(z.coverage)) expect(c >= 0 && c <= 1).toBe(true);
    expect(z.rmsse).toBeGreaterThan(0);
    const h = await readHistory(historyPath(out));
    expect(h.runs.map((r) => r.runId)).toEqual([first.prep.runId, second.prep.runId]);
    const trend = historyTrend(h);
    expect(trend[0]).toMatchObject({ runId: first.prep.runId, realizedDays: 28, realizedRmsse: z.rmsse });
    expect(trend[1].realizedDays).toBe(0);
  });
});

describe('scoreEarlierRuns', () => {
  let out: string;
  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'realized-'));
  });
  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('scores an earlier run once per new coverage and reads its quality scores', async () => {
    const summary: RunSummaryLike = {
      runId: 'r1',
      runDate: formatDay(D0 + 9),
      mode: 'in-process',
      input: { path: 'a.csv', sha256: 'x', bytes: 1, kind: 'daily', calendar: null },
      rows: { read: 10, accepted: 10, rejected: 0 },
      issues: {},
      quality: { series: 2, meanScore: 88, medianScore: 88, minScore: 80 },
      cleaning: null,
      forecast: { series: 2, firstDate: formatDay(D0 + 10), lastDate: formatDay(D0 + 13), meanRmsse: 1, meanMase: 1, meanFva: 0, models: { ses: 2 } },
      impact: null,
    };
    await appendHistory(historyPath(out), runRecordFromSummary(summary, 't'));
    await mkdir(join(out, 'runs', 'r1'), { recursive: true });
    await writeFile(join(out, 'runs', 'r1', 'forecasts.csv'), forecastsCsv(['A', 'B']));
    await writeFile(join(out, 'runs', 'r1', 'quality.csv'), 'store,sku,score\r\nS1,A,96\r\nS1,B,80\r\n');

    const first = await scoreEarlierRuns(out, [series('A', [...HISTORY, 4, 4]), series('B', [...HISTORY, 6, 6])], { kind: 'daily', scoredBy: 'r2', recordedAt: 'now' });
    expect(first.records.length).toBe(1);
    expect(first.records[0]).toMatchObject({ type: 'realized', runId: 'r1', scoredBy: 'r2', from: formatDay(D0 + 10), to: formatDay(D0 + 11), days: 2, series: 2, points: 4, qualityScore: 88 });
    expect(first.records[0].coverage).toEqual({ '80': 0.5, '95': 1 });
    expect(first.results.get('r1')!.series.map((s) => s.qualityScore)).toEqual([96, 80]);
    await appendHistory(historyPath(out), first.records[0]);

    // the same actuals again: nothing new to score
    const again = await scoreEarlierRuns(out, [series('A', [...HISTORY, 4, 4])], { kind: 'daily', scoredBy: 'r3', recordedAt: 'now' });
    expect(again.records).toEqual([]);
    // one more day of actuals: scored again, wider
    const wider = await scoreEarlierRuns(out, [series('A', [...HISTORY, 4, 4, 4])], { kind: 'daily', scoredBy: 'r4', recordedAt: 'now' });
    expect(wider.records.map((r) => r.to)).toEqual([formatDay(D0 + 12)]);
    // the run itself is never scored against its own input
    const self = await scoreEarlierRuns(out, [series('A', [...HISTORY, 4, 4, 4, 4])], { kind: 'daily', scoredBy: 'r1', recordedAt: 'now', skipRunId: 'r1' });
    expect(self.records).toEqual([]);
  });

  it('parses quality.csv scores', () => {
    expect(parseQualityScores('store,sku,first_sale,score\r\nS,A,2020-01-01,91.5\r\n')).toEqual([{ store: 'S', sku: 'A', score: 91.5 }]);
    expect(() => parseQualityScores('store,sku\r\n')).toThrow(/score columns/);
  });
});
