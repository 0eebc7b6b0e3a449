/**
 * The `run` queue: triggering a run (producer side) and processing it (worker side).
 *
 * Producer: {@link enqueueRun} validates the request, resolves it (run date, run id from the
 * input's content: pipelines/run/run-request.ts) and adds the job under the run id, so a
 * duplicate trigger is the same job; a file run without a run date goes under an `after-data-…`
 * id, its run date and run id fixed by the worker once it has read the input. {@link waitForRun}
 * blocks until the run's publish job has finished.
 *
 * Worker: {@link processRunJob} resolves the request the same way, reads the run's inputs (a
 * nightly run merges new incoming files into the sales history first: pipelines/run/run-inputs.ts),
 * runs stage 1 (`prepareRun`) into the run's work directory, adds one BullMQ flow (a `publish`
 * parent whose children are the `train-batch` jobs), then feeds the batches' series into Redis
 * within `queue.maxInflightBytes` (batch-feed.ts). No forecasting logic lives here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { FlowProducer, Queue, QueueEvents, type ConnectionOptions, type FlowJob, type Job, type Telemetry } from 'bullmq';
import type { Config } from '../config/schema.js';
import { PayloadError, quoteInput, RunFailedError, RunLostError } from '../pipelines/errors.js';
import { ensureDir, writeFileAtomic } from '../pipelines/io/atomic-write.js';
import { dataLayout, isRunId, queueStagingDirOf, relativeToData, removeScratchDir, workDirOf } from '../pipelines/io/paths.js';
import { assertForecastable, forecastContext, keepFailed, prepareRun, savePrepared } from '../pipelines/run/run.js';
import { runPooledStage } from '../pipelines/run/pooled-run.js';
import { savePooled } from '../pipelines/forecast/pooled-file.js';
import { runInputs } from '../pipelines/run/run-inputs.js';
import { planRunLevels, seriesToForecast } from '../pipelines/hierarchy/run-levels.js';
import { saveLevelsPlan } from '../pipelines/hierarchy/levels-plan-file.js';
import { isPendingRunId, resolveRun, todayInScheduleZone, triggerDateDefault, type ResolvedRun } from '../pipelines/run/run-request.js';
import { restoreFastStringPrototype } from './fast-string-prototype.js';
import { queueOptions } from './connection.js';
import { feedRun, writeFitContext } from './batch-feed.js';
import { deleteRunKeys, fitStoreEnv } from './fit-store.js';
import { classifyError, jobLog, throttledProgress, type JobLike } from './job-context.js';
import {
  batchRanges,
  JOBS,
  parsePayload,
  publishJobId,
  publishJobOptions,
  QUEUES,
  queuePrefix,
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

/** File in a run's work directory holding the settings the run was prepared with (read back by workers/train-worker.ts `loadRun`). */
export const RUN_CONFIG_FILE = 'run-config.json';

/** Outcome of {@link enqueueRun}. */
export interface EnqueueResult {
  /**
   * The run id; for a file run without a run date (the day after its data), its job id
   * (`after-data-…`) until its run job has read the input, then the run id it derived.
   */
  runId: string;
  /** The run job's id (what {@link waitForRun} waits on). */
  jobId: string;
  /** True when a job for this run already existed (nothing was added). */
  duplicate: boolean;
  /** The request as queued (its run date fixed, unless it is the day after the data). */
  payload: RunPayload;
}

/**
 * What a run's last attempt left, which decides whether a new trigger of the same run id runs
 * again: `in-flight` (a job of it is waiting or running: the trigger is a duplicate),
 * `published` (published cleanly: its directory is there and no batch degraded; a duplicate),
 * or `rerun` (its run or publish job failed, its run was published degraded, or its run
 * directory is missing: run it again).
 * @param s.run the run job's state, or null when it is gone (retention, a Redis that lost it).
 * @param s.publish the publish job's state, or null when it is gone.
 * @param s.dir the published run directory: `healthy`, `degraded` (run.json lists degraded batches) or `missing`.
 */
export function lastAttempt(s: { run: string | null; publish: string | null; dir: 'healthy' | 'degraded' | 'missing' }): 'in-flight' | 'published' | 'rerun' {
  if (s.run === 'failed' || s.publish === 'failed') return 'rerun';
  const done = (state: string | null) => state === null || state === 'completed' || state === 'unknown';
  if (!done(s.run) || !done(s.publish)) return 'in-flight';
  return s.dir === 'healthy' ? 'published' : 'rerun';
}

/** The state of a run's published directory, from its run.json. */
export function runDirState(dataDir: string, runId: string): 'healthy' | 'degraded' | 'missing' {
  const file = join(dataLayout(dataDir).out, 'runs', runId, 'run.json');
  try {
    const summary = JSON.parse(readFileSync(file, 'utf8')) as { degraded?: unknown[] };
    return Array.isArray(summary.degraded) && summary.degraded.length ? 'degraded' : 'healthy';
  } catch {
    return 'missing';
  }
}

/**
 * Whether a trigger of the run job `jobId` runs again ({@link lastAttempt}); when it does, the
 * jobs of the last attempt (the run job, the publish job and its train-batch children) are
 * removed first, so that the run job and its flow are added afresh. An after-data job
 * (`pendingRunId`) learns its run id from its completed run job; when that job is gone
 * (retention), it runs again and its run worker finds the published run once it has read the
 * input (a duplicate then, nothing added).
 * @returns whether it runs again, and the run id when known.
 */
async function runsAgain(runQueue: Queue, publishQueue: Queue, dataDir: string, jobId: string): Promise<{ again: boolean; runId: string }> {
  const runJob = await runQueue.getJob(jobId);
  const run = runJob ? await runJob.getState() : null;
  const learnt = (runJob?.returnvalue as RunResult | undefined)?.runId;
  const runId = isPendingRunId(jobId) ? (isRunId(learnt) ? learnt : null) : jobId;
  const publishJob = runId ? await publishQueue.getJob(publishJobId(runId)) : undefined;
  const publish = publishJob ? await publishJob.getState() : null;
  const verdict = lastAttempt({ run, publish, dir: runId ? runDirState(dataDir, runId) : 'missing' });
  if (verdict !== 'rerun') return { again: false, runId: runId ?? jobId };
  await publishJob?.remove({ removeChildren: true }).catch(() => {});
  await runJob?.remove().catch(() => {});
  return { again: true, runId: jobId };
}

/**
 * Add a run job (producer side). The job id is the run id (a file run without a run date: its
 * `after-data-…` id, the run id following once the input is read): a second trigger of the same
 * run while it is queued or running, or after it was published cleanly, is deduplicated; a run
 * whose last attempt failed, was published degraded or whose directory is gone runs again
 * ({@link lastAttempt}). A file run without a run date (nor config `runDate`) forecasts from the
 * day after its data; a nightly-flow run (`mode: 'incoming'`) from today in the schedule's zone.
 * @param queue the `run` queue.
 * @param config settings.
 * @param data the request (validated here with {@link runPayloadSchema}).
 * @throws PayloadError on an invalid request or a missing input; PathError on a path outside the
 *   data directory; InputError for a file that is not a regular file or a calendar too large
 *   (all `retry: 'never'`: pipelines/errors.ts).
 */
export async function enqueueRun(queue: Queue, config: Config, data: unknown): Promise<EnqueueResult> {
  const payload = parsePayload(runPayloadSchema, data, 'run');
  const { ask, runId: jobId } = await resolveRun(config, payload, { at: Date.now(), dateDefault: triggerDateDefault(payload, config) });
  const p = ask as RunPayload;
  const publishQueue = new Queue(QUEUES.publish, { connection: queue.opts.connection, prefix: queue.opts.prefix });
  publishQueue.on('error', () => {});
  try {
    const last = await runsAgain(queue, publishQueue, config.dataDir, jobId);
    if (!last.again) return { runId: last.runId, jobId, duplicate: true, payload: p };
  } finally {
    await publishQueue.close().catch(() => {});
  }
  const job = await queue.add(JOBS.run, p, { ...runJobOptions(config), jobId });
  return { runId: jobId, jobId: job.id ?? jobId, duplicate: false, payload: p };
}

/** How often {@link waitForRun} checks that the job it waits for still exists, ms. */
export const WAIT_POLL_MS = 2_000;

/**
 * Wait until a run has been published (producer side). The wait always ends: besides the job's
 * finish events, the job is looked up every `pollMs`, so a job that disappeared (a Redis
 * restarted without persistence) ends the wait with {@link RunLostError} instead of blocking
 * forever, and `timeoutMs` ends it with a message saying the run goes on.
 * @param opts.connection a worker-style connection (QueueEvents blocks on Redis).
 * @param opts.timeoutMs give up after this long, ms (0 = never). @defaultValue 0
 * @param opts.pollMs how often the job's existence is checked, ms. @defaultValue {@link WAIT_POLL_MS}
 * @returns the publish job's result (run directory relative to the data directory).
 * @throws RunFailedError when the run job or the publish job failed, or the timeout passed;
 *   RunLostError when the awaited job disappeared or no job of the run is in Redis.
 */
export async function waitForRun(
  config: Config,
  runId: string,
  opts: { connection: ConnectionOptions; timeoutMs?: number; pollMs?: number },
): Promise<PublishResult> {
  const qopts = queueOptions(config, opts.connection);
  const runQueue = new Queue(QUEUES.run, qopts);
  const publishQueue = new Queue(QUEUES.publish, qopts);
  const runEvents = new QueueEvents(QUEUES.run, { connection: opts.connection, prefix: queuePrefix(config) });
  const publishEvents = new QueueEvents(QUEUES.publish, { connection: opts.connection, prefix: queuePrefix(config) });
  for (const q of [runQueue, publishQueue]) q.on('error', () => {});
  for (const e of [runEvents, publishEvents]) e.on('error', () => {});
  const deadline = opts.timeoutMs && opts.timeoutMs > 0 ? Date.now() + opts.timeoutMs : Infinity;
  const watch = { runId, deadline, timeoutMs: opts.timeoutMs ?? 0, pollMs: opts.pollMs ?? WAIT_POLL_MS };
  try {
    const runJob = await runQueue.getJob(runId);
    let runResult: RunResult | undefined;
    if (runJob) {
      runResult = (await finishOf(runJob, runEvents, runQueue, watch, (m) => new RunFailedError(`run ${runId} failed: ${m}`))) as RunResult;
    }
    const pid = runResult?.publishJobId ?? publishJobId(runId);
    const publishJob = await publishQueue.getJob(pid);
    if (!publishJob) {
      // an after-data job's run id is the one its run job derived
      const published = isRunId(runResult?.runId) ? runResult.runId : runId;
      const runDir = join(dataLayout(config.dataDir).out, 'runs', published);
      if (existsSync(join(runDir, 'run.json'))) return { runId: published, runDir: relativeToData(config.dataDir, runDir), degraded: [] };
      throw new RunLostError(`run ${runId} is lost: no job of it is in Redis (restarted without persistence?) and it has no published run directory; run "forecast enqueue ... --wait --retry-lost" to queue it again`);
    }
    return (await finishOf(publishJob, publishEvents, publishQueue, watch, (m) => new RunFailedError(`run ${runId} failed to publish: ${m}`))) as PublishResult;
  } finally {
    await Promise.allSettled([runEvents.close(), publishEvents.close(), runQueue.close(), publishQueue.close()]);
  }
}

/**
 * A job's return value once it finishes, watched: every `pollMs` the job is looked up (a lookup
 * that fails while Redis reconnects is tried again next time), and the wait ends with
 * RunLostError when the job is gone at two lookups in a row (once could be a job removed by
 * retention just as it finished, its finish event on the way), or RunFailedError once the
 * deadline passes.
 * @param failed the error for a job that failed, from its failure reason.
 */
async function finishOf(
  job: Job,
  events: QueueEvents,
  queue: Queue,
  w: { runId: string; deadline: number; timeoutMs: number; pollMs: number },
  failed: (reason: string) => Error,
): Promise<unknown> {
  const lost = () =>
    new RunLostError(`run ${w.runId} is lost: its ${queue.name} job disappeared from Redis (restarted without persistence?) and nothing will finish it; run "forecast enqueue ... --wait --retry-lost" to queue it again`);
  // a job removed while awaited can also end the wait with an error ("Missing key"): lost, not failed
  const finished = job.waitUntilFinished(events).catch(async (e: unknown) => {
    const still = await queue.getJob(job.id!).catch(() => job);
    throw still ? failed((e as Error).message) : lost();
  });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let misses = 0;
  const watched = new Promise<never>((_, reject) => {
    const tick = async (): Promise<void> => {
      try {
        const now = await queue.getJob(job.id!);
        misses = now ? 0 : misses + 1;
        if (misses >= 2) {
          reject(lost());
          return;
        }
      } catch {
        /* Redis is reconnecting: look again next time */
      }
      if (Date.now() >= w.deadline) {
        const state = await job.getState().catch(() => 'unknown');
        reject(new RunFailedError(`run ${w.runId} is not published after ${w.timeoutMs / 1000} s (its ${queue.name} job is ${state}); it goes on: wait again with the same "forecast enqueue ... --wait"`));
        return;
      }
      if (!stopped) timer = setTimeout(() => void tick(), Math.min(w.pollMs, Math.max(0, w.deadline - Date.now())));
    };
    timer = setTimeout(() => void tick(), Math.min(w.pollMs, Math.max(0, w.deadline - Date.now())));
  });
  try {
    return await Promise.race([finished, watched]);
  } finally {
    stopped = true;
    clearTimeout(timer);
    finished.catch(() => {});
  }
}

/** Age after which a work directory of a run unknown to Redis is removed ({@link sweepOrphanWork}), ms. */
export const ORPHAN_WORK_GRACE_MS = 24 * 3600_000;

/**
 * Remove the work directories (`<dataDir>/work/<runId>`) of runs that no longer exist in Redis
 * (no run job and no publish job: a Redis restarted empty, a run removed by hand) and that have
 * not changed for `graceMs`: nothing will publish or clean them up. A directory whose run has a
 * job, or that changed recently (a run being prepared), stays. Called by every run job.
 * @returns the run ids whose directories were removed.
 */
export async function sweepOrphanWork(dataDir: string, queues: { run: Queue; publish: Queue }, graceMs = ORPHAN_WORK_GRACE_MS, now = Date.now()): Promise<string[]> {
  const work = dataLayout(dataDir).work;
  let names: string[];
  try {
    names = readdirSync(work);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const runId of names) {
    if (!isRunId(runId)) continue;
    const dir = join(work, runId);
    try {
      if (now - statSync(dir).mtimeMs < graceMs) continue;
      const [run, publish] = await Promise.all([queues.run.getJob(runId), queues.publish.getJob(publishJobId(runId))]);
      if (run || publish) continue;
      await removeScratchDir(dataDir, dir);
      removed.push(runId);
    } catch {
      /* gone meanwhile, or Redis unreachable: the next run job sweeps again */
    }
  }
  return removed;
}

/** What {@link processRunJob} needs besides the job. */
export interface RunWorkerEnv {
  config: Config;
  /** Producer-style connection for adding the flow. */
  connection: ConnectionOptions;
  /** OpenTelemetry of the flow's jobs (workers/telemetry.ts): the batches and the publish job join the flow's trace. */
  telemetry?: Telemetry;
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
  // the schedule's ticks forecast from today; a trigger without a run date from the day after its data
  const scheduled = job.name !== JOBS.run || Boolean(job.id?.startsWith('repeat:'));
  const resolved = await resolveRun(config, payload, { at: tick, dateDefault: scheduled ? todayInScheduleZone(config) : triggerDateDefault(payload, config) });
  const run = { ...resolved, runId: runIdOfJob(job, resolved.runId) };
  const pending = run.dateChoice.source === 'after-data';

  const flow = new FlowProducer({ connection: env.connection, prefix: queuePrefix(config), ...(env.telemetry ? { telemetry: env.telemetry } : {}) });
  const publishQueue = new Queue(QUEUES.publish, queueOptions(config, env.connection));
  flow.on('error', () => {});
  publishQueue.on('error', () => {});
  try {
    const runQueue = new Queue(QUEUES.run, queueOptions(config, env.connection));
    runQueue.on('error', () => {});
    const swept = await sweepOrphanWork(config.dataDir, { run: runQueue, publish: publishQueue }).finally(() => runQueue.close().catch(() => {}));
    if (swept.length) jobLog(job, `removed the work directories of ${swept.length} run(s) no longer in Redis: ${swept.join(', ')}`);
    // an after-data run knows its run id once its input is read (prepareQueuedRun looks then)
    const existing = pending ? null : await existingFlow(publishQueue, publishJobId(run.runId), config.dataDir, run.runId);
    if (existing) {
      jobLog(job, `run ${run.runId}: flow already exists (publish job ${existing}), nothing added`);
      // a run job retried while its batches wait: feed what the last attempt did not
      if (existing === 'waiting-children') await feedRun(job, config, env.connection, run.runId);
      return { runId: run.runId, publishJobId: publishJobId(run.runId), duplicate: true, series: 0, batches: 0 };
    }
    // this thread's Redis client just slowed String.prototype down (see the module): undo it
    restoreFastStringPrototype();
    const prep = await prepareQueuedRun(job, run, config.dataDir, publishQueue);
    const { runId } = prep;
    const pid = publishJobId(runId);
    if (prep.existing) {
      jobLog(job, `run ${runId}: flow already exists (publish job ${prep.existing}), nothing added`);
      // this after-data job retried while its batches wait: feed what the last attempt did not
      if (prep.existing === 'waiting-children' && (job.attemptsMade ?? 0) > 0) await feedRun(job, config, env.connection, runId);
      return { runId, publishJobId: pid, duplicate: true, series: 0, batches: 0 };
    }
    // fit data an abandoned attempt left in Redis goes first
    await deleteRunKeys(fitStoreEnv(config), runId);
    const ranges = batchRanges(prep.series, config.queue.batchSize);
    await writeFitContext(config, runId);
    await flow.add(runFlow(config, { runId, pid, series: prep.series, startedAt: prep.startedAt }, ranges));
    jobLog(job, `run ${runId}: ${prep.series} series in ${ranges.length} batch(es) queued`);
    await job.updateProgress({ stage: 'queued', done: ranges.length, total: ranges.length });
    const fed = await feedRun(job, config, env.connection, runId);
    jobLog(job, `run ${runId}: ${fed.added} batch(es) fed to Redis (${fed.bytes} bytes, at most ${fed.peakBytes} at once)`);
    return { runId, publishJobId: pid, duplicate: false, series: prep.series, batches: ranges.length };
  } finally {
    await Promise.allSettled([flow.close(), publishQueue.close()]);
  }
}

/**
 * The state of a run's publish job when its flow is in flight or published cleanly (a retried
 * or repeated run job adds nothing); a flow that failed, published degraded or whose run
 * directory is gone ({@link lastAttempt}) is removed, to be added afresh.
 * @returns the state, or null when a flow is to be added.
 */
async function existingFlow(publishQueue: Queue, pid: string, dataDir: string, runId: string): Promise<string | null> {
  const existing = await publishQueue.getJob(pid);
  if (!existing) return null;
  const state = await existing.getState();
  if (lastAttempt({ run: null, publish: state, dir: runDirState(dataDir, runId) }) !== 'rerun') return state;
  await existing.remove({ removeChildren: true }).catch(() => {});
  return null;
}

/** `published` when a run has no publish job left and its directory was published cleanly ({@link lastAttempt}), else null. */
async function publishedWithoutJobs(publishQueue: Queue, dataDir: string, runId: string): Promise<string | null> {
  if (await publishQueue.getJob(publishJobId(runId))) return null;
  return lastAttempt({ run: null, publish: null, dir: runDirState(dataDir, runId) }) === 'published' ? 'published' : null;
}

/**
 * Stage 1 of a queued run into its work directory: the run's inputs (a nightly run first merges
 * the incoming files: pipelines/run/run-inputs.ts), `prepareRun`, then the prepared series and
 * the settings saved where the train and publish jobs read them. An after-data run is staged
 * under its job id and learns its run id from stage 1: when that run's flow exists already (a
 * repeated trigger), its staging goes and nothing is saved; else its staging directory takes the
 * run id's name (the publish job derives it from the run id).
 * @returns the run id, the number of series and the start time; `existing` (the publish job's
 *   state) when an after-data run turned out to be one already in flight or published.
 */
async function prepareQueuedRun(
  job: JobLike,
  run: ResolvedRun,
  dataDir: string,
  publishQueue: Queue,
): Promise<{ runId: string; series: number; startedAt: string; existing?: string }> {
  if (run.ask.mode === 'incoming') jobLog(job, `run ${run.runId}: ingesting incoming files`);
  const inputs = await runInputs(run, { dataDir, log: (line) => jobLog(job, line) });
  const n = inputs.ingested;
  if (n) jobLog(job, `history: ${n.historyRows} rows after merging ${n.ingested} new file(s); snapshot ${n.snapshot}`);
  jobLog(job, `run ${run.runId}: preparing ${quoteInput(relativeToData(dataDir, inputs.input))}`);
  // the staging directory is derived from the run id (the publish job derives it again);
  // what a failed earlier attempt left there goes first
  const stagingDir = queueStagingDirOf(dataDir, run.runId);
  await removeScratchDir(dataDir, stagingDir);
  const progress = throttledProgress(job);
  const prep = await prepareRun({ ...inputs, stagingDir, onProgress: (stage, done, total) => progress(stage, done, total) });
  const { runId } = prep;
  if (runId !== run.runId) {
    jobLog(job, `run ${run.runId}: run date ${prep.runDate} (the day after the data), run id ${runId}`);
    // its flow in flight or published; or, its jobs gone (retention), its run published cleanly
    const existing = (await existingFlow(publishQueue, publishJobId(runId), dataDir, runId)) ?? (await publishedWithoutJobs(publishQueue, dataDir, runId));
    if (existing) {
      await removeScratchDir(dataDir, stagingDir);
      return { runId, series: 0, startedAt: prep.startedAt, existing };
    }
    const named = queueStagingDirOf(dataDir, runId);
    await removeScratchDir(dataDir, named);
    await rename(stagingDir, named);
    prep.stagingDir = named;
  }
  try {
    // every row or most rows rejected: the run fails (exit 5 for `enqueue --wait`), kept as runs/<id>.failed
    assertForecastable(prep, inputs.config.validation);
  } catch (e) {
    await keepFailed(prep, 'validation', e, 'queue');
    throw e;
  }
  // levels: the aggregate series are forecast by the train batches like the bottom ones, after them
  const plan = await planRunLevels(prep.series, inputs.config).catch(async (e: unknown) => {
    await keepFailed(prep, 'forecast', e, 'queue');
    throw e;
  });
  const series = seriesToForecast(prep.series, plan);
  // the prepared series and settings go to a work directory beside the outputs, so that the
  // staging directory holds only what is published
  const workDir = workDirOf(dataDir, runId);
  await removeScratchDir(dataDir, workDir);
  await ensureDir(workDir);
  // the model pooled over the bottom series: computed here, on the same series as in-process, blended by the publish job
  const t = Date.now();
  const pooled = runPooledStage(prep.series, forecastContext(prep, inputs.config), inputs.config);
  prep.timingsMs.pooled = Date.now() - t;
  await savePrepared({ ...prep, series: [...series], stagingDir: workDir });
  if (plan) await saveLevelsPlan(workDir, plan);
  await savePooled(workDir, pooled);
  await writeFileAtomic(join(workDir, RUN_CONFIG_FILE), JSON.stringify(inputs.config));
  return { runId, series: series.length, startedAt: prep.startedAt };
}

/** A run's BullMQ flow: a `publish` parent whose children are the `train-batch` jobs. */
function runFlow(config: Config, run: { runId: string; pid: string; series: number; startedAt: string }, ranges: readonly { from: number; to: number }[]): FlowJob {
  const { runId } = run;
  const children: FlowJob[] = ranges.map((r, batch) => ({
    name: JOBS.trainBatch,
    queueName: QUEUES.train,
    data: { runId, batch, from: r.from, to: r.to } satisfies TrainPayload,
    opts: { ...trainJobOptions(config), jobId: trainJobId(runId, batch) },
  }));
  return {
    name: JOBS.publish,
    queueName: QUEUES.publish,
    data: { runId, batches: ranges.length, series: run.series, startedAt: run.startedAt } satisfies PublishPayload,
    opts: { ...publishJobOptions(config), jobId: run.pid },
    children,
  };
}
