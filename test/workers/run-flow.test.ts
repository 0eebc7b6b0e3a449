/**
 * The run flow with in-process workers (function processors calling the same code the sandboxed
 * processors call): dedup, retries and fallback, bad data, equivalence with the in-process run.
 */
import { copyFileSync, readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
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
import { fitStoreEnv } from '../../workers/fit-store.js';
import { cleanup, testConfig, waitFor } from './helpers.js';
import { dailyCsv } from './fixtures.js';
import { ensureBuilt, runCli } from './build.js';

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
    new Worker(QUEUES.train, train ?? ((job) => processTrainJob(job, fitStoreEnv(cfg))), { ...base, concurrency: 2 }),
    new Worker(QUEUES.publish, (job) => processPublishJob(job, { dataDir: cfg.dataDir, ...fitStoreEnv(cfg) }), base),
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

/** The 2016 sample export (daily, 11 series, last sales date 2016-03-27). */
const SAMPLE = join(import.meta.dirname, '..', '..', 'data', 'sample-sales.csv');

const waitOpts = (cfg: Config) => ({ connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 50_000 });

describe('queued run (in-process workers)', () => {
  it('publishes the same forecasts.csv as the in-process run and cleans up its work files', async () => {
    // the pooled model engages (660 training rows: 10 series × 2 origins × 33 days; floors lowered for the small fixture) and the order list reads its blend
    const base = testConfig({ queue: { batchSize: 4 }, models: { pooled: { minRows: 500, minSeries: 1 } } });
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
      expect(summary.pooled).toMatchObject({ used: true, rows: 660, series: 10 });
      expect(local.summary.pooled).toMatchObject({ used: true, rows: 660, series: 10 });
      expect(readdirSync(queued).sort()).toEqual(readdirSync(local.runDir).sort());
      expect(existsSync(join(dataLayout(cfg.dataDir).work, runId))).toBe(false);
    } finally {
      await q.close();
    }
  });

  it('warns of a store whose rows stop early as the in-process run does, in run.json and orders.csv', async () => {
    const cfg = (config = testConfig({ queue: { batchSize: 2 } }));
    // store S2's rows stop on 2024-03-01, 39 days before the data's last day 2024-04-09
    const csv = dailyCsv({ stores: 2, skus: 2, days: 100 }).split('\n').filter((l) => !(l.includes(',S2,') && l.slice(0, 10) > '2024-03-01')).join('\n');
    const input = writeInput(cfg, 'sales.csv', csv);
    startWorkers(cfg);
    const q = runQueue(cfg);
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-04-10' });
      const queued = join(cfg.dataDir, (await waitForRun(cfg, runId, waitOpts(cfg))).runDir);
      const local = await runPipeline({ input: join(cfg.dataDir, input), outDir: join(cfg.dataDir, 'inproc'), config: parseConfig({ ...cfg, runDate: '2024-04-10' }) });
      const silent = (w: { code: string }) => w.code === 'silent_store';
      const warned = JSON.parse(readFileSync(join(queued, 'run.json'), 'utf8')).warnings.filter(silent);
      expect(warned).toHaveLength(1);
      expect(warned[0].message).toContain("store S2 has no rows after 2024-03-01, 39 days before the data's last day, 2024-04-09");
      expect(warned).toEqual(local.summary.warnings.filter(silent));
      const orders = readFileSync(join(queued, 'orders.csv'), 'utf8');
      expect(orders).toBe(readFileSync(join(local.runDir, 'orders.csv'), 'utf8'));
      expect(orders.split('\r\n').filter((l) => l.includes('no rows of store S2')).length).toBe(2);
    } finally {
      await q.close();
    }
  });

  it('a run of the 2016 sample without a run date publishes from the day after its last sale, as the in-process run does', async () => {
    const cfg = (config = testConfig({ queue: { batchSize: 4 } }));
    mkdirSync(join(cfg.dataDir, 'samples'), { recursive: true });
    copyFileSync(SAMPLE, join(cfg.dataDir, 'samples', 'sample-sales.csv'));
    const input = 'samples/sample-sales.csv';
    const q = runQueue(cfg);
    try {
      // no run date: the job waits under an id of the input's content until it has read the input
      const a = await enqueueRun(q, cfg, { mode: 'input', input });
      expect(a).toMatchObject({ duplicate: false, payload: { mode: 'input', input } });
      expect(a.jobId).toMatch(/^after-data-[0-9a-f]{12}$/);
      expect(a.payload).not.toHaveProperty('runDate');
      expect(await enqueueRun(q, cfg, { mode: 'input', input })).toMatchObject({ jobId: a.jobId, duplicate: true });
      // an emptied run date field (the dashboard's form) is no run date
      expect(await enqueueRun(q, cfg, { mode: 'input', input, runDate: '' })).toMatchObject({ jobId: a.jobId, duplicate: true });
      startWorkers(cfg);
      const done = await waitForRun(cfg, a.jobId, waitOpts(cfg));
      expect(done.runId).toMatch(/^2016-03-28-[0-9a-f]{12}$/);
      const queued = join(cfg.dataDir, done.runDir);
      expect(done.runDir).toBe(`out/runs/${done.runId}`);
      const summary = JSON.parse(readFileSync(join(queued, 'run.json'), 'utf8'));
      // the sample's last sales date is 2016-03-27
      expect(summary).toMatchObject({ runId: done.runId, runDate: '2016-03-28', runDateSource: 'after-data', mode: 'queue' });
      expect(summary.warnings.map((w: { code: string }) => w.code)).not.toContain('stale_data');
      const forecasts = readFileSync(join(queued, 'forecasts.csv'), 'utf8');
      expect(forecasts.split('\r\n')[1].split(',')[2]).toBe('2016-03-28');
      // `forecast run` on the same file without --run-date: the same run, file for file
      const local = await runPipeline({ input: join(cfg.dataDir, input), outDir: join(cfg.dataDir, 'inproc'), config: cfg });
      expect(local.runId).toBe(done.runId);
      expect(local.summary.runDateSource).toBe('after-data');
      for (const f of ['forecasts.csv', 'accuracy.csv', 'quality.csv', 'orders.csv', 'simulation.csv']) {
        expect(readFileSync(join(queued, f), 'utf8'), f).toBe(readFileSync(join(local.runDir, f), 'utf8'));
      }
      // the same trigger once published is that run; the staging and work directories are gone
      expect(await enqueueRun(q, cfg, { mode: 'input', input })).toMatchObject({ runId: done.runId, duplicate: true });
      ensureBuilt();
      const configFile = join(cfg.dataDir, 'forecast.json');
      writeFileSync(configFile, JSON.stringify({ dataDir: cfg.dataDir, queue: { redisUrl: cfg.queue.redisUrl, prefix: cfg.queue.prefix, batchSize: 4 } }));
      const cli = await runCli(['enqueue', '--config', configFile, '--input', input, '--wait', '--timeout', '60'], { cwd: cfg.dataDir });
      expect(cli.stdout).toBe(`duplicate of queued run ${done.runId}\n${queued}\n`);
      expect(readdirSync(join(cfg.dataDir, 'out', 'runs')).filter((n) => n.startsWith('.staging'))).toEqual([]);
      expect(existsSync(join(dataLayout(cfg.dataDir).work, done.runId))).toBe(false);
      // the run and publish jobs removed (retention): the trigger runs again and the worker,
      // once it has read the input, finds the published run and adds nothing
      await (await q.getJob(a.jobId))!.remove();
      const publishQ = new Queue(QUEUES.publish, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
      await (await publishQ.getJob(publishJobId(done.runId)))!.remove();
      await publishQ.close();
      const b = await enqueueRun(q, cfg, { mode: 'input', input });
      expect(b).toMatchObject({ jobId: a.jobId, duplicate: false });
      const again = await waitForRun(cfg, b.jobId, waitOpts(cfg));
      expect(again.runDir).toBe(done.runDir);
      expect(((await q.getJob(b.jobId))!.returnvalue as { duplicate: boolean }).duplicate).toBe(true);
    } finally {
      await q.close();
    }
  }, 120_000);

  it('takes the order files in the request as forecast run takes its flags, and a changed stock file at the same path is another run', async () => {
    const cfg = (config = testConfig({ queue: { batchSize: 3 } }));
    const input = writeInput(cfg, 'sales.csv', dailyCsv({ stores: 1, skus: 4, days: 90 }));
    const files = {
      stock: writeInput(cfg, 'stock.csv', 'store,sku,on_hand\nS1,SKU1,0\nS1,SKU2,400\n'),
      onOrder: writeInput(cfg, 'open.csv', 'store,sku,qty,expected\nS1,SKU2,12,2024-04-02\n'),
      items: writeInput(cfg, 'items.csv', 'sku,supplier,pack_size,unit_cost\nSKU1,Acme,6,2\nSKU2,Acme,1,3\n'),
      suppliers: writeInput(cfg, 'suppliers.csv', 'supplier,delivery_days,min_order_value\nAcme,Tue/Fri,50\n'),
    };
    startWorkers(cfg);
    const q = runQueue(cfg);
    try {
      const a = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-03-31', ...files });
      const done = await waitForRun(cfg, a.runId, waitOpts(cfg));
      const queued = join(cfg.dataDir, done.runDir);
      // `forecast run --stock … --on-order … --items … --suppliers …`: the same settings
      const at = (f: string) => join(cfg.dataDir, f);
      const replenishment = { ...cfg.replenishment, stockFile: at(files.stock), onOrderFile: at(files.onOrder), itemsFile: at(files.items), suppliersFile: at(files.suppliers) };
      const local = await runPipeline({ input: at(input), outDir: join(cfg.dataDir, 'inproc'), config: parseConfig({ ...cfg, runDate: '2024-03-31', replenishment }) });
      expect(local.runId).toBe(done.runId);
      for (const f of ['orders.csv', 'orders-by-supplier.csv']) expect(readFileSync(join(queued, f), 'utf8'), f).toBe(readFileSync(join(local.runDir, f), 'utf8'));
      const orders = readFileSync(join(queued, 'orders.csv'), 'utf8');
      expect(orders).toMatch(/\r\nS1,SKU1,Acme,0,0,/);
      expect(orders).toMatch(/\r\nS1,SKU2,Acme,400,12,/);
      // `forecast enqueue` with the flags `forecast run` takes, run from the data directory: the same request, so the same run
      ensureBuilt();
      const configFile = join(cfg.dataDir, 'forecast.json');
      writeFileSync(configFile, JSON.stringify({ dataDir: cfg.dataDir, queue: { redisUrl: cfg.queue.redisUrl, prefix: cfg.queue.prefix } }));
      const flags = ['--stock', files.stock, '--on-order', files.onOrder, '--items', files.items, '--suppliers', files.suppliers];
      const cli = await runCli(['enqueue', '--config', configFile, '--input', input, '--run-date', '2024-03-31', ...flags, '--wait', '--timeout', '60'], { cwd: cfg.dataDir });
      expect(cli.stderr).toBe('');
      expect(cli.stdout).toBe(`duplicate of queued run ${a.runId}\n${queued}\n`);
      // a new stock count in the same file: another run, not a duplicate of the first
      writeFileSync(at(files.stock), 'store,sku,on_hand\nS1,SKU1,0\nS1,SKU2,0\n');
      const b = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-03-31', ...files });
      expect(b.duplicate).toBe(false);
      expect(b.runId).not.toBe(a.runId);
      const redone = await waitForRun(cfg, b.runId, waitOpts(cfg));
      expect(readFileSync(join(cfg.dataDir, redone.runDir, 'orders.csv'), 'utf8')).toMatch(/\r\nS1,SKU2,Acme,0,12,/);
      // a file outside the data directory or missing is refused before anything is queued
      await expect(enqueueRun(q, cfg, { mode: 'input', input, stock: '../stock.csv' })).rejects.toThrow(/\.\./);
      await expect(enqueueRun(q, cfg, { mode: 'input', input, items: 'exports/none.csv' })).rejects.toThrow(/items file not found/);
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
      return processTrainJob(job, fitStoreEnv(cfg));
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
    // sales up to yesterday, as a nightly export has them (a gap of over a year would stop the run)
    const at = Date.now();
    const startDay = Math.floor(at / 86_400_000) - 60 - Date.UTC(2024, 0, 1) / 86_400_000;
    writeFileSync(join(layout.incoming, 'day.csv'), dailyCsv({ stores: 1, skus: 2, days: 60, startDay }));
    startWorkers(cfg);
    const q = runQueue(cfg);
    try {
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
