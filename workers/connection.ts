/**
 * Redis connection settings for BullMQ, in one place.
 *
 * BullMQ's rules (docs.bullmq.io, "Going to production" and "Connections"):
 * - workers (and QueueEvents) hold blocking connections that must wait for Redis to come back:
 *   `maxRetriesPerRequest: null`, reconnect forever with a capped delay;
 * - producers (`forecast enqueue`, the dashboard, schedulers) must fail fast so a caller learns
 *   at once that Redis is down: a small `maxRetriesPerRequest`, no offline queue, and a bounded
 *   number of reconnection attempts.
 * BullMQ creates and closes the ioredis clients itself from these option objects.
 */
import { Queue, type ConnectionOptions, type QueueOptions } from 'bullmq';
import type { Config } from '../config/schema.js';
import { EVENTS_MAX_LEN, queuePrefix } from './queues.js';
import { ConfigError } from '../pipelines/errors.js';

/** Who uses the connection. */
export type ConnectionRole = 'worker' | 'producer';

/**
 * ioredis options for a role.
 * @param url Redis URL (`redis://[user:pass@]host:port[/db]`, `rediss://` for TLS).
 * @param role `worker` (blocking, retries forever) or `producer` (fails fast).
 * @param opts.connectAttempts reconnection attempts of a producer before it gives up. @defaultValue 3
 * @throws Error when the URL is not a redis:// or rediss:// URL.
 */
export function redisConnection(url: string, role: ConnectionRole, opts: { connectAttempts?: number } = {}): ConnectionOptions {
  if (!/^rediss?:\/\//.test(url)) throw new Error(`redisConnection needs a redis:// or rediss:// URL, got "${url}"`);
  if (role === 'worker') {
    return {
      url,
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      retryStrategy: (times: number) => Math.min(1000 * 2 ** Math.min(times, 5), 20_000),
    };
  }
  const attempts = opts.connectAttempts ?? 3;
  return {
    url,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 5_000,
    // null ends the client, which rejects the pending ready-wait: the caller sees the error
    retryStrategy: (times: number) => (times > attempts ? null : 200 * times),
  };
}

/**
 * Options of a Queue (producer side): connection, key prefix and a capped event stream
 * (BullMQ keeps about `maxLen` events per queue; its default is 10 000).
 */
export function queueOptions(config: Config, connection: ConnectionOptions): QueueOptions {
  return { connection, prefix: queuePrefix(config), streams: { events: { maxLen: EVENTS_MAX_LEN } } };
}

/**
 * A producer-side Queue (fail-fast connection, capped events). Its `error` events are swallowed:
 * a producer learns of a connection failure from the command it awaits, not from a log line.
 */
export function producerQueue(config: Config, name: string): Queue {
  const q = new Queue(name, queueOptions(config, redisConnection(config.queue.redisUrl, 'producer')));
  q.on('error', () => {});
  return q;
}

/** True for the errors of an unreachable Redis (refused, unknown host, timeout, closed). */
export function isConnectionError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code && ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code)) return true;
  return e instanceof Error && /Connection is closed|connect ETIMEDOUT|Stream isn't writeable/.test(e.message);
}

/**
 * Fail fast when Redis cannot be reached at start (a worker's own connections wait for it
 * forever, which is right once running, when Redis restarts, but at start it hides a wrong URL or
 * a Redis that is not running behind endless reconnection errors).
 * @throws ConfigError (exit 2) naming the URL (password redacted) and the reason, in one line.
 */
export async function checkRedisReachable(config: Config): Promise<void> {
  const q = producerQueue(config, QUEUES_PROBE);
  try {
    await q.waitUntilReady();
    await q.getJobCounts('waiting');
  } catch (e) {
    if (isConnectionError(e)) throw new ConfigError(`cannot reach Redis at ${redactUrl(config.queue.redisUrl)}: ${(e as Error).message} (is Redis running? set REDIS_URL or queue.redisUrl)`);
    throw e;
  } finally {
    await q.close().catch(() => {});
  }
}

/** Queue name used only to open a connection for {@link checkRedisReachable} (no key is written). */
const QUEUES_PROBE = 'run';

/** A Redis URL fit for messages: any password replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
