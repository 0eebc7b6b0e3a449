/**
 * Sandboxed processor of the `run` queue (dist/workers/run-processor.js): nightly ingest,
 * stage 1 and the flow, off the main thread (ingesting a large export is CPU-bound).
 */
import type { SandboxedJob } from 'bullmq';
import { redisConnection } from './connection.js';
import type { RunResult } from './queues.js';
import { processRunJob } from './run-queue.js';
import { sandboxConfig } from './sandbox-env.js';
import { collectGarbage } from './release-memory.js';
import { startTracing } from './telemetry.js';

// traces of the flows this thread adds, when the OTEL_* environment asks (the worker process
// already refused to start when the packages are missing)
const tracing = startTracing(process.env, 'forecast-worker').catch(() => null);

/** Prepare a run and queue its flow. */
export default async function runProcessor(job: SandboxedJob): Promise<RunResult> {
  const config = sandboxConfig();
  try {
    return await processRunJob(job, { config, connection: redisConnection(config.queue.redisUrl, 'producer'), telemetry: (await tracing)?.telemetry });
  } finally {
    // the history read for this run is garbage now; this thread idles until the next run job
    setImmediate(collectGarbage);
  }
}
