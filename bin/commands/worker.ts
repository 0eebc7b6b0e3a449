/**
 * `forecast worker`: serve the run, train and publish queues until SIGTERM/SIGINT.
 * Start as many as you like, on any machines pointing at the same Redis: the machine that takes
 * the run and publish jobs holds the data directory; fit-only machines (`--queues train`) need
 * none, only the shop's queue prefix (`--prefix`, printed by the first worker at start).
 */
import { hostname } from 'node:os';
import { Option, type Command } from 'commander';
import { port, wholeNumber } from '../option-values.js';
import { ConfigError } from '../../pipelines/errors.js';
import { parseConfig } from '../../config/load.js';
import { configFromFlags } from './options.js';
import { checkDataDirWritable } from '../data-dir.js';
import { createLogger } from '../log-format.js';
import { QUEUES, queuePrefix, type QueueName } from '../../workers/queues.js';
import { onShutdown } from '../../workers/shutdown.js';

function parseQueues(text: string | undefined): QueueName[] | undefined {
  if (!text) return undefined;
  const known = Object.values(QUEUES) as string[];
  const out = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const q of out) if (!known.includes(q)) throw new ConfigError(`--queues: unknown queue "${q}" (known: ${known.join(', ')})`);
  return out as QueueName[];
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('process queued runs: ingest/prepare, train batches (sandboxed threads) and publish, until SIGTERM/SIGINT')
    .option('-c, --config <file>', 'JSON settings file (Redis URL, data directory, queue settings)')
    .addOption(new Option('--concurrency <n>', 'train-batch jobs at once in this process (default: config queue.concurrency)').argParser(wholeNumber(1, 'jobs')))
    .option('--queues <names>', 'comma-separated queues to serve (default: run,train,publish)')
    .option('--schedule', 'also create/update the nightly job scheduler from config (safe from many processes)')
    .addOption(new Option('--metrics-port <port>', 'serve Prometheus metrics on http://127.0.0.1:PORT/metrics').argParser(port))
    .option('--name <name>', 'worker name recorded on every job it processes (default: host-pid)')
    .option('--prefix <prefix>', "the shop's queue prefix (config queue.prefix; default: derived from the data directory): give it to fit-only workers on other machines")
    .action(async (opts: { config?: string; concurrency?: number; queues?: string; schedule?: boolean; metricsPort?: number; name?: string; prefix?: string }) => {
      const base = configFromFlags({ config: opts.config });
      const config = opts.prefix === undefined ? base : parseConfig({ ...base, queue: { ...base.queue, prefix: opts.prefix } }, '--prefix');
      const { concurrency, metricsPort } = opts;
      const queues = parseQueues(opts.queues);
      // only the run and publish jobs read and write the data directory
      const fitOnly = queues !== undefined && queues.every((q) => q === QUEUES.train);
      if (fitOnly && opts.prefix === undefined && base.queue.prefix === undefined) {
        throw new ConfigError('a fit-only worker (--queues train) needs the shop\'s queue prefix: --prefix <prefix> or queue.prefix (the shop\'s worker prints it at start as "prefix")');
      }
      if (!fitOnly) await checkDataDirWritable(config.dataDir);
      const [{ checkRedisReachable, producerQueue }, { startWorkers }, { serveMetrics }, { listenError }, { startTracing }] = await Promise.all([
        import('../../workers/connection.js'),
        import('../../workers/worker-host.js'),
        import('../../workers/metrics.js'),
        import('../../dashboard/listen-error.js'),
        import('../../workers/telemetry.js'),
      ]);
      // an unreachable Redis at start is a settings problem: one line, exit 2
      await checkRedisReachable(config);
      const log = createLogger();

      if (opts.schedule) {
        const q = producerQueue(config, QUEUES.run);
        try {
          const { upsertNightly } = await import('../../workers/scheduler.js');
          await upsertNightly(q, config);
          log.info({ cron: config.schedule.cron, tz: config.schedule.tz }, 'nightly scheduler upserted');
        } finally {
          await q.close();
        }
      }
      // OpenTelemetry traces of every job, only when the OTEL_* environment asks for them
      const tracing = await startTracing(process.env, 'forecast-worker');
      const host = await startWorkers(config, {
        queues,
        concurrency,
        telemetry: tracing?.telemetry,
        name: opts.name ?? `${hostname()}-${process.pid}`,
        onEvent: (event, queue, detail) => (event === 'failed' || event === 'error' ? log.warn : log.info).call(log, { event, queue, ...detail }, `${queue} ${event}`),
      });
      const server =
        metricsPort !== undefined
          ? await serveMetrics(config, metricsPort).catch(async (e: unknown) => {
              await host.close(true);
              throw listenError(e, '127.0.0.1', metricsPort, '--metrics-port');
            })
          : null;
      const closers = [host, ...(server ? [{ close: () => new Promise<void>((r) => server.close(() => r())) }] : []), ...(tracing ? [{ close: () => tracing.shutdown() }] : [])];
      // the signal handlers go in before "worker ready": a SIGTERM sent on reading that line
      // would otherwise find none and kill the process without a graceful close
      const shutdown = onShutdown(closers, {
        graceMs: config.queue.shutdownGraceMs,
        log: (m) => log.info(m),
      });
      log.info({ queues: queues ?? Object.values(QUEUES), prefix: queuePrefix(config), traces: tracing !== null }, 'worker ready');
      const reason = await shutdown.done;
      log.info({ reason }, 'worker stopped');
      log.flush();
    });
}
