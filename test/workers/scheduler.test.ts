import { afterEach, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import type { Config } from '../../config/schema.js';
import { redisConnection } from '../../workers/connection.js';
import { JOBS, QUEUES } from '../../workers/queues.js';
import { queueOptions } from '../../workers/connection.js';
import { listSchedules, removeSchedule, upsertNightly } from '../../workers/scheduler.js';
import { cleanup, testConfig } from './helpers.js';
import { ConfigError } from '../../pipelines/errors.js';

let config: Config;
afterEach(async () => {
  if (config) await cleanup(config);
});

describe('nightly job scheduler', () => {
  it('three schedulers started at once produce exactly one job per tick', async () => {
    config = testConfig();
    const producers = [0, 1, 2].map(() => new Queue(QUEUES.run, queueOptions(config, redisConnection(config.queue.redisUrl, 'producer'))));
    const seen: Array<{ id: string; name: string }> = [];
    const worker = new Worker(
      QUEUES.run,
      async (job) => {
        seen.push({ id: job.id ?? '', name: job.name });
      },
      { connection: redisConnection(config.queue.redisUrl, 'worker'), prefix: config.queue.prefix, concurrency: 4 },
    );
    try {
      // every second (6-field cron); all three "processes" start the scheduler together, twice
      const start = Date.now();
      await Promise.all(producers.map((q) => upsertNightly(q, config, { pattern: '* * * * * *' })));
      await new Promise((r) => setTimeout(r, 1_500));
      await Promise.all(producers.map((q) => upsertNightly(q, config, { pattern: '* * * * * *' })));
      await new Promise((r) => setTimeout(r, 2_700));
      await removeSchedule(producers[0]);
      const elapsedTicks = Math.ceil((Date.now() - start) / 1000) + 1;
      await new Promise((r) => setTimeout(r, 300));

      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(seen.length).toBeLessThanOrEqual(elapsedTicks);
      const ids = new Set(seen.map((s) => s.id));
      expect(ids.size).toBe(seen.length);
      // one job per tick: a scheduler job's id is repeat:<scheduler>:<tick ms>; every tick is a whole second, none twice
      const ticks = seen.map((s) => Number(/^repeat:nightly:(\d+)$/.exec(s.id)?.[1]));
      expect(ticks.every((t) => Number.isInteger(t) && t % 1000 === 0)).toBe(true);
      expect(new Set(ticks).size).toBe(seen.length);
      expect(seen.every((s) => s.name === JOBS.nightly)).toBe(true);
    } finally {
      await worker.close();
      await Promise.all(producers.map((q) => q.close()));
    }
  });

  it('sets, lists and removes the nightly schedule from config', async () => {
    config = testConfig({ schedule: { cron: '30 3 * * *', tz: 'Europe/London' } });
    const q = new Queue(QUEUES.run, queueOptions(config, redisConnection(config.queue.redisUrl, 'producer')));
    try {
      await upsertNightly(q, config);
      await upsertNightly(q, config);
      const list = await listSchedules(q);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ id: 'nightly', pattern: '30 3 * * *', tz: 'Europe/London' });
      // the next tick is at 03:30 London time
      const next = new Date(list[0].next!);
      const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' }).format(next);
      expect(london).toBe('03:30');
      const delayed = await q.getDelayed();
      expect(delayed).toHaveLength(1);
      expect(delayed[0].data).toEqual({ mode: 'incoming' });
      expect(await removeSchedule(q)).toBe(true);
      expect(await listSchedules(q)).toHaveLength(0);
      expect(await q.getDelayed()).toHaveLength(0);
      await expect(upsertNightly(q, { ...config, schedule: { cron: '0 2 * * *', tz: 'Mars/Olympus' } })).rejects.toThrow(ConfigError);
      await expect(upsertNightly(q, { ...config, schedule: { cron: '0 2 * * *', tz: 'Mars/Olympus' } })).rejects.toThrow(/time zone/);
      await expect(upsertNightly(q, { ...config, schedule: { cron: '61 2 * * *', tz: 'UTC' } })).rejects.toThrow(ConfigError);
      await expect(upsertNightly(q, { ...config, schedule: { cron: 'at two', tz: 'UTC' } })).rejects.toThrow(/cron pattern .*"at two"/);
      // nothing was stored for the refused patterns
      expect(await listSchedules(q)).toHaveLength(0);
    } finally {
      await q.close();
    }
  });
});
