/**
 * `forecast nightly`: the nightly flow in this process (no Redis): ingest each new file of
 * `<dataDir>/incoming` once into the sales history (bad files moved to incoming/failed), then
 * forecast from the whole history and publish to `<dataDir>/out`. The same request, inputs
 * (pipelines/run/run-inputs.ts), run id and outputs as a queued `forecast enqueue --incoming`
 * or a scheduler tick.
 */
import type { Command } from 'commander';
import { configFromFlags, horizonOption, runDateOption } from './options.js';
import { printSummary } from './summary.js';
import { payloadPath } from './enqueue.js';

export function register(program: Command): void {
  program
    .command('nightly')
    .description('in-process nightly run: ingest new incoming files into the sales history, forecast from the history, publish')
    .option('-c, --config <file>', 'JSON settings file (data directory, schedule time zone)')
    .option('--calendar <file>', 'calendar CSV inside the data directory')
    .addOption(runDateOption('run date (default: config runDate, else today in the schedule time zone)'))
    .addOption(horizonOption('forecast horizon in periods of the data (days, weeks or months)'))
    .action(async (opts: { config?: string; calendar?: string; runDate?: string; horizon?: number }) => {
      // the run date and horizon are settings like any other (ConfigError, exit 2, when invalid);
      // a calendar outside the data directory is a PathError (exit 2)
      const config = configFromFlags({ config: opts.config, runDate: opts.runDate, horizon: opts.horizon });
      const calendar = opts.calendar ? payloadPath(config, opts.calendar, 'calendar') : undefined;
      const [{ resolveRun }, { runInputs }, { runPipeline }, { threadForecaster }] = await Promise.all([
        import('../../pipelines/run/run-request.js'),
        import('../../pipelines/run/run-inputs.js'),
        import('../../pipelines/run/run.js'),
        import('../../pipelines/forecast/fit-threads.js'),
      ]);
      const run = await resolveRun(config, { mode: 'incoming', calendar }, { at: Date.now() });
      const inputs = await runInputs(run, { dataDir: config.dataDir, log: (line) => process.stderr.write(`${line}\n`) });
      const n = inputs.ingested;
      if (n) process.stderr.write(`history: ${n.historyRows} rows; ${n.ingested} new file(s); snapshot ${n.snapshot}\n`);
      const res = await runPipeline({ ...inputs, forecaster: threadForecaster(config.threads) });
      printSummary(res.summary, res.runDir);
    });
}
