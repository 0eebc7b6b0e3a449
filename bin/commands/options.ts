/**
 * Options shared by the commands that read a sales file, and the terminal helpers they use
 * (config loading, progress bar). No statistics here.
 */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../../config/load.js';
import type { Config, ConfigInput } from '../../config/schema.js';
import { ConfigError } from '../../pipelines/errors.js';
import { isoDate, wholeNumber } from '../option-values.js';

/** `-H, --horizon <periods>`: forecast periods (days, weeks or months, as the data), a whole number (1 or more). */
export function horizonOption(description = 'forecast horizon in periods of the data (days, weeks or months)'): Option {
  return new Option('-H, --horizon <periods>', description).argParser(wholeNumber(1, 'periods'));
}

/** `--run-date <YYYY-MM-DD>` as a calendar date. */
export function runDateOption(description: string): Option {
  return new Option('--run-date <YYYY-MM-DD>', description).argParser(isoDate);
}

/** Flags common to `validate`, `run` and `impact`. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-i, --input <file>', 'sales export (CSV, optionally .gz): daily totals or transaction lines')
    .option('-o, --out <dir>', 'output directory (runs go to OUT/runs/<run_id>, OUT/latest points at the newest)', 'out')
    .option('-c, --config <file>', 'JSON settings file (see README: Configuration)')
    .addOption(runDateOption('run date; rows dated after it are rejected (default: config runDate, else the day after the input\'s last date)'))
    .addOption(
      new Option('--frequency <period>', 'period to model: auto detects it from the dates; week or month sums daily data into it (config periods.frequency)').choices([
        'auto',
        'day',
        'week',
        'month',
      ]),
    )
    .addOption(
      new Option('--columns <mapping>', 'explicit column mapping, e.g. date=Day,sku=Article,quantity=Qty (overrides auto-detection)'),
    )
    .option('--profile <name>', 'export profile: online-retail, shopify, square, woocommerce, lightspeed, auto (from the header) or none (default: config profile, auto)')
    .option('--timezone <Area/City>', "the shop's time zone: UTC timestamps (…Z) count on their local date there (default: config timezone, none)")
    .option('--sheet <name>', 'sheet of an .xlsx input (default: the first)')
    .option('--accept-rejects', 'go on when more than half of the rows are rejected (validation.acceptRejects)')
    .addOption(new Option('--max-stale-days <days>', 'stop (exit 3) when the data ends more than this many days before the run date (validation.maxStaleDays; default: only a warning up to a year, exit 3 past it)').argParser(wholeNumber(0, 'days')));
}

/** The order list's input files (pipelines/replenish/inputs/): set `replenishment.*File`. */
export function addOrderInputOptions(cmd: Command): Command {
  return cmd
    .option('--stock <file>', 'stock on hand CSV: store, sku, on_hand, optional as_of date (replenishment.stockFile)')
    .option('--on-order <file>', 'open orders CSV: store, sku, qty, expected date (replenishment.onOrderFile)')
    .option('--items <file>', 'how each sku is bought CSV: sku, optional store, supplier, lead_time_days, pack_size, min_order_qty, unit_cost, ... (replenishment.itemsFile)')
    .option('--suppliers <file>', 'suppliers CSV: supplier, delivery_days, cutoff, min_order_value (replenishment.suppliersFile)');
}

/** Parse `a=b,c=d` into an object. @throws ConfigError */
export function parseMapping(text: string | undefined, what: string): Record<string, string> | undefined {
  if (!text) return undefined;
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ConfigError(`${what}: expected name=value pairs separated by commas, got "${part}"`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** Settings from defaults, --config, the environment and the flags given. */
export function configFromFlags(opts: {
  config?: string;
  runDate?: string;
  columns?: string;
  horizon?: number;
  threads?: number;
  profile?: string;
  timezone?: string;
  sheet?: string;
  acceptRejects?: boolean;
  stock?: string;
  onOrder?: string;
  items?: string;
  suppliers?: string;
  maxStaleDays?: number;
  levels?: string[];
  quantiles?: number[];
  frequency?: string;
}): Config {
  // flag values are parsed and checked by their declarations (bin/option-values.ts)
  const overrides: Record<string, unknown> = {};
  if (opts.frequency !== undefined) overrides.periods = { frequency: opts.frequency };
  if (opts.threads !== undefined) overrides.threads = opts.threads;
  if (opts.profile !== undefined) overrides.profile = opts.profile;
  if (opts.timezone !== undefined) overrides.timezone = opts.timezone;
  if (opts.sheet !== undefined) overrides.sheet = opts.sheet;
  const validation: Record<string, unknown> = {};
  if (opts.acceptRejects) validation.acceptRejects = true;
  if (opts.maxStaleDays !== undefined) validation.maxStaleDays = opts.maxStaleDays;
  if (Object.keys(validation).length > 0) overrides.validation = validation;
  if (opts.runDate) overrides.runDate = opts.runDate;
  const files: Record<string, string> = {};
  // absolute: a queued run reads them in a worker whose working directory may differ
  if (opts.stock !== undefined) files.stockFile = resolve(opts.stock);
  if (opts.onOrder !== undefined) files.onOrderFile = resolve(opts.onOrder);
  if (opts.items !== undefined) files.itemsFile = resolve(opts.items);
  if (opts.suppliers !== undefined) files.suppliersFile = resolve(opts.suppliers);
  if (Object.keys(files).length) overrides.replenishment = files;
  if (opts.horizon !== undefined) overrides.horizon = opts.horizon;
  if (opts.levels !== undefined) overrides.levels = opts.levels;
  if (opts.quantiles !== undefined) overrides.quantiles = opts.quantiles;
  const columns = parseMapping(opts.columns, '--columns');
  if (columns) overrides.columns = columns;
  return loadConfig({ file: opts.config, env: process.env, overrides: overrides as ConfigInput });
}

/** A byte-based progress bar when stderr is a terminal and the input is long; otherwise a no-op. */
export function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(done: number, total: number) {
      if (!bar) {
        if (total < 4 << 20) return; // short inputs finish before a bar helps
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} MB | ETA {eta}s`, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.ceil(total / 1e6), 0);
      }
      bar.update(Math.floor(done / 1e6));
    },
    stop() {
      bar?.stop();
    },
  };
}
