/**
 * `forecast serve`: the one-command local demo. In one process: a throwaway Redis when none is
 * configured, a worker for the run, train and publish queues, the nightly job scheduler, and
 * the dashboard; the bundled sample files are copied to `<dataDir>/samples/` so a run can be
 * triggered from the dashboard at once. Stops everything on SIGTERM/SIGINT (dashboard, then the
 * worker with a bounded wait for active jobs, then the throwaway Redis).
 */
import { existsSync, readFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { wholeNumber } from '../option-values.js';
import { readConfigFile } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { startLocalRedis, type LocalRedis } from '../../dashboard/local-redis.js';
import type { RunningDashboard } from '../../dashboard/server.js';
import { ensureDir } from '../../pipelines/io/atomic-write.js';
import { dataLayout } from '../../pipelines/io/paths.js';
import { QUEUES } from '../../workers/queues.js';
import { onShutdown } from '../../workers/shutdown.js';
import type { WorkerHost } from '../../workers/worker-host.js';
import { checkDataDirWritable } from '../data-dir.js';
import { createLogger } from '../log-format.js';
import { describeLoginFailure } from '../../dashboard/auth.js';
import { addDashboardOptions, announceDashboard, dashboardConfig, type DashboardFlags } from './dashboard.js';

/** Sample files copied into `<dataDir>/samples/` (from the package's data/ folder). */
export const SAMPLE_FILES = ['sample-sales.csv', 'sample-calendar.csv', 'sample-transactions.csv'] as const;

/** True when a Redis is configured: REDIS_URL, or `queue.redisUrl` in the config file. */
export function redisConfigured(configFile: string | undefined, env: NodeJS.ProcessEnv): boolean {
  if (env.REDIS_URL) return true;
  if (!configFile) return false;
  const raw = readConfigFile(configFile) as { queue?: { redisUrl?: unknown } };
  return typeof raw.queue?.redisUrl === 'string';
}

/** The package root (the folder of this package's package.json), or undefined. */
function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'retail-forecast') return dir;
      } catch {
        // not ours
      }
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Copy the bundled samples into `<dataDir>/samples/` (files already there are kept).
 * @returns the data-directory-relative paths copied.
 */
async function copySamples(config: Config): Promise<string[]> {
  const root = packageRoot();
  if (!root) return [];
  const target = join(dataLayout(config.dataDir).root, 'samples');
  const copied: string[] = [];
  for (const name of SAMPLE_FILES) {
    const src = join(root, 'data', name);
    const dst = join(target, name);
    if (!existsSync(src) || existsSync(dst)) continue;
    await ensureDir(target);
    await copyFile(src, dst);
    copied.push(`samples/${name}`);
  }
  return copied;
}

/** Declare `forecast serve` on the program. */
export function register(program: Command): void {
  addDashboardOptions(program.command('serve'))
    .description('local demo in one process: throwaway Redis (when none is configured), worker, nightly scheduler and dashboard')
    .addOption(new Option('--concurrency <n>', 'train-batch jobs at once (default: config queue.concurrency)').argParser(wholeNumber(1, 'jobs')))
    .option('--no-samples', 'do not copy the bundled sample files to <dataDir>/samples/')
    .action(async (opts: DashboardFlags & { concurrency?: number; samples: boolean }) => {
      let config = dashboardConfig(opts);
      const { concurrency } = opts;
      await checkDataDirWritable(config.dataDir);
      const [{ Queue }, { startDashboard, RUNS_PATH }, { checkRedisReachable, queueOptions, redisConnection }, { startWorkers }] = await Promise.all([
        import('bullmq'),
        import('../../dashboard/server.js'),
        import('../../workers/connection.js'),
        import('../../workers/worker-host.js'),
      ]);
      const log = createLogger();

      let redis: LocalRedis | null = null;
      let workers: WorkerHost | null = null;
      let dashboard: RunningDashboard | null = null;
      // called once gracefully and, after the grace period, once more with force
      let dashboardClosed: Promise<void> | null = null;
      let redisStopped: Promise<void> | null = null;
      const stopAll = async (force = false) => {
        await (dashboardClosed ??= dashboard ? dashboard.close() : Promise.resolve());
        await workers?.close(force);
        await (redisStopped ??= redis ? redis.stop() : Promise.resolve());
      };
      try {
        if (!redisConfigured(opts.config, process.env)) {
          redis = await startLocalRedis(process.env.PATH);
          config = { ...config, queue: { ...config.queue, redisUrl: redis.url } };
          log.info({ redis: redis.url }, 'no Redis configured: started a throwaway local Redis (its data is lost on exit)');
        } else {
          // a configured Redis that does not answer is a settings problem: one line, exit 2
          await checkRedisReachable(config);
        }
        if (opts.samples) {
          const copied = await copySamples(config);
          if (copied.length) log.info({ dataDir: resolve(config.dataDir), copied }, 'sample files copied');
        }
        workers = await startWorkers(config, {
          concurrency,
          onEvent: (event, queue, detail) =>
            (event === 'failed' || event === 'error' ? log.warn : log.info).call(log, { event, queue, ...detail }, `${queue} ${event}`),
        });
        const runQueue = new Queue(QUEUES.run, queueOptions(config, redisConnection(config.queue.redisUrl, 'producer')));
        try {
          const { upsertNightly } = await import('../../workers/scheduler.js');
          await upsertNightly(runQueue, config);
        } finally {
          await runQueue.close();
        }
        log.info({ cron: config.schedule.cron, tz: config.schedule.tz }, 'nightly scheduler upserted');
        dashboard = await startDashboard(config, {
          onError: (e) => log.warn({ error: e.message }, 'dashboard: Redis error'),
          onLoginFailure: (f) => log.warn(describeLoginFailure(f)),
        });
      } catch (e) {
        await stopAll(true);
        throw e;
      }
      // signal handlers before the "ready" lines (bin/commands/worker.ts says why)
      const shutdown = onShutdown([{ close: (force) => stopAll(force) }], {
        graceMs: config.queue.shutdownGraceMs,
        log: (m) => log.info(m),
      });
      announceDashboard(dashboard, RUNS_PATH, log);
      log.info({ dataDir: resolve(config.dataDir), url: dashboard.url }, 'serve ready');
      const reason = await shutdown.done;
      log.info({ reason }, 'serve stopped');
      log.flush();
    });
}
