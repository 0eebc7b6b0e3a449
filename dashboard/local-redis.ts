/**
 * A throwaway Redis for the one-command local demo (`forecast serve` without a configured
 * Redis): redis-memory-server running the system's `redis-server` binary on a free loopback
 * port, without persistence. Its data is gone when it stops.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ConfigError } from '../pipelines/errors.js';

/** A running throwaway Redis. */
export interface LocalRedis {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Find an executable on a search path.
 * @param name file name, e.g. `redis-server`.
 * @param searchPath directories separated by the platform's delimiter (the PATH value).
 * @returns the absolute path, or undefined when no directory holds an executable of that name.
 */
export function findExecutable(name: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Start a throwaway Redis.
 * @param searchPath where to look for `redis-server` (the PATH value).
 * @throws ConfigError when no `redis-server` is installed or redis-memory-server is not
 *   available (it is a development dependency); Error when the server does not start.
 */
export async function startLocalRedis(searchPath: string | undefined): Promise<LocalRedis> {
  const binary = findExecutable('redis-server', searchPath);
  if (!binary) {
    throw new ConfigError(
      'no Redis configured and no redis-server on PATH for a throwaway one: set REDIS_URL (or queue.redisUrl), or install redis-server (Debian: apt-get install redis-server)',
    );
  }
  let RedisMemoryServer: typeof import('redis-memory-server').RedisMemoryServer;
  try {
    ({ RedisMemoryServer } = await import('redis-memory-server'));
  } catch (e) {
    throw new ConfigError(`no Redis configured and redis-memory-server is not installed (npm install redis-memory-server): ${(e as Error).message}`);
  }
  const server = new RedisMemoryServer({
    binary: { systemBinary: binary },
    instance: { ip: '127.0.0.1', args: ['--save', '', '--appendonly', 'no'] },
  });
  const host = await server.getHost();
  const port = await server.getPort();
  return {
    url: `redis://${host}:${port}`,
    async stop() {
      await server.stop();
    },
  };
}
