/**
 * Security, end to end: spreadsheet formulas neutralised in every output file (run outputs and
 * the nightly quarantine); paths from a job, the CLI and the dashboard confined to the data
 * directory (`..`, absolute paths, symbolic links out), checked again by the worker for a job
 * that bypassed the producer; no credential in logs or run.json.
 * (Basic authentication and the CSRF rule are covered route by route in test/dashboard/.)
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Papa from 'papaparse';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { runPipeline } from '../../pipelines/run/run.js';
import { queueOptions, redisConnection } from '../../workers/connection.js';
import { publishJobId, QUEUES } from '../../workers/queues.js';
import { enqueueRun, waitForRun } from '../../workers/run-queue.js';
import { startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { nastyFiles } from '../fixtures/nasty/make.mjs';
import { CLI } from '../workers/build.js';
import { dailyCsv } from '../workers/fixtures.js';
import { cleanup, testConfig, waitFor } from '../workers/helpers.js';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'security-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every CSV file below `dir`. */
function csvFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...csvFiles(p));
    else if (e.name.endsWith('.csv')) out.push(p);
  }
  return out;
}

/** Cells a spreadsheet would evaluate: starting with = + - @ tab or CR, and not a plain number. */
function dangerousCells(path: string): string[] {
  const rows = Papa.parse<string[]>(readFileSync(path, 'utf8'), { skipEmptyLines: true }).data;
  const bad: string[] = [];
  for (const r of rows) for (const c of r) if (/^[=+\-@\t\r]/.test(c) && !Number.isFinite(Number(c))) bad.push(c);
  return bad;
}

// the formulas corpus file, plus a formula in a header name (it is echoed in rejected.csv) and
// enough history for every series to be forecast
function formulaInput(): string {
  const corpus = nastyFiles()['formulas.csv'].toString('utf8').trimEnd().split('\n');
  const lines = [corpus[0] + ',=HYPERLINK("http://evil")'];
  for (let d = 0; d < 60; d++) {
    for (const l of corpus.slice(1)) {
      const f = l.split(',');
      if (/^\d{4}-\d{2}-\d{2}$/.test(f[0])) f[0] = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
      lines.push(f.join(',') + ',@x');
    }
  }
  return lines.join('\n') + '\n';
}

describe('CSV formula injection', () => {
  it('no cell of any output file of a run can be evaluated as a formula; report.html escapes markup', async () => {
    const input = join(tmp, 'formulas.csv');
    writeFileSync(input, formulaInput());
    const res = await runPipeline({ input, outDir: join(tmp, 'out'), config: parseConfig({}), runDate: '2024-03-15' });
    expect(res.summary.rows.rejected).toBeGreaterThan(0);
    const files = csvFiles(res.runDir);
    expect(files.map((f) => f.slice(res.runDir.length + 1)).sort()).toEqual(
      expect.arrayContaining(['accuracy.csv', 'forecasts.csv', 'quality.csv', 'rejected.csv', 'orders.csv', 'orders-by-supplier.csv', 'quality-impact.csv']),
    );
    for (const f of files) expect(dangerousCells(f), f).toEqual([]);
    // the formulas are there, neutralised, not dropped
    const forecasts = readFileSync(join(res.runDir, 'forecasts.csv'), 'utf8');
    expect(forecasts).toContain(`'=CMD(1)`);
    expect(forecasts).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(readFileSync(join(res.runDir, 'rejected.csv'), 'utf8')).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const html = readFileSync(join(res.runDir, 'report.html'), 'utf8');
    expect(html).not.toContain('<script>alert(1)</script>');
  }, 120_000);

  it('the nightly quarantine files too', async () => {
    const dataDir = join(tmp, 'nightly');
    mkdirSync(join(dataDir, 'incoming'), { recursive: true });
    writeFileSync(join(dataDir, 'incoming', 'export.csv'), formulaInput());
    const r = await run(process.execPath, [CLI, 'nightly', '--run-date', '2024-03-15'], { env: { ...process.env, FORECAST_DATA_DIR: dataDir } }).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code?: number }).code ?? 0, (r as { stderr: string }).stderr).toBe(0);
    const quarantined = csvFiles(join(dataDir, 'quarantine'));
    expect(quarantined.length).toBe(1);
    for (const f of [...quarantined, ...csvFiles(join(dataDir, 'out'))]) expect(dangerousCells(f), f).toEqual([]);
  }, 120_000);
});

describe('path confinement: job payloads, the CLI, the dashboard', () => {
  let cfg: Config;
  let host: WorkerHost | null = null;
  let dash: RunningDashboard;
  let q: Queue;
  const outside = join(tmp, 'outside-secret.csv');
  const credentials = { user: 'ops', password: 'dash-pass-123', generated: false };
  const auth = { authorization: `Basic ${Buffer.from('ops:dash-pass-123').toString('base64')}` };
  beforeAll(async () => {
    cfg = testConfig({ queue: { attempts: 3 } });
    writeFileSync(outside, dailyCsv({ stores: 1, skus: 2, days: 80, seed: 99 }));
    mkdirSync(join(cfg.dataDir, 'exports'));
    writeFileSync(join(cfg.dataDir, 'exports', 'ok.csv'), dailyCsv({ stores: 1, skus: 2, days: 80 }));
    symlinkSync(outside, join(cfg.dataDir, 'exports', 'link.csv')); // a file link out
    symlinkSync(tmp, join(cfg.dataDir, 'escape')); // a directory link out
    host = await startWorkers(cfg, { name: 'confinement' });
    dash = await startDashboard(cfg, { host: '127.0.0.1', port: 0, credentials });
    q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
  }, 60_000);
  afterAll(async () => {
    await q?.close();
    await dash?.close();
    await host?.close(true);
    await cleanup(cfg);
  });

  const escapes = ['../outside-secret.csv', '../../etc/passwd', '/etc/passwd', 'exports/link.csv', 'escape/outside-secret.csv', 'exports/../../x.csv'];

  it('the producer refuses every escape, as input and as calendar', async () => {
    for (const p of escapes) {
      await expect(enqueueRun(q, cfg, { mode: 'input', input: p }), p).rejects.toThrow(/outside the data directory|must not contain "\.\."|symbolic link|must be a path relative/);
      await expect(enqueueRun(q, cfg, { mode: 'input', input: 'exports/ok.csv', calendar: p }), p).rejects.toThrow(/outside the data directory|must not contain "\.\."|symbolic link|must be a path relative/);
    }
    expect(await q.count()).toBe(0);
  });

  it('a job that bypassed the producer is refused by the worker (no retry), and nothing of the outside file is read into an output', async () => {
    const ids: string[] = [];
    for (const p of ['/etc/passwd', 'exports/link.csv', 'escape/outside-secret.csv', join(tmp, 'outside-secret.csv')]) {
      const j = await q.add('run', { mode: 'input', input: p, runDate: '2024-03-20' }, { attempts: 3 });
      ids.push(j.id!);
    }
    for (const id of ids) {
      const job = await waitFor(async () => {
        // state first, then the job: a job read before its state turned failed would be stale
        if ((await q.getJobState(id)) !== 'failed') return undefined;
        return q.getJob(id);
      }, 30_000, `job ${id} to fail`);
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(/(PathError|PayloadError): .*(outside the data directory|symbolic link|must be a path relative)/);
    }
    const published = (() => {
      try {
        return readdirSync(join(cfg.dataDir, 'out', 'runs'));
      } catch {
        return [];
      }
    })();
    expect(published.filter((n) => !n.startsWith('.'))).toEqual([]);
  }, 60_000);

  it('the CLI (forecast enqueue) refuses them before anything is queued', async () => {
    for (const p of ['../../etc/passwd', '/etc/passwd', join(cfg.dataDir, 'exports', 'link.csv')]) {
      const r = await run(process.execPath, [CLI, 'enqueue', '--input', p], { env: { ...process.env, REDIS_URL: cfg.queue.redisUrl, FORECAST_DATA_DIR: cfg.dataDir } }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(r.code, p).not.toBe(0);
      expect(r.stderr, p).toMatch(/outside the data directory|symbolic link|\.\./);
      expect(r.stderr).not.toMatch(/unexpected error/);
    }
  }, 60_000);

  it('the dashboard trigger refuses them with 400 and queues nothing', async () => {
    const before = await q.count();
    for (const p of escapes) {
      const res = await fetch(`${dash.url}/queues/api/queues/run/add`, {
        method: 'POST',
        headers: { ...auth, origin: dash.url, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'run', data: { mode: 'input', input: p }, options: {} }),
      });
      expect(res.status, p).toBe(400);
      expect(((await res.json()) as { message: string }).message, p).toMatch(/outside the data directory|must not contain "\.\."|symbolic link|must be a path relative/);
    }
    expect(await q.count()).toBe(before);
  });

  it('the dashboard serves no file through a link planted in a run directory, nor a staging directory', async () => {
    const runDir = join(cfg.dataDir, 'out', 'runs', '2024-03-20-0123456789ab');
    mkdirSync(runDir, { recursive: true });
    symlinkSync(outside, join(runDir, 'forecasts.csv'));
    mkdirSync(join(cfg.dataDir, 'out', 'runs', '.staging-x'), { recursive: true });
    writeFileSync(join(cfg.dataDir, 'out', 'runs', '.staging-x', 'forecasts.csv'), 'partial');
    for (const path of ['/runs/2024-03-20-0123456789ab/forecasts.csv', '/runs/.staging-x/forecasts.csv', '/runs/%2E%2E/forecasts.csv']) {
      const res = await fetch(`${dash.url}${path}`, { headers: auth });
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('SKU1');
    }
    rmSync(runDir, { recursive: true });
  });
});

describe('job identity: run ids, job ids and payloads are data, never paths', () => {
  let cfg: Config;
  let host: WorkerHost | null = null;
  let dash: RunningDashboard;
  const queues: Record<string, Queue> = {};
  const credentials = { user: 'ops', password: 'dash-pass-1234', generated: false };
  const auth = { authorization: `Basic ${Buffer.from('ops:dash-pass-1234').toString('base64')}` };
  const historyFiles = () => readdirSync(join(cfg.dataDir, 'history')).sort();
  beforeAll(async () => {
    cfg = testConfig({ queue: { attempts: 2 } });
    mkdirSync(join(cfg.dataDir, 'exports'));
    writeFileSync(join(cfg.dataDir, 'exports', 'ok.csv'), dailyCsv({ stores: 1, skus: 2, days: 80 }));
    // what the attacks aimed at: the sales history
    mkdirSync(join(cfg.dataDir, 'history'));
    writeFileSync(join(cfg.dataDir, 'history', 'sales.db'), 'the sales history');
    writeFileSync(join(cfg.dataDir, 'history', 'snapshot.bin'), 'the snapshot');
    host = await startWorkers(cfg, { name: 'identity' });
    dash = await startDashboard(cfg, { host: '127.0.0.1', port: 0, credentials });
    const conn = redisConnection(cfg.queue.redisUrl, 'producer');
    for (const name of Object.values(QUEUES)) queues[name] = new Queue(name, queueOptions(cfg, conn));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(Object.values(queues).map((x) => x.close()));
    await dash?.close();
    await host?.close(true);
    await cleanup(cfg);
  });

  const failed = (queue: Queue, id: string) =>
    waitFor(async () => ((await queue.getJobState(id)) === 'failed' ? queue.getJob(id) : undefined), 30_000, `job ${id} to fail`);

  it('an edited publish payload (work "history" or ".") cannot remove anything: the dashboard refuses the edit, and the worker refuses the job written straight into Redis', async () => {
    const { runId } = await enqueueRun(queues.run, cfg, { mode: 'input', input: 'exports/ok.csv', runDate: '2024-03-20' });
    const done = await waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 60_000 });
    expect(done.runDir).toBe(`out/runs/${runId}`);
    const pid = publishJobId(runId);
    const job = (await queues.publish.getJob(pid))!;
    const original = job.data;
    for (const work of ['history', '.']) {
      const evil = { ...original, work, staging: 'nope' };
      const before = (await queues.publish.getJob(pid))!.data;
      // the dashboard: bull-board's "edit job data" is refused for publish (and train) jobs
      const res = await fetch(`${dash.url}/queues/api/queues/publish/${encodeURIComponent(pid)}/update-data`, {
        method: 'PATCH',
        headers: { ...auth, origin: dash.url, 'content-type': 'application/json' },
        body: JSON.stringify({ jobData: evil }),
      });
      expect(res.status, work).toBe(405);
      expect((await queues.publish.getJob(pid))!.data).toEqual(before);
      // straight into Redis, then retried: the worker refuses the payload, nothing is removed
      const j = (await queues.publish.getJob(pid))!;
      await j.updateData(evil);
      await j.retry((await j.getState()) as 'completed' | 'failed');
      const f = await failed(queues.publish, pid);
      expect(f.failedReason).toMatch(/PayloadError: invalid publish payload: .*[Uu]nrecognized key/);
      expect(historyFiles()).toEqual(['sales.db', 'snapshot.bin']);
      expect(readdirSync(join(cfg.dataDir, 'out', 'runs'))).toContain(runId);
    }
    // a well-formed payload whose derived work directory was replaced by a link to the history:
    // the remover resolves it and refuses
    mkdirSync(join(cfg.dataDir, 'work'), { recursive: true });
    symlinkSync(join(cfg.dataDir, 'history'), join(cfg.dataDir, 'work', runId));
    const j = (await queues.publish.getJob(pid))!;
    await j.updateData(original);
    await j.retry('failed');
    const f = await failed(queues.publish, pid);
    expect(f.failedReason).toMatch(/PathError: refusing to remove/);
    expect(historyFiles()).toEqual(['sales.db', 'snapshot.bin']);
  }, 120_000);

  it('a run job added with job id "../../victim" fails at once, removing and writing nothing outside the data directory', async () => {
    // <dataDir>/work/../../victim-<name> is a sibling of the data directory
    const name = `victim-${cfg.queue.prefix}`;
    const victim = join(cfg.dataDir, '..', name);
    mkdirSync(victim);
    writeFileSync(join(victim, 'precious.txt'), 'keep me');
    try {
      const jobId = `../../${name}`;
      await queues.run.add('run', { mode: 'input', input: 'exports/ok.csv', runDate: '2024-03-21' }, { jobId, attempts: 2 });
      const f = await failed(queues.run, jobId);
      expect(f.attemptsMade).toBe(1);
      expect(f.failedReason).toMatch(/PayloadError: run job id "\.\.\/\.\.\/victim-\w+" is not a run id/);
      expect(readdirSync(victim)).toEqual(['precious.txt']);
      expect(readFileSync(join(victim, 'precious.txt'), 'utf8')).toBe('keep me');
      expect(historyFiles()).toEqual(['sales.db', 'snapshot.bin']);
    } finally {
      rmSync(victim, { recursive: true, force: true });
    }
  }, 60_000);

  it('train and publish payloads carry no path: a job naming one fails, and the run id must have the shape of one', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['train', 'train-batch', { runId: '..', batch: 0, from: 0, to: 1 }, /runId: must be a run id/],
      ['train', 'train-batch', { runId: 'r', work: 'history', batch: 0, from: 0, to: 1 }, /[Uu]nrecognized key/],
      ['publish', 'publish', { runId: 'a/b', batches: 0, series: 0, startedAt: 't' }, /runId: must be a run id/],
    ];
    for (const [qname, jname, data, message] of cases) {
      const j = await queues[qname].add(jname, data as object, { attempts: 2 });
      const f = await failed(queues[qname], j.id!);
      expect(f.attemptsMade).toBe(1);
      expect(f.failedReason).toMatch(message);
    }
    expect(historyFiles()).toEqual(['sales.db', 'snapshot.bin']);
  }, 60_000);
});

describe('no credentials in logs or run.json', () => {
  it('a run configured with a Redis password and a dashboard password writes neither', async () => {
    const config = parseConfig({ queue: { redisUrl: 'redis://:redis-Secret-42@127.0.0.1:6399' }, dashboard: { user: 'ops', password: 'dash-Secret-42' } });
    const input = join(tmp, 'plain.csv');
    writeFileSync(input, dailyCsv({ stores: 1, skus: 2, days: 80 }));
    const res = await runPipeline({ input, outDir: join(tmp, 'secret-out'), config, runDate: '2024-03-20' });
    for (const f of readdirSync(res.runDir)) {
      const text = readFileSync(join(res.runDir, f), 'utf8');
      expect(text, f).not.toContain('Secret-42');
    }
    const history = join(tmp, 'secret-out', 'history');
    for (const f of readdirSync(history)) if (statSync(join(history, f)).isFile()) expect(readFileSync(join(history, f), 'utf8')).not.toContain('Secret-42');
  });

  it('the dashboard never prints a configured password, whatever requests it gets', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sec-dash-'));
    const child = spawn(process.execPath, [CLI, 'dashboard', '--port', '0', '--data-dir', dataDir], {
      env: { ...process.env, FORECAST_DASHBOARD_USER: 'ops', FORECAST_DASHBOARD_PASSWORD: 'dash-Secret-43', REDIS_URL: process.env.REDIS_URL ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    try {
      const url = await waitFor(() => log.match(/http:\/\/127\.0\.0\.1:\d+/)?.[0] ?? (child.exitCode !== null ? Promise.reject(new Error(log)) : undefined), 30_000, 'dashboard address');
      const good = { authorization: `Basic ${Buffer.from('ops:dash-Secret-43').toString('base64')}` };
      const bad = { authorization: `Basic ${Buffer.from('ops:dash-Secret-44').toString('base64')}` };
      expect((await fetch(`${url}/api/runs`, { headers: bad })).status).toBe(401);
      expect((await fetch(`${url}/api/runs`, { headers: good })).status).toBe(200);
      expect((await fetch(`${url}/queues/api/queues/run/pause`, { method: 'PUT', headers: good })).status).toBe(403);
      await new Promise((r) => setTimeout(r, 200));
      // JSON log lines (stderr is not a terminal): the quotes around the user are escaped
      expect(log).toContain('log in as \\"ops\\" with the configured password');
      expect(log).not.toMatch(/dash-Secret-4[34]/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
