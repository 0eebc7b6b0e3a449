/**
 * The defect-injection experiment: how much accuracy each kind of data defect costs, with and
 * without the cleaning stage, measured on days the defects never touch.
 *
 * Design:
 * 1. The clean input is ingested once as it is (no cleaning) to get the truth: every series'
 *    demand. The last `heldOutDays` days of it ({@link lastDataDay}) are held out; the rest is
 *    the training window.
 * 2. Scenarios: the baseline (the training rows as they are) and one scenario per defect spec,
 *    each made by {@link injectDefects} on a copy of the training rows' CSV text (so the damage
 *    goes through the real ingest, validation and cleaning path), with the same seed.
 * 3. Each scenario runs through the pipeline's own stages (`prepareRun` then `forecastBatch`,
 *    pipelines/run/run.ts) in two arms:
 *    - `raw`: no data repair at all: `cleaning.enabled = false`, and validation keeps exact
 *      duplicate lines (`duplicateLines: keep`) and unmarked negative quantities
 *      (`rejectUnmarkedNegatives = false`); rows that cannot be read at all are still rejected;
 *    - `cleaned`: the settings as given (cleaning on by default).
 * 4. Every forecast is scored on the held-out days against the clean actuals: RMSSE per series
 *    (pipelines/forecast/metrics.ts; scale from the clean training history, so it is the same in every
 *    scenario), averaged over the clean input's series with a defined scale, plus the M5
 *    revenue-weighted WRMSSE (weights: clean revenue over the last 28 training days). A series
 *    the damaged run did not forecast at all counts as a zero forecast.
 * 5. The loss of a scenario is its RMSSE minus the same arm's baseline RMSSE (so a loss is the
 *    defect's own effect, not the effect of cleaning on clean data, which the baselines show).
 *    The target: loss(cleaned) <= loss(raw) / 3 for each defect whose raw loss is material
 *    (> 0.005 RMSSE); defects that cost nothing even uncleaned are "n/a". The verdict is given
 *    on the mean RMSSE (every series counts the same) and, separately, on the WRMSSE (the big
 *    sellers count most): a defect that lowers every forecast a little (missing rows read as
 *    zero sales) can leave the mean RMSSE flat, since over-forecast slow movers gain what the
 *    big sellers lose, while the WRMSSE shows the cost.
 *
 * Deterministic for a seed: injection is seeded, and the stages are deterministic.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Config } from '../config/schema.js';
import { formatDay, parseIsoDay } from '../pipelines/dates.js';
import { ConfigError, InputError } from '../pipelines/errors.js';
import { detectInjectColumns, injectDefects, splitCsvRecord, type DefectSpec, type InjectColumns, type InjectionLog } from './inject.js';
import { revenueWeight, rmsse, rmsseScale, wrmsse } from '../pipelines/forecast/metrics.js';
import type { SeriesForecast } from '../pipelines/forecast/forecast-series.js';
import { forecastBatch, forecastContext, prepareRun } from '../pipelines/run/run.js';
import { ensureDir, writeFileAtomic } from '../pipelines/io/atomic-write.js';
import { cleanBatch } from '../pipelines/prepare/clean.js';
import { renderExperimentReport } from './report-experiment.js';
import { mean } from '../pipelines/stats.js';
import type { InputKind, SeriesData } from '../pipelines/types.js';
import { columnWidths } from '../pipelines/publish/run-history.js';

/** What one arm's pipeline run returns: the series it forecast and the forecasts. */
export interface ArmOutput {
  /** Last history day of the run. */
  readonly end: number;
  readonly forecasts: readonly SeriesForecast[];
  /** The run's series (the truth run reads them). */
  readonly series: readonly SeriesData[];
}

/**
 * Runs the pipeline on one file with one configuration. The default runs the real stages
 * (`prepareRun` + `forecastBatch` of pipelines/run/run.ts) in a scratch output directory.
 */
export type ArmRunner = (args: { input: string; calendar?: string; config: Config; runDate: string; horizon: number; scratchDir: string }) => Promise<ArmOutput>;

/** Settings of {@link runExperiment}. */
export interface ExperimentOptions {
  /** The clean sales file (CSV, optionally .gz), one record per line. */
  readonly input: string;
  /** Optional calendar file passed to every run. */
  readonly calendar?: string;
  /** Defects, each run as its own scenario. */
  readonly defects: readonly DefectSpec[];
  readonly seed: number;
  /** Settings of the cleaned arm (the raw arm derives from it, module comment). */
  readonly config: Config;
  /** Scratch directory (created; its contents are removed at the end unless `keepFiles`). */
  readonly workDir: string;
  /** Rows dated after this day (YYYY-MM-DD) are ignored. @defaultValue none */
  readonly runDate?: string;
  /** Held-out days at the end of the data. @defaultValue 28 */
  readonly heldOutDays?: number;
  /** Keep only the first N series (store, sku sorted) for a quicker run. @defaultValue all */
  readonly maxSeries?: number;
  /** Keep only the last N training days for a quicker run. @defaultValue all */
  readonly trainDays?: number;
  /** Columns for the injector; auto-detected when left out. */
  readonly columns?: InjectColumns;
  /** Keep the damaged files and run directories. @defaultValue false */
  readonly keepFiles?: boolean;
  readonly onProgress?: (message: string) => void;
  /** Pipeline runner; defaults to the real stages. */
  readonly runner?: ArmRunner;
}

/** The two arms. */
export type Arm = 'raw' | 'cleaned';

/** One scenario in one arm. */
export interface ExperimentRow {
  /** `baseline` or the defect type. */
  readonly scenario: string;
  readonly rate: number;
  readonly arm: Arm;
  /** Mean RMSSE over the scored series on the held-out days. */
  readonly rmsse: number;
  readonly wrmsse: number;
  /** rmsse - the arm's baseline rmsse (0 for the baseline itself). */
  readonly loss: number;
  readonly wrmsseLoss: number;
  /** Scored series, and those of them the run did not forecast (scored as zero forecasts). */
  readonly seriesScored: number;
  readonly seriesMissing: number;
  readonly rowsIn: number;
  readonly rowsOut: number;
  /** Rows (or, for `truncated`, rows of the series) the defect touched. */
  readonly rowsAffected: number;
  readonly seconds: number;
}

/** The verdict per defect. */
export interface DefectVerdict {
  readonly defect: string;
  readonly rate: number;
  readonly lossRaw: number;
  readonly lossCleaned: number;
  /** lossCleaned / lossRaw; null when the raw loss is not material. */
  readonly ratio: number | null;
  /** `met` (ratio <= 1/3), `not met`, or `n/a` (raw loss <= 0.005). */
  readonly target: 'met' | 'not met' | 'n/a';
  /** The same on the revenue-weighted WRMSSE (M5's headline measure), which weighs the big sellers. */
  readonly wrmsse: { readonly lossRaw: number; readonly lossCleaned: number; readonly ratio: number | null; readonly target: 'met' | 'not met' | 'n/a' };
}

/** Everything the experiment found. */
export interface ExperimentResult {
  readonly seed: number;
  readonly heldOut: { readonly from: string; readonly to: string; readonly days: number };
  readonly train: { readonly from: string; readonly to: string; readonly rows: number };
  readonly seriesScored: number;
  readonly rows: ExperimentRow[];
  readonly verdicts: DefectVerdict[];
  readonly injections: InjectionLog[];
}

/** Raw-arm settings: no cleaning, and validation that repairs nothing it could keep (module comment). */
export function rawArmConfig(config: Config): Config {
  return {
    ...config,
    cleaning: { ...config.cleaning, enabled: false },
    validation: { ...config.validation, duplicateLines: 'keep', rejectUnmarkedNegatives: false },
  };
}

/** Material raw loss for the target (RMSSE units). */
export const MATERIAL_LOSS = 0.005;

/** The default runner: the pipeline's own stages in a scratch directory (removed afterwards). */
export const stageRunner: ArmRunner = async ({ input, calendar, config, runDate, horizon, scratchDir }) => {
  const cfg: Config = { ...config, horizon };
  // the replay of the order policy is not part of an accuracy experiment
  const prep = await prepareRun({ input, calendar, outDir: scratchDir, config: cfg, runDate, runId: 'experiment', replay: false });
  try {
    // prepareRun cleans when config.cleaning.enabled; clean here only if it did not
    const series = cfg.cleaning.enabled && prep.cleaning === null ? cleanBatch(prep.series, cfg, { kind: prep.input.kind as InputKind }).series : prep.series;
    const forecasts = forecastBatch(series, forecastContext(prep, cfg));
    return { end: prep.end, forecasts, series: prep.series };
  } finally {
    await rm(prep.stagingDir, { recursive: true, force: true });
  }
};

async function readText(path: string): Promise<string> {
  const buf = await readFile(path);
  return (path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

/** Split CSV text into header, and lines with their day number (NaN when unparseable) and series key. */
function indexLines(text: string, cols: { date: number; sku: number; store?: number }): { header: string; lines: string[]; days: Float64Array; keys: string[] } {
  const all = text.split('\n');
  if (all.length && all[all.length - 1] === '') all.pop();
  const header = (all[0] ?? '').replace(/\r$/, '');
  const lines = all.slice(1).map((l) => l.replace(/\r$/, ''));
  const days = new Float64Array(lines.length);
  const keys: string[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const f = splitCsvRecord(lines[i]) ?? [];
    days[i] = parseIsoDay((f[cols.date] ?? '').trim().slice(0, 10));
    keys[i] = `${cols.store === undefined ? '' : (f[cols.store] ?? '')}\u0000${f[cols.sku] ?? ''}`;
  }
  return { header, lines, days, keys };
}

/**
 * The last day of the data: the latest day holding more than a quarter of the median number of
 * rows per day, on or before `notAfter`, so that a few stray rows with far-future dates (which
 * validation would reject) do not move the held-out window.
 * @returns the day number, or NaN when no day qualifies.
 */
export function lastDataDay(days: ArrayLike<number>, notAfter = Infinity): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < days.length; i++) {
    const d = days[i];
    if (Number.isFinite(d) && d <= notAfter) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  if (counts.size === 0) return NaN;
  const c = [...counts.values()].sort((a, b) => a - b);
  const median = c[c.length >> 1];
  let last = NaN;
  for (const [d, n] of counts) if (n > 0.25 * median && !(d <= last)) last = d;
  return last;
}

/**
 * Run the experiment (module comment).
 *
 * @returns per scenario and arm the held-out accuracy and loss, and the verdict per defect.
 * @throws ConfigError for a held-out span below 1 day or no defect; InputError when the input has
 *   no parseable date, fewer than heldOutDays + 56 days or no scorable series; Error when it lacks
 *   the date/sku/quantity columns, or what a pipeline stage throws.
 */
export async function runExperiment(options: ExperimentOptions): Promise<ExperimentResult> {
  const H = options.heldOutDays ?? 28;
  if (!Number.isInteger(H) || H < 1) throw new ConfigError(`runExperiment needs heldOutDays >= 1, got ${H}`);
  if (options.defects.length === 0) throw new ConfigError('runExperiment needs at least one defect');
  const runner = options.runner ?? stageRunner;
  const say = options.onProgress ?? (() => {});
  await ensureDir(options.workDir);
  const t0 = Date.now();

  const text = await readText(options.input);
  const cols = injectColumnsOf(text, options.columns);
  const split = splitHeldOut(text, cols, options, H);
  const { cut, maxDay } = split;
  const truthFile = join(options.workDir, 'truth.csv');
  await writeFile(truthFile, split.truthLines.join('\n') + '\n');

  // 1. The truth: the clean data ingested as it is.
  const raw = rawArmConfig(options.config);
  say(`truth: ingesting ${split.truthLines.length - 1} rows`);
  const truth = await runner({ input: truthFile, calendar: options.calendar, config: raw, runDate: formatDay(maxDay), horizon: 1, scratchDir: join(options.workDir, 'truth') });
  if (!options.keepFiles) await rm(truthFile, { force: true });
  const scored = scorableSeries(truth.series, cut, maxDay, H);
  if (scored.length === 0) throw new InputError('runExperiment: no series has a defined RMSSE scale on the training days');
  const weights = Float64Array.from(scored, (s) => s.weight);

  // 2.-5. The scenarios, each in both arms, scored against the truth.
  const rows: ExperimentRow[] = [];
  const injections: InjectionLog[] = [];
  const baseline: Record<Arm, { rmsse: number; wrmsse: number }> = { raw: { rmsse: NaN, wrmsse: NaN }, cleaned: { rmsse: NaN, wrmsse: NaN } };
  for (const spec of [null, ...options.defects]) {
    const tag = spec ? `${spec.type}-${spec.rate}` : 'baseline';
    const scenario = spec ? injectDefects(split.trainText, [spec], { seed: options.seed, protectFromDay: cut, columns: { date: cols.date, sku: cols.sku, quantity: cols.quantity, store: cols.store } }) : null;
    const log = scenario ? scenario.log[0] : null;
    if (log) injections.push(log);
    const file = join(options.workDir, `${tag}.csv`);
    await writeFile(file, scenario ? scenario.text : split.trainText);
    for (const arm of ['raw', 'cleaned'] as Arm[]) {
      const t = Date.now();
      say(`${tag} ${arm}: running the pipeline`);
      const config = arm === 'raw' ? raw : options.config;
      const out = await runner({ input: file, calendar: options.calendar, config, runDate: formatDay(cut - 1), horizon: H, scratchDir: join(options.workDir, `${tag}-${arm}`) });
      const score = scoreArm(out, scored, weights, cut, H);
      if (!spec) baseline[arm] = { rmsse: score.rmsse, wrmsse: score.wrmsse };
      rows.push({
        scenario: spec ? spec.type : 'baseline',
        rate: spec ? spec.rate : 0,
        arm,
        rmsse: score.rmsse,
        wrmsse: score.wrmsse,
        loss: score.rmsse - baseline[arm].rmsse,
        wrmsseLoss: score.wrmsse - baseline[arm].wrmsse,
        seriesScored: scored.length,
        seriesMissing: score.missing,
        rowsIn: split.trainRows,
        rowsOut: scenario ? scenario.rowsOut : split.trainRows,
        rowsAffected: log ? log.rowsAffected : 0,
        seconds: (Date.now() - t) / 1000,
      });
      say(`${tag} ${arm}: RMSSE ${score.rmsse.toFixed(4)} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
      if (!options.keepFiles) await rm(join(options.workDir, `${tag}-${arm}`), { recursive: true, force: true });
    }
    if (!options.keepFiles) await rm(file, { force: true });
  }
  if (!options.keepFiles) await rm(join(options.workDir, 'truth'), { recursive: true, force: true });
  say(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return {
    seed: options.seed,
    heldOut: { from: formatDay(cut), to: formatDay(maxDay), days: H },
    train: { from: formatDay(split.firstTrain), to: formatDay(cut - 1), rows: split.trainRows },
    seriesScored: scored.length,
    rows,
    verdicts: verdictsOf(options.defects, rows),
    injections,
  };
}

/** The injector's column indexes: the ones given (by name or index), else detected from the header. */
function injectColumnsOf(text: string, given: InjectColumns | undefined): { date: number; sku: number; quantity: number; store?: number } {
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const headerFields = splitCsvRecord(firstLine.replace(/\r$/, '')) ?? [];
  if (!given) return detectInjectColumns(headerFields);
  const idx = (c: string | number) => (typeof c === 'number' ? c : headerFields.findIndex((h) => h.trim().toLowerCase() === c.toLowerCase()));
  return { date: idx(given.date), sku: idx(given.sku), quantity: idx(given.quantity), store: given.store === undefined ? undefined : idx(given.store) };
}

/** The input split at the held-out window (design step 1): the truth's lines and the training rows' text. */
interface HeldOutSplit {
  /** First held-out day. */
  readonly cut: number;
  /** Last data day ({@link lastDataDay}). */
  readonly maxDay: number;
  /** Header and every kept line (training and held-out days). */
  readonly truthLines: readonly string[];
  /** Header and the training lines, as CSV text. */
  readonly trainText: string;
  readonly trainRows: number;
  readonly firstTrain: number;
}

/**
 * Split the input's lines at the last `H` data days, keeping the first `maxSeries` series and the
 * last `trainDays` training days when asked; rows dated after the last data day (stray future
 * dates) are left out of every copy.
 * @throws InputError without a parseable date or with fewer than 56 training days.
 */
function splitHeldOut(text: string, cols: { date: number; sku: number; store?: number }, options: ExperimentOptions, H: number): HeldOutSplit {
  const { header, lines, days, keys } = indexLines(text, cols);
  const maxDay = lastDataDay(days, options.runDate === undefined ? Infinity : parseIsoDay(options.runDate));
  if (!Number.isFinite(maxDay)) throw new InputError(`runExperiment: no parseable dates in ${options.input}`);
  const cut = maxDay - H + 1;
  const allowed = options.maxSeries !== undefined ? new Set([...new Set(keys)].sort().slice(0, options.maxSeries)) : null;
  const trainFrom = options.trainDays !== undefined ? cut - options.trainDays : -Infinity;
  const keep = (i: number) => (!allowed || allowed.has(keys[i])) && !(days[i] < trainFrom) && !(days[i] > maxDay);
  const truthLines: string[] = [header];
  const trainLines: string[] = [header];
  let firstTrain = Infinity;
  for (let i = 0; i < lines.length; i++) {
    if (!keep(i)) continue;
    truthLines.push(lines[i]);
    if (!(days[i] >= cut)) {
      trainLines.push(lines[i]);
      if (days[i] < firstTrain) firstTrain = days[i];
    }
  }
  if (!(cut - firstTrain >= 56)) throw new InputError(`forecast impact needs at least 56 days of sales before the ${H} held-out days (--held-out), and this input has ${Math.max(0, cut - firstTrain)}: give a longer history or fewer held-out days`);
  return { cut, maxDay, truthLines, trainText: trainLines.join('\n') + '\n', trainRows: trainLines.length - 1, firstTrain };
}

/** A truth series scored on the held-out days: its RMSSE scale and revenue weight from the training days, and its actuals. */
interface ScoredSeries {
  readonly key: string;
  readonly scale: number;
  readonly weight: number;
  readonly actual: Float64Array;
}

/** The truth's series that cover the held-out days and have a defined RMSSE scale on at least 2 training days (design step 4). */
function scorableSeries(truth: readonly SeriesData[], cut: number, maxDay: number, H: number): ScoredSeries[] {
  const scored: ScoredSeries[] = [];
  for (const s of truth) {
    const cutIdx = cut - s.start;
    if (cutIdx < 2 || s.start + s.demand.length - 1 < maxDay) continue;
    const train = s.demand.subarray(0, cutIdx);
    const scale = rmsseScale(train);
    if (!(scale > 0)) continue;
    scored.push({ key: s.key, scale, weight: revenueWeight(train, s.price.subarray(0, cutIdx), 28), actual: s.demand.slice(cutIdx, cutIdx + H) });
  }
  return scored;
}

/**
 * One arm's held-out accuracy: mean RMSSE and WRMSSE over the scored series; a series the arm
 * did not forecast counts as a zero forecast (`missing`); when the damaged data ends early the
 * forecast is read from the held-out days on (its last value repeated past its end).
 */
function scoreArm(out: ArmOutput, scored: readonly ScoredSeries[], weights: Float64Array, cut: number, H: number): { rmsse: number; wrmsse: number; missing: number } {
  const lag = cut - 1 - out.end; // > 0 when the damaged data ends early
  const byKey = new Map<string, SeriesForecast>();
  for (const f of out.forecasts) byKey.set(`${f.store}\u0000${f.sku}`, f);
  const scores = new Float64Array(scored.length);
  let missing = 0;
  const fc = new Float64Array(H);
  for (let i = 0; i < scored.length; i++) {
    const s = scored[i];
    const f = byKey.get(s.key);
    fc.fill(0);
    if (!f) missing++;
    else for (let j = 0; j < H; j++) fc[j] = f.mean[j + lag] ?? f.mean[f.mean.length - 1] ?? 0;
    scores[i] = rmsse(s.actual, fc, s.scale);
  }
  return { rmsse: mean(scores), wrmsse: wrmsse(scores, weights), missing };
}

/** The verdict per defect (design step 5), on the mean RMSSE and on the WRMSSE. */
function verdictsOf(defects: readonly DefectSpec[], rows: readonly ExperimentRow[]): DefectVerdict[] {
  const judge = (raw: number, cleaned: number) => {
    const material = raw > MATERIAL_LOSS;
    return { lossRaw: raw, lossCleaned: cleaned, ratio: material ? cleaned / raw : null, target: (!material ? 'n/a' : cleaned <= raw / 3 ? 'met' : 'not met') as DefectVerdict['target'] };
  };
  return defects.map((d) => {
    const r = rows.find((x) => x.scenario === d.type && x.rate === d.rate && x.arm === 'raw') as ExperimentRow;
    const c = rows.find((x) => x.scenario === d.type && x.rate === d.rate && x.arm === 'cleaned') as ExperimentRow;
    return { defect: d.type, rate: d.rate, ...judge(r.loss, c.loss), wrmsse: judge(r.wrmsseLoss, c.wrmsseLoss) };
  });
}

/** Columns of experiment.csv. */
export const EXPERIMENT_COLUMNS = ['scenario', 'rate', 'arm', 'rmsse', 'wrmsse', 'loss', 'wrmsse_loss', 'series_scored', 'series_missing', 'rows_in', 'rows_out', 'rows_affected', 'seconds'] as const;

/** experiment.csv text: one line per scenario and arm. */
export function experimentCsv(result: ExperimentResult): string {
  const n = (x: number, d = 4) => (Number.isFinite(x) ? String(Number(x.toFixed(d))) : '');
  const lines = [EXPERIMENT_COLUMNS.join(',')];
  for (const r of result.rows) {
    lines.push([r.scenario, n(r.rate), r.arm, n(r.rmsse), n(r.wrmsse), n(r.loss), n(r.wrmsseLoss), r.seriesScored, r.seriesMissing, r.rowsIn, r.rowsOut, r.rowsAffected, n(r.seconds, 1)].join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** A fixed-width text table of the verdicts per defect, for the terminal. */
export function formatVerdicts(result: ExperimentResult): string {
  const base = (arm: Arm) => result.rows.find((r) => r.scenario === 'baseline' && r.arm === arm);
  const head = ['defect', 'rate', 'RMSSE raw', 'RMSSE cleaned', 'loss raw', 'loss cleaned', 'ratio', 'target (<= 1/3)', 'WRMSSE loss raw', 'WRMSSE loss cleaned', 'WRMSSE target'];
  const f = (x: number | null | undefined, d = 4) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));
  const body: string[][] = [['baseline', '0', f(base('raw')?.rmsse), f(base('cleaned')?.rmsse), '-', '-', '-', '-', `(${f(base('raw')?.wrmsse)})`, `(${f(base('cleaned')?.wrmsse)})`, '-']];
  for (const v of result.verdicts) {
    const rr = result.rows.find((r) => r.scenario === v.defect && r.rate === v.rate && r.arm === 'raw');
    const rc = result.rows.find((r) => r.scenario === v.defect && r.rate === v.rate && r.arm === 'cleaned');
    body.push([v.defect, String(v.rate), f(rr?.rmsse), f(rc?.rmsse), f(v.lossRaw), f(v.lossCleaned), f(v.ratio, 2), v.target, f(v.wrmsse.lossRaw), f(v.wrmsse.lossCleaned), v.wrmsse.target]);
  }
  const widths = columnWidths(head, body);
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [
    `held-out ${result.heldOut.from}..${result.heldOut.to} (${result.heldOut.days} days), ${result.seriesScored} series scored, seed ${result.seed}`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n') + '\n';
}

/** Columns of experiment-verdicts.csv. */
export const VERDICT_COLUMNS = ['defect', 'rate', 'loss_raw', 'loss_cleaned', 'ratio', 'target', 'wrmsse_loss_raw', 'wrmsse_loss_cleaned', 'wrmsse_ratio', 'wrmsse_target'] as const;

/**
 * Write the experiment's outputs into `dir`: experiment.csv (every scenario and arm),
 * experiment-verdicts.csv (one line per defect), experiment.json (everything) and
 * experiment.html (the chart). Each file is written atomically.
 * @returns the file names written.
 * @throws OutputError when a file cannot be written.
 */
export async function writeExperiment(dir: string, result: ExperimentResult, title?: string): Promise<string[]> {
  await ensureDir(dir);
  const n = (x: number | null) => (x === null || !Number.isFinite(x) ? '' : String(Number(x.toFixed(4))));
  const verdicts = [VERDICT_COLUMNS.join(','), ...result.verdicts.map((v) => [v.defect, v.rate, n(v.lossRaw), n(v.lossCleaned), n(v.ratio), v.target, n(v.wrmsse.lossRaw), n(v.wrmsse.lossCleaned), n(v.wrmsse.ratio), v.wrmsse.target].join(','))].join('\r\n') + '\r\n';
  await writeFileAtomic(join(dir, 'experiment.csv'), experimentCsv(result));
  await writeFileAtomic(join(dir, 'experiment-verdicts.csv'), verdicts);
  await writeFileAtomic(join(dir, 'experiment.json'), JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  await writeFileAtomic(join(dir, 'experiment.html'), renderExperimentReport(result, title));
  return ['experiment.csv', 'experiment-verdicts.csv', 'experiment.json', 'experiment.html'];
}
