/**
 * What a processor needs from a job, whether it runs in a sandbox (BullMQ `SandboxedJob`) or
 * in-process (`Job`): data, timing, progress and log lines, and for a flow parent its children's
 * results. Also the rule that decides retries: bad data fails the job for good.
 */
import { UnrecoverableError } from 'bullmq';
import { retryOf, safeMessage } from '../pipelines/errors.js';

/** The part of a BullMQ job a processor uses. */
export interface JobLike<T = unknown> {
  readonly id?: string;
  readonly name: string;
  readonly data: T;
  /** Creation time, ms since the epoch. */
  readonly timestamp: number;
  /** Delay before it became runnable (scheduler ticks), ms. */
  readonly delay?: number;
  readonly attemptsMade?: number;
  /** The job's options (its attempts). */
  readonly opts?: { readonly attempts?: number };
  updateProgress(value: number | object): Promise<void>;
  log(row: string): unknown;
  getChildrenValues?<CT = unknown>(): Promise<Record<string, CT>>;
  getIgnoredChildrenFailures?(): Promise<Record<string, string>>;
}

/**
 * Re-throw an error so that BullMQ retries it only when a retry can help: an error whose class
 * says `retry: 'never'` (pipelines/errors.ts: unusable input, invalid payload or settings, path
 * outside the data directory) becomes an `UnrecoverableError`, its class name kept in the message;
 * anything else (an output or I/O failure, Redis, a crash) is left to the job's attempts and
 * exponential backoff.
 */
export function classifyError(e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err instanceof UnrecoverableError) return err;
  if (retryOf(err) === 'never') {
    const u = new UnrecoverableError(safeMessage(`${err.name}: ${err.message}`));
    u.stack = err.stack;
    return u;
  }
  return err;
}

/**
 * Whether this failure is the job's last: an error that is never retried, or the last attempt
 * (`attemptsMade` counts the attempts before this one).
 */
export function isLastAttempt(job: Pick<JobLike, 'attemptsMade' | 'opts'>, err: Error): boolean {
  if (err instanceof UnrecoverableError) return true;
  return (job.attemptsMade ?? 0) + 1 >= (job.opts?.attempts ?? 1);
}

/**
 * A progress reporter that sends at most one update per `intervalMs` (plus the last one), so a
 * 30 000-series batch does not flood Redis.
 * @param job the job to report on.
 * @param intervalMs minimum time between updates, ms. @defaultValue 500
 */
export function throttledProgress(job: JobLike, intervalMs = 500): (stage: string, done: number, total: number) => void {
  let last = 0;
  return (stage, done, total) => {
    const now = Date.now();
    if (done < total && now - last < intervalMs) return;
    last = now;
    void job.updateProgress({ stage, done, total }).catch(() => {});
  };
}

/** Append a log line to the job (fire and forget; a failed log write never fails the job), made safe to show (`safeMessage`). */
export function jobLog(job: JobLike, line: string): void {
  try {
    const r = job.log(`${new Date().toISOString()} ${safeMessage(line)}`);
    if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch(() => {});
  } catch {
    /* ignore */
  }
}
