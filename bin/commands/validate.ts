/** `forecast validate`: ingest, validate and profile a sales export; no forecasting. */
import type { Command } from 'commander';
import { addInputOptions, configFromFlags, progressBar } from './options.js';
import { printSummary } from './summary.js';

export function register(program: Command): void {
  addInputOptions(program.command('validate'))
    .description('validate a sales export: writes rejected.csv, quality.csv and run.json to OUT/runs/<run_id> (OUT/latest points at it)')
    .action(async (opts: { input: string; out: string; config?: string; runDate?: string; columns?: string }) => {
      const config = configFromFlags(opts);
      const { runValidation } = await import('../../pipelines/run/run.js');
      const bar = progressBar('validate');
      try {
        const res = await runValidation({ input: opts.input, outDir: opts.out, config, onProgress: (_s, d, t) => bar.update(d, t) });
        bar.stop();
        printSummary(res.summary, res.runDir);
      } finally {
        bar.stop();
      }
    });
}
