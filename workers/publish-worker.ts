/**
 * The `publish` queue: the parent of a run's flow. BullMQ starts it once every train-batch child
 * has completed or failed for good (children carry `ignoreDependencyOnFailure`, so a failed child
 * is recorded on the parent instead of leaving it in waiting-children forever).
 *
 * It reads the completed batches' forecasts from Redis in batch order (fit-store.ts); for a batch that failed after
 * its last attempt it forecasts those series with the simple (cold-start) model instead and
 * names the batch in run.json's `degraded`. When levels or quantiles are asked for, the batches'
 * last series are the level aggregates (run-queue.ts): the levels stage is finished here as in
 * the in-process run (pipelines/hierarchy/run-levels.ts). Then stage 3 (`publishRun`) writes the
 * outputs and promotes the run directory, and deletes the run's fit keys from Redis. Idempotent:
 * a publish retried after the promote succeeded finds the run directory and returns it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SeriesForecast } from '../pipelines/forecast/forecast-series.js';
import { dataLayout, queueStagingDirOf, relativeToData, removeScratchDir, workDirOf } from '../pipelines/io/paths.js';
import { forecastBatch, gridOf, loadPrepared, publishRun } from '../pipelines/run/run.js';
import { blendRun, pooledNotComputed } from '../pipelines/run/pooled-run.js';
import { loadPooled } from '../pipelines/forecast/pooled-file.js';
import { finishRunLevels } from '../pipelines/hierarchy/run-levels.js';
import { loadLevelsPlan } from '../pipelines/hierarchy/levels-plan-file.js';
import { classifyError, jobLog, type JobLike } from './job-context.js';
import { batchRanges, parsePayload, publishPayloadSchema, type PublishResult, type TrainResult } from './queues.js';
import { deleteRunKeys, fitClient, fitKeys, type FitStoreEnv } from './fit-store.js';
import { clearRunCache, decodeBatchResult, loadRun } from './train-worker.js';

/** `fallback` of series forecast by the simple model because their batch failed. */
export const BATCH_FAILED = 'batch-failed';

/** Batch number of a child job key (`<prefix>:train:train-<runId>-00003`). */
function batchOfKey(key: string): number {
  const m = /-(\d{5,})$/.exec(key);
  return m ? Number(m[1]) : -1;
}

/**
 * Process a publish job: gather batch results (simple-model fallback for failed batches) and
 * publish the run.
 * @param job the parent job (payload: {@link publishPayloadSchema}); must offer
 *   `getChildrenValues` and `getIgnoredChildrenFailures`.
 * @param env this machine's data directory, the Redis URL and queue prefix of the fit keys.
 * @returns the run id, the run directory (relative to the data directory) and degraded batches.
 * @throws UnrecoverableError on an invalid payload or a missing prepared run.
 */
export async function processPublishJob(job: JobLike, env: PublishEnv): Promise<PublishResult> {
  try {
    return await publish(job, env);
  } catch (e) {
    throw classifyError(e);
  }
}

/** What a publish job needs: this machine's data directory and where the fit keys are. */
export type PublishEnv = FitStoreEnv & { dataDir: string };

async function publish(job: JobLike, env: PublishEnv): Promise<PublishResult> {
  const p = parsePayload(publishPayloadSchema, job.data, 'publish');
  const runDir = join(dataLayout(env.dataDir).out, 'runs', p.runId);
  // derived from the validated run id, never read from the job
  const staging = queueStagingDirOf(env.dataDir, p.runId);
  const work = workDirOf(env.dataDir, p.runId);
  if (!existsSync(staging) && existsSync(join(runDir, 'run.json'))) {
    const summary = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as { degraded?: string[] };
    await removeScratchDir(env.dataDir, work);
    await deleteRunKeys(env, p.runId);
    jobLog(job, `run ${p.runId} was already published`);
    return { runId: p.runId, runDir: relativeToData(env.dataDir, runDir), degraded: summary.degraded ?? [] };
  }
  // metadata and digest only: the histories are read again just for a batch that failed
  const loaded = await loadRun(work);
  const { config, ctx } = loaded;
  // paths as seen from this machine
  const prep = { ...loaded.prep, stagingDir: staging, outDir: dataLayout(env.dataDir).out };

  const values = job.getChildrenValues ? await job.getChildrenValues<TrainResult>() : {};
  const failures = job.getIgnoredChildrenFailures ? await job.getIgnoredChildrenFailures() : {};
  const done = new Map<number, TrainResult>();
  for (const v of Object.values(values)) if (v && typeof v.batch === 'number') done.set(v.batch, v);
  const reasons = new Map<number, string>();
  for (const [key, reason] of Object.entries(failures)) reasons.set(batchOfKey(key), reason);

  const ranges = batchRanges(loaded.seriesCount, config.queue.batchSize);
  if (ranges.length !== p.batches) throw new Error(`publish ${p.runId}: expected ${p.batches} batches, the prepared run gives ${ranges.length}`);
  const forecasts: SeriesForecast[] = [];
  const degraded: string[] = [];
  // the simple model: forecast-series.ts's cold-start mean (series without sales keep the zero forecast)
  const fallbackCtx = { ...ctx, degraded: true };
  for (let b = 0; b < ranges.length; b++) {
    const r = ranges[b];
    const result = done.get(b);
    let batch: SeriesForecast[] | null = null;
    if (result) {
      batch = await batchResult(env, p.runId, b, r.to - r.from).catch((e: unknown) => {
        reasons.set(b, `batch result unreadable: ${(e as Error).message}`);
        return null;
      });
    }
    if (!batch) {
      const why = reasons.get(b) ?? 'no result';
      degraded.push(`batch ${b} (series ${r.from}-${r.to - 1}): ${why}`);
      const { series } = await loadPrepared(work, r);
      batch = forecastBatch(series, fallbackCtx).map((f) => ({ ...f, fallback: BATCH_FAILED }));
      jobLog(job, `batch ${b} failed (${why}); its ${r.to - r.from} series use the simple model`);
    }
    for (const f of batch) forecasts.push(f);
  }
  await job.updateProgress({ stage: 'publish', done: 0, total: 1 });
  // the queued fit: from the flow's creation (the run prepared) until its last batch finished
  prep.timingsMs = { ...prep.timingsMs, fit: Math.max(0, Date.now() - job.timestamp) };
  // levels: the batches forecast the bottom series, then the aggregates; reconciled as in-process
  const t = Date.now();
  const plan = await loadLevelsPlan(work);
  const finished = plan ? finishRunLevels(forecasts, config, plan) : undefined;
  const timed = finished ? { ...prep, timingsMs: { ...prep.timingsMs, levels: Date.now() - t } } : prep;
  // the pooled model's forecasts, computed by the run job, blended as in-process (pipelines/run/pooled-run.ts)
  const missing = pooledNotComputed(config, gridOf(prep).frequency);
  const loadedPooled = await loadPooled(work);
  const pooled = loadedPooled ?? missing.stage;
  const warned = loadedPooled ? timed : { ...timed, warnings: [...(timed.warnings ?? []), ...missing.warnings] };
  const { forecasts: blended, levels } = blendRun(finished ? finished.forecasts : forecasts, finished, plan, pooled);
  const { runDir: finalDir, summary } = await publishRun(warned, blended, config, { mode: 'queue', degraded, levels, pooled: pooled.facts });
  clearRunCache();
  await removeScratchDir(env.dataDir, work);
  await deleteRunKeys(env, p.runId);
  jobLog(job, `run ${p.runId} published${degraded.length ? ` (degraded: ${degraded.length} batch(es))` : ''}`);
  return { runId: p.runId, runDir: relativeToData(env.dataDir, finalDir), degraded, timingsMs: summary.timingsMs };
}

/**
 * A completed batch's forecasts from Redis (the key is derived from the run id, never read from
 * the child's result).
 * @throws Error when they are missing or do not hold the batch's series.
 */
async function batchResult(env: FitStoreEnv, runId: string, b: number, n: number): Promise<SeriesForecast[]> {
  const bytes = await fitClient(env.redisUrl).getBuffer(fitKeys(env.prefix, runId).output(b));
  if (!bytes) throw new Error('not in Redis (expired or removed)');
  const batch = decodeBatchResult(bytes);
  if (batch.length !== n) throw new Error(`has ${batch.length} series, expected ${n}`);
  return batch;
}
