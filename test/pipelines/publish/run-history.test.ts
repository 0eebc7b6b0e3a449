import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendHistory,
  formatTrend,
  historyPath,
  historyTrend,
  parseHistory,
  readHistory,
  recordRun,
  runRecordFromSummary,
  type RealizedRecord,
  type RunRecord,
  type RunSummaryLike,
} from '../../../pipelines/publish/run-history.js';

function summary(runId: string, runDate: string, meanScore: number, meanRmsse: number | null): RunSummaryLike {
  return {
    runId,
    runDate,
    mode: 'in-process',
    input: { path: 'sales.csv', sha256: 'ab'.repeat(32), bytes: 1000, kind: 'daily', calendar: null },
    rows: { read: 100, accepted: 90, rejected: 10 },
    issues: { duplicate_row: 4, bad_date: 6 },
    quality: { series: 3, meanScore, medianScore: meanScore, minScore: meanScore - 10 },
    cleaning: { outlierDaysWinsorised: 2 },
    forecast: { series: 3, firstDate: '2020-02-01', lastDate: '2020-02-28', meanRmsse, meanMase: 0.9, meanFva: 0.1, models: { ses: 3 } },
    impact: { spearman: -0.4, topDefect: 'missing', other: 1 },
  };
}

function realized(runId: string, days: number, rmsse: number, recordedAt = '2020-03-01T00:00:00.000Z'): RealizedRecord {
  return {
    type: 'realized',
    v: 1,
    runId,
    scoredBy: 'later',
    recordedAt,
    from: '2020-02-01',
    to: `2020-02-${String(days).padStart(2, '0')}`,
    days,
    series: 3,
    points: 3 * days,
    rmsse,
    mae: 1,
    bias: 0.05,
    coverage: { '80': 0.78, '95': 0.93 },
    qualityScore: 90,
    qualitySpearman: -0.5,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'run-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('run history', () => {
  it('appends records and reads them back in order', async () => {
    const file = historyPath(dir);
    expect(file).toBe(join(dir, 'history', 'runs.jsonl'));
    const a = runRecordFromSummary(summary('r1', '2020-01-31', 90, 0.8), '2020-01-31T02:00:00.000Z');
    const b = runRecordFromSummary(summary('r2', '2020-02-29', 85, 0.9), '2020-02-29T02:00:00.000Z');
    await recordRun(file, a);
    await recordRun(file, b);
    await appendHistory(file, realized('r1', 14, 0.95));
    const h = await readHistory(file);
    expect(h.runs).toEqual([a, b]);
    expect(h.realized.length).toBe(1);
    expect(h.skipped).toBe(0);
    expect(a).toMatchObject({ type: 'run', v: 1, runDir: 'runs/r1', impact: { spearman: -0.4, topDefect: 'missing' } });
    // append-only: the first line is unchanged after later appends
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(JSON.parse(lines[0])).toEqual(a);
  });

  it('reads a missing file as an empty history', async () => {
    expect(await readHistory(join(dir, 'nope.jsonl'))).toEqual({ runs: [], realized: [], failed: [], skipped: 0 });
  });

  it('skips a torn last line and unknown records', async () => {
    const file = historyPath(dir);
    await recordRun(file, runRecordFromSummary(summary('r1', '2020-01-31', 90, 0.8), 't'));
    await appendFile(file, '{"type":"other","v":1,"runId":"x"}\n{"type":"run","v":1,"runId":"r2","ru');
    const h = await readHistory(file);
    expect(h.runs.map((r) => r.runId)).toEqual(['r1']);
    expect(h.skipped).toBe(2);
  });

  it('keeps every line when many appends race', async () => {
    const file = historyPath(dir);
    await Promise.all(Array.from({ length: 25 }, (_, i) => recordRun(file, runRecordFromSummary(summary(`r${i}`, '2020-01-31', 90, 0.8), 't'))));
    const h = await readHistory(file);
    expect(h.runs.length).toBe(25);
    expect(h.skipped).toBe(0);
  });

  it('rejects records without a type or run id', async () => {
    await expect(appendHistory(historyPath(dir), { type: 'x' } as unknown as RunRecord)).rejects.toThrow(/run, realized or failed record/);
    await expect(appendHistory(historyPath(dir), { ...realized('r', 1, 1), runId: '' })).rejects.toThrow(/runId/);
  });
});

describe('historyTrend', () => {
  it('orders by run date, keeps the last record of a run id and its widest realized scoring', () => {
    const h = parseHistory(
      [
        runRecordFromSummary(summary('r2', '2020-02-29', 85, 0.9), 't2'),
        runRecordFromSummary(summary('r1', '2020-01-31', 90, 0.8), 't1'),
        runRecordFromSummary(summary('r1', '2020-01-31', 91, 0.7), 't3'),
        realized('r1', 14, 0.95),
        realized('r1', 28, 1.05, '2020-03-05T00:00:00.000Z'),
        realized('r1', 7, 0.5),
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const t = historyTrend(h);
    expect(t.map((r) => r.runId)).toEqual(['r1', 'r2']);
    expect(t[0]).toMatchObject({ qualityScore: 91, backtestRmsse: 0.7, realizedRmsse: 1.05, realizedDays: 28, rejectedShare: 0.1 });
    expect(t[1]).toMatchObject({ realizedRmsse: null, realizedDays: 0 });
    const text = formatTrend(t);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^run date\s+run id\s+rows\s+rejected\s+series\s+quality\s+backtest RMSSE\s+realized RMSSE\s+days\s+cover 80%\s+cover 95%\s+rho\(q,err\)$/);
    expect(lines[2]).toMatch(/^2020-01-31\s+r1\s+100\s+10\.0%\s+3\s+91\.0\s+0\.700\s+1\.050\s+28\s+78%\s+93%\s+-0\.50$/);
    expect(lines[3]).toMatch(/^2020-02-29\s+r2 .* 0\.900\s+-\s+-\s+-\s+-\s+-$/);
    expect(formatTrend([])).toBe('no runs recorded yet\n');
  });
});
