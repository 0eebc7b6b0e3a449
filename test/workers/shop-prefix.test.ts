/**
 * A deployment prefix per shop (issue 19, item 2): the queue prefix defaults to one derived from
 * the data directory's real path, and every producer and worker takes it from the same place
 * (workers/queues.ts `queuePrefix`, through `queueOptions`), so two shops on one Redis never see
 * each other's jobs, even for the same run id.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import { parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { queueOptions, redisConnection } from '../../workers/connection.js';
import { fitStoreEnv } from '../../workers/fit-store.js';
import { processPublishJob } from '../../workers/publish-worker.js';
import { QUEUES, queuePrefix } from '../../workers/queues.js';
import { enqueueRun, processRunJob, waitForRun } from '../../workers/run-queue.js';
import { processTrainJob } from '../../workers/train-worker.js';
import { cleanup } from './helpers.js';
import { dailyCsv } from './fixtures.js';

let shops: Config[] = [];
let workers: Worker[] = [];
let tmp: string[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close(true)));
  workers = [];
  for (const c of shops) await cleanup(c);
  shops = [];
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
  tmp = [];
});

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fq-shop-'));
  tmp.push(d);
  return d;
}

describe('queuePrefix', () => {
  it('derives one prefix per data directory (its real path), and an explicit prefix wins', () => {
    const a = dir();
    const b = dir();
    const link = join(dir(), 'link');
    symlinkSync(a, link);
    const pa = queuePrefix(parseConfig({ dataDir: a }));
    expect(pa).toMatch(/^forecast-[0-9a-f]{8}$/);
    expect(queuePrefix(parseConfig({ dataDir: b }))).not.toBe(pa);
    expect(queuePrefix(parseConfig({ dataDir: link }))).toBe(pa);
    expect(queuePrefix(parseConfig({ dataDir: a, queue: { prefix: 'shop1' } }))).toBe('shop1');
    // producers, the dashboard and bull-board take the prefix from queueOptions
    expect(queueOptions(parseConfig({ dataDir: a }), {}).prefix).toBe(pa);
  });

  it('refuses a prefix that is not a plain name', () => {
    expect(() => parseConfig({ queue: { prefix: 'a:b' } })).toThrow(/queue.prefix/);
    expect(() => parseConfig({ queue: { prefix: 'a*' } })).toThrow(/queue.prefix/);
    expect(queuePrefix(parseConfig({ queue: { prefix: '{shop1}' } }))).toBe('{shop1}');
  });
});

function startShop(cfg: Config): void {
  const connection = redisConnection(cfg.queue.redisUrl, 'worker');
  const base = { connection, prefix: queuePrefix(cfg) };
  workers.push(
    new Worker(QUEUES.run, (job) => processRunJob(job, { config: cfg, connection: redisConnection(cfg.queue.redisUrl, 'producer') }), base),
    new Worker(QUEUES.train, (job) => processTrainJob(job, fitStoreEnv(cfg)), base),
    new Worker(QUEUES.publish, (job) => processPublishJob(job, { dataDir: cfg.dataDir, ...fitStoreEnv(cfg) }), base),
  );
}

describe('two shops on one Redis', () => {
  it('each publishes its own run of the same run id in its own data directory', async () => {
    const csv = dailyCsv({ stores: 2, skus: 3, days: 100 });
    shops = [0, 1].map(() => parseConfig({ dataDir: dir(), queue: { redisUrl: inject('redisUrl'), batchSize: 2, backoffMs: 50 } }));
    for (const s of shops) {
      mkdirSync(join(s.dataDir, 'exports'), { recursive: true });
      writeFileSync(join(s.dataDir, 'exports', 'sales.csv'), csv);
      startShop(s);
    }
    const queues = shops.map((s) => new Queue(QUEUES.run, queueOptions(s, redisConnection(s.queue.redisUrl, 'producer'))));
    try {
      const first = await enqueueRun(queues[0], shops[0], { mode: 'input', input: 'exports/sales.csv', runDate: '2024-04-15' });
      const doneA = await waitForRun(shops[0], first.runId, { connection: redisConnection(shops[0].queue.redisUrl, 'worker'), timeoutMs: 60_000 });
      // the same input gives the same run id; the other shop's published run does not answer for it
      const second = await enqueueRun(queues[1], shops[1], { mode: 'input', input: 'exports/sales.csv', runDate: '2024-04-15' });
      expect(second.runId).toBe(first.runId);
      expect(second.duplicate).toBe(false);
      const doneB = await waitForRun(shops[1], second.runId, { connection: redisConnection(shops[1].queue.redisUrl, 'worker'), timeoutMs: 60_000 });
      expect(doneA.degraded).toEqual([]);
      expect(doneB.degraded).toEqual([]);
      const a = readFileSync(join(shops[0].dataDir, doneA.runDir, 'forecasts.csv'), 'utf8');
      expect(readFileSync(join(shops[1].dataDir, doneB.runDir, 'forecasts.csv'), 'utf8')).toBe(a);
      for (const s of shops) expect(existsSync(join(s.dataDir, 'work', first.runId))).toBe(false);
      // each shop's run queue holds its own run job only
      for (const q of queues) expect((await q.getJobs(['completed'])).map((j) => j.id)).toEqual([first.runId]);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  }, 120_000);
});
