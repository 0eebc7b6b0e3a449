/**
 * The run job's feeder (workers/batch-feed.ts) against a real Redis: batches' series enter Redis
 * in batch order, never more than `maxInflightBytes` at once (beyond one batch), each batch's
 * bytes the series of its range; a retried feed adds only what the last attempt did not; a batch
 * failed for good leaves the window. And a train job of an abandoned run fails at once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { UnrecoverableError } from 'bullmq';
import { parseConfig } from '../../config/load.js';
import { decodeSeries, writeSeriesFile } from '../../pipelines/io/series-file.js';
import { PREPARED_FILE } from '../../pipelines/run/run.js';
import type { SeriesData } from '../../pipelines/types.js';
import { feedBatches } from '../../workers/batch-feed.js';
import { decodeFitContext, deleteRunKeys, encodeFitContext, fitClient, fitKeys, type FitStoreEnv } from '../../workers/fit-store.js';
import { batchRanges } from '../../workers/queues.js';
import { RUN_CONFIG_FILE } from '../../workers/run-queue.js';
import { clearRunCache, loadRun, processTrainJob } from '../../workers/train-worker.js';
import { deleteFitKeys } from './helpers.js';

const N = 10;
const DAYS = 100;
let work = '';
let env: FitStoreEnv | null = null;
afterEach(async () => {
  if (env) await deleteFitKeys(env.redisUrl, env.prefix);
  env = null;
  if (work) rmSync(work, { recursive: true, force: true });
  work = '';
  clearRunCache();
});

function series(i: number): SeriesData {
  const demand = Float64Array.from({ length: DAYS }, (_, t) => (t * 7 + i) % 5);
  return {
    key: `S\u0000K${i}`,
    store: 'S',
    sku: `K${i}`,
    start: 0,
    demand,
    returns: new Float64Array(DAYS),
    price: new Float64Array(DAYS).fill(2 + i),
    observed: new Uint8Array(DAYS).fill(1),
    issues: {},
    acceptedRows: DAYS,
  };
}

/** A prepared run of N one-series batches in a work directory, as the run job leaves it. */
async function preparedRun() {
  work = mkdtempSync(join(tmpdir(), 'fq-feed-'));
  const all = Array.from({ length: N }, (_, i) => series(i));
  await writeSeriesFile(join(work, PREPARED_FILE), { runId: 'r1', end: DAYS - 1, horizon: 7 }, all);
  writeFileSync(join(work, RUN_CONFIG_FILE), JSON.stringify(parseConfig({})));
  env = { redisUrl: inject('redisUrl'), prefix: `feed${process.pid}${Math.random().toString(36).slice(2, 8)}` };
  return { all, run: await loadRun(work), ranges: batchRanges(N, 1) };
}

/** A fake fitter: takes the lowest batch whose series are in Redis, notes the bytes in flight, "fits" it. */
function fitter(e: FitStoreEnv, stopAt: number) {
  const keys = fitKeys(e.prefix, 'r1');
  const redis = fitClient(e.redisUrl);
  const order: number[] = [];
  const bytes: Buffer[] = [];
  let peak = 0;
  const done = (async () => {
    for (let b = 0; b < stopAt; ) {
      let inflight = 0;
      for (let k = 0; k < N; k++) inflight += await redis.strlen(keys.input(k));
      peak = Math.max(peak, inflight);
      const got = await redis.getBuffer(keys.input(b));
      if (!got) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      bytes.push(got);
      order.push(b);
      await redis.multi().set(keys.output(b), 'x').del(keys.input(b)).exec();
      b++;
    }
  })();
  return { done, order, bytes, peak: () => peak };
}

describe('feedBatches', () => {
  it('adds batches in order within the byte window, each the series of its range', async () => {
    const { all, run, ranges } = await preparedRun();
    const e = env!;
    const one = 16 + 1024; // a batch's bytes are about 1.7 kB of arrays plus its header
    const limit = 2.5 * (17 * DAYS + one);
    const fit = fitter(e, N);
    const fed = await feedBatches(e, 'r1', run, ranges, { work, maxInflightBytes: limit, failed: async () => false, pollMs: 5 });
    await fit.done;
    expect(fed.added).toBe(N);
    expect(fit.order).toEqual([...Array(N).keys()]);
    expect(fed.peakBytes).toBeLessThanOrEqual(limit);
    expect(fit.peak()).toBeLessThanOrEqual(limit);
    expect(fed.peakBytes).toBeGreaterThan(fed.bytes / N); // more than one batch at a time: the window is used
    for (let b = 0; b < N; b++) {
      const [s] = decodeSeries(fit.bytes[b]).series;
      expect(s.sku).toBe(all[b].sku);
      expect(Array.from(s.demand)).toEqual(Array.from(all[b].demand));
      expect(Array.from(s.price)).toEqual(Array.from(all[b].price));
    }
    // the fit context: the run's settings and horizon
    const ctx = decodeFitContext((await fitClient(e.redisUrl).getBuffer(fitKeys(e.prefix, 'r1').ctx))!, 'r1');
    expect(ctx.horizon).toBe(7);
    expect(ctx.end).toBe(DAYS - 1);
  });

  it('a retried feed adds only the batches the last attempt did not', async () => {
    const { run, ranges } = await preparedRun();
    const e = env!;
    const keys = fitKeys(e.prefix, 'r1');
    const redis = fitClient(e.redisUrl);
    await redis.set(keys.output(0), 'done');
    await redis.set(keys.input(1), Buffer.alloc(100));
    const added: number[] = [];
    const fed = await feedBatches(e, 'r1', run, ranges, { work, maxInflightBytes: 1e9, failed: async () => false, onBatch: (b) => added.push(b) });
    expect(added).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(fed.added).toBe(8);
    expect(await redis.strlen(keys.input(1))).toBe(100);
  });

  it('drops a batch that failed for good from the window (and its series from Redis)', async () => {
    const { run, ranges } = await preparedRun();
    const e = env!;
    const keys = fitKeys(e.prefix, 'r1');
    const redis = fitClient(e.redisUrl);
    // nobody fits: with a window of one batch, batch 0 stays in flight until it is found failed
    const failed = async (b: number) => b === 0;
    const fed = await feedBatches(e, 'r1', run, ranges.slice(0, 2), { work, maxInflightBytes: 1, failed, pollMs: 5, stuckMs: 50 });
    expect(fed.added).toBe(2);
    expect(await redis.exists(keys.input(0))).toBe(0);
    expect(await redis.exists(keys.input(1))).toBe(1);
  });
});

describe('the fit context', () => {
  it('carries the settings fitting needs and no credential', () => {
    const config = parseConfig({ horizon: 14, models: { minHistory: 30 }, dashboard: { password: 'dash-secret-1' }, queue: { redisUrl: 'redis://:redis-secret-2@host:6379' } });
    const bytes = encodeFitContext(config, { end: 99, horizon: 14 });
    expect(bytes.toString('utf8')).not.toMatch(/secret/);
    const ctx = decodeFitContext(bytes, 'r1');
    expect(ctx.config.models).toEqual(config.models);
    expect(ctx.config.cleaning).toEqual(config.cleaning);
    expect(ctx.horizon).toBe(14);
  });
});

describe('a train job of an abandoned run', () => {
  const job = (data: object) => ({ name: 'train-batch', data, timestamp: 0, attemptsMade: 0, opts: { attempts: 3 }, updateProgress: async () => {}, log: () => {} });

  it('fails for good at once when the run has no fit context', async () => {
    env = { redisUrl: inject('redisUrl'), prefix: `feedx${process.pid}` };
    const t0 = Date.now();
    await expect(processTrainJob(job({ runId: 'gone', batch: 0, from: 0, to: 1 }), env)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('stops waiting for its series once the run is abandoned (its fit keys deleted)', async () => {
    const { run } = await preparedRun();
    const e = env!;
    await fitClient(e.redisUrl).set(fitKeys(e.prefix, 'r1').ctx, encodeFitContext(run.config, run.prep));
    const waiting = processTrainJob(job({ runId: 'r1', batch: 3, from: 3, to: 4 }), { ...e, inputWaitMs: 60_000 });
    const outcome = waiting.then(() => 'done', (err: unknown) => err);
    await new Promise((r) => setTimeout(r, 100));
    await deleteRunKeys(e, 'r1');
    const err = await outcome;
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(String((err as Error).message)).toMatch(/abandoned/);
  });
});
