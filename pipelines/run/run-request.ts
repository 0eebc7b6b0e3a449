/**
 * The run request: what names a run before any stage reads its data. The one home of the run
 * date and its default, the run's effective settings, the input's content hash (computed once per
 * run in a process) and the run id. `forecast run` and `validate` (pipelines/run/run.ts), the
 * queue's producer and run worker (workers/run-queue.ts) and the nightly run
 * (pipelines/run/nightly.ts) all resolve a run here, so the same request gets the same run id
 * whichever shell runs it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { dateInZone, parseIsoDay } from '../dates.js';
import { ConfigError, InputError, PayloadError, quoteInput } from '../errors.js';
import { sha256File } from '../io/file-hash.js';
import { confinePath } from '../io/paths.js';
import { checkRegularFile } from '../io/side-file.js';

/**
 * A run as asked for by `forecast enqueue`, the dashboard, the nightly scheduler or
 * `forecast nightly`: paths relative to the data directory. `mode: 'input'` forecasts one file,
 * `mode: 'incoming'` is the nightly flow (new incoming files into the sales history, then a
 * forecast from the whole history). A queued one is validated first by workers/queues.ts
 * `runPayloadSchema`.
 */
export type RunAsk =
  | ({ readonly mode: 'input'; readonly input: string; readonly calendar?: string; readonly runDate?: string; readonly horizon?: number } & FileRunSettings)
  | { readonly mode: 'incoming'; readonly calendar?: string; readonly runDate?: string; readonly horizon?: number };

/**
 * How the run date is chosen when neither the request nor the settings (`runDate`) name one:
 * today's date in a time zone. `forecast run`, `validate` and `impact` take today in UTC; queued
 * and nightly runs today in the schedule's time zone (`schedule.tz`), where the shop closes.
 * (A rule such as "the day after the input's last date" for one-off files would be one more
 * variant here, resolved once the input is read.)
 */
export interface RunDateDefault {
  readonly rule: 'today';
  /** IANA time zone. */
  readonly tz: string;
}

/** Today in UTC: the default of the in-process commands on one file. */
export const TODAY_UTC: RunDateDefault = { rule: 'today', tz: 'UTC' };

/** Today in the schedule's time zone: the default of queued and nightly runs. */
export function todayInScheduleZone(config: Pick<Config, 'schedule'>): RunDateDefault {
  return { rule: 'today', tz: config.schedule.tz };
}

/** The run date a default gives at an instant (YYYY-MM-DD). */
export function defaultRunDate(dflt: RunDateDefault, at: number): string {
  return dateInZone(at, dflt.tz);
}

/**
 * The run date of a request: the one asked for, else the settings' `runDate`, else the default.
 * @param at the instant the request is for (now, or a scheduler tick), ms since the epoch.
 * @returns YYYY-MM-DD.
 * @throws ConfigError when the date is not a calendar date as YYYY-MM-DD.
 */
export function resolveRunDate(requested: string | undefined, config: Pick<Config, 'runDate'>, dflt: RunDateDefault, at: number): string {
  const text = requested ?? config.runDate ?? defaultRunDate(dflt, at);
  if (Number.isNaN(parseIsoDay(text))) throw new ConfigError(`run date must be YYYY-MM-DD, got ${quoteInput(text)}`);
  return text;
}

/**
 * The settings of a queued or nightly run: the settings with the request's run date and horizon,
 * re-parsed so that its keys are in schema order (the run id hashes its JSON, and
 * `forecast run --run-date D` must derive the same id from its own settings).
 */
export function effectiveConfig(config: Config, ask: { readonly horizon?: number } & FileRunSettings, runDate: string): Config {
  return parseConfig({ ...config, ...askedSettings(config, ask), runDate, horizon: ask.horizon ?? config.horizon }, 'run settings');
}

/** Settings a file run's request may set besides its run date and horizon (the dashboard's "New run" form, workers/queues.ts). */
export interface FileRunSettings {
  /** Stock on hand, open orders and item terms CSVs, relative to the data directory. */
  readonly stock?: string;
  readonly onOrder?: string;
  readonly items?: string;
  /** `periods.frequency`. */
  readonly frequency?: 'auto' | 'day' | 'week' | 'month';
  /** `profile`. */
  readonly profile?: string;
}

/**
 * The settings a request overrides: its side files as confined absolute paths (as `forecast run
 * --stock` resolves them), its period and its export profile.
 * @throws PathError when a side file is outside the data directory.
 */
function askedSettings(config: Config, ask: FileRunSettings): Partial<Config> {
  const out: Partial<Config> = {};
  const files = { stockFile: ask.stock, onOrderFile: ask.onOrder, itemsFile: ask.items };
  if (Object.values(files).some((f) => f !== undefined)) {
    const confined = Object.fromEntries(Object.entries(files).filter(([, f]) => f !== undefined).map(([k, f]) => [k, confinePath(config.dataDir, f as string, k)]));
    out.replenishment = { ...config.replenishment, ...confined };
  }
  if (ask.frequency !== undefined) out.periods = { ...config.periods, frequency: ask.frequency };
  if (ask.profile !== undefined) out.profile = ask.profile;
  return out;
}

/**
 * The settings a nightly run reads its history export with: the run's settings with column
 * auto-detection (the export has canonical column names; an explicit mapping in config is meant
 * for the retailer's own files).
 */
export function historyRunConfig(eff: Config): Config {
  return parseConfig({ ...eff, columns: {} }, 'run settings');
}

/**
 * A run id derived from the input's content, the run date and the settings that change the
 * outputs, so the same trigger twice names the same run: `<run date>-<12 hex digits>`.
 */
export function deriveRunId(inputSha256: string, runDate: string, config: Config, calendarSha256 = ''): string {
  const relevant = JSON.stringify({ ...config, dataDir: undefined, threads: undefined, queue: undefined, schedule: undefined, dashboard: undefined });
  const h = createHash('sha256').update(inputSha256).update('\0').update(runDate).update('\0').update(calendarSha256).update('\0').update(relevant);
  return `${runDate}-${h.digest('hex').slice(0, 12)}`;
}

/**
 * The run id of a nightly request: `<run date>-nightly-<10 hex digits>`, a hash of what changes
 * its output besides the history (calendar content, horizon), so the same trigger twice gives the
 * same id and BullMQ deduplicates it.
 * @param ask the request (its mode and calendar path).
 * @param identity SHA-256 (hex) of the calendar file when there is one, and the horizon.
 */
export function nightlyRunId(ask: { readonly mode: string; readonly calendar?: string }, runDate: string, identity: { calendar?: string; horizon: number }): string {
  const basis = JSON.stringify({ mode: ask.mode, calendar: ask.calendar ?? null, calendarHash: identity.calendar ?? null, horizon: identity.horizon });
  const h = createHash('sha256').update(basis).digest('hex');
  return `${runDate}-nightly-${h.slice(0, 10)}`;
}

/** A file read by a run: its absolute path and its content hash. */
export interface HashedFile {
  readonly path: string;
  /** SHA-256 of its bytes, hex. */
  readonly sha256: string;
}

/** A run request resolved: everything that names the run, fixed before stage 1. */
export interface ResolvedRun {
  /** The request with its run date fixed (what a queued run job holds). */
  readonly ask: RunAsk & { readonly runDate: string };
  readonly runDate: string;
  readonly runId: string;
  /** The run's settings ({@link effectiveConfig}). */
  readonly config: Config;
  /** The sales file (`mode: 'input'`), hashed. */
  readonly input?: HashedFile;
  /** The calendar file, when asked for, hashed. */
  readonly calendar?: HashedFile;
}

/**
 * Resolve a request: fix its run date, confine and hash its files (each once), and derive its
 * run id (a file run: {@link deriveRunId}, as `forecast run` derives it; a nightly run:
 * {@link nightlyRunId}).
 * @param config settings (data directory, horizon, schedule time zone).
 * @param ask the request (paths relative to the data directory).
 * @param opts.at the instant the request is for (a scheduler tick, or now), ms.
 * @param opts.dateDefault the run date when neither the request nor the settings name one.
 *   @defaultValue today in the schedule's time zone
 * @throws PathError when a path is outside the data directory; PayloadError when the input file
 *   is missing; InputError when a file is not a regular file or the calendar is too large;
 *   ConfigError for a bad run date or horizon.
 */
export async function resolveRun(config: Config, ask: RunAsk, opts: { at: number; dateDefault?: RunDateDefault }): Promise<ResolvedRun> {
  const runDate = resolveRunDate(ask.runDate, config, opts.dateDefault ?? todayInScheduleZone(config), opts.at);
  const eff = effectiveConfig(config, ask, runDate);
  const fixed = { ...ask, runDate };
  const calendar = ask.calendar ? await hashCalendar(config.dataDir, ask.calendar, eff.validation.maxSideFileBytes) : undefined;
  if (fixed.mode === 'input') {
    const path = confinePath(config.dataDir, fixed.input, 'input');
    if (!existsSync(path)) throw new PayloadError(`input file not found in the data directory: ${quoteInput(fixed.input)}`);
    checkRegularFile(path, 'input');
    const input = { path, sha256: await sha256File(path) };
    return { ask: fixed, runDate, runId: deriveRunId(input.sha256, runDate, eff, calendar?.sha256), config: eff, input, calendar };
  }
  const runId = nightlyRunId(fixed, runDate, { calendar: calendar?.sha256 ?? '', horizon: eff.horizon ?? 0 });
  return { ask: fixed, runDate, runId, config: eff, calendar };
}

/** Confine, check and hash a request's calendar (a FIFO or a device would block or never end the hash). */
async function hashCalendar(dataDir: string, name: string, maxBytes: number): Promise<HashedFile> {
  const path = confinePath(dataDir, name, 'calendar');
  const bytes = checkRegularFile(path, 'calendar');
  if (bytes > maxBytes) throw new InputError(`calendar ${quoteInput(name)} is ${bytes} bytes, more than validation.maxSideFileBytes (${maxBytes})`);
  return { path, sha256: await sha256File(path) };
}
