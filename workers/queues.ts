/**
 * Queue names, job payload schemas and job options: the one place every producer and worker
 * (CLI, workers, dashboard) reads them from.
 *
 * Three queues make a run (a BullMQ flow, see run-queue.ts):
 * - `run`: one job per requested run (manual trigger or a nightly scheduler tick). For nightly
 *   runs it merges the incoming files into the sales history; then it prepares the run (stage 1)
 *   into a work directory and adds the flow below. A manual trigger's job id is the run id, so a
 *   duplicate trigger is deduplicated by BullMQ.
 * - `train`: `train-batch` jobs, children of the publish job, one per batch of series.
 * - `publish`: the flow's parent; it runs once every child has completed or failed for good,
 *   gathers the batch results (falling back to the simple model for failed batches) and
 *   publishes the run.
 *
 * Payloads hold references (paths relative to the data directory, index ranges), never data
 * (a train batch's series and results travel in Redis keys named after the run: fit-store.ts),
 * and never a place to write or delete: a run's work and staging directories are derived by each
 * worker from the run id (pipelines/io/paths.ts `workDirOf`, `queueStagingDirOf`). Run ids and
 * payload paths match one strict pattern each (`RUN_ID_PATTERN`, `DATA_PATH_PATTERN`), checked
 * by the producer, the dashboard and the worker alike.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { JobsOptions, KeepJobs } from 'bullmq';
import type { Config } from '../config/schema.js';
import { PayloadError, safeMessage } from '../pipelines/errors.js';
import { DATA_PATH_PATTERN, RUN_ID_PATTERN } from '../pipelines/io/paths.js';

/**
 * The key prefix of a shop's queues and fit data: config `queue.prefix`, else `forecast-` and 8
 * hex digits of a SHA-256 of the data directory's real path (its absolute path when it does not
 * exist yet), so that two data directories on one Redis never share a job or a run id.
 */
export function queuePrefix(config: Pick<Config, 'queue' | 'dataDir'>): string {
  if (config.queue.prefix) return config.queue.prefix;
  let dir = resolve(config.dataDir);
  try {
    dir = realpathSync(dir);
  } catch {
    /* not created yet: its absolute path */
  }
  return `forecast-${createHash('sha256').update(dir).digest('hex').slice(0, 8)}`;
}

/** Queue names (BullMQ forbids ':' in them). */
export const QUEUES = { run: 'run', train: 'train', publish: 'publish' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Job names. */
export const JOBS = { run: 'run', nightly: 'nightly', trainBatch: 'train-batch', publish: 'publish' } as const;

/** Id of the nightly job scheduler. */
export const NIGHTLY_SCHEDULER_ID = 'nightly';

/** Approximate cap of each queue's event stream (BullMQ default 10 000). */
export const EVENTS_MAX_LEN = 2_000;
/** Log lines kept per job. */
export const KEEP_LOGS = 50;

/** A run date as YYYY-MM-DD; empty (as a cleared form field) is the same as none: the run's default (pipelines/run/run-request.ts). */
const isoDate = z
  .string()
  .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'expected a date as YYYY-MM-DD (or empty: the default)')
  .refine((s) => s === '' || (!Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)), 'not a calendar date');

/** A path relative to the data directory (`DATA_PATH_PATTERN`; confinement is checked again where it is opened). */
const dataPath = z
  .string()
  .min(1, 'a path is required')
  .max(1024, 'at most 1024 characters')
  .refine((s) => !s.split(/[\\/]/).includes('..'), 'must not contain ".." segments')
  .regex(
    DATA_PATH_PATTERN,
    'must be a path relative to the data directory: "/"-separated names that start with a letter, digit or "_" (no absolute path, no "." or ".." segment, no backslash or control character)',
  );

/** A run id (`RUN_ID_PATTERN`): it names directories, so it is data of a strict shape, never a path. */
export const runIdSchema = z.string().regex(RUN_ID_PATTERN, 'must be a run id: letters, digits, "_" and "-", at most 128 characters');

/** The order list's input files of a request, relative to the data directory (pipelines/run/run-request.ts `ORDER_FILE_SETTINGS`). */
const orderFiles = {
  /** Stock on hand CSV (replenishment.stockFile). */
  stock: dataPath.optional(),
  /** Open orders CSV (replenishment.onOrderFile). */
  onOrder: dataPath.optional(),
  /** How each sku is bought CSV (replenishment.itemsFile). */
  items: dataPath.optional(),
  /** Suppliers CSV (replenishment.suppliersFile). */
  suppliers: dataPath.optional(),
};

/**
 * A run request: what the CLI (`forecast enqueue`), the dashboard form and the nightly scheduler
 * send. `mode: 'input'` forecasts one file; `mode: 'incoming'` is the nightly flow (ingest new
 * incoming files into the history, then forecast from the full history).
 */
export const runPayloadSchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('input'),
      /** Sales export, relative to the data directory (or absolute inside it). */
      input: dataPath,
      /** Optional retailer calendar (date, events, SNAP flags), relative to the data directory. */
      calendar: dataPath.optional(),
      /** Run date; left out or empty: config `runDate`, else the day after the input's last date. */
      runDate: isoDate.optional(),
      /** Forecast horizon in periods of the data (days, weeks, months); default: config `horizon`, else the period's default. */
      horizon: z.number().int().min(1).max(366).optional(),
      /** Period to model (config `periods.frequency`); default: the config's, else detected. */
      frequency: z.enum(['auto', 'day', 'week', 'month']).optional(),
      /** Export profile (config `profile`): a profile name, `auto` or `none`. */
      profile: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a profile name, auto or none').optional(),
      ...orderFiles,
    })
    .strict(),
  z
    .object({
      mode: z.literal('incoming'),
      calendar: dataPath.optional(),
      /** Run date; left out or empty: config `runDate`, else today in the schedule's time zone. */
      runDate: isoDate.optional(),
      horizon: z.number().int().min(1).max(366).optional(),
      ...orderFiles,
    })
    .strict(),
]);
export type RunPayload = z.infer<typeof runPayloadSchema>;

/** A train-batch job: series [from, to) of a prepared run (read from `work/<runId>`, derived by the worker). */
export const trainPayloadSchema = z
  .object({
    runId: runIdSchema,
    /** Batch number, 0-based. */
    batch: z.number().int().min(0),
    from: z.number().int().min(0),
    to: z.number().int().min(1),
  })
  .strict()
  .refine((p) => p.to > p.from, { message: 'to must be greater than from', path: ['to'] });
export type TrainPayload = z.infer<typeof trainPayloadSchema>;

/** The publish job (flow parent); its work and staging directories are derived from the run id by the worker. */
export const publishPayloadSchema = z
  .object({
    runId: runIdSchema,
    /** Number of train-batch children. */
    batches: z.number().int().min(0),
    /** Number of series in the run. */
    series: z.number().int().min(0),
    /** ISO timestamp of the run job's start. */
    startedAt: z.string().min(1).max(40),
  })
  .strict();
export type PublishPayload = z.infer<typeof publishPayloadSchema>;

/** What a train-batch job returns (stored in the parent's processed set). */
export interface TrainResult {
  batch: number;
  from: number;
  to: number;
  /** Redis key holding the batch's forecasts (workers/fit-store.ts), read and deleted by the publish job. */
  key: string;
  /** Bytes of the batch's series read from Redis and of its forecasts written to Redis. */
  bytesIn: number;
  bytesOut: number;
}

/** What a run job returns. */
export interface RunResult {
  runId: string;
  /** Id of the publish job whose completion ends the run. */
  publishJobId: string;
  /** True when a flow for this run id already existed and nothing was added. */
  duplicate: boolean;
  series: number;
  batches: number;
}

/** What a publish job returns. */
export interface PublishResult {
  runId: string;
  /** Run directory, relative to the data directory. */
  runDir: string;
  /** Keys of batches that fell back to the simple model. */
  degraded: string[];
  /** Stage durations of the run, ms (run.json `timingsMs`; `fit` for the queued fit); absent for a run published earlier. */
  timingsMs?: Record<string, number>;
}

/**
 * Validate a payload, throwing one message that lists every problem (zod issues as data).
 * @throws PayloadError
 */
export function parsePayload<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const r = schema.safeParse(data);
  if (!r.success) throw new PayloadError(payloadIssues(r.error, what));
  return r.data;
}

/**
 * zod's issues of a payload as one message, one `field: problem` per issue (`input: must not
 * contain ".." segments`), safe to show: key names and values from the payload are escaped and
 * the message is bounded (pipelines/errors.ts `safeMessage`).
 */
export function payloadIssues(error: z.ZodError, what: string): string {
  const lines = error.issues.slice(0, 20).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  return safeMessage(`invalid ${what} payload: ${lines.join('; ')}`, { max: 1000 });
}

/** Job id of the publish job of a run. */
export function publishJobId(runId: string): string {
  return `publish-${runId}`;
}

/** Job id of a train-batch job. */
export function trainJobId(runId: string, batch: number): string {
  return `train-${runId}-${String(batch).padStart(5, '0')}`;
}

const DAY_S = 86_400;
const keepCompleted: KeepJobs = { age: 7 * DAY_S, count: 200 };
const keepFailed: KeepJobs = { age: 30 * DAY_S, count: 1_000 };

/** Retries with exponential backoff, capped logs and stack traces: common to every job. */
function retryOptions(config: Config): JobsOptions {
  return {
    attempts: config.queue.attempts,
    backoff: { type: 'exponential', delay: config.queue.backoffMs },
    keepLogs: KEEP_LOGS,
    stackTraceLimit: 10,
  };
}

/** Options of a run job (manual trigger or scheduler template). */
export function runJobOptions(config: Config): JobsOptions {
  return { ...retryOptions(config), removeOnComplete: keepCompleted, removeOnFail: keepFailed };
}

/** Options of a train-batch child: its final failure is recorded on the parent and ignored, so the parent never waits forever. */
export function trainJobOptions(config: Config): JobsOptions {
  return {
    ...retryOptions(config),
    ignoreDependencyOnFailure: true,
    removeOnComplete: { age: DAY_S, count: 5_000 },
    removeOnFail: { age: 7 * DAY_S, count: 5_000 },
  };
}

/** Options of the publish (parent) job. */
export function publishJobOptions(config: Config): JobsOptions {
  return { ...retryOptions(config), removeOnComplete: keepCompleted, removeOnFail: keepFailed };
}

/** Split `n` series into contiguous batches of at most `size`. */
export function batchRanges(n: number, size: number): Array<{ from: number; to: number }> {
  if (!Number.isInteger(n) || n < 0) throw new Error(`batchRanges needs a series count >= 0, got ${n}`);
  if (!Number.isInteger(size) || size < 1) throw new Error(`batchRanges needs a batch size >= 1, got ${size}`);
  const out: Array<{ from: number; to: number }> = [];
  for (let from = 0; from < n; from += size) out.push({ from, to: Math.min(n, from + size) });
  return out;
}
