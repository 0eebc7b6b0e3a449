/**
 * The `train` queue: one `train-batch` job forecasts series [from, to) of a prepared run.
 *
 * Stateless: the job names the run (its work directory `work/<runId>` is derived from the run
 * id) and an index range; the worker reads the prepared series and the run's settings from there, calls
 * `forecastBatch` (pipelines/run/run.ts) and writes the batch's forecasts beside them
 * in the run's work directory
 * (`batches/batch-00003.json`, lossless JSON, atomic), returning only the file's name. Any
 * number of processes on any machines that see the same data directory can share the batches.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { ensureDir, writeFileAtomic } from '../pipelines/io/atomic-write.js';
import { parseConfig } from '../config/load.js';
import { ConfigError, InputError } from '../pipelines/errors.js';
import type { ForecastContext, SeriesForecast } from '../pipelines/forecast/forecast-series.js';
import { relativeToData, workDirOf } from '../pipelines/io/paths.js';
import { forecastBatch, forecastContext, loadPrepared, type PreparedRun } from '../pipelines/run/run.js';
import { classifyError, jobLog, throttledProgress, type JobLike } from './job-context.js';
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

/** File name of a batch's forecasts inside the work directory. */
export function batchFile(batch: number): string {
  return join('batches', `batch-${String(batch).padStart(5, '0')}.json`);
}

/** Read a batch's forecasts written by {@link processTrainJob}. */
export async function readBatchFile(path: string): Promise<SeriesForecast[]> {
  return decodeJson<SeriesForecast[]>(await readFile(path, 'utf8'));
}

/**
 * Process a train-batch job: forecast its series and write them to the work directory.
 * @param job the job (payload: {@link trainPayloadSchema}).
 * @param env.dataDir this machine's data directory.
 * @returns the batch number, its range and its forecast file (relative to the data directory).
 * @throws UnrecoverableError on an invalid payload, a range outside the run, or a missing run;
 *   other errors (I/O) are retried with backoff, and after the last attempt the publish job
 *   falls back to the simple model for the batch.
 */
export async function processTrainJob(job: JobLike, env: { dataDir: string }): Promise<TrainResult> {
  try {
    const p = parsePayload(trainPayloadSchema, job.data, 'train-batch');
    // derived from the validated run id, never read from the job
    const work = workDirOf(env.dataDir, p.runId);
    const { seriesCount, ctx } = await loadRun(work);
    if (p.to > seriesCount) throw new InputError(`train-batch ${p.batch}: range [${p.from}, ${p.to}) is outside the run's ${seriesCount} series`);
    const progress = throttledProgress(job);
    const n = p.to - p.from;
    // only this batch's series are read (one read at one offset of the prepared file)
    const { series } = await loadPrepared(work, { from: p.from, to: p.to });
    const forecasts = forecastBatch(series, ctx, (d) => progress('fit', d, n));
    const file = join(work, batchFile(p.batch));
    await ensureDir(join(work, 'batches'));
    await writeFileAtomic(file, encodeJson(forecasts));
    jobLog(job, `batch ${p.batch}: ${n} series forecast`);
    return { batch: p.batch, from: p.from, to: p.to, file: relativeToData(env.dataDir, file) };
  } catch (e) {
    throw classifyError(e);
  }
}
