/** `forecast run`: the whole pipeline in this process (no Redis needed). */
import { Option, type Command } from 'commander';
import { addInputOptions, addOrderInputOptions, configFromFlags, horizonOption, progressBar } from './options.js';
import { levelList, probabilityList, wholeNumber } from '../option-values.js';
import { addExamples } from '../usage.js';
import { printSummary } from './summary.js';

export function register(program: Command): void {
  addOrderInputOptions(addInputOptions(program.command('run')))
    .description('ingest, validate, profile, choose and fit a model per store x sku, and publish forecasts, intervals, reorder points and what to order')
    .option('--calendar <file>', 'calendar CSV with events and SNAP-style flags (M5 layout)')
    .addOption(horizonOption('forecast horizon in periods of the data (default 28 days, 13 weeks, 12 months)'))
    .addOption(new Option('--threads <n>', 'at most this many worker threads fit the series; small runs fit on the main thread (default: config threads, 0 = one per CPU core)').argParser(wholeNumber(0, 'threads')))
    .addOption(
      new Option('--levels <names>', 'aggregate levels to forecast coherently into forecasts-levels.csv: total, store, store/category, ... or default (config levels)').argParser(levelList),
    )
    .addOption(new Option('--quantiles <p,...>', 'quantiles to publish in quantiles.csv, e.g. 0.025,0.5,0.975 (config quantiles)').argParser(probabilityList))
    .action(
      async (opts: { input: string; out: string; config?: string; runDate?: string; columns?: string; calendar?: string; horizon?: number; threads?: number; frequency?: string; levels?: string[]; quantiles?: number[]; stock?: string; onOrder?: string; items?: string; suppliers?: string }) => {
        const config = configFromFlags(opts);
        const [{ runPipeline }, { threadForecaster }, { threadPooled }] = await Promise.all([import('../../pipelines/run/run.js'), import('../../pipelines/forecast/fit-threads.js'), import('../../pipelines/forecast/pooled-runner.js')]);
        const bar = progressBar('read');
        try {
          const res = await runPipeline({
            input: opts.input,
            calendar: opts.calendar,
            outDir: opts.out,
            config,
            forecaster: threadForecaster(config.threads),
            // the pooled model on a thread of its own, beside the replay and the fits
            pooled: threadPooled(config.threads),
            onProgress: (stage, d, t) => {
              if (stage === 'ingest') bar.update(d, t);
            },
          });
          bar.stop();
          printSummary(res.summary, res.runDir);
        } finally {
          bar.stop();
        }
      },
    );
}
