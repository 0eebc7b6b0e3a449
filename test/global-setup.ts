/**
 * Vitest global setup: compile dist/ when stale, and make a Redis reachable for the queue tests.
 * Uses REDIS_URL when set; otherwise starts a throwaway redis-server (redis-memory-server
 * with the system binary found on PATH) and stops it after the run.
 */
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { ensureBuilt } from './workers/build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

function systemRedisServer(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // tests that spawn the CLI or sandboxed workers run dist/: compile once, before any file runs
  ensureBuilt();
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return async () => {};
  }
  const binary = systemRedisServer();
  if (!binary) throw new Error('test setup: REDIS_URL is not set and no redis-server is on PATH to start a throwaway one');
  const { RedisMemoryServer } = await import('redis-memory-server');
  const server = new RedisMemoryServer({ binary: { systemBinary: binary } });
  const host = await server.getHost();
  const port = await server.getPort();
  const url = `redis://${host}:${port}`;
  process.env.REDIS_URL = url;
  project.provide('redisUrl', url);
  return async () => {
    await server.stop();
  };
}
