/**
 * What fitting needs, carried through Redis, so that the machines that fit share nothing but
 * Redis with the one that holds the data directory.
 *
 * Keys of a run, under the queue prefix (`<prefix>:fit:<runId>:`):
 * - `ctx`: the run's fit context (settings, last period, horizon, lead, calendar, period), lossless
 *   JSON (json-codec.ts), written once by the run job;
 * - `in:<batch>`: a batch's series in the series-file layout (pipelines/io/series-file.ts:
 *   Float64Array/Int32Array/Uint8Array blocks after a JSON header; a series is a key and its
 *   arrays, so aggregate series ride along as well), written by the run job's feeder
 *   (batch-feed.ts) within `queue.maxInflightBytes`, deleted by the train job that fits it;
 * - `out:<batch>`: the batch's forecasts (lossless JSON), written by the train job, read and
 *   deleted by the publish job.
 * Every key expires after {@link FIT_TTL_S} as a backstop; a run abandoned or published has its
 * keys deleted at once ({@link deleteRunKeys}).
 */
import { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import { parseConfig } from '../config/load.js';
import type { ForecastContext } from '../pipelines/forecast/forecast-series.js';
import { forecastContext, type PreparedRun } from '../pipelines/run/run.js';
import { decodeJson, encodeJson } from './json-codec.js';
import { queuePrefix } from './queues.js';

/** Backstop expiry of every fit key, s (a run is published, or abandoned, long before). */
export const FIT_TTL_S = 3 * 86_400;

/** Where a process finds the fit keys: the Redis URL and the queue prefix. */
export interface FitStoreEnv {
  redisUrl: string;
  prefix: string;
}

/** The fit store of a configuration (its Redis and its queue prefix). */
export function fitStoreEnv(config: Config): FitStoreEnv {
  return { redisUrl: config.queue.redisUrl, prefix: queuePrefix(config) };
}

/** Keys of a run's fit data. */
export function fitKeys(prefix: string, runId: string) {
  const base = `${prefix}:fit:${runId}`;
  const pad = (b: number) => String(b).padStart(5, '0');
  return { base, ctx: `${base}:ctx`, input: (b: number) => `${base}:in:${pad(b)}`, output: (b: number) => `${base}:out:${pad(b)}` };
}

const clients = new Map<string, Redis>();

/**
 * This process's (or thread's) client of a Redis URL: one per URL, reconnecting forever like a
 * worker's connections (a fit waits for Redis to come back rather than failing the batch).
 */
export function fitClient(url: string): Redis {
  let c = clients.get(url);
  if (!c) {
    c = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(1000 * 2 ** Math.min(times, 5), 20_000) });
    c.on('error', () => {});
    clients.set(url, c);
  }
  return c;
}

/** Close every client of this process (tests, shutdown). */
export async function closeFitClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.allSettled(all.map((c) => c.quit()));
}

/** The part of a prepared run fitting needs, besides the settings. */
type FitMeta = Pick<PreparedRun, 'end' | 'horizon' | 'lead' | 'calendar' | 'period'>;

/**
 * The bytes of a run's fit context. Credentials stay out (the dashboard's settings, the Redis
 * URL): whoever can read Redis on a fitting machine learns nothing but the run's data.
 */
export function encodeFitContext(config: Config, prep: FitMeta): Buffer {
  const { end, horizon, lead, calendar, period } = prep;
  const { dashboard: _secrets, ...rest } = config;
  const settings = { ...rest, queue: { ...config.queue, redisUrl: 'redis://-' } };
  return Buffer.from(encodeJson({ config: settings, prep: { end, horizon, lead, calendar, period } }), 'utf8');
}

/**
 * A run's fit context read back, its settings validated like any settings (a context written by
 * another version fails the batch for good instead of fitting with wrong settings).
 * @throws ConfigError when the settings are not valid.
 */
export function decodeFitContext(bytes: Buffer, runId: string): ForecastContext {
  const { config, prep } = decodeJson<{ config: unknown; prep: FitMeta }>(bytes.toString('utf8'));
  return forecastContext(prep, parseConfig(config, `fit context of run ${runId}`));
}

/**
 * Delete every fit key of a run (published, abandoned or failed), found by a SCAN of its key
 * pattern (a run id holds only letters, digits, "_" and "-": no glob character).
 * @returns the number of keys deleted.
 */
export async function deleteRunKeys(env: FitStoreEnv, runId: string): Promise<number> {
  const redis = fitClient(env.redisUrl);
  const { base } = fitKeys(env.prefix, runId);
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${base}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) n += await redis.del(keys);
  } while (cursor !== '0');
  return n;
}
