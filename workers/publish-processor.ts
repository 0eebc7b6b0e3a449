/**
 * Sandboxed processor of the `publish` queue (dist/workers/publish-processor.js): gathers the
 * batches (simple-model fallback for failed ones) and publishes the run, off the main thread.
 */
import type { SandboxedJob } from 'bullmq';
import { processPublishJob } from './publish-worker.js';
import type { PublishResult } from './queues.js';
import { sandboxConfig } from './sandbox-env.js';
import { fitStoreEnv } from './fit-store.js';

/** Publish a run once its batches are done. */
export default async function publishProcessor(job: SandboxedJob): Promise<PublishResult> {
  const config = sandboxConfig();
  return processPublishJob(job, { dataDir: config.dataDir, ...fitStoreEnv(config) });
}
