/**
 * The `train` queue: one `train-batch` job forecasts series [from, to) of a prepared run.
 *
 * Stateless and needing no data directory: the job names the run and a batch; the worker reads
 * the run's fit context and the batch's series from Redis (fit-store.ts; the run job's feeder put
 * them there, batch-feed.ts), calls `forecastBatch` (pipelines/run/run.ts), writes the forecasts
 * back to Redis (lossless JSON) and deletes the batch's series, returning only the result's key.
 * Any number of processes on any machines that reach the same Redis can share the batches.
 *
 * `loadRun` reads a prepared run's settings from its work directory: the run job (feeding) and
 * the publish job use it, on the machine that holds the data directory.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { parseConfig } from '../config/load.js';
import { ConfigError, InputError } from '../pipelines/errors.js';
import type { ForecastContext, SeriesForecast } from '../pipelines/forecast/forecast-series.js';
import { decodeSeries } from '../pipelines/io/series-file.js';
import { forecastBatch, forecastContext, loadPrepared, type PreparedRun } from '../pipelines/run/run.js';
import { decodeFitContext, FIT_TTL_S, fitClient, fitKeys, type FitStoreEnv } from './fit-store.js';
import { classifyError, isLastAttempt, jobLog, throttledProgress, type JobLike } from './job-context.js';
import { decodeJson, encodeJson } from './json-codec.js';
import { parsePayload, trainPayloadSchema, type TrainResult } from './queues.js';
import { RUN_CONFIG_FILE } from './run-queue.js';

/** A prepared run as read back by a worker: settings and context (`prep.series` holds the series read, if any). */
export interface LoadedRun {
  prep: PreparedRun;
  /** Series of the run. */
  seriesCount: number;
  config: Config;
  ctx: ForecastContext;
}

let cache: { work: string; run: LoadedRun } | null = null;

/**
 * Read a prepared run's settings and metadata from its work directory, without its series (kept
 * in memory for the next batch of the same run: a worker usually takes several batches of one
 * run in a row). Batches read their series by range (`loadPrepared(work, range)`).
 * @param work absolute work directory (`<dataDir>/work/<runId>`).
 * @throws InputError when the work directory is gone (the run was published or removed);
 *   ConfigError when its settings file is not valid settings.
 */
export async function loadRun(work: string): Promise<LoadedRun> {
  if (cache && cache.work === work) return cache.run;
  let prep: PreparedRun & { seriesCount: number };
  let config: Config;
  try {
    prep = await loadPrepared(work, { from: 0, to: 0 });
    config = readRunConfig(await readFile(join(work, RUN_CONFIG_FILE), 'utf8'), work);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`prepared run not found in ${work} (already published or removed)`);
    throw e;
  }
  const { seriesCount, ...rest } = prep;
  const run = { prep: rest, seriesCount, config, ctx: forecastContext(prep, config) };
  cache = { work, run };
  return run;
}

/**
 * The settings a run was prepared with, read back from its work directory and validated with the
 * settings schema like any other settings (a file damaged or written by another version fails the
 * job for good instead of running with wrong settings).
 * @throws ConfigError when the text is not JSON or not valid settings.
 */
export function readRunConfig(text: string, work: string): Config {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`${RUN_CONFIG_FILE} in ${work} is not valid JSON`);
  }
  return parseConfig(parsed, `${RUN_CONFIG_FILE} in ${work}`);
}

/** Forget the cached run (tests). */
export function clearRunCache(): void {
  cache = null;
}

/** Read a batch's forecasts as written by {@link processTrainJob} (lossless JSON bytes). */
export function decodeBatchResult(bytes: Buffer): SeriesForecast[] {
  return decodeJson<SeriesForecast[]>(bytes.toString('utf8'));
}

/** How long a train job waits for its batch's series to reach Redis before it is retried, ms. */
export const INPUT_WAIT_MS = 10 * 60_000;

let ctxCache: { key: string; ctx: ForecastContext } | null = null;

/** A run's fit context from Redis (kept for the next batch of the same run). */
async function fitContext(env: FitStoreEnv, runId: string): Promise<ForecastContext> {
  const key = fitKeys(env.prefix, runId).ctx;
  if (ctxCache && ctxCache.key === key) return ctxCache.ctx;
  const bytes = await fitClient(env.redisUrl).getBuffer(key);
  if (!bytes) throw new InputError(`run ${runId}: its fit context is not in Redis (the run was published, abandoned or expired)`);
  const ctx = decodeFitContext(bytes, runId);
  ctxCache = { key, ctx };
  return ctx;
}

/**
 * The batch's series bytes, waited for: the run job's feeder adds them as earlier batches finish
 * (batch-feed.ts), so a worker may take a batch a moment before its series arrive.
 * @throws Error (retried) when they do not arrive within `waitMs`.
 */
async function batchInput(env: FitStoreEnv, runId: string, key: string, waitMs: number): Promise<Buffer> {
  const redis = fitClient(env.redisUrl);
  const ctxKey = fitKeys(env.prefix, runId).ctx;
  const until = Date.now() + waitMs;
  for (let pause = 20; ; pause = Math.min(500, pause * 2)) {
    const [[, bytes], [, ctx]] = ((await redis.multi().getBuffer(key).exists(ctxKey).exec()) ?? [[null, null], [null, 0]]) as [[unknown, Buffer | null], [unknown, number]];
    if (bytes) return bytes;
    // the context is written before the train jobs exist: without it, the run was abandoned
    if (!ctx) throw new InputError(`run ${runId} was abandoned (its fit context left Redis) before this batch's series arrived`);
    if (Date.now() > until) throw new Error(`the series of ${key} did not reach Redis within ${Math.round(waitMs / 1000)} s (is the run job's worker running?)`);
    await new Promise((r) => setTimeout(r, pause));
  }
}

/**
 * Process a train-batch job: read its series from Redis, forecast them, write the forecasts to
 * Redis and delete the series. Idempotent: a batch whose forecasts are already in Redis (a job
 * retried after its worker died) returns them as they are.
 * @param job the job (payload: {@link trainPayloadSchema}).
 * @param env where the fit keys are (Redis URL, queue prefix); `inputWaitMs` bounds the wait
 *   for the batch's series. No data directory is needed.
 * @returns the batch number, its range and the Redis key of its forecasts.
 * @throws UnrecoverableError on an invalid payload, a batch that does not match its range, or a
 *   run whose fit context is gone; other errors (Redis) are retried with backoff, and after the
 *   last attempt the batch's series are deleted and the publish job falls back to the simple
 *   model for the batch.
 */
export async function processTrainJob(job: JobLike, env: FitStoreEnv & { inputWaitMs?: number }): Promise<TrainResult> {
  let input: string | null = null;
  try {
    const p = parsePayload(trainPayloadSchema, job.data, 'train-batch');
    const keys = fitKeys(env.prefix, p.runId);
    const out = keys.output(p.batch);
    input = keys.input(p.batch);
    const redis = fitClient(env.redisUrl);
    const done = await redis.strlen(out);
    if (done > 0) return { batch: p.batch, from: p.from, to: p.to, key: out, bytesIn: 0, bytesOut: done };
    const ctx = await fitContext(env, p.runId);
    const bytes = await batchInput(env, p.runId, input, env.inputWaitMs ?? INPUT_WAIT_MS);
    const { series } = decodeSeries(bytes, input);
    const n = p.to - p.from;
    if (series.length !== n) throw new InputError(`train-batch ${p.batch}: ${series.length} series in Redis, expected ${n} (range [${p.from}, ${p.to}))`);
    const progress = throttledProgress(job);
    const forecasts = forecastBatch(series, ctx, (d) => progress('fit', d, n));
    const result = Buffer.from(encodeJson(forecasts), 'utf8');
    // the result first, then the series: a worker dying in between leaves a batch that is done
    await redis.multi().set(out, result, 'EX', FIT_TTL_S).del(input).exec();
    jobLog(job, `batch ${p.batch}: ${n} series forecast (${bytes.length} bytes in, ${result.length} out)`);
    return { batch: p.batch, from: p.from, to: p.to, key: out, bytesIn: bytes.length, bytesOut: result.length };
  } catch (e) {
    const err = classifyError(e);
    // a batch failed for good frees its place in the feeder's window
    if (input && isLastAttempt(job, err)) await fitClient(env.redisUrl).del(input).catch(() => {});
    throw err;
  }
}
