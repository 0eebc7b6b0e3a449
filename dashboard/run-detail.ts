/**
 * Everything the page of one run shows (dashboard/run-page.ts): its status from its run
 * directory and its jobs (the rules of dashboard/runs.ts `runRows`), the stage it is in with
 * how far along it is (the run job's progress while preparing; the publish job's finished
 * train-batch children out of its batches while forecasting), its run.json and the first lines
 * of its order list.
 *
 * A run is asked for by its run id or by its run job's id; when the job names another run id
 * (issue 15: a run whose run date waits for its data is queued under a job id of its own),
 * {@link readRunDetail} says where the run is.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Job, JobType, Queue } from 'bullmq';
import { publishJobId, type PublishPayload } from '../workers/queues.js';
import { jobInfo, readPublishedRuns, runRows, type PublishedRun, type RunJobInfo, type RunJson, type RunRow } from './runs.js';

/** How far a run in flight is. */
export interface RunProgress {
  /** The stage's own word (`ingest`, `prepare`...) while preparing; else the status. */
  readonly stage: string;
  readonly done?: number;
  readonly total?: number;
}

/** The first lines of a CSV. */
export interface CsvHead {
  readonly header: string[];
  readonly rows: string[][];
  /** True when the file has more lines than shown. */
  readonly more: boolean;
}

/** One run, for its page. */
export type RunDetail =
  | { readonly kind: 'moved'; readonly runId: string }
  | { readonly kind: 'missing' }
  | {
      readonly kind: 'run';
      readonly row: RunRow;
      /** run.json of the published (or, for a failed run, the failed) directory. */
      readonly summary: RunJson | null;
      readonly progress?: RunProgress;
      readonly orders?: CsvHead;
    };

/** Lines of orders.csv shown. */
export const ORDER_LINES = 10;

async function stateOf(job: Job | undefined): Promise<JobType | 'unknown' | null> {
  if (!job) return null;
  return (await job.getState()) as JobType | 'unknown';
}

/**
 * Read one run.
 * @param outDir the output directory. @param queues the run and publish queues.
 * @param id a run id or a run job's id (checked against `RUN_ID_PATTERN` by the caller).
 * @param viaJob the run job's id when the page was reached from it (`?job=`; checked likewise).
 */
export async function readRunDetail(outDir: string, queues: { run: Queue; publish: Queue }, id: string, viaJob?: string): Promise<RunDetail> {
  let runJob = await queues.run.getJob(id);
  const named = (runJob?.returnvalue as { runId?: unknown } | null | undefined)?.runId;
  if (typeof named === 'string' && named !== id) return { kind: 'moved', runId: named };
  if (!runJob && viaJob) {
    // the run job it was queued as (an after-data job id), when it names this run
    const job = await queues.run.getJob(viaJob);
    if ((job?.returnvalue as { runId?: unknown } | null | undefined)?.runId === id) runJob = job;
  }
  const runId = id;
  const publishJob = await queues.publish.getJob(publishJobId(runId));
  const jobs: RunJobInfo[] = [];
  const runState = await stateOf(runJob);
  const publishState = await stateOf(publishJob);
  if (runJob && runState) jobs.push(jobInfo('run', runJob, runState));
  if (publishJob && publishState) jobs.push(jobInfo('publish', publishJob, publishState));
  const dirs = await readPublishedRuns(outDir, runId);
  const [row] = runRows(dirs, jobs);
  if (!row) return { kind: 'missing' };
  const dir = pickDir(dirs, row);
  let progress: RunProgress | undefined;
  if (row.status === 'preparing' && runJob) progress = stageProgress(runJob.progress);
  else if (row.status === 'forecasting' && publishJob) progress = await batchProgress(publishJob);
  else if (row.status === 'publishing') progress = { stage: 'publishing' };
  const orders = row.files.includes('orders.csv') ? await csvHead(join(outDir, 'runs', row.runId, 'orders.csv'), ORDER_LINES) : undefined;
  return { kind: 'run', row, summary: dir?.summary ?? null, progress, orders };
}

/** The directory whose run.json the page shows: the failed attempt's for a failed run, else the published one. */
function pickDir(dirs: readonly PublishedRun[], row: RunRow): PublishedRun | undefined {
  const failed = dirs.find((d) => d.failed);
  const published = dirs.find((d) => !d.failed);
  return row.status === 'failed' && failed ? failed : (published ?? failed);
}

/** The run job's progress, `{ stage, done, total }` (workers/job-context.ts `throttledProgress`). */
export function stageProgress(p: unknown): RunProgress {
  const o = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return { stage: typeof o.stage === 'string' && o.stage ? o.stage : 'preparing', done: num(o.done), total: num(o.total) };
}

/** Train-batch children finished (processed, failed or ignored: a failed batch falls back) out of the run's batches. */
async function batchProgress(publishJob: Job): Promise<RunProgress> {
  const c = await publishJob.getDependenciesCount({ processed: true, unprocessed: true, failed: true, ignored: true });
  const done = (c.processed ?? 0) + (c.failed ?? 0) + (c.ignored ?? 0);
  const batches = (publishJob.data as Partial<PublishPayload>).batches;
  return { stage: 'forecasting', done, total: typeof batches === 'number' ? batches : done + (c.unprocessed ?? 0) };
}

/** Bytes of a CSV read for its first lines (an order list can have a line per item of a large shop). */
const HEAD_BYTES = 256 * 1024;

/** The header and first `n` lines of a CSV file (as many as its first {@link HEAD_BYTES} bytes hold). */
export async function csvHead(path: string, n: number): Promise<CsvHead | undefined> {
  let text: string;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
      text = buf.subarray(0, bytesRead).toString('utf8');
      // a cut last line is not shown
      if (bytesRead === HEAD_BYTES) text = text.slice(0, text.lastIndexOf('\n') + 1);
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
  const parsed = Papa.parse<string[]>(text, { preview: n + 2, skipEmptyLines: true });
  const [header = [], ...rows] = parsed.data;
  return { header, rows: rows.slice(0, n), more: rows.length > n };
}
