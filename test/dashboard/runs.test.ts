import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInFlight, jobInfo, readPublishedRuns, runRows, type PublishedRun, type RunJobInfo } from '../../dashboard/runs.js';

const T0 = Date.UTC(2016, 2, 28, 2, 0);
const min = 60_000;

function published(runId: string, finishedAt: number, extra: Partial<PublishedRun['summary']> = {}): PublishedRun {
  return {
    runId,
    summary: {
      runId,
      command: 'run',
      runDate: '2016-03-27',
      finishedAt: new Date(finishedAt).toISOString(),
      rows: { read: 100, accepted: 97, rejected: 3 },
      quality: { series: 4, meanScore: 91.25 },
      forecast: { series: 4, meanRmsse: 0.81, meanMase: 0.9, meanFva: 0.12 },
      degraded: [],
      ...extra,
    },
    files: ['forecasts.csv', 'orders.csv', 'rejected.csv', 'run.json'],
    latest: false,
    mtimeMs: finishedAt,
  };
}

function job(queue: 'run' | 'publish', state: RunJobInfo['state'], runId: string | undefined, timestamp: number, extra: Partial<RunJobInfo> = {}): RunJobInfo {
  return { queue, id: queue === 'run' ? (runId ?? 'repeat:nightly:1') : `publish-${runId}`, name: queue, state, timestamp, runId, ...extra };
}

describe('runRows', () => {
  it('lists a published run with its figures and files', () => {
    const [row] = runRows([published('r1', T0)], []);
    expect(row).toMatchObject({
      runId: 'r1', status: 'published', time: '2016-03-28T02:00:00.000Z', runDate: '2016-03-27',
      rows: { read: 100, accepted: 97, rejected: 3 }, quality: 91.25, accuracy: { rmsse: 0.81, mase: 0.9, fva: 0.12 }, series: 4,
    });
    expect(row.files).toContain('forecasts.csv');
  });

  it('follows a run through the queue: queued, preparing, forecasting, publishing, failed', () => {
    expect(runRows([], [job('run', 'waiting', 'r', T0)])[0].status).toBe('queued');
    expect(runRows([], [job('run', 'active', 'r', T0, { processedOn: T0 + min })])[0]).toMatchObject({ status: 'preparing', time: new Date(T0 + min).toISOString() });
    const prepared = job('run', 'completed', 'r', T0, { finishedOn: T0 + min });
    expect(runRows([], [prepared, job('publish', 'waiting-children', 'r', T0 + min)])[0].status).toBe('forecasting');
    expect(runRows([], [prepared, job('publish', 'active', 'r', T0 + min)])[0].status).toBe('publishing');
    const failed = runRows([], [prepared, job('publish', 'failed', 'r', T0 + min, { failedReason: 'disk full' })])[0];
    expect(failed).toMatchObject({ status: 'failed', detail: 'disk full' });
    expect(failed.jobs).toEqual([{ queue: 'run', id: 'r' }, { queue: 'publish', id: 'publish-r' }]);
    expect(runRows([], [job('run', 'failed', 'r', T0, { failedReason: 'InputError: no date column' })])[0]).toMatchObject({ status: 'failed', detail: 'InputError: no date column' });
  });

  it('shows a scheduler tick as scheduled at its time, and a retry wait as queued', () => {
    const tick = runRows([], [job('run', 'delayed', undefined, T0, { id: 'repeat:nightly:99', delay: 60 * min })])[0];
    expect(tick).toMatchObject({ runId: 'job repeat:nightly:99', status: 'scheduled', time: new Date(T0 + 60 * min).toISOString() });
    expect(isInFlight(tick.status)).toBe(false);
    const retry = runRows([], [job('run', 'delayed', 'r', T0, { attemptsMade: 1, delay: 1000, failedReason: 'ECONNRESET' })])[0];
    expect(retry).toMatchObject({ status: 'queued', detail: 'retrying after a failed attempt: ECONNRESET' });
  });

  it('lets the run directory decide once the publish job completed, and a newer re-run decide while it is in flight', () => {
    const done = [job('run', 'completed', 'r', T0), job('publish', 'completed', 'r', T0 + min, { finishedOn: T0 + 2 * min })];
    expect(runRows([published('r', T0 + 2 * min)], done)[0].status).toBe('published');
    const rerun = runRows([published('r', T0)], [job('run', 'active', 'r', T0 + 10 * min)])[0];
    expect(rerun.status).toBe('preparing');
    expect(rerun.files).toContain('forecasts.csv');
    expect(rerun.detail).toMatch(/previous outputs/);
    // an old failed job does not hide a newer published directory
    expect(runRows([published('r', T0 + 10 * min)], [job('run', 'failed', 'r', T0)])[0].status).toBe('published');
  });

  it('marks degraded and validation runs, and a directory without a readable run.json', () => {
    expect(runRows([published('d', T0, { degraded: ['batch 1 (series 50-99): boom'] })], [])[0]).toMatchObject({ status: 'degraded', detail: 'batch 1 (series 50-99): boom' });
    expect(runRows([published('v', T0, { command: 'validate', forecast: null })], [])[0]).toMatchObject({ status: 'validated', accuracy: null });
    const broken: PublishedRun = { runId: 'b', summary: null, error: 'run.json is missing', files: [], latest: false, mtimeMs: T0 };
    expect(runRows([broken], [])[0]).toMatchObject({ status: 'unknown', detail: 'run.json is missing', time: new Date(T0).toISOString() });
  });

  it('lists every run once, newest first, at most limit rows', () => {
    const rows = runRows(
      [published('old', T0), published('new', T0 + 5 * min)],
      [job('run', 'waiting', 'queued', T0 + 9 * min), job('run', 'completed', 'new', T0 + 4 * min), job('publish', 'completed', 'new', T0 + 4 * min)],
    );
    expect(rows.map((r) => r.runId)).toEqual(['queued', 'new', 'old']);
    expect(runRows([published('a', T0), published('b', T0 + 1)], [], 1).map((r) => r.runId)).toEqual(['b']);
  });
});

describe('jobInfo', () => {
  const base = { name: 'run', data: { mode: 'input', input: 'a.csv', runDate: '2016-03-27' }, timestamp: T0, processedOn: undefined, finishedOn: undefined, failedReason: '', returnvalue: null, delay: 0, attemptsMade: 0 };
  it('takes the run id from the job id of a manual run, the return value of a tick, the data of a publish job', () => {
    expect(jobInfo('run', { ...base, id: '2016-03-27-abc' } as never, 'waiting')).toMatchObject({ runId: '2016-03-27-abc', runDate: '2016-03-27' });
    expect(jobInfo('run', { ...base, id: 'repeat:nightly:1', name: 'nightly' } as never, 'delayed').runId).toBeUndefined();
    expect(jobInfo('run', { ...base, id: 'repeat:nightly:1', name: 'nightly', returnvalue: { runId: '2016-03-27-nightly-x' } } as never, 'completed').runId).toBe('2016-03-27-nightly-x');
    expect(jobInfo('publish', { ...base, id: 'publish-r', name: 'publish', data: { runId: 'r' } } as never, 'active')).toMatchObject({ queue: 'publish', runId: 'r' });
  });
});

describe('readPublishedRuns', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reads run directories, skips staging ones, and knows which one is latest', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dash-runs-'));
    dirs.push(out);
    expect(await readPublishedRuns(out)).toEqual([]);
    const runs = join(out, 'runs');
    for (const id of ['2016-03-27-aaa', '2016-03-28-bbb', '.staging-x', 'broken']) mkdirSync(join(runs, id), { recursive: true });
    writeFileSync(join(runs, '2016-03-27-aaa', 'run.json'), JSON.stringify(published('2016-03-27-aaa', T0).summary));
    writeFileSync(join(runs, '2016-03-27-aaa', 'forecasts.csv'), 'store,sku\r\n');
    writeFileSync(join(runs, '2016-03-27-aaa', 'other.txt'), 'x');
    writeFileSync(join(runs, '2016-03-28-bbb', 'run.json'), JSON.stringify({ runId: 'x', rows: { read: 'many' } }));
    writeFileSync(join(runs, '.staging-x', 'run.json'), '{}');
    utimesSync(join(runs, 'broken'), T0 / 1000, T0 / 1000);
    symlinkSync(join('runs', '2016-03-27-aaa'), join(out, 'latest'));

    const found = new Map((await readPublishedRuns(out)).map((r) => [r.runId, r]));
    expect([...found.keys()].sort()).toEqual(['2016-03-27-aaa', '2016-03-28-bbb', 'broken']);
    expect(found.get('2016-03-27-aaa')).toMatchObject({ latest: true, files: ['forecasts.csv', 'run.json'], summary: { rows: { read: 100 } } });
    expect(found.get('2016-03-28-bbb')).toMatchObject({ latest: false, summary: null, error: expect.stringMatching(/rows\.read/) });
    expect(found.get('broken')).toMatchObject({ summary: null, error: 'run.json is missing', mtimeMs: T0 });
  });
});
