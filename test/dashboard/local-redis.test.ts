import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { ConfigError } from '../../pipelines/errors.js';
import { findExecutable, startLocalRedis } from '../../dashboard/local-redis.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('findExecutable', () => {
  it('finds the first executable of that name on the search path', () => {
    const root = mkdtempSync(join(tmpdir(), 'dash-path-'));
    dirs.push(root);
    const [a, b] = [join(root, 'a'), join(root, 'b')];
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'tool'), 'not executable');
    writeFileSync(join(b, 'tool'), '#!/bin/sh\n');
    chmodSync(join(b, 'tool'), 0o755);
    expect(findExecutable('tool', [a, b].join(delimiter))).toBe(join(b, 'tool'));
    expect(findExecutable('other', [a, b].join(delimiter))).toBeUndefined();
    expect(findExecutable('tool', undefined)).toBeUndefined();
  });
});

describe('startLocalRedis', () => {
  it('says what to do when no redis-server is installed', async () => {
    await expect(startLocalRedis('/nonexistent')).rejects.toThrow(ConfigError);
    await expect(startLocalRedis('')).rejects.toThrow(/REDIS_URL.*redis-server/);
  });

  it('starts a throwaway Redis on a loopback port and stops it (or says why it cannot)', async () => {
    // a machine with REDIS_URL set may have no redis-server binary: then the refusal is what to check
    if (!findExecutable('redis-server', process.env.PATH)) {
      await expect(startLocalRedis(process.env.PATH)).rejects.toThrow(/no redis-server on PATH/);
      return;
    }
    const local = await startLocalRedis(process.env.PATH);
    const client = new Redis(local.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      expect(local.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      expect(await client.config('GET', 'save')).toEqual(['save', '']);
    } finally {
      client.disconnect();
      await local.stop();
    }
    const after = new Redis(local.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    after.on('error', () => {});
    await expect(after.connect()).rejects.toThrow();
    after.disconnect();
  });
});
