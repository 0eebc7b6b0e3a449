/**
 * Sandboxed processor of the `train` queue (loaded by BullMQ in a worker thread from its compiled
 * path, dist/workers/train-processor.js). CPU-bound fitting runs here, off the worker's main
 * thread, so job lock renewal is never starved.
 */
import type { SandboxedJob } from 'bullmq';
import { sandboxConfig } from './sandbox-env.js';
import { processTrainJob } from './train-worker.js';
import type { TrainResult } from './queues.js';

/** Forecast one batch of series. */
export default async function trainProcessor(job: SandboxedJob): Promise<TrainResult> {
  return processTrainJob(job, { dataDir: sandboxConfig().dataDir });
}
