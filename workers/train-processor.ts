/**
 * Sandboxed processor of the `train` queue (loaded by BullMQ in a worker thread from its compiled
 * path, dist/workers/train-processor.js). CPU-bound fitting runs here, off the worker's main
 * thread, so job lock renewal is never starved.
 */
import type { SandboxedJob } from 'bullmq';
import { sandboxConfig } from './sandbox-env.js';
import { INPUT_WAIT_MS, processTrainJob } from './train-worker.js';
import { fitStoreEnv } from './fit-store.js';
import type { TrainResult } from './queues.js';

/** Forecast one batch of series. */
export default async function trainProcessor(job: SandboxedJob): Promise<TrainResult> {
  const config = sandboxConfig();
  return processTrainJob(job, { ...fitStoreEnv(config), inputWaitMs: Math.max(INPUT_WAIT_MS, 10 * config.queue.lockDurationMs) });
}
