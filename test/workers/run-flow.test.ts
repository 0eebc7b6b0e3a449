/**
 * The run flow with in-process workers (function processors calling the same code the sandboxed
 * processors call): dedup, retries and fallback, bad data, equivalence with the in-process run.
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Queue, Worker, type Job } from 'bullmq';
import { parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { dataLayout } from '../../pipelines/io/paths.js';
import { runPipeline } from '../../pipelines/run/run.js';
import { queueOptions, redisConnection } from '../../workers/connection.js';
import { processPublishJob } from '../../workers/publish-worker.js';
import { publishJobId, QUEUES, type TrainPayload } from '../../workers/queues.js';
import { RunFailedError } from '../../pipelines/errors.js';
import { dateInZone } from '../../pipelines/dates.js';
import { nightlyRunId } from '../../pipelines/run/run-request.js';
import { removeSchedule, upsertNightly } from '../../workers/scheduler.js';
import { enqueueRun, processRunJob, waitForRun } from '../../workers/run-queue.js';
import { processTrainJob } from '../../workers/train-worker.js';
import { cleanup, testConfig, waitFor } from './helpers.js';
import { dailyCsv } from './fixtures.js';

let config: Config | null = null;
let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close(true)));
  workers = [];
  if (config) await cleanup(config);
  config = null;
});

function startWorkers(cfg: Config, train?: (job: Job) => Promise<unknown>) {
  const connection = redisConnection(cfg.queue.redisUrl, 'worker');
  const base = { connection, prefix: cfg.queue.prefix };
  workers = [
    new Worker(QUEUES.run, (job) => processRunJob(job, { config: cfg, connection: redisConnection(cfg.queue.redisUrl, 'producer') }), base),
    new Worker(QUEUES.train, train ?? ((job) => processTrainJob(job, { dataDir: cfg.dataDir })), { ...base, concurrency: 2 }),
    new Worker(QUEUES.publish, (job) => processPublishJob(job, { dataDir: cfg.dataDir }), base),
  ];
}

function runQueue(cfg: Config) {
  return new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
}

function writeInput(cfg: Config, name: string, text: string): string {
  mkdirSync(join(cfg.dataDir, 'exports'), { recursive: true });
  writeFileSync(join(cfg.dataDir, 'exports', name), text);
  return `exports/${name}`;
}

const waitOpts = (cfg: Config) => ({ connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 50_000 });

describe('queued run (in-process workers)', () => {
  it('publishes the same forecasts.csv as the in-process run and cleans up its work files', async () => {
    const base = testConfig({ queue: { batchSize: 4 } });
    // the order list's stock file reaches the publish worker through the settings
    const stockFile = join(base.dataDir, 'stock.csv');
    writeFileSync(stockFile, 'store,sku,on_hand\nS1,SKU1,3\nS2,SKU4,0\n');
    // a replay short enough for the 100 days of sales: both shells replay in stage 1
    const simulation = { ...base.replenishment.simulation, weeks: 3, calibrationWeeks: 3, simpleAverageDays: 14 };
    const cfg = (config = { ...base, replenishment: { ...base.replenishment, stockFile, simulation } });
    const input = writeInput(cfg, 'sales.csv', dailyCsv({ stores: 2, skus: 5, days: 100 }));
    startWorkers(cfg);
    const q = runQueue(cfg);
    try {
      const { runId, duplicate } = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-04-15' });
      expect(duplicate).toBe(false);
      const done = await waitForRun(cfg, runId, waitOpts(cfg));
      expect(done.degraded).toEqual([]);
      const queued = join(cfg.dataDir, done.runDir);
      // as `forecast run --run-date 2024-04-15` would: the run date in the settings
      const local = await runPipeline({
        input: join(cfg.dataDir, input),
        outDir: join(cfg.dataDir, 'inproc'),
        config: parseConfig({ ...cfg, runDate: '2024-04-15' }),
      });
      expect(readFileSync(join(queued, 'forecasts.csv'), 'utf8')).toBe(readFileSync(join(local.runDir, 'forecasts.csv'), 'utf8'));
      expect(readFileSync(join(queued, 'accuracy.csv'), 'utf8')).toBe(readFileSync(join(local.runDir, 'accuracy.csv'), 'utf8'));
      expect(readFileSync(join(queued, 'orders.csv'), 'utf8')).toBe(readFileSync(join(local.runDir, 'orders.csv'), 'utf8'));
      expect(readFileSync(join(queued, 'orders.csv'), 'utf8')).toMatch(/\r\nS2,SKU4,,0,0,0,/);
      expect(readFileSync(join(queued, 'simulation.csv'), 'utf8')).toBe(readFileSync(join(local.runDir, 'simulation.csv'), 'utf8'));
      // the same settings and input give the same run id in both shells
      expect(runId).toBe(local.runId);
      const summary = JSON.parse(readFileSync(join(queued, 'run.json'), 'utf8'));
      expect(summary.mode).toBe('queue');
      expect(summary.forecast.series).toBe(10);
      expect(summary.simulation.status).toBe('replayed');
      expect(summary.simulation).toEqual(local.summary.simulation);
      expect(readdirSync(queued).sort()).toEqual(readdirSync(local.runDir).sort());
      expect(existsSync(join(dataLayout(cfg.dataDir).work, runId))).toBe(false);
    } finally {
      await q.close();
    }
  });

  it('deduplicates a duplicate trigger', async () => {
    const cfg = (config = testConfig());
    const input = writeInput(cfg, 'sales.csv', dailyCsv({ stores: 1, skus: 2, days: 70 }));
    const q = runQueue(cfg);
    try {
      const a = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-03-15' });
      const b = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-03-15' });
      const c = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-03-16' });
      expect(b).toMatchObject({ runId: a.runId, duplicate: true });
      expect(c.duplicate).toBe(false);
      expect(c.runId).not.toBe(a.runId);
      expect(await q.getJobCountByTypes('waiting', 'active', 'delayed', 'completed')).toBe(2);
      startWorkers(cfg);
      const done = await waitForRun(cfg, a.runId, waitOpts(cfg));
      // the same trigger after the run finished is still the same run: nothing new is queued
      const again = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-03-15' });
      expect(again.duplicate).toBe(true);
      expect((await waitForRun(cfg, a.runId, waitOpts(cfg))).runDir).toBe(done.runDir);
    } finally {
      await q.close();
    }
  });

  it('retries a failing batch with backoff, then falls back to the simple model and marks the run degraded', async () => {
    const cfg = (config = testConfig({ queue: { batchSize: 3, attempts: 3, backoffMs: 20 } }));
    const input = writeInput(cfg, 'sales.csv', dailyCsv({ stores: 1, skus: 7, days: 90 }));
    let attempts = 0;
    startWorkers(cfg, async (job) => {
      if ((job.data as TrainPayload).batch === 1) {
        attempts++;
        throw new Error('disk went away');
      }
      return processTrainJob(job, { dataDir: cfg.dataDir });
    });
    const q = runQueue(cfg);
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-03-31' });
      const done = await waitForRun(cfg, runId, waitOpts(cfg));
      expect(attempts).toBe(3);
      const train = new Queue(QUEUES.train, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
      const [failed] = await train.getFailed();
      await train.close();
      expect(failed.attemptsMade).toBe(3);
      expect(failed.opts.backoff).toEqual({ type: 'exponential', delay: 20 });
      expect(done.degraded).toHaveLength(1);
      expect(done.degraded[0]).toMatch(/^batch 1 \(series 3-5\): disk went away/);
      const dir = join(cfg.dataDir, done.runDir);
      const summary = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
      expect(summary.degraded).toEqual(done.degraded);
      const acc = readFileSync(join(dir, 'accuracy.csv'), 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(','));
      expect(acc).toHaveLength(7);
      const fallback = acc.map((r) => r[4]);
      expect(fallback.slice(3, 6).every((f) => f === 'batch-failed')).toBe(true);
      expect(fallback.filter((f) => f === 'batch-failed')).toHaveLength(3);
      // no forecast lost: every series has its horizon of rows
      const rows = readFileSync(join(dir, 'forecasts.csv'), 'utf8').trim().split('\r\n').length - 1;
      expect(rows).toBe(7 * (cfg.horizon ?? 28));
    } finally {
      await q.close();
    }
  });

  it('fails bad input at once (no retries) and reports the run as failed', async () => {
    const cfg = (config = testConfig({ queue: { attempts: 3 } }));
    const input = writeInput(cfg, 'nonsense.csv', 'colour,shape\nred,round\n');
    startWorkers(cfg);
    const q = runQueue(cfg);
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-03-31' });
      await expect(waitForRun(cfg, runId, waitOpts(cfg))).rejects.toThrow(RunFailedError);
      const job = await q.getJob(runId);
      expect(await job!.getState()).toBe('failed');
      expect(job!.attemptsMade).toBe(1);
      expect(job!.failedReason).toMatch(/InputError/);
    } finally {
      await q.close();
    }
  });

  it('validates every payload and confines its paths to the data directory', async () => {
    const cfg = (config = testConfig());
    const q = runQueue(cfg);
    try {
      await expect(enqueueRun(q, cfg, { mode: 'input', input: '../../etc/passwd' })).rejects.toThrow(/\.\./);
      await expect(enqueueRun(q, cfg, { mode: 'input', input: '/etc/passwd' })).rejects.toThrow(/must be a path relative to the data directory/);
      await expect(enqueueRun(q, cfg, { mode: 'input', input: 'missing.csv' })).rejects.toThrow(/not found/);
      await expect(enqueueRun(q, cfg, { mode: 'nightly' })).rejects.toThrow(/invalid run payload/);
      expect(await q.count()).toBe(0);
    } finally {
      await q.close();
    }
  });

  it('runs the nightly flow from the incoming directory; a repeated trigger is the same run', async () => {
    const cfg = (config = testConfig());
    const layout = dataLayout(cfg.dataDir);
    mkdirSync(layout.incoming, { recursive: true });
    writeFileSync(join(layout.incoming, 'week1.csv'), dailyCsv({ stores: 1, skus: 3, days: 70 }));
    writeFileSync(join(layout.incoming, 'week2.csv'), dailyCsv({ stores: 1, skus: 3, days: 14, startDay: 70, seed: 3 }));
    writeFileSync(join(layout.incoming, 'garbage.csv'), '\u0000\u0001binary');
    startWorkers(cfg);
    const q = runQueue(cfg);
    try {
      const a = await enqueueRun(q, cfg, { mode: 'incoming', runDate: '2024-03-31' });
      expect(a.runId).toMatch(/^2024-03-31-nightly-/);
      const done = await waitForRun(cfg, a.runId, waitOpts(cfg));
      const summary = JSON.parse(readFileSync(join(cfg.dataDir, done.runDir, 'run.json'), 'utf8'));
      expect(summary.rows.read).toBe(3 * 84);
      expect(summary.forecast.series).toBe(3);
      expect(existsSync(join(layout.incomingFailed, 'garbage.csv.error.txt'))).toBe(true);
      const b = await enqueueRun(q, cfg, { mode: 'incoming', runDate: '2024-03-31' });
      expect(b).toMatchObject({ runId: a.runId, duplicate: true });
    } finally {
      await q.close();
    }
  });

  it('a scheduler tick runs the nightly flow under its own run id', async () => {
    const cfg = (config = testConfig());
    const layout = dataLayout(cfg.dataDir);
    mkdirSync(layout.incoming, { recursive: true });
    writeFileSync(join(layout.incoming, 'day.csv'), dailyCsv({ stores: 1, skus: 2, days: 60 }));
    startWorkers(cfg);
    const q = runQueue(cfg);
    try {
      const at = Date.now();
      await upsertNightly(q, cfg, { every: 3_600_000 });
      // the tick's run date is today in the schedule's time zone (UTC here)
      const runId = nightlyRunId({ mode: 'incoming' }, dateInZone(at, 'UTC'), { calendar: '', horizon: cfg.horizon ?? 0 });
      const publish = new Queue(QUEUES.publish, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
      try {
        await waitFor(async () => ((await publish.getJob(publishJobId(runId))) ? true : undefined), 30_000, 'the tick to queue its flow');
      } finally {
        await publish.close();
      }
      const done = await waitForRun(cfg, runId, waitOpts(cfg));
      expect(done.runDir).toBe(`out/runs/${runId}`);
      await removeSchedule(q);
    } finally {
      await q.close();
    }
  });
});
