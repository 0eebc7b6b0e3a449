/**
 * A worker process: BullMQ Workers for the `run`, `train` and `publish` queues, each with a
 * sandboxed processor running in worker threads (so lock renewal on the main thread is never
 * starved by fitting), configurable concurrency, and the retention and lock settings of config
 * `queue`. `forecast worker` starts one; any number of them, on any machines pointing at one Redis,
 * share the runs: the run and publish queues need the shop's data directory, the train queue only
 * Redis (fit-store.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { MetricsTime, Queue, Worker, type Telemetry, type WorkerOptions } from 'bullmq';
import type { Config } from '../config/schema.js';
import { redisConnection } from './connection.js';
import { QUEUES, queuePrefix, type QueueName } from './queues.js';
import { queueOptions } from './connection.js';
import type { SandboxData } from './sandbox-env.js';

/** Processor module of each queue (compiled JS, referenced by path). */
const PROCESSOR_FILES: Record<QueueName, string> = {
  run: 'run-processor.js',
  train: 'train-processor.js',
  publish: 'publish-processor.js',
};

/**
 * Absolute path of a compiled processor file. Beside this module when it runs from dist/;
 * from the TypeScript sources (tests), the build's copy in dist/workers.
 * @throws Error when the file is missing (run `npm run build`).
 */
export function processorPath(queue: QueueName): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = PROCESSOR_FILES[queue];
  const beside = join(here, file);
  if (existsSync(beside)) return beside;
  const built = resolve(here, '..', 'dist', 'workers', file);
  if (existsSync(built)) return built;
  throw new Error(`processor ${file} not found beside ${here} nor in dist/workers: run "npm run build"`);
}

/** The part of BullMQ's (internal) child pool used to start processor threads ahead of time. */
interface ChildPoolLike {
  retain(file: string): Promise<unknown>;
  release(child: unknown): void;
}

/**
 * Start a worker's processor threads before the first job arrives, so that loading the pipeline
 * modules (about a second per thread) is not on a run's critical path. Uses the Worker's child
 * pool, which BullMQ does not document; when it is absent the threads start on the first job as
 * usual.
 */
async function prewarm(worker: Worker, file: string, n: number): Promise<void> {
  const pool = (worker as unknown as { childPool?: ChildPoolLike }).childPool;
  if (!pool || typeof pool.retain !== 'function' || typeof pool.release !== 'function') return;
  const children: unknown[] = [];
  try {
    for (let i = 0; i < n; i++) children.push(await pool.retain(file));
  } catch {
    // a thread that cannot start now will fail its first job with the same error, visibly
  } finally {
    for (const c of children) pool.release(c);
  }
}

/** What {@link startWorkers} starts. */
export interface WorkerHost {
  readonly workers: readonly Worker[];
  /** Close every worker (`force`: do not wait for active jobs). */
  close(force?: boolean): Promise<void>;
}

/**
 * Start the workers of a process.
 * @param config settings (Redis URL, prefix, concurrency, locks, data directory).
 * @param opts.queues which queues to serve. @defaultValue all three
 * @param opts.concurrency jobs at once per queue (overrides `queue.concurrency` for `train`).
 * @param opts.name worker name stored on each job it processes. @defaultValue hostname-pid
 * @param opts.onEvent called on completed / failed / stalled / error events.
 * @param opts.telemetry OpenTelemetry tracing of every job (workers/telemetry.ts); none by default.
 */
export async function startWorkers(
  config: Config,
  opts: {
    queues?: readonly QueueName[];
    concurrency?: number;
    name?: string;
    onEvent?: (event: string, queue: QueueName, detail: Record<string, unknown>) => void;
    telemetry?: Telemetry;
  } = {},
): Promise<WorkerHost> {
  const queues = opts.queues ?? [QUEUES.run, QUEUES.train, QUEUES.publish];
  const q = config.queue;
  const connection = redisConnection(q.redisUrl, 'worker');
  const emit = opts.onEvent ?? (() => {});
  const workerData: SandboxData = { config };

  // make sure every queue's meta (event stream cap) exists before jobs flow
  const metaQueues = queues.map((name) => new Queue(name, queueOptions(config, redisConnection(q.redisUrl, 'producer'))));
  await Promise.all(metaQueues.map((m) => m.waitUntilReady()));
  await Promise.all(metaQueues.map((m) => m.close()));

  const workers: Worker[] = [];
  for (const name of queues) {
    const options: WorkerOptions = {
      connection,
      prefix: queuePrefix(config),
      name: opts.name,
      concurrency: name === QUEUES.train ? (opts.concurrency ?? q.concurrency) : 1,
      useWorkerThreads: true,
      workerThreadsOptions: { workerData },
      lockDuration: q.lockDurationMs,
      stalledInterval: q.stalledIntervalMs,
      maxStalledCount: q.maxStalledCount,
      metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
      autorun: true,
      ...(opts.telemetry ? { telemetry: opts.telemetry } : {}),
    };
    const w = new Worker(name, processorPath(name), options);
    w.on('completed', (job) => emit('completed', name, { id: job.id, name: job.name }));
    w.on('failed', (job, err) => emit('failed', name, { id: job?.id, name: job?.name, attemptsMade: job?.attemptsMade, error: err.message }));
    w.on('stalled', (id) => emit('stalled', name, { id }));
    w.on('error', (err) => emit('error', name, { error: err.message }));
    workers.push(w);
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  await Promise.all(workers.map((w, i) => prewarm(w, processorPath(queues[i]), w.concurrency)));
  return {
    workers,
    async close(force = false) {
      await Promise.allSettled(workers.map((w) => w.close(force)));
    },
  };
}
