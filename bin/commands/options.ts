/**
 * Options shared by the commands that read a sales file, and the terminal helpers they use
 * (config loading, progress bar). No statistics here.
 */
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../../config/load.js';
import type { Config, ConfigInput } from '../../config/schema.js';
import { ConfigError } from '../../pipelines/errors.js';

/** Flags common to `validate`, `run` and `impact`. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-i, --input <file>', 'sales export (CSV, optionally .gz): daily totals or transaction lines')
    .option('-o, --out <dir>', 'output directory (runs go to OUT/runs/<run_id>, OUT/latest points at the newest)', 'out')
    .option('-c, --config <file>', 'JSON settings file (see README: Configuration)')
    .option('--run-date <YYYY-MM-DD>', 'run date; rows dated after it are rejected (default: today, UTC)')
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
    );
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
export function configFromFlags(opts: { config?: string; runDate?: string; columns?: string; horizon?: string; threads?: string; frequency?: string }): Config {
  const overrides: Record<string, unknown> = {};
  if (opts.frequency !== undefined) overrides.periods = { frequency: opts.frequency };
  if (opts.threads !== undefined) {
    const n = Number(opts.threads);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`--threads needs a whole number >= 0, got "${opts.threads}"`);
    overrides.threads = n;
  }
  if (opts.runDate) overrides.runDate = opts.runDate;
  if (opts.horizon !== undefined) {
    const h = Number(opts.horizon);
    if (!Number.isInteger(h)) throw new ConfigError(`--horizon needs a whole number of periods (days, weeks or months, as the data), got "${opts.horizon}"`);
    overrides.horizon = h;
  }
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
