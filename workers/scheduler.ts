/**
 * The nightly run as a BullMQ Job Scheduler on the `run` queue.
 *
 * `upsertJobScheduler` stores one scheduler per id and derives the id of each produced job from
 * the scheduler id and the tick time, so any number of processes upserting the same scheduler at
 * the same moment still yield one job per tick (BullMQ docs, "Job Schedulers"). The worker that
 * processes a tick's job schedules the next one; no separate scheduler process is needed.
 */
import { getNextMillis, type Queue } from 'bullmq';
import type { Config } from '../config/schema.js';
import { ConfigError, quoteInput } from '../pipelines/errors.js';
import { JOBS, NIGHTLY_SCHEDULER_ID, runJobOptions, runPayloadSchema, type RunPayload } from './queues.js';

/** A scheduler as listed by `forecast schedule list`. */
export interface ScheduleInfo {
  id: string;
  pattern?: string;
  every?: number;
  tz?: string;
  /** Next tick, ISO, when known. */
  next?: string;
  iterations?: number;
}

/** Check a cron time zone name; Intl throws RangeError on unknown zones. @throws ConfigError */
function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new ConfigError(`upsertNightly needs an IANA time zone (e.g. "Europe/London"), got ${quoteInput(tz)}`);
  }
}

/** Check a cron pattern the way BullMQ will read it (its own `getNextMillis`), before Redis is touched. @throws ConfigError */
function checkPattern(pattern: string, tz: string | undefined): void {
  try {
    getNextMillis(Date.now(), { pattern, tz });
  } catch (e) {
    throw new ConfigError(`upsertNightly needs a cron pattern (e.g. "0 2 * * *"), got ${quoteInput(pattern)}: ${(e as Error).message}`);
  }
}

/**
 * Create or update the nightly scheduler (id `nightly`) from config `schedule.cron` / `schedule.tz`.
 * @param queue the `run` queue.
 * @param config settings (cron pattern, time zone, attempts, backoff).
 * @param opts.id scheduler id. @defaultValue "nightly"
 * @param opts.payload job data of every tick. @defaultValue { mode: 'incoming' }
 * @param opts.every tick every N ms instead of the cron pattern (tests).
 * @param opts.pattern cron pattern overriding config (seconds field allowed).
 * @returns the next job's id.
 * @throws ConfigError on an unknown time zone or an invalid cron pattern; ZodError on an invalid payload.
 */
export async function upsertNightly(
  queue: Queue,
  config: Config,
  opts: { id?: string; payload?: RunPayload; every?: number; pattern?: string } = {},
): Promise<string | undefined> {
  const payload = runPayloadSchema.parse(opts.payload ?? { mode: 'incoming' });
  const repeat = opts.every !== undefined ? { every: opts.every } : { pattern: opts.pattern ?? config.schedule.cron, tz: config.schedule.tz };
  if ('tz' in repeat && repeat.tz) checkTimeZone(repeat.tz);
  if ('pattern' in repeat && repeat.pattern) checkPattern(repeat.pattern, repeat.tz);
  const { attempts, backoff, removeOnComplete, removeOnFail, keepLogs, stackTraceLimit } = runJobOptions(config);
  const job = await queue.upsertJobScheduler(opts.id ?? NIGHTLY_SCHEDULER_ID, repeat, {
    name: JOBS.nightly,
    data: payload,
    opts: { attempts, backoff, removeOnComplete, removeOnFail, keepLogs, stackTraceLimit },
  });
  return job?.id;
}

/** Every scheduler of the `run` queue. */
export async function listSchedules(queue: Queue): Promise<ScheduleInfo[]> {
  const all = await queue.getJobSchedulers(0, -1, true);
  return all.map((s) => ({
    id: s.id ?? s.key,
    pattern: s.pattern ?? undefined,
    every: s.every ?? undefined,
    tz: s.tz ?? undefined,
    next: s.next ? new Date(s.next).toISOString() : undefined,
    iterations: s.iterationCount,
  }));
}

/** Remove a scheduler (its pending delayed job goes with it). @returns true when it existed. */
export async function removeSchedule(queue: Queue, id = NIGHTLY_SCHEDULER_ID): Promise<boolean> {
  return queue.removeJobScheduler(id);
}
