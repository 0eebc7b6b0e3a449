/**
 * Where and when an in-process run's pooled stage (pooled-stage.ts) runs. It reads only the
 * cleaned histories and the calendar, not the fits, so `forecast run` starts it on a worker thread
 * as soon as stage 1 has cleaned the histories (pipelines/run/run.ts `prepareRun`'s `onHistories`)
 * and joins it before the blend: it trains while the main thread replays the order policy and the
 * fitting threads fit (issue 17 item 6; run after the fits it was 8 of the M5 slice's 15 s).
 *
 * The thread reads the histories without a copy: for such a run the ingest puts them in shared
 * memory (`sharedHistories`: SharedArrayBuffer slabs, pipelines/ingest/array-slabs.ts), and only
 * arrays that are not shared (a series merged by the cleaning, an input read elsewhere) are copied,
 * once, into one shared buffer. The stage is a pure function of the same numbers on either thread,
 * so its forecasts are the inline stage's, byte for byte.
 *
 * Inline (computed when joined, on the calling thread, as before) with one thread, or when the
 * stage is sure to be skipped (the settings, a run that is not daily, fewer series than
 * `models.pooled.minSeries`: a thread would cost more than the stage).
 */
import { Worker } from 'node:worker_threads';
import type { Config } from '../../config/schema.js';
import { pooledStage, settingsSkipReason, type PooledInput, type PooledStage } from './pooled-stage.js';
import { threadCount, threadEntry } from './threads.js';

/** A joined stage: its result, its own milliseconds, and whether it ran on a thread. */
export interface PooledDone {
  stage: PooledStage;
  ms: number;
  threaded: boolean;
}

/** A pooled stage started. */
export interface PooledJob {
  /** Its result; inline it is computed on this call. Rejects with the thread's error (see {@link threadError}). */
  join(): Promise<PooledDone>;
  /** Stop it (a run that failed elsewhere); nothing to do inline or once its thread has answered. */
  cancel(): Promise<void>;
}

/** Starts pooled stages. */
export interface PooledRunner {
  /** Whether stage 1 should put the histories in shared memory (for a thread to read them without a copy). */
  readonly sharedHistories: boolean;
  start(input: PooledInput, config: Pick<Config, 'models'>): PooledJob;
}

/** The answer of the thread (pooled-thread.ts). */
export type PooledThreadAnswer = { stage: PooledStage; ms: number } | { error: { message: string; stack?: string } };

/** The stage on the calling thread, when joined (the input is held until then). */
function inlineJob(input: PooledInput, config: Pick<Config, 'models'>): PooledJob {
  let held: PooledInput | null = input;
  let done: PooledDone | null = null;
  return {
    join: async () => {
      if (done) return done;
      if (!held) throw new Error('the pooled stage was cancelled');
      const t = performance.now();
      const stage = pooledStage(held, config);
      held = null;
      done = { stage, ms: Math.round(performance.now() - t), threaded: false };
      return done;
    },
    cancel: async () => {
      held = null;
    },
  };
}

/** Every run's stage inline (the default of `runPipeline`, the queue's shells). */
export const INLINE_POOLED: PooledRunner = { sharedHistories: false, start: inlineJob };

/**
 * A runner that puts the stage on a worker thread when `threads` (the `threads` setting: 0 = one
 * per core) allows more than one, inline otherwise (see the module comment).
 */
export function threadPooled(threads: number): PooledRunner {
  if (threadCount(threads) <= 1) return INLINE_POOLED;
  return { sharedHistories: true, start: (input, config) => (surelySkipped(input, config) ? inlineJob(input, config) : threadJob(input, config)) };
}

/** Whether the stage will be skipped before it counts a row (no thread needed). */
function surelySkipped(input: PooledInput, config: Pick<Config, 'models'>): boolean {
  return settingsSkipReason(config, input.grid.frequency) !== null || input.series.length < config.models.pooled.minSeries;
}

/** The stage on a worker thread started now; its first error, or an exit before it answered, rejects `join`. */
function threadJob(input: PooledInput, config: Pick<Config, 'models'>): PooledJob {
  const worker = new Worker(threadEntry('pooled-thread.js'), { workerData: { input: sharedInput(input), config: { models: config.models } } });
  let settled = false;
  const done = new Promise<PooledDone>((resolve, reject) => {
    const fail = (e: Error) => {
      if (!settled) (settled = true), reject(e);
    };
    worker.once('message', (m: PooledThreadAnswer) => {
      if ('error' in m) return fail(threadError(m.error.message, m.error.stack));
      settled = true;
      resolve({ stage: m.stage, ms: m.ms, threaded: true });
    });
    worker.once('error', (e: Error) => fail(threadError(e.message, e.stack)));
    worker.once('exit', (code) => fail(new Error(`the pooled model's thread stopped (exit code ${code}) before it answered`)));
  });
  // the run awaits it only when it joins: until then a failure must not count as unhandled
  done.catch(() => {});
  return {
    join: () => done,
    cancel: async () => {
      await worker.terminate();
    },
  };
}

/** The error a run fails with when the thread's stage threw: its message, and the thread's stack. */
export function threadError(message: string, stack?: string): Error {
  const e = new Error(`the pooled model's thread failed: ${message}`);
  if (stack) e.stack = `${e.name}: ${e.message}\n  (the thread's stack)\n${stack}`;
  return e;
}

/**
 * The input with every history in shared memory: views of shared slabs as they are, other
 * arrays copied into one new shared buffer; each series reduced to what the stage reads.
 */
function sharedInput(input: PooledInput): PooledInput {
  const shared = (a: Float64Array) => a.buffer instanceof SharedArrayBuffer;
  let bytes = 0;
  for (const s of input.series) bytes += (shared(s.demand) ? 0 : s.demand.byteLength) + (shared(s.price) ? 0 : s.price.byteLength);
  const pool = new SharedArrayBuffer(bytes);
  let at = 0;
  const share = (a: Float64Array): Float64Array => {
    if (shared(a)) return a;
    const copy = new Float64Array(pool, at, a.length);
    copy.set(a);
    at += a.byteLength;
    return copy;
  };
  // a cleaning patch is small: copied to the thread (the stage reads the days it lowers)
  const series = input.series.map((s) => ({ store: s.store, sku: s.sku, start: s.start, demand: share(s.demand), price: share(s.price), cleaning: s.cleaning }));
  return { ...input, series };
}
