/**
 * The run job's feeder: it puts a queued run's fit context and its batches' series into Redis
 * (fit-store.ts) for the train jobs, holding at most `queue.maxInflightBytes` of series there at
 * once. A train job deletes its batch's series once its forecasts are in Redis; the feeder sees
 * the key gone and adds the next batch, in batch order (the order BullMQ hands the jobs out).
 *
 * Resumable: a batch whose series or forecasts are already in Redis is not added again, so a run
 * job retried after its worker died goes on where the last attempt stopped. A batch whose train
 * job failed for good (its series deleted by the job, or its worker lost) leaves the window too.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import { workDirOf } from '../pipelines/io/paths.js';
import { encodeSeries } from '../pipelines/io/series-file.js';
import { loadPrepared } from '../pipelines/run/run.js';
import { queueOptions } from './connection.js';
import { deleteRunKeys, encodeFitContext, FIT_TTL_S, fitClient, fitKeys, fitStoreEnv, type FitStoreEnv } from './fit-store.js';
import { classifyError, isLastAttempt, throttledProgress, type JobLike } from './job-context.js';
import { batchRanges, QUEUES, trainJobId } from './queues.js';
import { collectGarbage } from './release-memory.js';
import { loadRun, type LoadedRun } from './train-worker.js';

/** How often the feeder looks for finished batches, ms. */
export const FEED_POLL_MS = 50;
/** After this long without a finished batch the feeder asks whether a batch in flight failed for good, ms. */
export const FEED_STUCK_MS = 5_000;

/** What {@link feedBatches} needs besides the run. */
export interface FeedOptions {
  /** Work directory of the run (its prepared series). */
  work: string;
  maxInflightBytes: number;
  /** Whether a batch's train job has failed for good (its series are then dropped from the window). */
  failed(batch: number): Promise<boolean>;
  onBatch?(batch: number, bytes: number): void;
  /** @defaultValue {@link FEED_POLL_MS} */
  pollMs?: number;
  /** @defaultValue {@link FEED_STUCK_MS} */
  stuckMs?: number;
}

/** What {@link feedBatches} did. */
export interface FeedResult {
  /** Batches whose series it added. */
  added: number;
  /** Bytes of series it wrote to Redis. */
  bytes: number;
  /** Largest bytes of series in Redis at once. */
  peakBytes: number;
}

/**
 * Feed a prepared run's batches (the run job, after adding the flow, or again when retried while
 * the flow waits for its batches): its work directory and settings on this machine, the train
 * queue asked whether a batch failed for good (a job removed by retention counts as finished).
 */
export async function feedRun(job: JobLike, config: Config, connection: ConnectionOptions, runId: string): Promise<FeedResult> {
  try {
    return await feed(job, config, connection, runId);
  } catch (e) {
    // nobody else feeds this run: its fit keys go, so that its train jobs fail at once
    // (their fit context is gone) instead of waiting for series that never come
    if (isLastAttempt(job, classifyError(e))) await deleteRunKeys(fitStoreEnv(config), runId).catch(() => {});
    throw e;
  }
}

/**
 * Put a prepared run's fit context into Redis (once), before its train jobs exist: a train job
 * that finds no context knows the run was published, abandoned or expired.
 */
export async function writeFitContext(config: Config, runId: string): Promise<void> {
  const run = await loadRun(workDirOf(config.dataDir, runId));
  const env = fitStoreEnv(config);
  await fitClient(env.redisUrl).set(fitKeys(env.prefix, runId).ctx, encodeFitContext(run.config, run.prep), 'EX', FIT_TTL_S, 'NX');
}

async function feed(job: JobLike, config: Config, connection: ConnectionOptions, runId: string): Promise<FeedResult> {
  // the histories the run was prepared from are garbage now, and this job lasts for the fit
  collectGarbage();
  const work = workDirOf(config.dataDir, runId);
  const run = await loadRun(work);
  const ranges = batchRanges(run.seriesCount, config.queue.batchSize);
  const train = new Queue(QUEUES.train, queueOptions(config, connection));
  train.on('error', () => {});
  const progress = throttledProgress(job);
  let added = 0;
  try {
    const failed = async (b: number) => {
      const j = await train.getJob(trainJobId(runId, b));
      return !j || (await j.getState()) === 'failed';
    };
    return await feedBatches(fitStoreEnv(config), runId, run, ranges, {
      work,
      maxInflightBytes: config.queue.maxInflightBytes,
      failed,
      onBatch: () => progress('feed', ++added, ranges.length),
    });
  } finally {
    await train.close().catch(() => {});
  }
}

/**
 * Write a run's fit context (once) and feed its batches' series into Redis within the byte
 * window; returns once every batch's series has been added (the last ones may still be fitting).
 * @param ranges the batches' series ranges, in batch order.
 */
export async function feedBatches(env: FitStoreEnv, runId: string, run: LoadedRun, ranges: readonly { from: number; to: number }[], opts: FeedOptions): Promise<FeedResult> {
  const redis = fitClient(env.redisUrl);
  const keys = fitKeys(env.prefix, runId);
  await redis.set(keys.ctx, encodeFitContext(run.config, run.prep), 'EX', FIT_TTL_S, 'NX');
  const inflight = new Map<number, number>();
  const todo = await batchesToAdd(redis, keys, ranges.length, inflight);
  const result: FeedResult = { added: 0, bytes: 0, peakBytes: 0 };
  let held = sum(inflight);
  let lastFinish = Date.now();
  for (const b of todo) {
    const { series } = await loadPrepared(opts.work, ranges[b]);
    const bytes = encodeSeries({ runId, batch: b, ...ranges[b] }, series);
    // at least one batch is in flight, whatever its size
    while (inflight.size && held + bytes.length > opts.maxInflightBytes) {
      await new Promise((r) => setTimeout(r, opts.pollMs ?? FEED_POLL_MS));
      const freed = await finished(redis, keys, inflight, Date.now() - lastFinish > (opts.stuckMs ?? FEED_STUCK_MS) ? opts.failed : null);
      if (freed) lastFinish = Date.now();
      held = sum(inflight);
    }
    await redis.set(keys.input(b), bytes, 'EX', FIT_TTL_S);
    inflight.set(b, bytes.length);
    held += bytes.length;
    result.added++;
    result.bytes += bytes.length;
    result.peakBytes = Math.max(result.peakBytes, held);
    opts.onBatch?.(b, bytes.length);
  }
  return result;
}

function sum(m: Map<number, number>): number {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
}

/**
 * The batches still to add (neither series nor forecasts in Redis), and those whose series are
 * in Redis already (an earlier attempt's) into `inflight`.
 */
async function batchesToAdd(redis: Redis, keys: ReturnType<typeof fitKeys>, n: number, inflight: Map<number, number>): Promise<number[]> {
  const todo: number[] = [];
  for (let from = 0; from < n; from += 1000) {
    const to = Math.min(n, from + 1000);
    const pipe = redis.pipeline();
    for (let b = from; b < to; b++) pipe.strlen(keys.input(b)).exists(keys.output(b));
    const res = (await pipe.exec()) ?? [];
    for (let b = from; b < to; b++) {
      const [inLen, outThere] = [res[2 * (b - from)]?.[1] as number, res[2 * (b - from) + 1]?.[1] as number];
      if (inLen > 0) inflight.set(b, inLen);
      else if (!outThere) todo.push(b);
    }
  }
  return todo;
}

/**
 * Drop from `inflight` the batches whose series are gone (fitted, or failed for good), and when
 * `failed` is given those whose train job failed for good (their series deleted here).
 * @returns how many left the window.
 */
async function finished(redis: Redis, keys: ReturnType<typeof fitKeys>, inflight: Map<number, number>, failed: ((b: number) => Promise<boolean>) | null): Promise<number> {
  const batches = [...inflight.keys()];
  const pipe = redis.pipeline();
  for (const b of batches) pipe.exists(keys.input(b));
  const res = (await pipe.exec()) ?? [];
  let n = 0;
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i];
    if (res[i]?.[1] === 0 || (failed && (await failed(b)))) {
      if (failed) await redis.del(keys.input(b));
      inflight.delete(b);
      n++;
    }
  }
  return n;
}
