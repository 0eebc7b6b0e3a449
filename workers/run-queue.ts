/**
 * The `run` queue: triggering a run (producer side) and processing it (worker side).
 *
 * Producer: {@link enqueueRun} validates the request, fixes its run date, derives the run id
 * from the input's content, run date and settings (pipelines/run/run.ts `deriveRunId`; nightly runs:
 * `<date>-nightly-<hash>`) and adds the job under that id, so a duplicate trigger is the same job.
 * {@link waitForRun} blocks until the run's publish job has finished.
 *
 * Worker: {@link processRunJob} — for a nightly run, merges new incoming files into the sales
 * history and exports it (pipelines/history/incoming.ts); then stage 1 (`prepareRun`), `savePrepared`,
 * the effective settings beside it, and one BullMQ flow: a `publish` parent whose children are
 * the `train-batch` jobs. No forecasting logic lives here.
 */
import { existsSync } from 'node:fs';
import { ensureDir, writeFileAtomic } from '../pipelines/io/atomic-write.js';
import { join } from 'node:path';
import { FlowProducer, Queue, QueueEvents, type ConnectionOptions, type FlowJob } from 'bullmq';
import { parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { parseIsoDay } from '../pipelines/dates.js';
import { sha256File } from '../pipelines/io/file-hash.js';
import { confinePath, dataLayout, isRunId, queueStagingDirOf, relativeToData, removeScratchDir, workDirOf } from '../pipelines/io/paths.js';
import { InputError, quoteInput } from '../pipelines/errors.js';
import { checkRegularFile } from '../pipelines/io/side-file.js';
import { deriveRunId, prepareRun, savePrepared } from '../pipelines/run/run.js';
import { describeOutcome, prepareNightlyIngest, type NightlyIngest } from '../pipelines/history/incoming.js';
import { restoreFastStringPrototype } from './fast-string-prototype.js';
import { queueOptions } from './connection.js';
import { classifyError, jobLog, throttledProgress, type JobLike } from './job-context.js';
import {
  batchRanges,
  JOBS,
  parsePayload,
  PayloadError,
  publishJobId,
  publishJobOptions,
  QUEUES,
  runIdFor,
  runJobOptions,
  runPayloadSchema,
  trainJobId,
  trainJobOptions,
  type PublishPayload,
  type PublishResult,
  type RunPayload,
  type RunResult,
  type TrainPayload,
} from './queues.js';

/** File in a staging directory holding the settings the run was prepared with. */
export const RUN_CONFIG_FILE = 'run-config.json';

/**
 * Today's date (YYYY-MM-DD) in an IANA time zone.
 * @param at the instant, ms since the epoch.
 * @param tz time zone, e.g. "Europe/London".
 */
export function dateInZone(at: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The settings of a run: the worker's (or producer's) config with the request's run date and
 * horizon, re-parsed so that its keys are in schema order (the run id hashes its JSON, and
 * `forecast run --run-date D` must derive the same id).
 */
export function effectiveConfig(config: Config, payload: RunPayload, runDate: string): Config {
  return parseConfig({ ...config, runDate, horizon: payload.horizon ?? config.horizon }, 'run settings');
}

/**
 * The settings stage 1 reads a nightly run's history export with: the run's settings with
 * column auto-detection (the export has canonical column names; an explicit mapping in config is
 * meant for the retailer's own files).
 */
export function historyRunConfig(eff: Config): Config {
  return parseConfig({ ...eff, columns: {} }, 'run settings');
}

/**
 * Fix a request's run date and derive its run id.
 * @param config settings (data directory, horizon, schedule time zone).
 * @param payload the validated request.
 * @param at the instant the request is for (a scheduler tick, or now), ms.
 * @throws PathError when a path is outside the data directory; Error when a file is unreadable.
 */
export async function resolveRun(config: Config, payload: RunPayload, at: number): Promise<{ payload: RunPayload & { runDate: string }; runId: string }> {
  const runDate = payload.runDate ?? config.runDate ?? dateInZone(at, config.schedule.tz);
  if (Number.isNaN(parseIsoDay(runDate))) throw new PayloadError(`run date must be YYYY-MM-DD, got "${runDate}"`);
  const p = { ...payload, runDate } as RunPayload & { runDate: string };
  const eff = effectiveConfig(config, p, runDate);
  let calendarHash = '';
  if (p.calendar) {
    const calendar = confinePath(config.dataDir, p.calendar, 'calendar');
    // a FIFO or a device would block or never end the hash below
    const bytes = checkRegularFile(calendar, 'calendar');
    if (bytes > eff.validation.maxSideFileBytes) throw new InputError(`calendar ${quoteInput(p.calendar)} is ${bytes} bytes, more than validation.maxSideFileBytes (${eff.validation.maxSideFileBytes})`);
    calendarHash = await sha256File(calendar);
  }
  if (p.mode === 'input') {
    const input = confinePath(config.dataDir, p.input, 'input');
    if (!existsSync(input)) throw new PayloadError(`input file not found in the data directory: ${quoteInput(p.input)}`);
    checkRegularFile(input, 'input');
    return { payload: p, runId: deriveRunId(await sha256File(input), runDate, eff, calendarHash) };
  }
  return { payload: p, runId: runIdFor(p, { calendar: calendarHash, horizon: eff.horizon ?? 0 }) };
}

/** Outcome of {@link enqueueRun}. */
export interface EnqueueResult {
  runId: string;
  jobId: string;
  /** True when a job for this run already existed (nothing was added). */
  duplicate: boolean;
  payload: RunPayload & { runDate: string };
}

/**
 * Add a run job (producer side). The job id is the run id: a second trigger of the same run,
 * while the first is kept by retention, is deduplicated. A run whose job failed for good is
 * replaced by a fresh job.
 * @param queue the `run` queue.
 * @param config settings.
 * @param data the request (validated here with {@link runPayloadSchema}).
 * @throws PayloadError on an invalid request; PathError on a path outside the data directory.
 */
export async function enqueueRun(queue: Queue, config: Config, data: unknown): Promise<EnqueueResult> {
  const payload = parsePayload(runPayloadSchema, data, 'run');
  const { payload: p, runId } = await resolveRun(config, payload, Date.now());
  const existing = await queue.getJob(runId);
  if (existing) {
    const state = await existing.getState();
    if (state !== 'failed' && state !== 'unknown') return { runId, jobId: runId, duplicate: true, payload: p };
    await existing.remove().catch(() => {});
  }
  const job = await queue.add(JOBS.run, p, { ...runJobOptions(config), jobId: runId });
  return { runId, jobId: job.id ?? runId, duplicate: false, payload: p };
}

/** A run that failed: the run job or its publish job failed for good. */
export class RunFailedError extends Error {
  override readonly name = 'RunFailedError';
}

/**
 * Wait until a run has been published (producer side).
 * @param opts.connection a worker-style connection (QueueEvents blocks on Redis).
 * @param opts.timeoutMs give up after this long, ms (0 = never). @defaultValue 0
 * @returns the publish job's result (run directory relative to the data directory).
 * @throws RunFailedError when the run job or the publish job failed, or the run is unknown.
 */
export async function waitForRun(
  config: Config,
  runId: string,
  opts: { connection: ConnectionOptions; timeoutMs?: number },
): Promise<PublishResult> {
  const qopts = queueOptions(config, opts.connection);
  const runQueue = new Queue(QUEUES.run, qopts);
  const publishQueue = new Queue(QUEUES.publish, qopts);
  const runEvents = new QueueEvents(QUEUES.run, { connection: opts.connection, prefix: config.queue.prefix });
  const publishEvents = new QueueEvents(QUEUES.publish, { connection: opts.connection, prefix: config.queue.prefix });
  for (const q of [runQueue, publishQueue]) q.on('error', () => {});
  for (const e of [runEvents, publishEvents]) e.on('error', () => {});
  const ttl = opts.timeoutMs && opts.timeoutMs > 0 ? opts.timeoutMs : undefined;
  try {
    const runJob = await runQueue.getJob(runId);
    let runResult: RunResult | undefined;
    if (runJob) {
      try {
        runResult = (await runJob.waitUntilFinished(runEvents, ttl)) as RunResult;
      } catch (e) {
        throw new RunFailedError(`run ${runId} failed: ${(e as Error).message}`);
      }
    }
    const pid = runResult?.publishJobId ?? publishJobId(runId);
    const publishJob = await publishQueue.getJob(pid);
    if (!publishJob) {
      const runDir = join(dataLayout(config.dataDir).out, 'runs', runId);
      if (existsSync(join(runDir, 'run.json'))) return { runId, runDir: relativeToData(config.dataDir, runDir), degraded: [] };
      throw new RunFailedError(`run ${runId} is unknown: no run job, no publish job and no published run directory`);
    }
    try {
      return (await publishJob.waitUntilFinished(publishEvents, ttl)) as PublishResult;
    } catch (e) {
      throw new RunFailedError(`run ${runId} failed to publish: ${(e as Error).message}`);
    }
  } finally {
    await Promise.allSettled([runEvents.close(), publishEvents.close(), runQueue.close(), publishQueue.close()]);
  }
}

/** What {@link processRunJob} needs besides the job. */
export interface RunWorkerEnv {
  config: Config;
  /** Producer-style connection for adding the flow. */
  connection: ConnectionOptions;
}

/**
 * Process a run job (worker side, sandboxed): nightly ingest when asked, stage 1, then the flow.
 * @returns the run id, the publish job id and the batch count; `duplicate` when the run's flow
 *   already exists (a retried or repeated run job).
 * @throws UnrecoverableError for bad data (invalid payload, unusable input, path outside the
 *   data directory); other errors are retried with backoff.
 */
export async function processRunJob(job: JobLike, env: RunWorkerEnv): Promise<RunResult> {
  try {
    return await runJob(job, env);
  } catch (e) {
    throw classifyError(e);
  }
}

/**
 * The run id of a run job. A manual trigger's job id is its run id (the producer derived it):
 * it is used when it has the shape of a run id, since it names directories; a scheduler tick
 * (`repeat:...`) takes the id derived here. Any other job id (one written into Redis by hand,
 * `../../victim`) fails the job: a job id is data, never a path.
 * @throws PayloadError for a job id that is neither a run id nor a scheduler tick's.
 */
export function runIdOfJob(job: Pick<JobLike, 'id' | 'name'>, derived: string): string {
  const id = job.id;
  if (!id || job.name !== JOBS.run || id.startsWith('repeat:')) return derived;
  if (!isRunId(id)) throw new PayloadError(`run job id ${quoteInput(id)} is not a run id (letters, digits, "_" and "-", at most 128 characters): add run jobs with "forecast enqueue" or the dashboard`);
  return id;
}

async function runJob(job: JobLike, env: RunWorkerEnv): Promise<RunResult> {
  const { config } = env;
  const payload = parsePayload(runPayloadSchema, job.data, 'run');
  const tick = job.timestamp + (job.delay ?? 0);
  const { payload: p, runId: derived } = await resolveRun(config, payload, tick);
  const runId = runIdOfJob(job, derived);
  const pid = publishJobId(runId);
  const layout = dataLayout(config.dataDir);
  const eff = effectiveConfig(config, p, p.runDate);
  const progress = throttledProgress(job);

  const flow = new FlowProducer({ connection: env.connection, prefix: config.queue.prefix });
  const publishQueue = new Queue(QUEUES.publish, queueOptions(config, env.connection));
  flow.on('error', () => {});
  publishQueue.on('error', () => {});
  try {
    const existing = await publishQueue.getJob(pid);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'failed' && state !== 'unknown') {
        jobLog(job, `run ${runId}: flow already exists (publish job ${state}), nothing added`);
        return { runId, publishJobId: pid, duplicate: true, series: 0, batches: 0 };
      }
      await existing.remove({ removeChildren: true }).catch(() => {});
    }
    // this thread's Redis client just slowed String.prototype down (see the module): undo it
    restoreFastStringPrototype();

    let input: string;
    let runConfig = eff;
    let ingested: NightlyIngest | undefined;
    if (p.mode === 'incoming') {
      jobLog(job, `run ${runId}: ingesting incoming files`);
      runConfig = historyRunConfig(eff);
      ingested = await prepareNightlyIngest({
        dataDir: config.dataDir,
        config: eff,
        readConfig: runConfig,
        runDate: p.runDate,
        runId,
        onFile: (f) => jobLog(job, describeOutcome(f)),
      });
      input = layout.historySnapshot;
      jobLog(job, `history: ${ingested.historyRows} rows after merging ${ingested.ingested} new file(s); snapshot ${ingested.snapshot}`);
    } else {
      input = confinePath(config.dataDir, p.input, 'input');
    }
    const calendar = p.calendar ? confinePath(config.dataDir, p.calendar, 'calendar') : undefined;

    jobLog(job, `run ${runId}: preparing ${quoteInput(relativeToData(config.dataDir, input))}`);
    // the staging directory is derived from the run id (the publish job derives it again);
    // what a failed earlier attempt left there goes first
    const stagingDir = queueStagingDirOf(config.dataDir, runId);
    await removeScratchDir(config.dataDir, stagingDir);
    const prep = await prepareRun({
      input,
      ingested,
      calendar,
      outDir: layout.out,
      stagingDir,
      config: runConfig,
      runDate: p.runDate,
      runId,
      onProgress: (stage, done, total) => progress(stage, done, total),
    });
    // the prepared series and settings go to a work directory beside the outputs, so that the
    // staging directory holds only what is published
    const workDir = workDirOf(config.dataDir, runId);
    await removeScratchDir(config.dataDir, workDir);
    await ensureDir(workDir);
    await savePrepared({ ...prep, stagingDir: workDir });
    await writeFileAtomic(join(workDir, RUN_CONFIG_FILE), JSON.stringify(runConfig));
    const ranges = batchRanges(prep.series.length, config.queue.batchSize);

    const children: FlowJob[] = ranges.map((r, batch) => ({
      name: JOBS.trainBatch,
      queueName: QUEUES.train,
      data: { runId, batch, from: r.from, to: r.to } satisfies TrainPayload,
      opts: { ...trainJobOptions(config), jobId: trainJobId(runId, batch) },
    }));
    const parent: FlowJob = {
      name: JOBS.publish,
      queueName: QUEUES.publish,
      data: { runId, batches: ranges.length, series: prep.series.length, startedAt: prep.startedAt } satisfies PublishPayload,
      opts: { ...publishJobOptions(config), jobId: pid },
      children,
    };
    await flow.add(parent);
    jobLog(job, `run ${runId}: ${prep.series.length} series in ${ranges.length} batch(es) queued`);
    await job.updateProgress({ stage: 'queued', done: ranges.length, total: ranges.length });
    return { runId, publishJobId: pid, duplicate: false, series: prep.series.length, batches: ranges.length };
  } finally {
    await Promise.allSettled([flow.close(), publishQueue.close()]);
  }
}
