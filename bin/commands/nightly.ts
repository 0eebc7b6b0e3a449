/**
 * `forecast nightly`: the nightly flow in this process (no Redis): ingest each new file of
 * `<dataDir>/incoming` once into the sales history (bad files moved to incoming/failed), then
 * forecast from the whole history and publish to `<dataDir>/out`. The same steps, with the same
 * run id and the same outputs, as a queued `forecast enqueue --incoming` or a scheduler tick.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../pipelines/errors.js';
import { configFromFlags } from './options.js';
import { printSummary } from './summary.js';
import { confinePath, dataLayout, PathError } from '../../pipelines/io/paths.js';
import { PayloadError, parsePayload, runPayloadSchema } from '../../workers/queues.js';
import { payloadPath } from './enqueue.js';

export function register(program: Command): void {
  program
    .command('nightly')
    .description('in-process nightly run: ingest new incoming files into the sales history, forecast from the history, publish')
    .option('-c, --config <file>', 'JSON settings file (data directory, schedule time zone)')
    .option('--calendar <file>', 'calendar CSV inside the data directory')
    .option('--run-date <YYYY-MM-DD>', 'run date (default: config runDate, else today in the schedule time zone)')
    .option('-H, --horizon <periods>', 'forecast horizon in periods of the data (days, weeks or months)')
    .action(async (opts: { config?: string; calendar?: string; runDate?: string; horizon?: string }) => {
      const config = configFromFlags({ config: opts.config });
      const [{ describeOutcome, prepareNightlyIngest }, { runPipeline }, { effectiveConfig, historyRunConfig, resolveRun }, { threadForecaster }] = await Promise.all([
        import('../../pipelines/history/incoming.js'),
        import('../../pipelines/run/run.js'),
        import('../../workers/run-queue.js'),
        import('../../pipelines/forecast/fit-threads.js'),
      ]);
      let resolved: Awaited<ReturnType<typeof resolveRun>>;
      try {
        const payload = parsePayload(
          runPayloadSchema,
          JSON.parse(JSON.stringify({
            mode: 'incoming',
            calendar: opts.calendar ? payloadPath(config, opts.calendar, 'calendar') : undefined,
            runDate: opts.runDate,
            horizon: opts.horizon === undefined ? undefined : Number(opts.horizon),
          })),
          'nightly',
        );
        resolved = await resolveRun(config, payload, Date.now());
      } catch (e) {
        if (e instanceof PayloadError || e instanceof PathError) throw new ConfigError(e.message);
        throw e;
      }
      const { payload: p, runId } = resolved;
      const eff = effectiveConfig(config, p, p.runDate);
      const readConfig = historyRunConfig(eff);
      const nightly = await prepareNightlyIngest({
        dataDir: config.dataDir,
        config: eff,
        readConfig,
        runDate: p.runDate,
        runId,
        onFile: (f) => process.stderr.write(`${describeOutcome(f)}\n`),
      });
      process.stderr.write(`history: ${nightly.historyRows} rows; ${nightly.ingested} new file(s); snapshot ${nightly.snapshot}\n`);
      const layout = dataLayout(config.dataDir);
      const res = await runPipeline({
        input: layout.historySnapshot,
        ingested: nightly,
        calendar: p.calendar ? confinePath(config.dataDir, p.calendar, 'calendar') : undefined,
        outDir: layout.out,
        config: readConfig,
        runDate: p.runDate,
        runId,
        forecaster: threadForecaster(config.threads),
      });
      printSummary(res.summary, res.runDir);
    });
}
