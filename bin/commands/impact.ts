/**
 * `forecast impact`: the defect-injection experiment (experiments/experiment.ts). Copies the input,
 * injects defects at the given rates, runs the pipeline with and without cleaning, and reports
 * the held-out accuracy change per defect against the clean baseline (CSV, JSON and a chart).
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { wholeNumber } from '../option-values.js';
import { ConfigError, InputError } from '../../pipelines/errors.js';
import { DEFECT_TYPES, parseDefects, type InjectColumns } from '../../experiments/inject.js';
import { rm } from 'node:fs/promises';
import { addInputOptions, configFromFlags } from './options.js';

/** Default defects: every type at 10%. */
export const DEFAULT_DEFECTS = DEFECT_TYPES.map((t) => `${t}=0.1`).join(',');

/** Add `forecast impact` to the program. Errors: ConfigError for bad flags, InputError for a missing or unusable input. */
export function register(program: Command): void {
  addInputOptions(program.command('impact'))
    .description(
      'defect-injection experiment: inject missing days, duplicates, 10x spikes, negatives, truncated tails or mis-keyed skus into a copy of the input, forecast with and without cleaning, and report the accuracy loss per defect on held-out days',
    )
    .option('--defects <list>', `defects and rates, e.g. missing=0.1,spikes=0.05 (types: ${DEFECT_TYPES.join(', ')})`, DEFAULT_DEFECTS)
    .addOption(new Option('--seed <n>', 'seed of the injection (same seed, same result)').argParser(wholeNumber(0, 'seed')).default(1))
    .option('--calendar <file>', 'calendar CSV with events and SNAP-style flags (M5 layout)')
    .addOption(new Option('--held-out <days>', 'days at the end of the data kept for scoring, never damaged').argParser(wholeNumber(1, 'days')).default(28))
    .addOption(new Option('--max-series <n>', 'only the first N series (sorted by store, sku), for a quicker run').argParser(wholeNumber(1, 'series')))
    .option('--keep-files', 'keep the damaged copies and scratch runs under OUT/impact/<name>/work')
    .action(
      async (opts: { input: string; out: string; config?: string; runDate?: string; columns?: string; calendar?: string; defects: string; seed: number; heldOut: number; maxSeries?: number; keepFiles?: boolean }) => {
        const config = configFromFlags(opts);
        let defects;
        try {
          defects = parseDefects(opts.defects);
        } catch (e) {
          throw new ConfigError(`--defects: ${(e as Error).message}`);
        }
        const { seed, heldOut: heldOutDays, maxSeries } = opts;
        if (!existsSync(opts.input)) throw new InputError(`input file not found: ${opts.input}`);
        if (opts.calendar && !existsSync(opts.calendar)) throw new InputError(`calendar file not found: ${opts.calendar}`);
        const c = config.columns;
        const columns: InjectColumns | undefined =
          c.date && c.sku && c.quantity ? { date: c.date, sku: c.sku, quantity: c.quantity, ...(c.store ? { store: c.store } : {}) } : undefined;
        const name = `${basename(opts.input).replace(/\.csv(\.gz)?$/i, '')}-seed${seed}`;
        const dir = resolve(join(opts.out, 'impact', name));
        const workDir = join(dir, 'work');
        const { formatVerdicts, runExperiment, writeExperiment } = await import('../../experiments/experiment.js');
        let result;
        try {
          // an input too short or unscorable for the experiment is an InputError (exit 3)
          result = await runExperiment({
            input: opts.input,
            calendar: opts.calendar,
            defects,
            seed,
            config,
            workDir,
            heldOutDays,
            runDate: config.runDate,
            maxSeries,
            columns,
            keepFiles: opts.keepFiles,
            onProgress: (m) => process.stderr.write(`  ${m}\n`),
          });
        } finally {
          if (!opts.keepFiles) await rm(workDir, { recursive: true, force: true });
        }
        const files = await writeExperiment(dir, result, `Data-quality experiment: ${basename(opts.input)}`);
        process.stdout.write(formatVerdicts(result));
        process.stdout.write(`wrote ${files.map((f) => join(dir, f)).join(', ')}\n`);
      },
    );
}
