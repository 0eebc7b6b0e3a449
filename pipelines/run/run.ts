/**
 * The run, as three stages that both shells call: the CLI calls them in order in one process
 * (`runPipeline`), the queue splits stage 2 into train-batch jobs on any number of workers.
 *
 *   prepareRun   ingest + validate (rejected.csv) + quality profile + cleaning  -> PreparedRun
 *   forecastBatch  per-series model choice, fit and intervals (pure; the unit of fan-out;
 *                  pipelines/forecast/forecast-batch.ts)
 *   publishRun   replenishment + every output file + run.json, then the atomic promote
 *
 * Nothing here reads process globals: paths, settings and the run date come in the request.
 */
import { basename, join } from 'node:path';
import type { Config } from '../../config/schema.js';
import { dateInZone, formatDay, parseIsoDay } from '../dates.js';
import { exitCodeOf, InputError, quoteInput, safeMessage } from '../errors.js';
import { checkRegularFile } from '../io/side-file.js';
import { ingestFile, type IngestResult } from '../ingest/ingest.js';
import type { DetachedRows } from '../ingest/series-builder.js';
import { checkRejectedShare, ingestWarnings } from '../ingest/ingest-warnings.js';
import { profileQuality } from '../prepare/quality.js';
import { loadCalendar, type Calendar } from '../forecast/calendar.js';
import { calendarWarnings } from '../forecast/calendar-coverage.js';
import { depriceBatch } from '../forecast/price-elasticity.js';
import type { ForecastContext, SeriesForecast } from '../forecast/forecast-series.js';
import { forecastBatch } from '../forecast/forecast-batch.js';
import { legacyNotes, orderInputPaths, orderWarnings, staleOrdersWarning, ordersSummary, planRunOrders, readOrderInputs, type RunOrders } from '../replenish/orders/order-stage.js';
import { ordersCsv, suppliersCsv } from '../replenish/orders/order-csv.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { loadOnHand, loadOverrides } from '../replenish/replenish.js';
import {
  createStaging,
  failedRunDirOf,
  keepFailedRun,
  openRejectedWriter,
  promoteRun,
  type RejectedWriter,
  sweepStaging,
  writeAccuracy,
  writeForecasts,
  writeQuality,
  writeRunJson,
} from '../publish/publish.js';
import type { FailedStage, RunSummary } from './run-summary.js';
import { seriesWarning, type RunWarning } from './warnings.js';
import { decidePeriod, type PeriodDecision, type RunPeriod } from '../prepare/period-detect.js';
import { ingestToPeriods } from '../prepare/to-periods.js';
import { forecastSettings } from '../forecast/forecast-settings.js';
import { DAILY, horizonOf, periodFirstDay, periodLabel, type PeriodGrid } from '../periods.js';
import { readSeriesFile, writeSeriesFile } from '../io/series-file.js';
import { sha256File } from '../io/file-hash.js';
import { digestSeries, type SeriesDigest } from '../publish/series-digest.js';
import { cleanBatch, cleaningLogLine, CLEANING_COLUMNS, mergedKeysWarning } from '../prepare/clean.js';
import { stockoutRuleNotes } from '../prepare/stockout.js';
import { headerLine } from '../io/csv-format.js';
import { scoreEarlierRuns } from '../publish/realized.js';
import { recordHistory, writeQualityOutputs } from '../publish/report-publish.js';
import { appendHistory, historyPath, type RealizedRecord } from '../publish/run-history.js';
import { ensureDir, openAtomicStream } from '../io/atomic-write.js';
import { rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { InputKind, RejectedNotListed, RowCounts, SeriesData, SeriesQuality } from '../types.js';
import { AFTER_DATA, chooseRunDate, readBound, runDateOf, deriveRunId, effectiveConfig, sideFileHashes, type RunDateChoice, type RunDateDefault, type RunDateSource } from './run-request.js';
import { checkStaleness, dataGap, oldDataWarning, staleWarning } from './staleness.js';
import { markSilentOrders, silentStoreFacts, type SilentStoreDay } from './silent-stores.js';
import { finishRunLevels, needsLevelsStage, planRunLevels, seriesToForecast } from '../hierarchy/run-levels.js';
import { publishLevels, type LevelsOutputs } from '../publish/levels-files.js';
import { reportLevels } from '../publish/report-levels.js';
import { replayForRun, type RunReplay, type RunReplaySummary } from '../replenish/replay/run-replay.js';
import type { PooledFacts } from '../forecast/pooled-stage.js';
import { INLINE_POOLED, type PooledDone, type PooledJob, type PooledRunner } from '../forecast/pooled-runner.js';
import { blendRun, pooledInputOf, pooledWarnings } from './pooled-run.js';

// stage 2 (its own module, so that a fitting thread imports the models and not this graph)
export { forecastBatch };

/** What a run needs. */
export interface RunRequest {
  /** Sales export (CSV, optionally .gz). */
  input: string;
  /** Optional calendar CSV (events, SNAP-style flags). */
  calendar?: string;
  /** Output directory: runs go to OUT/runs/<runId>, OUT/latest points at the newest complete one. */
  outDir: string;
  /** Settings (config/load.ts). `config.runDate` when `runDate` is not given, else `runDateDefault` (pipelines/run/run-request.ts). */
  config: Config;
  runDate?: string;
  /** How `runDate` was chosen, for run.json (a nightly run's is today's). @defaultValue 'given' */
  runDateSource?: RunDateSource;
  /** The run date when neither `runDate` nor `config.runDate` names one. @defaultValue the day after the input's data ({@link AFTER_DATA}) */
  runDateDefault?: RunDateDefault;
  /** Override the derived run id. */
  runId?: string;
  /** SHA-256 of `input`, when the request was resolved already (pipelines/run/run-request.ts `resolveRun`): not hashed again. */
  inputSha256?: string;
  /** SHA-256 of `calendar`, likewise. */
  calendarSha256?: string;
  /**
   * Directory to assemble the run in (a queued run's, derived from its run id by the worker:
   * pipelines/io/paths.ts `queueStagingDirOf`); created when missing. Default: a fresh
   * `OUT/runs/.staging-*`.
   */
  stagingDir?: string;
  /**
   * The input already read and validated (the nightly history, pipelines/history/incoming.ts): stage 1
   * starts from it instead of reading `input`, whose name is then only a label; `input` of
   * run.json comes from here.
   */
  ingested?: { ingest: IngestResult; input: { path: string; sha256: string; bytes: number }; timingsMs?: Record<string, number>; files?: readonly { warnings?: readonly RunWarning[] }[] };
  /** Progress callback: stage name, units done, units total (bytes for ingest, series for fit). */
  onProgress?: (stage: string, done: number, total: number) => void;
  /**
   * Stage 2 for `runPipeline`: fits the series and resolves with their forecasts in order
   * (the CLI passes a worker-thread pool, pipelines/forecast/fit-threads.ts). Default: {@link forecastBatch}
   * on this thread.
   */
  forecaster?: (series: readonly SeriesData[], ctx: ForecastContext, onSeries?: (done: number) => void) => Promise<SeriesForecast[]>;
  /** Replay the order policy on past sales in stage 1 (pipelines/replenish/replay/run-replay.ts). @defaultValue true (`forecast validate`: false) */
  replay?: boolean;
  /**
   * Where `runPipeline` runs the pooled stage (pipelines/forecast/pooled-runner.ts): the CLI passes
   * a worker thread started as soon as stage 1 has cleaned the histories. Default: inline, after the fits.
   */
  pooled?: PooledRunner;
}

/** What `runPipeline` asks of stage 1 besides the request. */
export interface Stage1Hooks {
  /** Put the histories' arrays in shared memory (pipelines/ingest/array-slabs.ts `shared`). */
  sharedHistories?: boolean;
  /** Called with the cleaned histories and their forecast context as soon as they exist (before the replay). */
  onHistories?: (series: readonly SeriesData[], ctx: ForecastContext) => void;
}

/** Everything stage 1 produced; stage 2 reads `series`, stage 3 everything. */
export interface PreparedRun {
  runId: string;
  stagingDir: string;
  outDir: string;
  runDate: string;
  /** How the run date was chosen (absent in prepared runs saved before it existed). */
  runDateSource?: RunDateSource;
  startedAt: string;
  input: RunSummary['input'];
  rows: RowCounts;
  /** Warnings found by the stages so far (pipelines/run/warnings.ts). */
  warnings: RunWarning[];
  /** Repeated lines and what the duplicate policy did with them (pipelines/ingest/ingest.ts). */
  duplicateLines: RunSummary['duplicateLines'];
  /** Rejected rows left out of rejected.csv over the cap per code, counted. */
  rejectedNotListed: RejectedNotListed;
  /** Accepted rows kept out of their series by a silence longer than `validation.maxGapDays`. */
  detached: DetachedRows;
  issues: Record<string, number>;
  series: SeriesData[];
  quality: { series: SeriesQuality[]; batch: Record<string, unknown> };
  cleaning: Record<string, number> | null;
  calendar?: Calendar;
  /** Earlier runs' forecasts scored against this input's sales as recorded (before cleaning). */
  realized: RealizedRecord[];
  /** What publishing needs of the histories (publishing never reads `series` again). */
  digest: SeriesDigest;
  /**
   * The run's period and how it was decided (pipelines/prepare/period-detect.ts); absent in
   * prepared runs saved before periods existed (daily).
   */
  period?: RunPeriod;
  /** Last period (day number for daily data) of the input; forecasts start the period after. */
  end: number;
  /** Periods published (forecasts.csv), from `end + 1 + lead`. */
  horizon: number;
  /**
   * Periods between the data's end and the run date's period (pipelines/run/staleness.ts): forecast
   * but not published; absent (0) in prepared runs saved before it existed.
   */
  lead?: number;
  /**
   * The replay of the order policy on past sales (run.json `simulation`), its calibrated shifts
   * (used by the order list) and per-series results (the report); absent in prepared runs saved
   * before it existed and on `forecast validate`.
   */
  replay?: { summary: RunReplaySummary; shifts: Record<string, number>; bySeries: RunReplay['bySeries'] };
  /**
   * Stores whose rows stop well before the data's end (pipelines/run/silent-stores.ts), with the
   * last day of their last period with rows (ISO): orders.csv's reason of their series says so.
   * Absent when none (and in prepared runs saved before it existed).
   */
  silentStores?: SilentStoreDay[];
  timingsMs: Record<string, number>;
}

/** The grid of a prepared run (daily when it has no period). */
export function gridOf(prep: Pick<PreparedRun, 'period'>): PeriodGrid {
  return prep.period?.grid ?? DAILY;
}

function summaryOfQuality(quality: SeriesQuality[], batch: Record<string, unknown>): RunSummary['quality'] {
  const scores = quality.map((q) => q.score).sort((a, b) => a - b);
  const n = scores.length;
  const mean = n ? scores.reduce((a, b) => a + b, 0) / n : 0;
  const median = n ? (n % 2 ? scores[(n - 1) / 2] : (scores[n / 2 - 1] + scores[n / 2]) / 2) : 0;
  return { ...batch, series: n, meanScore: round(mean, 2), medianScore: round(median, 2), minScore: n ? scores[0] : 0 };
}

function round(x: number, d: number): number {
  return Number(x.toFixed(d));
}

/**
 * The calendar and the replenishment files, read before the input: a file that cannot be one
 * fails the run at once, not after the fitting. @returns the calendar, when given.
 */
function readSideFiles(req: RunRequest): Calendar | undefined {
  const { config } = req;
  loadReplenishmentFiles(config);
  for (const [file, path] of Object.entries(orderInputPaths(config))) checkRegularFile(path, `${file} file`);
  return req.calendar ? readCalendar(req.calendar, config.validation.maxSideFileBytes) : undefined;
}

/**
 * The period of the input, detected from the dates (or configured), the series summed into it,
 * the run date (an `after-data` one: the day after the last day the data covers), and the gap to
 * the run date (stops the run past `validation.maxStaleDays`), with their warnings.
 */
function inPeriods(daily: IngestResult, config: Config, choice: RunDateChoice, today: string) {
  const decision = decidePeriod({ kind: daily.kind, series: daily.series, dateHeader: daily.mapping.date ?? '', labels: daily.dateLabels }, config.periods);
  const grid = decision.grid;
  const summed = decision.detected !== grid.frequency;
  const periodic = ingestToPeriods(daily, grid, summed);
  const ingest = periodic.ingest;
  // a file of week or month labels covers its last period to its end; daily rows (summed or not) their last day
  const lastCovered = grid.frequency === 'day' || summed ? daily.end : periodFirstDay(grid, ingest.end + 1) - 1;
  const runDate = runDateOf(choice, lastCovered);
  const runDay = parseIsoDay(runDate);
  const gap = dataGap(ingest.end, runDay, grid);
  checkStaleness(gap, runDate, config.validation.maxStaleDays);
  // daily rows summed into weeks or months are judged by their days (a store missing a whole month shows)
  const silent = summed ? silentStoreFacts(daily.series, daily.end, DAILY) : silentStoreFacts(ingest.series, ingest.end, grid);
  const warnings: RunWarning[] = [...decision.warnings, ...periodic.warnings, ...staleWarning(gap, ingest.end, grid, runDate), ...silent.warnings, ...periodWarnings(periodic.dropped, ingest.end, grid, choice.source === 'after-data' ? { day: parseIsoDay(today) - 1, words: `today (${today})` } : { day: runDay, words: 'on the run date' })];
  return { decision, grid, ingest, gap, warnings, runDate, silent: silent.days };
}

/** What run.json says of how the input was read (besides its name, hash and size). */
function inputFacts(ingest: IngestResult) {
  return {
    kind: ingest.kind,
    header: ingest.header,
    mapping: ingest.mapping as Record<string, string>,
    profile: ingest.profile,
    timezone: ingest.timezone,
    dateLabels: ingest.dateLabels,
  };
}

/**
 * Stage 1: ingest and validate the input (rejected rows streamed to the staging dir's
 * rejected.csv), profile data quality, clean, and load the calendar.
 * @throws InputError for an unusable input; OutputError when the output directory is unwritable.
 */
export async function prepareRun(req: RunRequest, hooks: Stage1Hooks = {}): Promise<PreparedRun> {
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  const { config } = req;
  const choice = chooseRunDate(req.runDate, config, req.runDateDefault ?? AFTER_DATA, t0);
  const pre = req.ingested;
  const bytes = pre ? pre.input.bytes : inputBytes(req.input);
  const calendar = readSideFiles(req);

  await sweepStaging(req.outDir);
  const stagingDir = req.stagingDir ?? (await createStaging(req.outDir));
  if (req.stagingDir) await ensureDir(req.stagingDir);
  const timingsMs: Record<string, number> = { ...pre?.timingsMs };

  // an after-data run reads its rows up to today (rows after it are future rows), then takes its date from them
  const { ingest: daily, rejectedNotListed } = pre ? await quarantineOf(pre.ingest, stagingDir, config) : await ingestToStaging(req, { ...readBound(choice), sharedArrays: hooks.sharedHistories }, stagingDir);
  if (!pre) timingsMs.ingest = Date.now() - t0;

  let t = Date.now();
  const { decision, grid, ingest, gap, warnings, runDate, silent } = inPeriods(daily, config, choice, dateInZone(t0, 'UTC'));
  // forecasts from the data's end: said when that lies in the past
  if (choice.source === 'after-data') for (const w of oldDataWarning(runDate, dateInZone(t0, 'UTC'))) warnings.push(w);
  timingsMs.period = Date.now() - t;

  t = Date.now();
  const quality = profileQuality(ingest, config, grid, gap.periods);
  timingsMs.quality = Date.now() - t;

  const { sha256, runId } = await runIdOf(req, choice, runDate);
  const runDateSource: RunDateSource = choice.source === 'given' ? (req.runDateSource ?? 'given') : choice.source;

  // score earlier forecasts against the sales as recorded, before cleaning changes them
  t = Date.now();
  // earlier runs are scored day by day; weekly and monthly runs are not scored yet (README)
  const realized = grid.frequency === 'day' ? (await scoreEarlierRuns(req.outDir, daily.series, { kind: ingest.kind, scoredBy: runId, recordedAt: startedAt, skipRunId: runId })).records : [];
  timingsMs.realized = Date.now() - t;

  t = Date.now();
  const cleaned = config.cleaning.enabled ? await cleanToLog(ingest, config, stagingDir, grid) : { series: ingest.series, counts: null, warnings: [] };
  for (const w of cleaned.warnings) warnings.push(w);
  timingsMs.clean = Date.now() - t;
  const horizon = horizonOf(config.horizon, grid.frequency);
  if (calendar) for (const w of calendarFit(calendar, cleaned.series, { grid, end: ingest.end, horizon: horizon + gap.periods }, config)) warnings.push(w);
  const period = { ...withoutWarnings(decision), notes: [...forecastSettings(config, grid).notes, ...stockoutRuleNotes(config.cleaning.stockoutsAsMissing, grid.frequency)] };
  hooks.onHistories?.(cleaned.series, forecastContext({ end: ingest.end, horizon, lead: gap.periods, calendar, period }, config));

  t = Date.now();
  const replay = req.replay === false ? undefined : await replayStage(daily, grid.frequency, calendar, config, stagingDir, warnings);
  if (replay) timingsMs.replay = Date.now() - t;

  return {
    runId,
    stagingDir,
    outDir: req.outDir,
    runDate,
    runDateSource,
    startedAt,
    input: { path: pre ? pre.input.path : basename(req.input), sha256, bytes, ...inputFacts(ingest), calendar: req.calendar ? basename(req.calendar) : null },
    // a nightly run's incoming files were read tonight: their warnings (each naming its file) come first
    warnings: [...(pre?.files ?? []).flatMap((f) => f.warnings ?? []), ...ingestWarnings(daily, config.validation), ...warnings],
    duplicateLines: ingest.duplicateLines,
    rows: ingest.rows,
    rejectedNotListed,
    detached: ingest.detached,
    issues: ingest.issueCounts as Record<string, number>,
    series: cleaned.series,
    quality: { series: quality.series, batch: quality.batch as unknown as Record<string, unknown> },
    cleaning: cleaned.counts,
    calendar,
    realized,
    digest: digestSeries(cleaned.series, ingest.end),
    period,
    end: ingest.end,
    horizon,
    lead: gap.periods,
    ...(replay ? { replay } : {}),
    ...(silent.length > 0 ? { silentStores: silent } : {}),
    timingsMs,
  };
}

/** The input's hash and the run's id (the request's, or derived from the input, the run date, the settings and the side files). */
async function runIdOf(req: RunRequest, choice: RunDateChoice, runDate: string): Promise<{ sha256: string; runId: string }> {
  const sha256 = req.ingested ? req.ingested.input.sha256 : (req.inputSha256 ?? (await sha256File(req.input)));
  const calendarSha = req.calendar ? (req.calendarSha256 ?? (await sha256File(req.calendar))) : '';
  // the settings name the run with its date, however it was chosen (a queued after-data run gets the same id)
  const idConfig = choice.source === 'after-data' ? effectiveConfig(req.config, {}, runDate) : req.config;
  return { sha256, runId: req.runId ?? deriveRunId(sha256, runDate, idConfig, calendarSha, await sideFileHashes(req.config)) };
}

/**
 * The replay of the order policy on the daily sales as ingested (pipelines/replenish/replay/run-replay.ts),
 * simulation.csv into the staging directory. (Its refits on the run's fit threads were tried:
 * the pool starts its threads per call, 26 times, which cost more than it saved.) A replay that fails does not fail the run: its
 * status says `failed` and a `simulation_failed` warning is added to `warnings`.
 */
async function replayStage(daily: IngestResult, frequency: PeriodGrid['frequency'], calendar: Calendar | undefined, config: Config, dir: string, warnings: RunWarning[]): Promise<NonNullable<PreparedRun['replay']>> {
  try {
    const r = await replayForRun({ series: daily.series, kind: daily.kind, lastDay: daily.end, frequency, calendar, config, parsed: await readOrderInputs(config), dir });
    return { summary: r.summary, shifts: { ...r.shifts } as Record<string, number>, bySeries: r.bySeries };
  } catch (e) {
    if (e instanceof InputError) throw e;
    const message = safeMessage((e as Error).message ?? String(e), { max: 300 });
    warnings.push({ code: 'simulation_failed', message: `the replay of the order policy on past sales failed (${message}); the order list uses the policy as computed, without calibration` });
    const weeks = config.replenishment.simulation.weeks;
    return { summary: { status: 'failed', note: `The replay of the order policy on past sales failed: ${message}.`, weeks }, shifts: {}, bySeries: {} };
  }
}

function withoutWarnings(d: PeriodDecision): Omit<PeriodDecision, 'warnings'> {
  const { warnings: _, ...rest } = d;
  return rest;
}

/**
 * Warnings about the periods besides the decision's and the staleness (pipelines/run/staleness.ts):
 * series whose rows all fell in a part-period left out, and a last period that is not over (its
 * total may be part of one): on the run date, or, for a run dated after its data (whose run date
 * is the day after that period, whether or not it is over), today.
 * @param over the last day a period must end on to be over, and how a message names it.
 */
function periodWarnings(dropped: readonly string[], end: number, grid: PeriodGrid, over: { readonly day: number; readonly words: string }): RunWarning[] {
  const out: RunWarning[] = [];
  if (dropped.length > 0) {
    out.push(seriesWarning('part_period_only', `${dropped.length} series have rows only in a part-${grid.frequency} left out of the history, so they get no forecast`, dropped));
  }
  if (grid.frequency !== 'day' && Number.isFinite(end) && periodFirstDay(grid, end + 1) - 1 > over.day) {
    out.push({
      code: 'period_not_over',
      message: `the last ${grid.frequency} of the data (${periodLabel(grid, end)}) is not over ${over.words}; if its total covers only part of the ${grid.frequency}, its sales look low and the forecasts will be too low`,
    });
  }
  return out;
}

/** The input file's size: a regular, non-empty file (a FIFO or a device is refused unread). @throws InputError */
function inputBytes(input: string): number {
  const bytes = checkRegularFile(input, 'input file');
  if (bytes === 0) throw new InputError(`input file is empty: ${quoteInput(input)}`);
  return bytes;
}

/** The warnings of a calendar that misses days the run learns from or forecasts (pipelines/forecast/calendar-coverage.ts). */
function calendarFit(calendar: Calendar, series: readonly SeriesData[], run: { grid: PeriodGrid; end: number; horizon: number }, config: Config): RunWarning[] {
  if (series.length === 0) return [];
  let first = Infinity;
  for (const s of series) first = Math.min(first, s.start);
  return calendarWarnings(calendar, { ...run, first, maxHistoryDays: config.models.maxHistory, stores: series.map((s) => s.store) });
}

/** The calendar file, read and checked. @throws InputError naming the file */
function readCalendar(path: string, maxBytes: number): Calendar {
  try {
    return loadCalendar(path, maxBytes);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`calendar ${quoteInput(path)}: ${(e as Error).message}`);
  }
}

/**
 * Read and validate the input, streaming its rejected rows to the staging directory's
 * rejected.csv (at most `validation.maxRejectedRowsPerCode` per reject code); an aborted read
 * leaves no partial rejected.csv.
 */
async function ingestToStaging(req: RunRequest, read: { runDay: number; runDayName: string; sharedArrays?: boolean }, stagingDir: string): Promise<{ ingest: IngestResult; rejectedNotListed: RejectedNotListed }> {
  const { config } = req;
  const cap = config.validation.maxRejectedRowsPerCode;
  let rejected: RejectedWriter | null = null;
  let ingest: IngestResult;
  try {
    ingest = await ingestFile(req.input, {
      config,
      ...read,
      onHeader: (header: string[]) => {
        rejected = openRejectedWriter(stagingDir, header, cap);
      },
      onReject: (r) => rejected!.write(r),
      admitReject: (codes) => rejected!.admit(codes),
      onProgress: (done: number, total: number) => req.onProgress?.('ingest', done, total),
    });
  } catch (e) {
    await (rejected as RejectedWriter | null)?.stream.abort();
    throw e;
  }
  return commitQuarantine(ingest, (rejected as RejectedWriter | null) ?? openRejectedWriter(stagingDir, ingest.header, cap));
}

/** An input read already (a nightly history): its rejected.csv is the header alone. */
async function quarantineOf(ingest: IngestResult, stagingDir: string, config: Config): Promise<{ ingest: IngestResult; rejectedNotListed: RejectedNotListed }> {
  return commitQuarantine(ingest, openRejectedWriter(stagingDir, ingest.header, config.validation.maxRejectedRowsPerCode));
}

async function commitQuarantine(ingest: IngestResult, rejected: RejectedWriter): Promise<{ ingest: IngestResult; rejectedNotListed: RejectedNotListed }> {
  await rejected.stream.commit();
  return { ingest, rejectedNotListed: rejected.notListed() };
}

/**
 * The cleaning stage, its log streamed straight to the staging directory's cleaning.csv (at M5
 * scale it has millions of lines).
 */
async function cleanToLog(ingest: IngestResult, config: Config, stagingDir: string, grid: PeriodGrid): Promise<{ series: SeriesData[]; counts: Record<string, number>; warnings: RunWarning[] }> {
  const log = openAtomicStream(join(stagingDir, 'cleaning.csv'));
  try {
    log.write(headerLine(CLEANING_COLUMNS));
    const cleaned = cleanBatch(ingest.series, config, { kind: ingest.kind, grid, onAction: (a) => log.write(cleaningLogLine(a, grid)) });
    await log.commit();
    const merged = mergedKeysWarning(cleaned.mergedKeys);
    return { series: cleaned.series, counts: { ...cleaned.counts }, warnings: merged ? [merged] : [] };
  } catch (e) {
    await log.abort();
    throw e;
  }
}

/** The per-sku overrides and on-hand stock files of the settings, read and checked (InputError). */
function loadReplenishmentFiles(config: Pick<Config, 'replenishment' | 'validation'>): { overrides?: ReturnType<typeof loadOverrides>; onHand?: ReturnType<typeof loadOnHand> } {
  const r = config.replenishment;
  const max = config.validation.maxSideFileBytes;
  return { overrides: r.overridesFile ? loadOverrides(r.overridesFile, max) : undefined, onHand: r.onHandFile ? loadOnHand(r.onHandFile, max) : undefined };
}

/**
 * The context every series of a run is forecast with: the published horizon plus the lead up to
 * the run date's period (not published, not scored); backtest traces kept when the levels stage
 * needs them (both shells).
 */
export function forecastContext(prep: Pick<PreparedRun, 'end' | 'horizon' | 'lead' | 'calendar' | 'period'>, config: Config): ForecastContext {
  return { config, end: prep.end, horizon: prep.horizon + (prep.lead ?? 0), lead: prep.lead ?? 0, calendar: prep.calendar, grid: gridOf(prep), ...(needsLevelsStage(config) ? { trace: true } : {}) };
}

/**
 * The published part of forecasts made from the data's end: the periods from the run date's on
 * (the first `lead` are dropped). The lead-time spreads stay those measured from the forecast origin
 * (README: stale data).
 */
export function publishedForecasts(forecasts: SeriesForecast[], lead: number, horizon: number): SeriesForecast[] {
  if (lead === 0) return forecasts;
  const cut = (xs: number[]) => xs.slice(lead, lead + horizon);
  const cutAll = (r: Record<string, number[]>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cut(v)]));
  return forecasts.map((f) => ({ ...f, mean: cut(f.mean), lo: cutAll(f.lo), hi: cutAll(f.hi), leadTimeSd: f.leadTimeSd.slice(0, horizon) }));
}

/** The published part of the levels stage's outputs (as {@link publishedForecasts}). */
function publishedLevels(stage: LevelsOutputs | undefined, lead: number, horizon: number): LevelsOutputs | undefined {
  if (!stage || lead === 0) return stage;
  const cut = (xs: number[]) => xs.slice(lead, lead + horizon);
  const cutAll = (r: Record<string, number[]>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cut(v)]));
  const levels = stage.levels && { ...stage.levels, nodes: stage.levels.nodes.map((n) => ({ ...n, mean: cut(n.mean), lo: cutAll(n.lo), hi: cutAll(n.hi), quantiles: n.quantiles.map(cut) })) };
  return { ...stage, quantiles: stage.quantiles.map((q) => q.map(cut)), levels };
}

function countBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

function meanOf(xs: (number | null)[]): number | null {
  let s = 0;
  let n = 0;
  for (const x of xs) if (x !== null && Number.isFinite(x)) (s += x), n++;
  return n ? round(s / n, 4) : null;
}

function baseSummary(prep: PreparedRun, command: RunSummary['command'], mode: RunSummary['mode']): RunSummary {
  return {
    runId: prep.runId,
    command,
    mode,
    runDate: prep.runDate,
    ...(prep.runDateSource ? { runDateSource: prep.runDateSource } : {}),
    startedAt: prep.startedAt,
    finishedAt: '',
    input: prep.input,
    // prepared runs saved before warnings existed carry none
    warnings: [...(prep.warnings ?? [])],
    ...(prep.period ? { period: { ...prep.period, notes: [...prep.period.notes] } } : {}),
    rows: prep.rows,
    rejectedNotListed: prep.rejectedNotListed,
    detached: prep.detached,
    ...(prep.duplicateLines ? { duplicateLines: prep.duplicateLines } : {}),
    issues: prep.issues,
    quality: summaryOfQuality(prep.quality.series, prep.quality.batch),
    cleaning: prep.cleaning,
    forecast: null,
    impact: null,
    degraded: [],
    timingsMs: prep.timingsMs,
    files: [],
  };
}

/**
 * Stage 3: replenishment, every output file and run.json into the staging dir, then the
 * atomic promote to OUT/runs/<runId> and OUT/latest.
 */
export async function publishRun(
  prep: PreparedRun,
  fitted: SeriesForecast[],
  config: Config,
  meta: { mode: RunSummary['mode']; degraded?: string[]; levels?: LevelsOutputs; pooled?: PooledFacts },
): Promise<{ runDir: string; summary: RunSummary }> {
  const t0 = Date.now();
  const dir = prep.stagingDir;
  const levels = config.intervals.levels;
  const grid = gridOf(prep);
  const lead = prep.lead ?? 0;
  const forecasts = publishedForecasts(fitted, lead, prep.horizon);
  const firstDay = prep.end + 1 + lead;
  await writeForecasts(dir, forecasts, firstDay, levels, grid);
  await writeAccuracy(dir, forecasts);
  await writeQuality(dir, prep.quality.series, grid.frequency);
  const orders = await writeOrders(dir, prep, forecasts, config);
  const published = publishedLevels(meta.levels, lead, prep.horizon);
  const levelsOut = await publishLevels(dir, published, forecasts, firstDay, config, grid);

  const summary = baseSummary(prep, 'run', meta.mode);
  if (levelsOut.hierarchy !== undefined) summary.hierarchy = levelsOut.hierarchy;
  if (meta.pooled) summary.pooled = meta.pooled;
  for (const w of pooledWarnings(meta.pooled)) summary.warnings.push(w);
  for (const w of levelsOut.warnings) summary.warnings.push(w);
  summary.orders = ordersSummary(orders, formatDay);
  if (prep.replay) summary.simulation = prep.replay.summary;
  for (const w of orderWarnings(orders)) summary.warnings.push(w);
  for (const w of orders.warnings) summary.warnings.push(w);
  const stale = staleOrdersWarning(parseIsoDay(prep.runDate), orders.lastSalesDay, config.replenishment.staleStockDays, formatDay);
  if (stale) summary.warnings.push(stale);
  summary.forecast = {
    series: forecasts.length,
    horizon: prep.horizon,
    firstDate: formatDay(periodFirstDay(grid, firstDay)),
    lastDate: formatDay(periodFirstDay(grid, firstDay + prep.horizon - 1)),
    levels: [...levels],
    models: countBy(forecasts, (f) => f.model),
    classes: countBy(forecasts, (f) => f.demandClass),
    fallbacks: forecasts.filter((f) => f.fallback).length,
    meanRmsse: meanOf(forecasts.map((f) => f.accuracy.rmsse)),
    meanMase: meanOf(forecasts.map((f) => f.accuracy.mase)),
    meanFva: meanOf(forecasts.map((f) => f.accuracy.fva)),
  };
  summary.degraded = meta.degraded ?? [];
  if (summary.degraded.length) summary.warnings.push(degradedWarning(summary.degraded));
  const recordedAt = new Date().toISOString();
  const q = await writeQualityOutputs({ dir, outDir: prep.outDir, run: { ...prep, warnings: summary.warnings, levelTotals: reportLevels(published?.levels?.nodes ?? [], firstDay, grid, levels), ...(meta.pooled ? { pooled: meta.pooled } : {}) }, forecasts, kind: prep.input.kind as InputKind, realized: prep.realized, recordedAt, orders: orders.plan });
  summary.impact = q.impact;
  summary.files = ['forecasts.csv', 'accuracy.csv', 'quality.csv', 'orders.csv', 'orders-by-supplier.csv', ...(prep.replay?.summary.status === 'replayed' ? ['simulation.csv'] : []), ...levelsOut.files, 'rejected.csv', ...(prep.cleaning ? ['cleaning.csv'] : []), ...q.files, 'run.json'];
  summary.timingsMs = { ...summary.timingsMs, publish: Date.now() - t0 };
  summary.finishedAt = new Date().toISOString();
  await writeRunJson(dir, summary);
  const runDir = await promoteRun(prep.outDir, dir, prep.runId);
  await recordHistory(prep.outDir, summary, q.realized, summary.finishedAt);
  return { runDir, summary };
}

/**
 * The order list (pipelines/replenish/orders/order-stage.ts): the input files of the settings read,
 * matched and planned; orders.csv and orders-by-supplier.csv written to the staging directory.
 */
async function writeOrders(dir: string, prep: PreparedRun, forecasts: readonly SeriesForecast[], config: Config): Promise<RunOrders & { lastSalesDay: number; warnings: RunWarning[] }> {
  const parsed = await readOrderInputs(config);
  const grid = gridOf(prep);
  // the order list works in days: R = the day before the first published forecast period (the
  // data's last day, or the day before the run date's period when the data is stale), each period
  // spread over its days
  const lastSalesDay = periodFirstDay(grid, prep.end + 1 + (prep.lead ?? 0)) - 1;
  const bucketDays = grid.frequency === 'week' ? 7 : grid.frequency === 'month' ? 30 : 1;
  const warnings: RunWarning[] = [];
  if (grid.frequency === 'month') {
    warnings.push({ code: 'orders_monthly_approximation', message: 'the sales are monthly: the order list spreads each month\'s forecast over 30 days, so days of cover, stockout and order-by dates are approximate to a few days' });
  }
  // the replay's calibrated safety factor shifts (none without a replay)
  const orders = planRunOrders(forecasts, parsed, config, lastSalesDay, prep.digest?.price ?? {}, bucketDays, prep.replay?.shifts ?? {});
  // the older onHandFile / overridesFile keys, read as the stock and items files
  for (const note of legacyNotes(config)) orders.plan.notes.push(note);
  markSilentOrders(orders.plan.rows, prep.silentStores ?? []);
  await writeFileAtomic(join(dir, 'orders.csv'), ordersCsv(orders.plan.rows));
  await writeFileAtomic(join(dir, 'orders-by-supplier.csv'), suppliersCsv(orders.plan.suppliers));
  return { ...orders, lastSalesDay, warnings };
}

/** The warning of a queued run whose batches fell back to the simple model. */
function degradedWarning(degraded: readonly string[]): RunWarning {
  return {
    code: 'degraded',
    message: `${degraded.length} batch(es) of series could not be fitted after their last attempt and were forecast with the simple model (less accurate); run.json degraded lists them`,
  };
}

/** Publish what stage 1 found (rejected.csv, quality.csv, cleaning.csv, run.json) as a complete run. */
async function publishValidation(prep: PreparedRun): Promise<{ runDir: string; runId: string; summary: RunSummary }> {
  await writeQuality(prep.stagingDir, prep.quality.series, gridOf(prep).frequency);
  const summary = baseSummary(prep, 'validate', 'in-process');
  summary.files = ['quality.csv', 'rejected.csv', ...(prep.cleaning ? ['cleaning.csv'] : []), 'run.json'];
  summary.finishedAt = new Date().toISOString();
  await writeRunJson(prep.stagingDir, summary);
  const runDir = await promoteRun(prep.outDir, prep.stagingDir, prep.runId);
  return { runDir, runId: prep.runId, summary };
}

/**
 * `forecast validate`: stage 1 and a publish of rejected.csv, quality.csv and run.json.
 * @throws InputError when more than `validation.maxRejectedShare` of the rows were rejected: the
 *   run is kept as `runs/<runId>.failed` (its rejected.csv says why), `latest` stays (exit 3 as for
 *   `forecast run`).
 */
export async function runValidation(req: RunRequest): Promise<{ runDir: string; runId: string; summary: RunSummary }> {
  const prep = await prepareInStaging({ ...req, replay: false });
  try {
    checkRejectedShare({ rows: prep.rows, issueCounts: prep.issues }, req.config.validation, join(failedRunDirOf(prep.outDir, prep.runId), 'rejected.csv'));
  } catch (e) {
    await keepFailed(prep, 'validation', e, 'in-process', 'validate');
    throw e;
  }
  return publishValidation(prep);
}

/** Stage 1 into a staging directory that is removed when stage 1 fails (no run id yet: nothing to keep). */
async function prepareInStaging(req: RunRequest, hooks: Stage1Hooks = {}): Promise<PreparedRun> {
  const stagingDir = req.stagingDir ?? (await createStaging(req.outDir));
  try {
    return await prepareRun({ ...req, stagingDir }, hooks);
  } catch (e) {
    await rm(stagingDir, { recursive: true, force: true }).catch(() => {});
    throw e;
  }
}

/**
 * `forecast run` in one process: the three stages in order. `latest` moves only to a complete
 * run: a run that fails after stage 1 (every row rejected, forecasting, publishing) is kept as
 * `OUT/runs/<runId>.failed` ({@link keepFailed}); one that fails in stage 1 (an unusable input)
 * leaves nothing behind.
 * @throws InputError when no row was accepted (`runs/<runId>.failed/rejected.csv` says why); the
 *   error of the stage that failed otherwise.
 */
export async function runPipeline(req: RunRequest): Promise<{ runDir: string; runId: string; summary: RunSummary }> {
  const pooledJob = pooledSlot(req);
  const prep = await prepareInStaging(req, pooledJob.hooks).catch(async (e: unknown) => {
    await pooledJob.cancel();
    throw e;
  });
  let stage: FailedStage = 'validation';
  try {
    assertForecastable(prep, req.config.validation);
    stage = 'forecast';
    const t = Date.now();
    const ctx = forecastContext(prep, req.config);
    // the aggregate series of the levels are forecast in the same pass as the bottom ones
    const plan = await planRunLevels(prep.series, req.config);
    // research option (off by default): the bottom series' histories de-priced (pipelines/forecast/price-elasticity.ts)
    let all = seriesToForecast(req.config.models.priceElasticity && gridOf(prep).frequency === 'day' ? depriceBatch(prep.series, prep.end).series : prep.series, plan);
    const count = all.length;
    const onSeries = (d: number) => req.onProgress?.('fit', d, count);
    let forecasts = req.forecaster ? await req.forecaster(all, ctx, onSeries) : forecastBatch(all, ctx, onSeries);
    prep.timingsMs.forecast = Date.now() - t;
    // the model pooled over the bottom series (pipelines/run/pooled-run.ts), started by stage 1:
    // inline it is computed here, on the histories; a thread's is awaited after the levels stage
    const pooledDone = pooledJob.join();
    // the levels stage and publishing read the plan's weights and the digest, not the histories:
    // let them go before the levels stage (2 GB at M5 scale; nothing else may hold them)
    prep.series = [];
    all = [];
    if (plan) plan.aggregates = [];
    const tl = Date.now();
    let levels = plan ? finishRunLevels(forecasts, req.config, plan) : undefined;
    if (levels) (forecasts = levels.forecasts), (prep.timingsMs.levels = Date.now() - tl);
    const tw = Date.now();
    const pooled = pooledTimings(await pooledDone, tw, prep.timingsMs);
    ({ forecasts, levels } = blendRun(forecasts, levels, plan, pooled));
    stage = 'publish';
    const { runDir, summary } = await publishRun(prep, forecasts, req.config, { mode: 'in-process', levels, pooled: pooled.facts });
    return { runDir, runId: prep.runId, summary };
  } catch (e) {
    await pooledJob.cancel();
    await keepFailed(prep, stage, e, 'in-process');
    throw e;
  }
}

/**
 * The pooled stage of `runPipeline`: started by stage 1 as soon as the histories are cleaned
 * (`req.pooled`; inline by default), joined after the fits, cancelled when the run fails.
 */
function pooledSlot(req: RunRequest): { hooks: Stage1Hooks; join: () => Promise<PooledDone>; cancel: () => Promise<void> } {
  const runner = req.pooled ?? INLINE_POOLED;
  let job: PooledJob | null = null;
  return {
    hooks: { sharedHistories: runner.sharedHistories, onHistories: (series, ctx) => void (job = runner.start(pooledInputOf(series, ctx), req.config)) },
    join: () => {
      const done = job ? job.join() : Promise.reject(new Error('the pooled stage was never started'));
      // awaited after the levels stage: a failure of that stage must not leave this one unhandled
      done.catch(() => {});
      return done;
    },
    cancel: async () => {
      await job?.cancel();
    },
  };
}

/**
 * The joined stage's result; its own time in `timingsMs.pooled` and, for a thread, in
 * `pooledWait` how long the run waited for it after the fits and the levels stage.
 * @param waitedFrom when the run began to await it.
 */
function pooledTimings(done: PooledDone, waitedFrom: number, timingsMs: Record<string, number>): PooledDone['stage'] {
  timingsMs.pooled = done.ms;
  if (done.threaded) timingsMs.pooledWait = Date.now() - waitedFrom;
  return done.stage;
}

/**
 * The rules that stop a run before forecasting, for both shells: no accepted row, or more than
 * `validation.maxRejectedShare` of the rows rejected (pipelines/ingest/ingest-warnings.ts).
 * @throws InputError naming the input and where its rejected rows will be listed.
 */
export function assertForecastable(prep: Pick<PreparedRun, 'series' | 'input' | 'outDir' | 'runId' | 'rows' | 'issues' | 'period'>, validation: Config['validation']): void {
  const where = join(failedRunDirOf(prep.outDir, prep.runId), 'rejected.csv');
  if (prep.series.length === 0 && prep.rows.accepted > 0) {
    // every accepted row fell in a part-week or part-month left out of the history (to-periods.ts)
    throw new InputError(`the accepted rows of ${quoteInput(prep.input.path)} cover no whole ${gridOf(prep).frequency}, so there is nothing to forecast; give a longer export or --frequency day`);
  }
  if (prep.series.length === 0) throw new InputError(`no row of ${quoteInput(prep.input.path)} was accepted, so there is nothing to forecast; ${where} says why`);
  checkRejectedShare({ rows: prep.rows, issueCounts: prep.issues }, validation, where);
}

/**
 * Keep a run that failed after stage 1 as `OUT/runs/<runId>.failed`: its staging directory (with
 * rejected.csv and whatever was written) and a run.json whose `failure` says the stage and the
 * message; then a `failed` record in the run history. `latest` is left as it is. Best effort: a
 * failure here (a full disk) must not hide the run's own error, so it is swallowed.
 * @returns the failed run's directory, or null when it could not be kept.
 */
export async function keepFailed(prep: PreparedRun, stage: FailedStage, error: unknown, mode: RunSummary['mode'], command: RunSummary['command'] = 'run'): Promise<string | null> {
  const summary = baseSummary(prep, command, mode);
  const message = safeMessage(error instanceof Error ? error.message : String(error), { max: 1000 });
  summary.failure = { stage, message, exitCode: exitCodeOf(error) };
  summary.finishedAt = new Date().toISOString();
  let dir: string | null = null;
  try {
    // a run that failed after its promote (its history append) is complete: nothing to keep
    if (!existsSync(prep.stagingDir)) return null;
    await writeRunJson(prep.stagingDir, summary);
    dir = await keepFailedRun(prep.outDir, prep.stagingDir, prep.runId);
  } catch {
    await rm(prep.stagingDir, { recursive: true, force: true }).catch(() => {});
  }
  await appendHistory(historyPath(prep.outDir), {
    type: 'failed',
    v: 1,
    runId: prep.runId,
    runDate: prep.runDate,
    recordedAt: summary.finishedAt,
    mode,
    runDir: dir ? `runs/${prep.runId}.failed` : null,
    stage,
    message,
    exitCode: summary.failure.exitCode,
    rows: prep.rows,
  }).catch(() => {});
  return dir;
}

/** File of a prepared run's series and metadata inside its work directory. */
export const PREPARED_FILE = 'prepared.bin';

/**
 * Write a PreparedRun to a directory (`stagingDir`) as one series file (pipelines/io/series-file.ts):
 * everything but the series arrays in its header, the arrays streamed after it, so stateless
 * workers on other machines that share the data directory read only their batch's range.
 * @returns the file's path.
 */
export async function savePrepared(prep: PreparedRun): Promise<string> {
  const { series, ...meta } = prep;
  const path = join(prep.stagingDir, PREPARED_FILE);
  await writeSeriesFile(path, meta, series);
  return path;
}

/**
 * Restore a PreparedRun written by {@link savePrepared}: all its series, or only [from, to)
 * (`series` then holds just those; `seriesCount` says how many the run has).
 */
export async function loadPrepared(dir: string, range?: { from: number; to: number }): Promise<PreparedRun & { seriesCount: number }> {
  const file = await readSeriesFile<Omit<PreparedRun, 'series'>>(join(dir, PREPARED_FILE), range);
  return { ...file.meta, series: file.series, seriesCount: file.count };
}
