/**
 * Promises of the queued run under faults (in-process workers calling the same processors the
 * sandboxed ones call, the test's Redis):
 * - a re-trigger runs again when the last attempt failed, was published degraded, or its run
 *   directory is gone; a run published cleanly is still deduplicated;
 * - a run whose every row is rejected fails (never published, `latest` unchanged), is kept as
 *   `runs/<id>.failed`, and `forecast enqueue --wait` ends with exit 5 through the CLI;
 * - a wait always ends: a job that disappears from Redis (its queue emptied, as a Redis restarted
 *   without persistence leaves it) ends `--wait` with exit 5 saying it was lost, and
 *   `--retry-lost` queues it again and waits for it; work directories of runs Redis no longer
 *   knows are swept after a grace period.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue, Worker, type Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../config/schema.js';
import { RunFailedError, RunLostError } from '../../pipelines/errors.js';
import { dataLayout } from '../../pipelines/io/paths.js';
import { queueOptions, redisConnection } from '../../workers/connection.js';
import { processPublishJob } from '../../workers/publish-worker.js';
import { QUEUES, type TrainPayload } from '../../workers/queues.js';
import { enqueueRun, lastAttempt, processRunJob, sweepOrphanWork, waitForRun } from '../../workers/run-queue.js';
import { processTrainJob } from '../../workers/train-worker.js';
import { fitStoreEnv } from '../../workers/fit-store.js';
import { CLI, ROOT } from '../workers/build.js';
import { dailyCsv } from '../workers/fixtures.js';
import { cleanup, testConfig, waitFor } from '../workers/helpers.js';

const execFileP = promisify(execFile);
let config: Config | null = null;
let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close(true)));
  workers = [];
  if (config) await cleanup(config);
  config = null;
});

/** In-process workers; `train` replaces the train processor (to fail a batch). */
function startWorkers(cfg: Config, train?: (job: Job) => Promise<unknown>): void {
  const connection = redisConnection(cfg.queue.redisUrl, 'worker');
  const base = { connection, prefix: cfg.queue.prefix };
  workers = [
    new Worker(QUEUES.run, (job) => processRunJob(job, { config: cfg, connection: redisConnection(cfg.queue.redisUrl, 'producer') }), base),
    new Worker(QUEUES.train, train ?? ((job) => processTrainJob(job, fitStoreEnv(cfg))), { ...base, concurrency: 2 }),
    new Worker(QUEUES.publish, (job) => processPublishJob(job, { dataDir: cfg.dataDir, ...fitStoreEnv(cfg) }), base),
  ];
}

function writeInput(cfg: Config, name: string, text: string): string {
  mkdirSync(join(cfg.dataDir, 'exports'), { recursive: true });
  writeFileSync(join(cfg.dataDir, 'exports', name), text);
  return `exports/${name}`;
}

const waitOpts = (cfg: Config) => ({ connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 50_000 });

describe('lastAttempt', () => {
  it.each([
    [{ run: 'failed', publish: null, dir: 'missing' }, 'rerun'],
    [{ run: 'completed', publish: 'failed', dir: 'healthy' }, 'rerun'],
    [{ run: 'completed', publish: 'completed', dir: 'degraded' }, 'rerun'],
    [{ run: 'completed', publish: 'completed', dir: 'missing' }, 'rerun'],
    [{ run: null, publish: null, dir: 'missing' }, 'rerun'],
    [{ run: 'completed', publish: 'completed', dir: 'healthy' }, 'published'],
    [{ run: null, publish: null, dir: 'healthy' }, 'published'],
    [{ run: 'active', publish: null, dir: 'healthy' }, 'in-flight'],
    [{ run: 'completed', publish: 'waiting-children', dir: 'degraded' }, 'in-flight'],
    [{ run: 'delayed', publish: null, dir: 'missing' }, 'in-flight'],
  ] as const)('%j -> %s', (s, verdict) => {
    expect(lastAttempt(s)).toBe(verdict);
  });
});

describe('re-trigger', () => {
  it('runs a degraded run again, then deduplicates it once it is published cleanly', async () => {
    const cfg = (config = testConfig({ queue: { batchSize: 3, attempts: 1 } }));
    const input = writeInput(cfg, 'sales.csv', dailyCsv({ stores: 1, skus: 5, days: 80 }));
    let failBatch = true;
    startWorkers(cfg, async (job) => {
      if (failBatch && (job.data as TrainPayload).batch === 1) throw new Error('disk went away');
      return processTrainJob(job, fitStoreEnv(cfg));
    });
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    try {
      const ask = { mode: 'input', input, runDate: '2024-03-31' };
      const first = await enqueueRun(q, cfg, ask);
      expect((await waitForRun(cfg, first.runId, waitOpts(cfg))).degraded).toHaveLength(1);
      failBatch = false;
      const again = await enqueueRun(q, cfg, ask);
      expect(again).toMatchObject({ runId: first.runId, duplicate: false });
      const done = await waitForRun(cfg, first.runId, waitOpts(cfg));
      expect(done.degraded).toEqual([]);
      expect(JSON.parse(readFileSync(join(cfg.dataDir, done.runDir, 'run.json'), 'utf8')).degraded).toEqual([]);
      // healthy now: the next trigger is the same run
      expect((await enqueueRun(q, cfg, ask)).duplicate).toBe(true);
      // its run directory removed: the next trigger runs it again
      rmSync(join(cfg.dataDir, done.runDir), { recursive: true });
      expect((await enqueueRun(q, cfg, ask)).duplicate).toBe(false);
      const redone = await waitForRun(cfg, first.runId, waitOpts(cfg));
      expect(existsSync(join(cfg.dataDir, redone.runDir, 'forecasts.csv'))).toBe(true);
    } finally {
      await q.close();
    }
  });
});

describe('every row rejected, queued', () => {
  it('fails the run (exit 5 through `forecast enqueue --wait`), keeps latest, keeps runs/<id>.failed; a re-trigger runs again', async () => {
    const cfg = (config = testConfig());
    const good = writeInput(cfg, 'good.csv', dailyCsv({ stores: 1, skus: 2, days: 60 }));
    const future = writeInput(cfg, 'future.csv', 'date,sku,qty\n2030-01-01,A,1\n2030-01-02,B,2\n');
    startWorkers(cfg);
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    const out = dataLayout(cfg.dataDir).out;
    try {
      const g = await enqueueRun(q, cfg, { mode: 'input', input: good, runDate: '2024-03-31' });
      await waitForRun(cfg, g.runId, waitOpts(cfg));
      const latest = readlinkSync(join(out, 'latest'));
      const f = await enqueueRun(q, cfg, { mode: 'input', input: future, runDate: '2024-03-31' });
      await expect(waitForRun(cfg, f.runId, waitOpts(cfg))).rejects.toThrow(RunFailedError);
      expect(readlinkSync(join(out, 'latest'))).toBe(latest);
      expect(existsSync(join(out, 'runs', f.runId))).toBe(false);
      const failed = join(out, 'runs', `${f.runId}.failed`);
      expect(JSON.parse(readFileSync(join(failed, 'run.json'), 'utf8')).failure).toMatchObject({ stage: 'validation', exitCode: 3 });
      expect(readFileSync(join(failed, 'rejected.csv'), 'utf8').split('\r\n').filter(Boolean)).toHaveLength(3);
      // the same through the CLI: exit 5, saying why
      const configFile = join(cfg.dataDir, 'forecast.json');
      writeFileSync(configFile, JSON.stringify({ dataDir: cfg.dataDir, queue: { redisUrl: cfg.queue.redisUrl, prefix: cfg.queue.prefix } }));
      const r = await execFileP(process.execPath, [CLI, 'enqueue', '--config', configFile, '--input', join(cfg.dataDir, future), '--run-date', '2024-03-31', '--wait', '--timeout', '60'], { cwd: ROOT }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/no row of "future\.csv" was accepted/);
      expect(readdirSync(join(out, 'runs')).filter((n) => !n.startsWith('.'))).toEqual([g.runId, `${f.runId}.failed`].sort());
    } finally {
      await q.close();
    }
  }, 90_000);
});

/** `forecast enqueue ... --wait` as a child process, with its exit code and stderr. */
function enqueueCli(cfg: Config, args: string[]): { done: Promise<{ code: number | null; stderr: string }> } {
  const configFile = join(cfg.dataDir, 'forecast.json');
  writeFileSync(configFile, JSON.stringify({ dataDir: cfg.dataDir, queue: { redisUrl: cfg.queue.redisUrl, prefix: cfg.queue.prefix } }));
  const child = spawn(process.execPath, [CLI, 'enqueue', '--config', configFile, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return { done: new Promise((r) => child.on('exit', (code) => r({ code, stderr }))) };
}

describe('a wait always ends', () => {
  it('waitForRun ends with RunLostError when the awaited job disappears', async () => {
    const cfg = (config = testConfig());
    const input = writeInput(cfg, 'sales.csv', dailyCsv({ stores: 1, skus: 2, days: 60 }));
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-03-31' });
      // no worker: the job waits; then Redis "loses" it
      const waiting = waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), pollMs: 100 });
      await new Promise((r) => setTimeout(r, 300));
      await q.obliterate({ force: true });
      await expect(waiting).rejects.toThrow(RunLostError);
      await expect(waiting).rejects.toThrow(/is lost: its run job disappeared/);
    } finally {
      await q.close();
    }
  });

  it('`enqueue --wait` exits 5 saying the run was lost; with --retry-lost it queues it again and ends 0', async () => {
    const cfg = (config = testConfig());
    const input = writeInput(cfg, 'sales.csv', dailyCsv({ stores: 1, skus: 2, days: 60 }));
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    const args = ['--input', join(cfg.dataDir, input), '--run-date', '2024-03-31', '--wait', '--timeout', '60'];
    try {
      const plain = enqueueCli(cfg, args);
      await waitFor(async () => ((await q.getJobCounts('waiting')).waiting ? true : undefined), 20_000, 'the queued job');
      await q.obliterate({ force: true });
      const p = await plain.done;
      expect(p.code).toBe(5);
      expect(p.stderr, p.stderr).toMatch(/run \S+ is lost: .*Redis/);
      expect(p.stderr).not.toMatch(/\n\s+at /);

      const retry = enqueueCli(cfg, [...args, '--retry-lost']);
      await waitFor(async () => ((await q.getJobCounts('waiting')).waiting ? true : undefined), 20_000, 'the queued job');
      await q.obliterate({ force: true });
      // queued again by the waiting CLI; a worker now serves it
      await waitFor(async () => ((await q.getJobCounts('waiting')).waiting ? true : undefined), 20_000, 'the job queued again');
      startWorkers(cfg);
      const r = await retry.done;
      expect(r.stderr).toMatch(/is lost: .*queueing it again \(--retry-lost, 1 of 3\)/);
      expect(r.code).toBe(0);
    } finally {
      await q.close();
    }
  }, 90_000);
});

describe('orphaned work directories', () => {
  it('removes the old work directory of a run unknown to Redis; keeps a young one and one whose run has a job', async () => {
    const cfg = (config = testConfig());
    const input = writeInput(cfg, 'sales.csv', dailyCsv({ stores: 1, skus: 2, days: 60 }));
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    const publish = new Queue(QUEUES.publish, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    try {
      const { runId: queued } = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-03-31' });
      const work = dataLayout(cfg.dataDir).work;
      const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
      for (const id of ['orphan', 'young', queued]) {
        mkdirSync(join(work, id), { recursive: true });
        writeFileSync(join(work, id, 'prepared.bin'), 'x');
        if (id !== 'young') utimesSync(join(work, id), twoDaysAgo, twoDaysAgo);
      }
      expect(await sweepOrphanWork(cfg.dataDir, { run: q, publish })).toEqual(['orphan']);
      expect(readdirSync(work).sort()).toEqual([queued, 'young'].sort());
    } finally {
      await Promise.all([q.close(), publish.close()]);
    }
  });
});
