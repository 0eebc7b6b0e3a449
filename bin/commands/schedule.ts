/** `forecast schedule set|list|remove`: the nightly run's BullMQ Job Scheduler. */
import type { Command } from 'commander';
import type { Queue } from 'bullmq';
import { ConfigError } from '../../pipelines/errors.js';
import type { Config, ConfigInput } from '../../config/schema.js';
import { loadConfig } from '../../config/load.js';
import { NIGHTLY_SCHEDULER_ID, QUEUES } from '../../workers/queues.js';

async function openQueue(file: string | undefined, overrides: ConfigInput = {}): Promise<{ config: Config; queue: Queue }> {
  const config = loadConfig({ file, env: process.env, overrides });
  const { producerQueue } = await import('../../workers/connection.js');
  return { config, queue: producerQueue(config, QUEUES.run) };
}

/** Run a scheduler command, reporting an unreachable Redis as a settings problem. */
async function withQueue(config: Config, queue: Queue, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const { isConnectionError, redactUrl } = await import('../../workers/connection.js');
    if (isConnectionError(e)) throw new ConfigError(`cannot reach Redis at ${redactUrl(config.queue.redisUrl)}: ${(e as Error).message}`);
    throw e;
  } finally {
    await queue.close().catch(() => {});
  }
}

/** The scheduler module, loaded by the commands that use it: it imports bullmq, which every other command would load for nothing (0.28 s). */
const scheduler = () => import('../../workers/scheduler.js');

export function register(program: Command): void {
  const cmd = program.command('schedule').description('set, list or remove the nightly run schedule (BullMQ job scheduler)');
  cmd
    .command('set')
    .description('create or update the nightly scheduler (cron pattern and time zone from config or flags)')
    .option('-c, --config <file>', 'JSON settings file')
    .option('--cron <pattern>', 'cron pattern, e.g. "0 2 * * *"')
    .option('--tz <zone>', 'IANA time zone, e.g. Europe/London')
    .action(async (opts: { config?: string; cron?: string; tz?: string }) => {
      const schedule: Record<string, string> = {};
      if (opts.cron) schedule.cron = opts.cron;
      if (opts.tz) schedule.tz = opts.tz;
      const { config, queue } = await openQueue(opts.config, { schedule } as ConfigInput);
      await withQueue(config, queue, async () => {
        const { listSchedules, upsertNightly } = await scheduler();
        // a bad time zone or cron pattern is a ConfigError (exit 2)
        await upsertNightly(queue, config);
        const [s] = (await listSchedules(queue)).filter((x) => x.id === NIGHTLY_SCHEDULER_ID);
        process.stdout.write(`nightly: ${config.schedule.cron} (${config.schedule.tz}); next run ${s?.next ?? 'unknown'}\n`);
      });
    });
  cmd
    .command('list')
    .description('list the schedulers and their next run')
    .option('-c, --config <file>', 'JSON settings file')
    .action(async (opts: { config?: string }) => {
      const { config, queue } = await openQueue(opts.config);
      await withQueue(config, queue, async () => {
        const all = await (await scheduler()).listSchedules(queue);
        if (!all.length) process.stdout.write('no schedules\n');
        for (const s of all) process.stdout.write(`${s.id}\t${s.pattern ?? `every ${s.every} ms`}\t${s.tz ?? ''}\tnext ${s.next ?? '-'}\titerations ${s.iterations ?? 0}\n`);
      });
    });
  cmd
    .command('remove')
    .description('remove the nightly scheduler')
    .option('-c, --config <file>', 'JSON settings file')
    .option('--id <id>', 'scheduler id', NIGHTLY_SCHEDULER_ID)
    .action(async (opts: { config?: string; id: string }) => {
      const { config, queue } = await openQueue(opts.config);
      await withQueue(config, queue, async () => {
        const removed = await (await scheduler()).removeSchedule(queue, opts.id);
        process.stdout.write(removed ? `removed ${opts.id}\n` : `no scheduler ${opts.id}\n`);
      });
    });
}
