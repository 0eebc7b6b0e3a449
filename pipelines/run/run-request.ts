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
import { dateInZone, formatDay, parseIsoDay } from '../dates.js';
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
export type RunAsk = (
  | ({ readonly mode: 'input'; readonly input: string; readonly calendar?: string; readonly runDate?: string; readonly horizon?: number } & PeriodProfileAsk)
  | { readonly mode: 'incoming'; readonly calendar?: string; readonly runDate?: string; readonly horizon?: number }
) &
  OrderFilesAsk;

/**
 * The order list's input files of a request (`forecast enqueue --stock --on-order --items
 * --suppliers`, as `forecast run` takes them), relative to the data directory: each sets its
 * `replenishment.*File` setting for the run.
 */
export type OrderFilesAsk = { readonly [K in keyof typeof ORDER_FILE_SETTINGS]?: string };

/** Each order-file field of a request and the setting it fills. */
export const ORDER_FILE_SETTINGS = { stock: 'stockFile', onOrder: 'onOrderFile', items: 'itemsFile', suppliers: 'suppliersFile' } as const;

/** The settings naming files whose content changes a run's outputs: a run id hashes what they hold ({@link sideFileHashes}). */
const SIDE_FILE_SETTINGS = ['overridesFile', 'onHandFile', 'stockFile', 'onOrderFile', 'itemsFile', 'suppliersFile'] as const;

/** Content hashes of the settings' side files, by setting (`sha256:<hex>`; `unreadable` when the file cannot be read: the run fails on it anyway). */
export type SideFileHashes = Readonly<Partial<Record<(typeof SIDE_FILE_SETTINGS)[number], string>>>;

/**
 * Hash the side files the settings name (stock, open orders, items, suppliers, overrides,
 * on-hand), so that a run id changes with what they hold and not with where they are: the same
 * path with a new stock count is another run.
 */
export async function sideFileHashes(config: Pick<Config, 'replenishment'>): Promise<SideFileHashes> {
  const out: Partial<Record<(typeof SIDE_FILE_SETTINGS)[number], string>> = {};
  for (const key of SIDE_FILE_SETTINGS) {
    const path = config.replenishment[key];
    if (path) out[key] = await sha256File(path).then((h) => `sha256:${h}`, () => 'unreadable');
  }
  return out;
}

/**
 * How the run date is chosen when neither the request nor the settings (`runDate`) name one
 * (issue 15): `today` in a time zone (the nightly schedule and the nightly flow, where the shop
 * closes), or `after-data`, the day after the last day the input covers (a one-off file: `forecast
 * run`, `validate`, `forecast enqueue --input`, the dashboard), fixed once the input is read
 * ({@link afterDataRunDate}).
 */
export type RunDateDefault = { readonly rule: 'today'; /** IANA time zone. */ readonly tz: string } | { readonly rule: 'after-data' };

/** Today in UTC. */
export const TODAY_UTC = { rule: 'today', tz: 'UTC' } as const satisfies RunDateDefault;

/** The day after the input's last date: the default of a run on one file. */
export const AFTER_DATA: RunDateDefault = { rule: 'after-data' };

/** Today in the schedule's time zone: the default of nightly runs. */
export function todayInScheduleZone(config: Pick<Config, 'schedule'>): { rule: 'today'; tz: string } {
  return { rule: 'today', tz: config.schedule.tz };
}

/**
 * The default of a triggered run (`forecast enqueue`, the dashboard): a file run forecasts from
 * the day after its data; a nightly-flow run (`mode: 'incoming'`) from today in the schedule's
 * time zone, as the schedule's own ticks do.
 */
export function triggerDateDefault(ask: Pick<RunAsk, 'mode'>, config: Pick<Config, 'schedule'>): RunDateDefault {
  return ask.mode === 'input' ? AFTER_DATA : todayInScheduleZone(config);
}

/** The run date a `today` default gives at an instant (YYYY-MM-DD). */
export function defaultRunDate(dflt: { readonly tz: string }, at: number): string {
  return dateInZone(at, dflt.tz);
}

/** How a run's date was chosen (run.json `runDateSource`): named by the request or the settings, today, or the day after the data. */
export type RunDateSource = 'given' | 'today' | 'after-data';

/**
 * A run date before the input is read: fixed (`given`, `today`), or `after-data`, fixed from the
 * data with {@link afterDataRunDate}; rows dated after `notAfter` are then future rows.
 */
export type RunDateChoice = { readonly source: 'given' | 'today'; readonly date: string } | { readonly source: 'after-data'; readonly notAfter: string };

/**
 * The last date no sale can lie after at an instant: today where the calendar is furthest ahead
 * (UTC+14), so a file run's future rows are refused whatever the shop's time zone.
 */
export function latestToday(at: number): string {
  return dateInZone(at, 'Etc/GMT-14');
}

/**
 * Choose a request's run date: the one asked for, else the settings' `runDate`, else the default.
 * @param at the instant the request is for (now, or a scheduler tick), ms since the epoch.
 * @throws ConfigError when a named date is not a calendar date as YYYY-MM-DD.
 */
export function chooseRunDate(requested: string | undefined, config: Pick<Config, 'runDate'>, dflt: RunDateDefault, at: number): RunDateChoice {
  const named = requested ?? config.runDate;
  if (named === undefined && dflt.rule === 'after-data') return { source: 'after-data', notAfter: latestToday(at) };
  const text = named ?? defaultRunDate(dflt as { tz: string }, at);
  if (Number.isNaN(parseIsoDay(text))) throw new ConfigError(`run date must be YYYY-MM-DD, got ${quoteInput(text)}`);
  return { source: named === undefined ? 'today' : 'given', date: text };
}

/**
 * The day a choice reads rows against (rows after it are future rows) and its name in messages:
 * the run date, or for an `after-data` run today at the furthest time zone (its date comes later).
 */
export function readBound(choice: RunDateChoice): { readonly runDay: number; readonly runDayName: string } {
  return choice.source === 'after-data' ? { runDay: parseIsoDay(choice.notAfter), runDayName: 'today' } : { runDay: parseIsoDay(choice.date), runDayName: 'the run date' };
}

/**
 * The run date of a choice once the input is read: its fixed date, or {@link afterDataRunDate}.
 * @param lastCoveredDay the last day the data covers (day number; NaN: no accepted row).
 */
export function runDateOf(choice: RunDateChoice, lastCoveredDay: number): string {
  return choice.source === 'after-data' ? afterDataRunDate(lastCoveredDay, choice.notAfter) : choice.date;
}

/**
 * The run date of a request whose default is `today` (the nightly flow).
 * @returns YYYY-MM-DD.
 * @throws ConfigError when the date is not a calendar date as YYYY-MM-DD.
 */
export function resolveRunDate(requested: string | undefined, config: Pick<Config, 'runDate'>, dflt: { readonly rule: 'today'; readonly tz: string }, at: number): string {
  return (chooseRunDate(requested, config, dflt, at) as { date: string }).date;
}

/**
 * The `after-data` run date (issue 15): the day after the last day the input covers, in the
 * input's own (local) days. A file of week or month labels covers its last period to its end.
 * @param lastCoveredDay the last day the data covers (day number; NaN: no accepted row).
 * @param notAfter the bound the rows were read with; the run date of an input without a usable row.
 * @returns YYYY-MM-DD.
 */
export function afterDataRunDate(lastCoveredDay: number, notAfter: string): string {
  return Number.isFinite(lastCoveredDay) ? formatDay(lastCoveredDay + 1) : notAfter;
}

/**
 * The settings of a queued or nightly run: the settings with the request's run date and horizon,
 * re-parsed so that its keys are in schema order (the run id hashes its JSON, and
 * `forecast run --run-date D` must derive the same id from its own settings).
 * @param files the request's order files, confined, as `replenishment.*File` settings (absolute paths).
 */
export function effectiveConfig(config: Config, ask: { readonly horizon?: number } & PeriodProfileAsk, runDate: string | undefined, files: Readonly<Record<string, string>> = {}): Config {
  const replenishment = { ...config.replenishment, ...files };
  const asked: Partial<Config> = {};
  if (ask.frequency !== undefined) asked.periods = { ...config.periods, frequency: ask.frequency };
  if (ask.profile !== undefined) asked.profile = ask.profile;
  return parseConfig({ ...config, ...asked, runDate, horizon: ask.horizon ?? config.horizon, replenishment }, 'run settings');
}

/** The period and export profile a file run's request may set (`periods.frequency`, `profile`; the dashboard's "New run" form). */
export interface PeriodProfileAsk {
  readonly frequency?: 'auto' | 'day' | 'week' | 'month';
  readonly profile?: string;
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
 * @param sideFiles the content hashes of the settings' side files ({@link sideFileHashes}), hashed
 *   in place of their paths.
 */
export function deriveRunId(inputSha256: string, runDate: string, config: Config, calendarSha256 = '', sideFiles: SideFileHashes = {}): string {
  const replenishment = { ...config.replenishment, ...sideFiles };
  const relevant = JSON.stringify({ ...config, replenishment, dataDir: undefined, threads: undefined, queue: undefined, schedule: undefined, dashboard: undefined });
  const h = createHash('sha256').update(inputSha256).update('\0').update(runDate).update('\0').update(calendarSha256).update('\0').update(relevant);
  return `${runDate}-${h.digest('hex').slice(0, 12)}`;
}

/** Prefix of the job id of a file run whose run date waits for its data ({@link pendingRunId}). */
export const AFTER_DATA_PREFIX = 'after-data-';

/**
 * The job id of a file run whose run date is the day after its data (not known until the input
 * is read): `after-data-<12 hex digits>`, a hash of the input's content and the settings that
 * change the outputs (as {@link deriveRunId}, without a run date), so the same trigger twice is
 * the same job. The run's own id, `<run date>-<12 hex>`, is derived once the input is read.
 */
export function pendingRunId(inputSha256: string, config: Config, calendarSha256 = '', sideFiles: SideFileHashes = {}): string {
  // deriveRunId names it `<run date>-<hash>`: with 'after-data' in the run date's place
  return deriveRunId(inputSha256, AFTER_DATA_PREFIX.slice(0, -1), { ...config, runDate: undefined }, calendarSha256, sideFiles);
}

/** Whether a job id is an after-data job's ({@link pendingRunId}) rather than a run id. */
export function isPendingRunId(id: string): boolean {
  return id.startsWith(AFTER_DATA_PREFIX);
}

/**
 * The run id of a nightly request: `<run date>-nightly-<10 hex digits>`, a hash of what changes
 * its output besides the history (calendar content, horizon), so the same trigger twice gives the
 * same id and BullMQ deduplicates it.
 * @param ask the request (its mode and calendar path).
 * @param identity SHA-256 (hex) of the calendar file when there is one, the horizon, and the
 *   content hashes of the order files ({@link sideFileHashes}; none: the id of before they counted).
 */
export function nightlyRunId(ask: { readonly mode: string; readonly calendar?: string }, runDate: string, identity: { calendar?: string; horizon: number; sideFiles?: SideFileHashes }): string {
  const sides = identity.sideFiles && Object.keys(identity.sideFiles).length ? { sideFiles: identity.sideFiles } : {};
  const basis = JSON.stringify({ mode: ask.mode, calendar: ask.calendar ?? null, calendarHash: identity.calendar ?? null, horizon: identity.horizon, ...sides });
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
  /** The request with its run date fixed when it is known (what a queued run job holds). */
  readonly ask: RunAsk;
  /** The run date; undefined when it is the day after the data (`dateChoice.source` is `after-data`), fixed by stage 1. */
  readonly runDate: string | undefined;
  readonly dateChoice: RunDateChoice;
  /** The run id; for an after-data run, the job id of its request ({@link pendingRunId}) until stage 1 derives the run id. */
  readonly runId: string;
  /** The run's settings ({@link effectiveConfig}). */
  readonly config: Config;
  /** The sales file (`mode: 'input'`), hashed. */
  readonly input?: HashedFile;
  /** The calendar file, when asked for, hashed. */
  readonly calendar?: HashedFile;
}

/**
 * Resolve a request: fix its run date (or leave it to the data: `after-data`), confine and hash
 * its files (each once), and derive its run id (a file run: {@link deriveRunId}, as `forecast
 * run` derives it, or {@link pendingRunId} when the run date waits for the data; a nightly run:
 * {@link nightlyRunId}).
 * @param config settings (data directory, horizon, schedule time zone).
 * @param ask the request (paths relative to the data directory).
 * @param opts.at the instant the request is for (a scheduler tick, or now), ms.
 * @param opts.dateDefault the run date when neither the request nor the settings name one
 *   (`after-data` only for `mode: 'input'`). @defaultValue today in the schedule's time zone
 * @throws PathError when a path is outside the data directory; PayloadError when the input file
 *   is missing; InputError when a file is not a regular file or the calendar is too large;
 *   ConfigError for a bad run date or horizon.
 */
export async function resolveRun(config: Config, ask: RunAsk, opts: { at: number; dateDefault?: RunDateDefault }): Promise<ResolvedRun> {
  const dflt = opts.dateDefault ?? todayInScheduleZone(config);
  // an empty run date (a cleared form field) is none
  const asked = ask.runDate === '' ? { ...ask, runDate: undefined } : ask;
  const dateChoice = chooseRunDate(asked.runDate, config, ask.mode === 'input' ? dflt : dflt.rule === 'today' ? dflt : todayInScheduleZone(config), opts.at);
  const runDate = dateChoice.source === 'after-data' ? undefined : dateChoice.date;
  const eff = effectiveConfig(config, ask, runDate, orderFileSettings(config.dataDir, ask));
  const fixed: RunAsk = runDate === undefined ? withoutRunDate(asked) : { ...ask, runDate };
  const calendar = ask.calendar ? await hashCalendar(config.dataDir, ask.calendar, eff.validation.maxSideFileBytes) : undefined;
  if (fixed.mode === 'input') {
    const path = confinePath(config.dataDir, fixed.input, 'input');
    if (!existsSync(path)) throw new PayloadError(`input file not found in the data directory: ${quoteInput(fixed.input)}`);
    checkRegularFile(path, 'input');
    const input = { path, sha256: await sha256File(path) };
    const sides = await sideFileHashes(eff);
    const runId = runDate === undefined ? pendingRunId(input.sha256, eff, calendar?.sha256, sides) : deriveRunId(input.sha256, runDate, eff, calendar?.sha256, sides);
    return { ask: fixed, runDate, dateChoice, runId, config: eff, input, calendar };
  }
  const date = runDate as string;
  const runId = nightlyRunId(fixed, date, { calendar: calendar?.sha256 ?? '', horizon: eff.horizon ?? 0, sideFiles: await sideFileHashes(eff) });
  return { ask: fixed, runDate: date, dateChoice, runId, config: eff, calendar };
}

/** A request without its run date field (an after-data request is queued without one). */
function withoutRunDate(ask: RunAsk): RunAsk {
  const { runDate: _, ...rest } = ask;
  return rest as RunAsk;
}

/**
 * A request's order files as `replenishment.*File` settings: confined to the data directory and
 * checked to be regular files (a FIFO would block the run).
 * @throws PathError outside the data directory; PayloadError when missing; InputError when not a regular file.
 */
function orderFileSettings(dataDir: string, ask: OrderFilesAsk): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, setting] of Object.entries(ORDER_FILE_SETTINGS) as [keyof OrderFilesAsk, string][]) {
    const name = ask[field];
    if (name === undefined) continue;
    const path = confinePath(dataDir, name, field);
    if (!existsSync(path)) throw new PayloadError(`${field} file not found in the data directory: ${quoteInput(name)}`);
    checkRegularFile(path, `${field} file`);
    out[setting] = path;
  }
  return out;
}

/** Confine, check and hash a request's calendar (a FIFO or a device would block or never end the hash). */
async function hashCalendar(dataDir: string, name: string, maxBytes: number): Promise<HashedFile> {
  const path = confinePath(dataDir, name, 'calendar');
  const bytes = checkRegularFile(path, 'calendar');
  if (bytes > maxBytes) throw new InputError(`calendar ${quoteInput(name)} is ${bytes} bytes, more than validation.maxSideFileBytes (${maxBytes})`);
  return { path, sha256: await sha256File(path) };
}
