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
      new Option('--columns <mapping>', 'explicit column mapping, e.g. date=Day,sku=Article,quantity=Qty (overrides auto-detection)'),
    )
    .option('--profile <name>', 'export profile: online-retail, shopify, square, woocommerce, lightspeed, auto (from the header) or none (default: config profile, auto)')
    .option('--timezone <Area/City>', "the shop's time zone: UTC timestamps (…Z) count on their local date there (default: config timezone, none)")
    .option('--sheet <name>', 'sheet of an .xlsx input (default: the first)')
    .option('--accept-rejects', 'go on when more than half of the rows are rejected (validation.acceptRejects)');
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
  horizon?: string;
  threads?: string;
  profile?: string;
  timezone?: string;
  sheet?: string;
  acceptRejects?: boolean;
}): Config {
  const overrides: Record<string, unknown> = {};
  if (opts.profile !== undefined) overrides.profile = opts.profile;
  if (opts.timezone !== undefined) overrides.timezone = opts.timezone;
  if (opts.sheet !== undefined) overrides.sheet = opts.sheet;
  if (opts.acceptRejects) overrides.validation = { acceptRejects: true };
  if (opts.threads !== undefined) {
    const n = Number(opts.threads);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`--threads needs a whole number >= 0, got "${opts.threads}"`);
    overrides.threads = n;
  }
  if (opts.runDate) overrides.runDate = opts.runDate;
  if (opts.horizon !== undefined) {
    const h = Number(opts.horizon);
    if (!Number.isInteger(h)) throw new ConfigError(`--horizon needs a whole number of days, got "${opts.horizon}"`);
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
