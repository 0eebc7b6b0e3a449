/**
 * Settings inside a sandboxed processor (a BullMQ worker thread). The worker process resolves its
 * configuration once (config file, environment, flags) and hands it to every thread as
 * `workerData.config`, so the thread never re-reads files or the environment on its own; when a
 * processor is loaded outside such a thread (a child process), it falls back to the environment.
 */
import { workerData } from 'node:worker_threads';
import { loadConfig, parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';

/** What the worker process passes to each sandboxed thread. */
export interface SandboxData {
  config: Config;
}

let cached: Config | null = null;

/**
 * The settings of this sandbox.
 * @throws ConfigError when the settings handed over are invalid.
 */
export function sandboxConfig(): Config {
  if (cached) return cached;
  const data = workerData as Partial<SandboxData> | null | undefined;
  cached = data?.config ? parseConfig(data.config, 'worker settings') : loadConfig({ env: process.env });
  return cached;
}
