/**
 * The list of runs shown on the runs page: published run directories (`<dataDir>/out/runs/*`,
 * read from their run.json) and failed ones (`runs/<id>.failed`, never `latest`), together with
 * runs still in the queue or failed there (the `run` job and the `publish` job of each run id).
 *
 * {@link runRows} merges the two sources and is pure; {@link readPublishedRuns} reads the run
 * directories and {@link readRunJobs} the queues.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { Job, JobType, Queue } from 'bullmq';
import { JOBS, QUEUES } from '../workers/queues.js';
import { RUN_ID_PATTERN } from '../pipelines/io/paths.js';
import { FAILED_SUFFIX } from '../pipelines/publish/publish.js';

/** Files of a run directory that the dashboard serves, in the order the page lists them. */
export const RUN_FILES = ['report.html', 'orders.csv', 'orders-by-supplier.csv', 'forecasts.csv', 'simulation.csv', 'rejected.csv', 'accuracy.csv', 'quality.csv', 'run.json'] as const;
export type RunFile = (typeof RUN_FILES)[number];

/** Status of a run on the runs page. */
export type RunStatus =
  | 'scheduled' // run job delayed until a scheduler tick
  | 'queued' // run job waiting (or waiting to retry)
  | 'preparing' // run job active: ingest, validate, profile, clean
  | 'forecasting' // train-batch jobs running (publish job waiting for its children)
  | 'publishing' // publish job waiting or active
  | 'published' // run directory complete
  | 'degraded' // published, some batches fell back to the simple model
  | 'validated' // published by `forecast validate` (no forecasts)
  | 'failed' // run or publish job failed for good
  | 'unknown'; // a job whose run could not be followed

/** The part of run.json the page shows; anything else in the file is ignored. */
export const runJsonSchema = z
  .object({
    runId: z.string().optional(),
    command: z.string().optional(),
    mode: z.string().optional(),
    runDate: z.string().optional(),
    /** The input's file name as given. */
    input: z.object({ path: z.string().optional() }).loose().optional(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    rows: z.object({ read: z.number(), accepted: z.number(), rejected: z.number() }).optional(),
    quality: z.object({ series: z.number().optional(), meanScore: z.number().nullable().optional() }).loose().optional(),
    forecast: z
      .object({
        series: z.number().optional(),
        meanRmsse: z.number().nullable().optional(),
        meanMase: z.number().nullable().optional(),
        meanFva: z.number().nullable().optional(),
      })
      .loose()
      .nullable()
      .optional(),
    degraded: z.array(z.string()).optional(),
    /** What the buyer must know before trusting the outputs (pipelines/run/warnings.ts). */
    warnings: z.array(z.object({ code: z.string(), message: z.string() }).loose()).optional(),
    /** Rows per reject and flag code. */
    issues: z.record(z.string(), z.number()).optional(),
    /** The order list's figures (pipelines/replenish/orders/order-stage.ts `OrdersSummary`). */
    orders: z
      .object({ ordersDue: z.number().optional(), units: z.number().optional(), value: z.number().nullable().optional(), series: z.number().optional(), notes: z.array(z.string()).optional() })
      .loose()
      .optional(),
    /** Set on a failed run's run.json (pipelines/run/run-summary.ts `failure`). */
    failure: z.object({ stage: z.string(), message: z.string() }).loose().optional(),
  })
  .loose();
export type RunJson = z.infer<typeof runJsonSchema>;

/** A run directory as found on disk. */
export interface PublishedRun {
  runId: string;
  /** run.json, or null when it is missing or unreadable (see `error`). */
  summary: RunJson | null;
  error?: string;
  /** Which of {@link RUN_FILES} exist. */
  files: RunFile[];
  /** True when `out/latest` points at this run. */
  latest: boolean;
  /** Modification time of the directory, ms since the epoch (when run.json has no finishedAt). */
  mtimeMs: number;
  /** True for a failed run's directory (`runs/<runId>.failed`). */
  failed?: boolean;
}

/** A job of the `run` or `publish` queue, reduced to what the page needs. */
export interface RunJobInfo {
  queue: 'run' | 'publish';
  id: string;
  name: string;
  state: JobType | 'unknown';
  /** Creation time, ms since the epoch. */
  timestamp: number;
  processedOn?: number;
  finishedOn?: number;
  /** Delay after creation before the job may run, ms (scheduler ticks, retry backoff). */
  delay?: number;
  attemptsMade?: number;
  failedReason?: string;
  /** The run the job belongs to, when known. */
  runId?: string;
  runDate?: string;
  /** The run's sales export (path relative to the data directory), when the job names one. */
  input?: string;
}

/** One row of the runs page. */
export interface RunRow {
  runId: string;
  status: RunStatus;
  /** Failure reason, degraded batches, or what is going on. */
  detail?: string;
  command?: string;
  runDate?: string;
  /** File name of the run's sales export (no directory), when known. */
  input?: string;
  /** Time of the last event (finished, failed, started or queued), ISO. */
  time: string;
  rows?: { read: number; accepted: number; rejected: number };
  /** Mean data-quality score 0-100 over the run's series. */
  quality?: number | null;
  /** Mean backtest accuracy of the chosen models. */
  accuracy?: { rmsse: number | null; mase: number | null; fva: number | null } | null;
  series?: number;
  files: RunFile[];
  latest: boolean;
  /** The run's job ids (for links into bull-board). */
  jobs: Array<{ queue: 'run' | 'publish'; id: string }>;
}

const IN_FLIGHT: ReadonlySet<RunStatus> = new Set(['queued', 'preparing', 'forecasting', 'publishing']);

/** True for a status that will still change (the page refreshes itself while one is shown). */
export function isInFlight(status: RunStatus): boolean {
  return IN_FLIGHT.has(status);
}

function jobStatus(j: RunJobInfo): RunStatus {
  if (j.state === 'failed') return 'failed';
  if (j.queue === 'run') {
    if (j.state === 'delayed' && !j.attemptsMade) return 'scheduled';
    if (j.state === 'active') return 'preparing';
    if (j.state === 'completed') return 'forecasting';
    if (j.state === 'unknown') return 'unknown';
    return 'queued';
  }
  if (j.state === 'waiting-children') return 'forecasting';
  if (j.state === 'completed') return 'published';
  if (j.state === 'unknown') return 'unknown';
  return 'publishing';
}

function jobTime(j: RunJobInfo): number {
  if (j.state === 'delayed') return j.timestamp + (j.delay ?? 0);
  return j.finishedOn ?? j.processedOn ?? j.timestamp;
}

function publishedStatus(p: PublishedRun): RunStatus {
  if (!p.summary) return 'unknown';
  if (p.summary.command === 'validate') return 'validated';
  return p.summary.degraded && p.summary.degraded.length ? 'degraded' : 'published';
}

function publishedTime(p: PublishedRun): number {
  const t = Date.parse(p.summary?.finishedAt ?? '');
  return Number.isFinite(t) ? t : p.mtimeMs;
}

/**
 * Merge run directories and queue jobs into one row per run, newest first.
 *
 * A run's status is taken from its newest source: a published directory, unless a job of the
 * same run id is newer and not completed (a re-run in flight, or a re-run that failed: the
 * previous outputs stay downloadable). Among the jobs of one run the publish job (the later
 * stage) decides over the run job. A run job whose run id is not known yet (a scheduler tick not
 * yet processed) is listed under `job <id>`.
 * @param published run directories ({@link readPublishedRuns}).
 * @param jobs jobs of the run and publish queues ({@link readRunJobs}).
 * @param limit at most this many rows. @defaultValue 200
 */
export function runRows(published: readonly PublishedRun[], jobs: readonly RunJobInfo[], limit = 200): RunRow[] {
  const rows: TimedRow[] = [];
  for (const [runId, e] of sourcesByRun(published, jobs)) {
    // the later stage's job is normally the newer one; a re-triggered run job can be newer still
    const job = e.publish && (!e.run || e.publish.timestamp >= e.run.timestamp) ? e.publish : e.run;
    const dir = e.dir;
    // a failed attempt newer than the published run (or with none) is what the run is now
    const failedDir = e.failedDir && (!dir || publishedTime(e.failedDir) > publishedTime(dir)) ? e.failedDir : undefined;
    const base: TimedRow = {
      runId,
      status: 'unknown',
      time: '',
      at: 0,
      files: dir?.files ?? [],
      latest: dir?.latest ?? false,
      jobs: [e.run, e.publish].filter((j): j is RunJobInfo => !!j).map((j) => ({ queue: j.queue, id: j.id })),
      runDate: dir?.summary?.runDate ?? job?.runDate,
      input: baseName(dir?.summary?.input?.path ?? e.failedDir?.summary?.input?.path ?? e.run?.input),
    };
    const newestDir = failedDir ?? dir;
    if (job && (!newestDir || (job.state !== 'completed' && job.timestamp > publishedTime(newestDir)))) rows.push(jobRow(base, job, e));
    else if (failedDir) rows.push(failedRow(base, failedDir, dir));
    else if (dir) rows.push(publishedRow(base, dir)); // else unreachable: every entry has a directory or a job
  }
  rows.sort((a, b) => b.at - a.at || (a.runId < b.runId ? -1 : 1));
  return rows.slice(0, limit).map(({ at: _at, ...r }) => r);
}

type TimedRow = RunRow & { at: number };

/** What is known of one run: its published and failed directories, its newest run and publish jobs. */
interface RunSources {
  dir?: PublishedRun;
  failedDir?: PublishedRun;
  run?: RunJobInfo;
  publish?: RunJobInfo;
}

/** Directories and jobs grouped by run id (a run job without a run id yet under `job <id>`). */
function sourcesByRun(published: readonly PublishedRun[], jobs: readonly RunJobInfo[]): Map<string, RunSources> {
  const byRun = new Map<string, RunSources>();
  const entry = (id: string) => {
    let e = byRun.get(id);
    if (!e) byRun.set(id, (e = {}));
    return e;
  };
  for (const p of published) {
    if (p.failed) entry(p.runId).failedDir = p;
    else entry(p.runId).dir = p;
  }
  for (const j of jobs) {
    const e = entry(j.runId ?? `job ${j.id}`);
    const slot = j.queue === 'run' ? 'run' : 'publish';
    const prev = e[slot];
    if (!prev || j.timestamp > prev.timestamp) e[slot] = j;
  }
  return byRun;
}

/** The row of a run whose newest source is a job (in flight, failed, or finished without its directory). */
function jobRow(base: TimedRow, job: RunJobInfo, e: RunSources): TimedRow {
  let status = jobStatus(job);
  let detail: string | undefined;
  if (status === 'failed') detail = job.failedReason || `${job.queue} job failed`;
  else if (status === 'scheduled') detail = 'waits for its scheduled time';
  else if (job.state === 'delayed') detail = `retrying after a failed attempt: ${job.failedReason ?? ''}`.trim();
  else if (status === 'published' && !e.dir) {
    status = 'unknown';
    detail = 'published, but the run directory is gone';
  } else if (job.queue === 'run' && job.state === 'completed' && !e.publish) {
    status = 'unknown';
    detail = 'prepared, but its publish job is gone';
  }
  if (e.dir && isInFlight(status)) detail = 'previous outputs below are from an earlier run with the same id';
  return { ...base, status, detail, at: jobTime(job), time: new Date(jobTime(job)).toISOString() };
}

/** The row of a run whose newest attempt failed and was kept as `runs/<id>.failed`. */
function failedRow(base: TimedRow, failedDir: PublishedRun, dir: PublishedRun | undefined): TimedRow {
  const f = failedDir.summary;
  const at = publishedTime(failedDir);
  const why = f?.failure ? `failed at ${f.failure.stage}: ${f.failure.message}` : (failedDir.error ?? 'failed');
  return {
    ...base,
    status: 'failed',
    detail: dir ? `${why}; the outputs below are from an earlier run with the same id` : why,
    runDate: f?.runDate ?? base.runDate,
    command: f?.command,
    at,
    time: new Date(at).toISOString(),
    rows: f?.rows,
    quality: f?.quality?.meanScore ?? null,
  };
}

/** The row of a published run. */
function publishedRow(base: TimedRow, dir: PublishedRun): TimedRow {
  const s = dir.summary;
  const at = publishedTime(dir);
  const status = publishedStatus(dir);
  return {
    ...base,
    status,
    detail: dir.error ?? (status === 'degraded' ? s?.degraded?.join('; ') : undefined),
    command: s?.command,
    at,
    time: new Date(at).toISOString(),
    rows: s?.rows,
    quality: s?.quality?.meanScore ?? null,
    accuracy: s?.forecast ? { rmsse: s.forecast.meanRmsse ?? null, mase: s.forecast.meanMase ?? null, fva: s.forecast.meanFva ?? null } : null,
    series: s?.forecast?.series ?? s?.quality?.series,
  };
}

/**
 * Read the run directories under `outDir/runs` (staging and replaced directories are skipped).
 * @param outDir the output directory (`dataLayout(dataDir).out`).
 * @param only read only the directories of this run id (published and failed).
 * @returns one entry per run directory; none when the directory does not exist yet.
 */
export async function readPublishedRuns(outDir: string, only?: string): Promise<PublishedRun[]> {
  const runsDir = join(outDir, 'runs');
  let names: string[];
  try {
    names = (await readdir(runsDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && RUN_ID_PATTERN.test(runIdOfDir(d.name)) && (only === undefined || runIdOfDir(d.name) === only))
      .map((d) => d.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  let latest: string | null = null;
  try {
    latest = basename(await realpath(join(outDir, 'latest')));
  } catch {
    latest = null;
  }
  const out: PublishedRun[] = [];
  for (const name of names) {
    const runId = runIdOfDir(name);
    const failed = name !== runId;
    const dir = join(runsDir, name);
    const present = new Set(await readdir(dir).catch(() => [] as string[]));
    const files = RUN_FILES.filter((f) => present.has(f));
    const mtimeMs = (await stat(dir)).mtimeMs;
    let summary: RunJson | null = null;
    let error: string | undefined;
    try {
      const parsed = runJsonSchema.safeParse(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')));
      if (parsed.success) summary = parsed.data;
      else error = `run.json does not have the expected shape: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`;
    } catch (e) {
      error = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'run.json is missing' : `run.json is unreadable: ${(e as Error).message}`;
    }
    // a failed run's files are not served: the page shows why it failed
    out.push({ runId, summary, error, files: failed ? [] : files, latest: !failed && latest === runId, mtimeMs, ...(failed ? { failed } : {}) });
  }
  return out;
}

/** The last part of a path (a run's input is shown by its file name). */
function baseName(p: string | undefined): string | undefined {
  return p ? p.split(/[\\/]/).pop() || undefined : undefined;
}

/** The run id of a directory under `runs/`: its name, without {@link FAILED_SUFFIX} for a failed run's. */
function runIdOfDir(name: string): string {
  return name.endsWith(FAILED_SUFFIX) ? name.slice(0, -FAILED_SUFFIX.length) : name;
}

/** States listed per queue (each asked separately, so every job's state is known). */
const STATES: readonly JobType[] = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children', 'failed', 'completed'];

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** Reduce a job of the `run` or `publish` queue to a {@link RunJobInfo}. */
export function jobInfo(
  queue: 'run' | 'publish',
  job: Pick<Job, 'id' | 'name' | 'data' | 'timestamp' | 'processedOn' | 'finishedOn' | 'failedReason' | 'returnvalue' | 'delay' | 'attemptsMade'>,
  state: JobType | 'unknown',
): RunJobInfo {
  const id = String(job.id ?? '');
  const data = (job.data ?? {}) as Record<string, unknown>;
  const ret = (job.returnvalue ?? {}) as Record<string, unknown>;
  let runId: string | undefined;
  if (queue === 'publish') runId = str(data.runId);
  else runId = str(ret?.runId) ?? (job.name === JOBS.run && id && !id.startsWith('repeat:') ? id : undefined);
  return {
    queue,
    id,
    name: job.name,
    state,
    timestamp: job.timestamp,
    processedOn: job.processedOn ?? undefined,
    finishedOn: job.finishedOn ?? undefined,
    delay: job.delay || undefined,
    attemptsMade: job.attemptsMade || undefined,
    failedReason: job.failedReason || undefined,
    runId,
    runDate: str(data.runDate),
    input: str(data.input),
  };
}

/**
 * Read the jobs of the `run` and `publish` queues.
 * @param queues the two queues (producer side).
 * @param perState at most this many jobs per state and queue. @defaultValue 100
 * @throws when Redis cannot be reached.
 */
export async function readRunJobs(queues: { run: Queue; publish: Queue }, perState = 100): Promise<RunJobInfo[]> {
  const out: RunJobInfo[] = [];
  for (const [name, q] of [[QUEUES.run, queues.run], [QUEUES.publish, queues.publish]] as const) {
    for (const state of STATES) {
      const jobs = await q.getJobs([state], 0, perState - 1);
      for (const j of jobs) if (j) out.push(jobInfo(name, j, state));
    }
  }
  return out;
}
