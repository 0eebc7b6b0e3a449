/** Shared helpers of the queue tests: a fresh prefix and data directory per test, and cleanup. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { inject } from 'vitest';
import { parseConfig } from '../../config/load.js';
import type { Config, ConfigInput } from '../../config/schema.js';
import { redisConnection } from '../../workers/connection.js';
import { QUEUES, queuePrefix } from '../../workers/queues.js';
import { fitClient } from '../../workers/fit-store.js';
import { createServer } from 'node:net';

/** A config for one test: its own queue prefix and data directory, the test Redis. */
export function testConfig(overrides: ConfigInput = {}): Config {
  const dataDir = mkdtempSync(join(tmpdir(), 'fq-'));
  const prefix = `t${randomBytes(5).toString('hex')}`;
  return parseConfig({
    ...overrides,
    dataDir,
    queue: { redisUrl: inject('redisUrl'), prefix, backoffMs: 50, ...(overrides.queue ?? {}) },
  });
}

/** Remove every key of the test's queues and its data directory. */
export async function cleanup(config: Config): Promise<void> {
  const conn = redisConnection(config.queue.redisUrl, 'producer');
  for (const name of Object.values(QUEUES)) {
    const q = new Queue(name, { connection: conn, prefix: queuePrefix(config) });
    await q.obliterate({ force: true }).catch(() => {});
    await q.close();
  }
  await deleteFitKeys(config.queue.redisUrl, queuePrefix(config)).catch(() => {});
  rmSync(config.dataDir, { recursive: true, force: true });
}

/** Poll until `check` returns a value other than undefined, or fail after `ms`. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}


/** Delete every fit key (workers/fit-store.ts) under a prefix. */
export async function deleteFitKeys(url: string, prefix: string): Promise<void> {
  if (!prefix) return;
  const redis = fitClient(url);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:fit:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(keys);
  } while (cursor !== '0');
}

/** Fit keys left under a prefix (a finished run leaves none). */
export async function fitKeysLeft(url: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await fitClient(url).scan(cursor, 'MATCH', `${prefix}:fit:*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) out.push(k);
  } while (cursor !== '0');
  return out;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}
