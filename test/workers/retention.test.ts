import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import type { Config } from '../../config/schema.js';
import { producerQueue, redisConnection } from '../../workers/connection.js';
import { EVENTS_MAX_LEN, QUEUES, trainJobOptions } from '../../workers/queues.js';
import { cleanup, testConfig, waitFor } from './helpers.js';

let config: Config | null = null;
afterEach(async () => {
  if (config) await cleanup(config);
  config = null;
});

describe('retention', () => {
  it('caps the event stream and the finished jobs kept, so Redis does not grow run after run', async () => {
    const cfg = (config = testConfig());
    const q = producerQueue(cfg, QUEUES.train);
    const redis = new Redis(cfg.queue.redisUrl);
    const keep = { ...trainJobOptions(cfg), removeOnComplete: { count: 10 } };
    const worker = new Worker(QUEUES.train, async () => 'ok', { connection: redisConnection(cfg.queue.redisUrl, 'worker'), prefix: cfg.queue.prefix, concurrency: 50 });
    try {
      const n = 3 * EVENTS_MAX_LEN;
      for (let i = 0; i < n; i += 500) await q.addBulk(Array.from({ length: 500 }, (_, k) => ({ name: 'train-batch', data: { i: i + k }, opts: keep })));
      await waitFor(async () => ((await q.getJobCounts('completed')).completed <= 10 && (await q.getWaitingCount()) === 0 && (await q.getActiveCount()) === 0 ? true : undefined), 50_000, 'the queue to drain');
      // ~ trimming (XADD MAXLEN ~) keeps at most one extra stream node beyond the cap
      const len = await redis.xlen(`${cfg.queue.prefix}:${QUEUES.train}:events`);
      expect(len).toBeLessThanOrEqual(EVENTS_MAX_LEN + 200);
      expect(len).toBeGreaterThan(0);
      const keys = await redis.keys(`${cfg.queue.prefix}:${QUEUES.train}:*`);
      // job hashes left: at most the 10 completed ones kept (plus the queue's own structures)
      expect(keys.filter((k) => /:\d+$/.test(k)).length).toBeLessThanOrEqual(10);
    } finally {
      await worker.close();
      await q.close();
      redis.disconnect();
    }
  });
});
