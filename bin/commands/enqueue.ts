/**
 * `forecast enqueue`: trigger a queued run; with `--wait`, block until it is published, print
 * the run directory, and fail (exit 5) when the run failed or its job was lost (a Redis
 * restarted empty); `--retry-lost` queues a lost run again instead, up to {@link MAX_LOST_RETRIES} times.
 */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ConfigError, RunLostError } from '../../pipelines/errors.js';
import type { Config } from '../../config/schema.js';
import { addOrderInputOptions, configFromFlags, horizonOption, runDateOption } from './options.js';
import { seconds } from '../option-values.js';
import { isInside, relativeToData, confinePath } from '../../pipelines/io/paths.js';
import { QUEUES, type RunPayload } from '../../workers/queues.js';
import { ORDER_FILE_SETTINGS, type OrderFilesAsk } from '../../pipelines/run/run-request.js';

/** A CLI path as a data-directory-relative payload path: as given from the current directory when that lies inside the data directory, else relative to the data directory. */
export function payloadPath(config: Config, p: string, what: string): string {
  const fromCwd = resolve(p);
  if (isInside(resolve(config.dataDir), fromCwd)) return relativeToData(config.dataDir, confinePath(config.dataDir, fromCwd, what));
  return relativeToData(config.dataDir, confinePath(config.dataDir, p, what));
}

/** Times `--retry-lost` queues a lost run again before giving up with exit 5. */
export const MAX_LOST_RETRIES = 3;

export function register(program: Command): void {
  addOrderInputOptions(program.command('enqueue'))
    .description('queue a run (deduplicated by run id); --wait blocks until it is published')
    .option('-i, --input <file>', 'sales export inside the data directory')
    .option('--incoming', 'nightly run: ingest new files of <dataDir>/incoming into the history, forecast from the history')
    .option('--calendar <file>', 'calendar CSV inside the data directory')
    .addOption(runDateOption('run date (default: config runDate, else the day after the input\'s last date; --incoming: today in the schedule time zone)'))
    .addOption(horizonOption('forecast horizon in periods of the data (days, weeks or months)'))
    .option('-c, --config <file>', 'JSON settings file')
    .option('--wait', 'wait for the run to be published; print its directory; exit 5 when it failed')
    .addOption(new Option('--timeout <seconds>', 'with --wait: give up after this many seconds').argParser(seconds))
    .option('--retry-lost', `with --wait: queue the run again when its job disappears from Redis (at most ${MAX_LOST_RETRIES} times)`)
    .action(
      async (opts: { input?: string; incoming?: boolean; calendar?: string; runDate?: string; horizon?: number; config?: string; wait?: boolean; timeout?: number; retryLost?: boolean } & OrderFilesAsk) => {
        if (Boolean(opts.input) === Boolean(opts.incoming)) throw new ConfigError('enqueue needs exactly one of --input FILE or --incoming');
        const config = configFromFlags({ config: opts.config });
        const timeoutS = opts.timeout ?? 0;
        // a path outside the data directory is a PathError, an invalid request a PayloadError: exit 2
        const horizon = opts.horizon;
        const calendar = opts.calendar ? payloadPath(config, opts.calendar, 'calendar') : undefined;
        // the order files as `forecast run` takes them, each a path in the data directory
        const orders: OrderFilesAsk = {};
        for (const field of Object.keys(ORDER_FILE_SETTINGS) as (keyof OrderFilesAsk)[]) {
          const given = opts[field];
          if (given !== undefined) (orders as Record<string, string>)[field] = payloadPath(config, given, field);
        }
        const payload: RunPayload = opts.input
          ? { mode: 'input', input: payloadPath(config, opts.input, 'input'), calendar, runDate: opts.runDate, horizon, ...orders }
          : { mode: 'incoming', calendar, runDate: opts.runDate, horizon, ...orders };
        const [{ isConnectionError, producerQueue, redactUrl, redisConnection }, { enqueueRun, waitForRun }, { isPendingRunId }] = await Promise.all([
          import('../../workers/connection.js'),
          import('../../workers/run-queue.js'),
          import('../../pipelines/run/run-request.js'),
        ]);
        const unreachable = (e: unknown) => (isConnectionError(e) ? new ConfigError(`cannot reach Redis at ${redactUrl(config.queue.redisUrl)}: ${(e as Error).message}`) : e);
        const enqueue = async (): Promise<string> => {
          const queue = producerQueue(config, QUEUES.run);
          try {
            const res = await enqueueRun(queue, config, JSON.parse(JSON.stringify(payload)));
            const pending = res.runId === res.jobId && isPendingRunId(res.jobId) ? ' (run date: the day after the input\'s last date; the run id follows once the input is read)' : '';
            process.stdout.write(`${res.duplicate ? 'duplicate of queued run' : 'queued run'} ${res.runId}${pending}\n`);
            return res.duplicate ? res.runId : res.jobId;
          } catch (e) {
            throw unreachable(e);
          } finally {
            await queue.close().catch(() => {});
          }
        };
        let runId = await enqueue();
        if (!opts.wait) return;
        const started = Date.now();
        for (let lost = 0; ; lost++) {
          try {
            const timeoutMs = timeoutS ? Math.max(1, timeoutS * 1000 - (Date.now() - started)) : 0;
            const done = await waitForRun(config, runId, { connection: redisConnection(config.queue.redisUrl, 'worker'), timeoutMs });
            process.stdout.write(`${resolve(config.dataDir, done.runDir)}\n`);
            if (done.degraded.length) process.stderr.write(`run ${runId} is degraded: ${done.degraded.join('; ')}\n`);
            return;
          } catch (e) {
            if (!(e instanceof RunLostError && opts.retryLost && lost < MAX_LOST_RETRIES)) throw unreachable(e);
            process.stderr.write(`${e.message.split(';')[0]}; queueing it again (--retry-lost, ${lost + 1} of ${MAX_LOST_RETRIES})\n`);
            runId = await enqueue();
          }
        }
      },
    );
}
