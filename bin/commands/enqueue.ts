/**
 * `forecast enqueue`: trigger a queued run; with `--wait`, block until it is published, print
 * the run directory, and fail (exit 5) when the run failed.
 */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ConfigError } from '../../pipelines/errors.js';
import type { Config } from '../../config/schema.js';
import { configFromFlags, horizonOption, runDateOption } from './options.js';
import { seconds } from '../option-values.js';
import { isInside, relativeToData, confinePath } from '../../pipelines/io/paths.js';
import { QUEUES, type RunPayload } from '../../workers/queues.js';

/** A CLI path as a data-directory-relative payload path: as given from the current directory when that lies inside the data directory, else relative to the data directory. */
export function payloadPath(config: Config, p: string, what: string): string {
  const fromCwd = resolve(p);
  if (isInside(resolve(config.dataDir), fromCwd)) return relativeToData(config.dataDir, confinePath(config.dataDir, fromCwd, what));
  return relativeToData(config.dataDir, confinePath(config.dataDir, p, what));
}

export function register(program: Command): void {
  program
    .command('enqueue')
    .description('queue a run (deduplicated by run id); --wait blocks until it is published')
    .option('-i, --input <file>', 'sales export inside the data directory')
    .option('--incoming', 'nightly run: ingest new files of <dataDir>/incoming into the history, forecast from the history')
    .option('--calendar <file>', 'calendar CSV inside the data directory')
    .addOption(runDateOption('run date (default: config runDate, else today in the schedule time zone)'))
    .addOption(horizonOption())
    .option('-c, --config <file>', 'JSON settings file')
    .option('--wait', 'wait for the run to be published; print its directory; exit 5 when it failed')
    .addOption(new Option('--timeout <seconds>', 'with --wait: give up after this many seconds').argParser(seconds))
    .action(
      async (opts: { input?: string; incoming?: boolean; calendar?: string; runDate?: string; horizon?: number; config?: string; wait?: boolean; timeout?: number }) => {
        if (Boolean(opts.input) === Boolean(opts.incoming)) throw new ConfigError('enqueue needs exactly one of --input FILE or --incoming');
        const config = configFromFlags({ config: opts.config });
        const timeoutS = opts.timeout ?? 0;
        // a path outside the data directory is a PathError, an invalid request a PayloadError: exit 2
        const horizon = opts.horizon;
        const calendar = opts.calendar ? payloadPath(config, opts.calendar, 'calendar') : undefined;
        const payload: RunPayload = opts.input
          ? { mode: 'input', input: payloadPath(config, opts.input, 'input'), calendar, runDate: opts.runDate, horizon }
          : { mode: 'incoming', calendar, runDate: opts.runDate, horizon };
        const [{ isConnectionError, producerQueue, redactUrl, redisConnection }, { enqueueRun, waitForRun }] = await Promise.all([
          import('../../workers/connection.js'),
          import('../../workers/run-queue.js'),
        ]);
        const queue = producerQueue(config, QUEUES.run);
        let runId: string;
        try {
          const res = await enqueueRun(queue, config, JSON.parse(JSON.stringify(payload)));
          runId = res.runId;
          process.stdout.write(`${res.duplicate ? 'duplicate of queued run' : 'queued run'} ${res.runId}\n`);
        } catch (e) {
          if (isConnectionError(e)) throw new ConfigError(`cannot reach Redis at ${redactUrl(config.queue.redisUrl)}: ${(e as Error).message}`);
          throw e;
        } finally {
          await queue.close().catch(() => {});
        }
        if (!opts.wait) return;
        try {
          const done = await waitForRun(config, runId, { connection: redisConnection(config.queue.redisUrl, 'worker'), timeoutMs: timeoutS * 1000 });
          process.stdout.write(`${resolve(config.dataDir, done.runDir)}\n`);
          if (done.degraded.length) process.stderr.write(`run ${runId} is degraded: ${done.degraded.join('; ')}\n`);
        } catch (e) {
          if (isConnectionError(e)) throw new ConfigError(`cannot reach Redis at ${redactUrl(config.queue.redisUrl)}: ${(e as Error).message}`);
          throw e;
        }
      },
    );
}
