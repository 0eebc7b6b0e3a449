/**
 * A queued run with levels and quantiles (in-process workers calling the same code as the
 * sandboxed processors): the aggregate series travel as extra series of the train batches and
 * the publish job reconciles them and blends in the pooled model's forecasts that the run job
 * computed, so every published file equals the in-process run's.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import { parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { dataLayout } from '../../pipelines/io/paths.js';
import { runPipeline } from '../../pipelines/run/run.js';
import { queueOptions, redisConnection } from '../../workers/connection.js';
import { processPublishJob } from '../../workers/publish-worker.js';
import { QUEUES } from '../../workers/queues.js';
import { RunFailedError } from '../../pipelines/errors.js';
import { enqueueRun, processRunJob, RUN_CONFIG_FILE, waitForRun } from '../../workers/run-queue.js';
import { POOLED_FILE } from '../../pipelines/forecast/pooled-file.js';
import { threadPooled } from '../../pipelines/forecast/pooled-runner.js';
import { processTrainJob } from '../../workers/train-worker.js';
import { fitStoreEnv } from '../../workers/fit-store.js';
import { cleanup, testConfig } from './helpers.js';
import { dailyCsv } from './fixtures.js';

let config: Config | null = null;
let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close(true)));
  workers = [];
  if (config) await cleanup(config);
  config = null;
});

function startWorkers(cfg: Config) {
  const connection = redisConnection(cfg.queue.redisUrl, 'worker');
  const base = { connection, prefix: cfg.queue.prefix };
  workers = [
    new Worker(QUEUES.run, (job) => processRunJob(job, { config: cfg, connection: redisConnection(cfg.queue.redisUrl, 'producer') }), base),
    new Worker(QUEUES.train, (job) => processTrainJob(job, fitStoreEnv(cfg)), { ...base, concurrency: 2 }),
    new Worker(QUEUES.publish, (job) => processPublishJob(job, { dataDir: cfg.dataDir, ...fitStoreEnv(cfg) }), base),
  ];
}

const QUANTILES = [0.025, 0.25, 0.5, 0.75, 0.975];

describe('queued run with levels and quantiles', () => {
  it('publishes the same forecasts, forecasts-levels.csv and quantiles.csv as the in-process run', async () => {
    // 10 item × store series and 1 + 2 + 2 + 4 aggregates (total, store, category, store/category)
    // in batches of 4: one batch holds both bottom series and aggregates
    // the pooled model engages on the fixture's 660 training rows (10 series × 2 origins × 33 days: 28 and a lead of 5); floors lowered for the small fixture
    const base = testConfig({ queue: { batchSize: 4 }, levels: ['default'], quantiles: QUANTILES, models: { pooled: { minRows: 500, minSeries: 1 } } });
    const itemsFile = join(base.dataDir, 'items.csv');
    writeFileSync(itemsFile, 'sku,category\nSKU1,FOOD\nSKU2,FOOD\nSKU3,FOOD\nSKU4,TOYS\nSKU5,TOYS\n');
    const cfg = (config = { ...base, replenishment: { ...base.replenishment, itemsFile } });
    mkdirSync(join(cfg.dataDir, 'exports'), { recursive: true });
    writeFileSync(join(cfg.dataDir, 'exports', 'sales.csv'), dailyCsv({ stores: 2, skus: 5, days: 100 }));
    startWorkers(cfg);
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'input', input: 'exports/sales.csv', runDate: '2024-04-15' });
      const done = await waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 50_000 });
      expect(done.degraded).toEqual([]);
      const queued = join(cfg.dataDir, done.runDir);
      // the in-process run as the CLI runs it: the pooled stage on its own thread (pooled-runner.test.ts: the same as inline)
      const local = await runPipeline({ input: join(cfg.dataDir, 'exports', 'sales.csv'), outDir: join(cfg.dataDir, 'inproc'), config: parseConfig({ ...cfg, runDate: '2024-04-15' }), pooled: threadPooled(2) });
      for (const file of ['forecasts.csv', 'forecasts-levels.csv', 'quantiles.csv', 'accuracy.csv']) {
        expect(readFileSync(join(queued, file), 'utf8'), file).toBe(readFileSync(join(local.runDir, file), 'utf8'));
      }
      const levels = readFileSync(join(queued, 'forecasts-levels.csv'), 'utf8').trim().split('\r\n');
      // 9 nodes × 28 days, and the header
      expect(levels).toHaveLength(1 + 9 * 28);
      expect(levels.some((l) => l.startsWith('store/category,S2/TOYS,'))).toBe(true);
      const summary = JSON.parse(readFileSync(join(queued, 'run.json'), 'utf8'));
      const inproc = JSON.parse(readFileSync(join(local.runDir, 'run.json'), 'utf8'));
      expect(summary.mode).toBe('queue');
      expect(summary.forecast.series).toBe(10);
      expect(summary.hierarchy).toEqual(inproc.hierarchy);
      expect(summary.hierarchy.nodes).toBe(9);
      expect(summary.warnings.map((w: { code: string }) => w.code)).not.toContain('levels_not_computed');
      // both blended the same pooled forecasts in (the fit time aside)
      expect(summary.pooled).toMatchObject({ used: true, rows: 660, series: 10, weight: 0.5, intermittentWeight: 0.3 });
      expect({ ...summary.pooled, fitMs: 0 }).toEqual({ ...inproc.pooled, fitMs: 0 });
      expect(summary.warnings.map((w: { code: string }) => w.code)).not.toContain('pooled_not_computed');
      expect(existsSync(join(dataLayout(cfg.dataDir).work, runId))).toBe(false);
    } finally {
      await q.close();
    }
  });

  it('publishes a run prepared without the pooled forecasts unblended, with a pooled_not_computed warning', async () => {
    const cfg = (config = testConfig({ queue: { batchSize: 4 }, levels: ['default'], models: { pooled: { minRows: 500, minSeries: 1 } } }));
    mkdirSync(join(cfg.dataDir, 'exports'), { recursive: true });
    writeFileSync(join(cfg.dataDir, 'exports', 'sales.csv'), dailyCsv({ stores: 2, skus: 5, days: 100 }));
    // the run job alone first: its work directory, then the file removed (as a run prepared by an earlier version)
    startWorkers(cfg);
    const [runWorker, ...others] = workers;
    await Promise.all(others.map((w) => w.close()));
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'input', input: 'exports/sales.csv', runDate: '2024-04-15' });
      const work = join(dataLayout(cfg.dataDir).work, runId);
      for (let i = 0; i < 500 && !existsSync(join(work, RUN_CONFIG_FILE)); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(join(work, POOLED_FILE))).toBe(true);
      rmSync(join(work, POOLED_FILE));
      await runWorker.close();
      startWorkers(cfg);
      const done = await waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 50_000 });
      const summary = JSON.parse(readFileSync(join(cfg.dataDir, done.runDir, 'run.json'), 'utf8'));
      expect(summary.pooled).toMatchObject({ used: false, reason: expect.stringMatching(/not computed/) });
      expect(summary.warnings.map((w: { code: string }) => w.code)).toContain('pooled_not_computed');
      // unblended: the in-process run without the pooled model publishes the same forecasts
      const local = await runPipeline({ input: join(cfg.dataDir, 'exports', 'sales.csv'), outDir: join(cfg.dataDir, 'inproc'), config: parseConfig({ ...cfg, runDate: '2024-04-15', models: { ...cfg.models, pooled: { ...cfg.models.pooled, enabled: false } } }) });
      expect(readFileSync(join(cfg.dataDir, done.runDir, 'forecasts.csv'), 'utf8')).toBe(readFileSync(join(local.runDir, 'forecasts.csv'), 'utf8'));
    } finally {
      await q.close();
    }
  });

  it('a queued nightly run keeps the department, category and state columns of its incoming files: the levels of forecast run on the whole export', async () => {
    const cfg = (config = testConfig({ queue: { batchSize: 4 }, levels: ['default'] }));
    // the fixture with M5-like attribute columns: SKU1-2 in FOODS_1, SKU3 in FOODS_2, SKU4-5 in TOYS_1; S1 in CA, S2 in TX
    const withAttributes = (text: string) =>
      text.trim().split('\n').map((l, i) => {
        if (i === 0) return `${l},dept_id,cat_id,state_id`;
        const [, store, sku] = l.split(',');
        const k = Number(sku.slice(3));
        return `${l},${k <= 2 ? 'FOODS_1' : k === 3 ? 'FOODS_2' : 'TOYS_1'},${k <= 3 ? 'FOODS' : 'TOYS'},${store === 'S1' ? 'CA' : 'TX'}`;
      }).join('\n') + '\n';
    const all = withAttributes(dailyCsv({ stores: 2, skus: 5, days: 100 })).trim().split('\n');
    const [header, ...rows] = all;
    const layout = dataLayout(cfg.dataDir);
    mkdirSync(layout.incoming, { recursive: true });
    // two files: days before and from 2024-04-01
    writeFileSync(join(layout.incoming, 'a.csv'), [header, ...rows.filter((r) => r < '2024-04-01')].join('\n') + '\n');
    writeFileSync(join(layout.incoming, 'b.csv'), [header, ...rows.filter((r) => r >= '2024-04-01')].join('\n') + '\n');
    mkdirSync(join(cfg.dataDir, 'exports'), { recursive: true });
    writeFileSync(join(cfg.dataDir, 'exports', 'sales.csv'), all.join('\n') + '\n');
    startWorkers(cfg);
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'incoming', runDate: '2024-04-15' });
      const done = await waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 50_000 });
      const queued = join(cfg.dataDir, done.runDir);
      const local = await runPipeline({ input: join(cfg.dataDir, 'exports', 'sales.csv'), outDir: join(cfg.dataDir, 'inproc'), config: parseConfig({ ...cfg, runDate: '2024-04-15' }) });
      for (const file of ['forecasts.csv', 'forecasts-levels.csv']) {
        expect(readFileSync(join(queued, file), 'utf8'), file).toBe(readFileSync(join(local.runDir, file), 'utf8'));
      }
      const summary = JSON.parse(readFileSync(join(queued, 'run.json'), 'utf8'));
      expect(summary.hierarchy).toEqual(JSON.parse(readFileSync(join(local.runDir, 'run.json'), 'utf8')).hierarchy);
      // one store per state: the store levels group like the region levels and are dropped
      expect(summary.hierarchy.levels).toEqual(['total', 'region', 'category', 'department', 'region/category', 'region/department']);
      expect(summary.hierarchy.dropped).toEqual(['store', 'store/category', 'store/department']);
      expect(summary.hierarchy.attributes).toMatchObject({ category: 'sales file', department: 'sales file' });
    } finally {
      await q.close();
    }
  });

  it('a queued nightly run of an export giving a sku two categories across stores, without prices, groups, warns and counts issues as forecast run does', async () => {
    const cfg = (config = testConfig({ queue: { batchSize: 4 }, levels: ['default'], quantiles: QUANTILES }));
    // SKU1 in FOODS at S1 but TOYS at S2 (the nightly history kept one category per sku); no price column
    // (the history's export had an empty one: every row counted missing_price)
    const text = dailyCsv({ stores: 2, skus: 3, days: 70 }).trim().split('\n').map((line, i) => {
      const l = line.slice(0, line.lastIndexOf(','));
      if (i === 0) return `${l},cat_id`;
      const [, store, sku] = l.split(',');
      return `${l},${sku === 'SKU1' && store === 'S2' ? 'TOYS' : sku === 'SKU3' ? 'TOYS' : 'FOODS'}`;
    }).join('\n') + '\n';
    const layout = dataLayout(cfg.dataDir);
    mkdirSync(layout.incoming, { recursive: true });
    writeFileSync(join(layout.incoming, 'a.csv'), text);
    mkdirSync(join(cfg.dataDir, 'exports'), { recursive: true });
    writeFileSync(join(cfg.dataDir, 'exports', 'sales.csv'), text);
    startWorkers(cfg);
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'incoming', runDate: '2024-03-11' });
      const done = await waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 50_000 });
      const queued = join(cfg.dataDir, done.runDir);
      const local = await runPipeline({ input: join(cfg.dataDir, 'exports', 'sales.csv'), outDir: join(cfg.dataDir, 'inproc'), config: parseConfig({ ...cfg, runDate: '2024-03-11' }) });
      for (const file of ['forecasts.csv', 'forecasts-levels.csv', 'quantiles.csv']) {
        expect(readFileSync(join(queued, file), 'utf8'), file).toBe(readFileSync(join(local.runDir, file), 'utf8'));
      }
      expect(readFileSync(join(queued, 'forecasts-levels.csv'), 'utf8')).toContain('store/category,S2/TOYS,');
      const summary = JSON.parse(readFileSync(join(queued, 'run.json'), 'utf8'));
      expect(summary.hierarchy.conflicts).toEqual({ category: 1 });
      expect(summary.issues).toEqual(JSON.parse(readFileSync(join(local.runDir, 'run.json'), 'utf8')).issues);
      expect(summary.warnings.map((w: { code: string }) => w.code)).toContain('levels_conflicting_attribute');
    } finally {
      await q.close();
    }
  });

  it('fails a run asking for a level no series has, as the in-process run stops, and keeps it as failed', async () => {
    const cfg = (config = testConfig({ levels: ['region/category'] }));
    mkdirSync(join(cfg.dataDir, 'exports'), { recursive: true });
    writeFileSync(join(cfg.dataDir, 'exports', 'sales.csv'), dailyCsv({ stores: 2, skus: 3, days: 60 }));
    startWorkers(cfg);
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'input', input: 'exports/sales.csv', runDate: '2024-03-05' });
      const wait = waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 50_000 });
      await expect(wait).rejects.toThrow(RunFailedError);
      await expect(wait).rejects.toThrow(/groups by "region", "category", which no series has/);
      const failed = JSON.parse(readFileSync(join(dataLayout(cfg.dataDir).out, 'runs', `${runId}.failed`, 'run.json'), 'utf8'));
      expect(failed.failure.stage).toBe('forecast');
    } finally {
      await q.close();
    }
  });
});
