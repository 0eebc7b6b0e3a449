/**
 * M5 accuracy benchmark: hold out the last 28 days of the M5 slice, forecast them from the rest
 * (with the calendar), and score with the M5 level-12 definitions (pipelines/forecast/metrics.ts).
 *
 * Reports mean RMSSE and revenue-weighted RMSSE (WRMSSE) of the chosen strategy
 * (pipelines/forecast/forecast-series.ts with the default config), of every single model in the registry
 * (fitted on the same training data, from the first sale), of seasonal naive, and of R's
 * `forecast::ets()` when bench/r/ets-m5.csv is present (written by bench/r/ets-m5.R); plus the
 * empirical coverage of the published 80% and 95% intervals.
 *
 * Usage: node dist/bench/m5-accuracy.js ../shared/data [--json]
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultConfig, type Config } from '../config/schema.js';
import { MODELS } from '../models/index.js';
import type { SeriesInput } from '../models/types.js';
import { loadCalendar, regressorsFor, type Calendar } from '../pipelines/forecast/calendar.js';
import { dayOfWeek, todayDay } from '../pipelines/dates.js';
import { ingestFile } from '../pipelines/ingest/ingest.js';
import { forecastSeries, type SeriesForecast } from '../pipelines/forecast/forecast-series.js';
import { revenueWeight, rmsse, wrmsse } from '../pipelines/forecast/metrics.js';
import type { SeriesData } from '../pipelines/types.js';
import { cleanBatch } from '../pipelines/prepare/clean.js';

/** A series cut at day `end` (inclusive), so no later stage can see the held-out days. */
export function truncateSeries(s: SeriesData, end: number): SeriesData {
  const n = end - s.start + 1;
  return { ...s, demand: s.demand.slice(0, n), returns: s.returns.slice(0, n), price: s.price.slice(0, n), observed: s.observed.slice(0, n) };
}

/** Held-out days (the M5 test horizon). */
export const HOLDOUT = 28;

/** The M5 slice as series, with the day of its last row. */
export interface M5Data {
  series: SeriesData[];
  /** Last day with sales rows. */
  last: number;
  calendar: Calendar;
}

/**
 * Read `m5-slice/sales.csv.gz` through the product's ingest stage (pipelines/ingest/ingest.ts: column
 * mapping, row validation, daily series) and `calendar.csv.gz` through pipelines/forecast/calendar.ts.
 *
 * @param dataDir The shared data directory (holding `m5-slice/`).
 * @throws when the files are missing, a row is rejected (the slice is clean), or no series results.
 */
export async function loadM5(dataDir: string): Promise<M5Data> {
  const dir = join(dataDir, 'm5-slice');
  const rejected: string[] = [];
  const r = await ingestFile(join(dir, 'sales.csv.gz'), {
    config: defaultConfig(),
    runDay: todayDay(),
    onReject: (row) => rejected.push(`line ${row.line}: ${row.reason}`),
  });
  if (rejected.length) throw new Error(`loadM5: ${rejected.length} rows of the M5 slice were rejected, e.g. ${rejected.slice(0, 3).join('; ')}`);
  if (r.series.length === 0) throw new Error('loadM5: no series in the M5 slice');
  return { series: r.series, last: r.end, calendar: loadCalendar(join(dir, 'calendar.csv.gz')) };
}

/** R ets() 28-day forecasts from bench/r/ets-m5.csv, keyed by `store\u0000sku`, or undefined when absent. */
export function loadEtsForecasts(path: string): Map<string, number[]> | undefined {
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const out = new Map<string, number[]>();
  for (const line of lines.slice(1)) {
    const f = line.replaceAll('"', '').split(',');
    out.set(`${f[0]}\u0000${f[1]}`, f.slice(2).map(Number));
  }
  return out;
}

/** Scores of one forecasting method over every series. */
export interface MethodScore {
  method: string;
  meanRmsse: number;
  wrmsse: number;
  /** Series where the method failed and seasonal naive stood in. */
  failures: number;
}

/** Everything the benchmark measures. */
export interface M5Result {
  series: number;
  strategy: MethodScore;
  methods: MethodScore[];
  coverage: Record<string, number>;
  /** Chosen model per series, counted. */
  choices: Record<string, number>;
  classes: Record<string, number>;
  fallbacks: number;
  msPerSeries: number;
  /** Mean interval width relative to the mean actual, by level. */
  relativeWidth: Record<string, number>;
}

function score(method: string, forecasts: (number[] | Float64Array | null)[], actuals: Float64Array[], trains: Float64Array[], weights: number[], stand: (number[] | Float64Array)[]): MethodScore {
  let failures = 0;
  const scores = forecasts.map((f, i) => {
    if (!f) {
      failures++;
      f = stand[i];
    }
    return rmsse(actuals[i], f, trains[i]);
  });
  let s = 0;
  let n = 0;
  for (const x of scores) if (Number.isFinite(x)) (s += x), n++;
  return { method, meanRmsse: s / n, wrmsse: wrmsse(scores, weights), failures };
}

/**
 * Run the benchmark.
 *
 * @param dataDir Shared data directory.
 * @param config Strategy settings (defaults when omitted).
 * @param etsPath R ets() forecast CSV.
 */
export async function runM5Accuracy(dataDir: string, config: Config = defaultConfig(), etsPath?: string, offset = 0): Promise<M5Result> {
  const data = await loadM5(dataDir);
  // offset > 0 moves the 28 held-out days earlier (validation periods; R's ets file covers offset 0 only)
  const end = data.last - HOLDOUT - offset;
  const h = HOLDOUT;
  const levels = config.intervals.levels;
  const actuals: Float64Array[] = [];
  const trains: Float64Array[] = [];
  const weights: number[] = [];
  for (const s of data.series) {
    const e = end - s.start;
    actuals.push(s.demand.slice(e + 1, e + 1 + h));
    trains.push(s.demand.slice(0, e + 1));
    weights.push(revenueWeight(s.demand.subarray(0, e + 1), s.price.subarray(0, e + 1), 28));
  }

  // the strategy, as the product runs it: training data only, cleaned when config.cleaning.enabled
  const t0 = performance.now();
  const training = data.series.map((s) => truncateSeries(s, end));
  const prepared = config.cleaning.enabled ? cleanBatch(training, config, { kind: 'daily' }).series : training;
  if (prepared.length !== training.length) throw new Error(`m5-accuracy: cleaning merged series (${training.length} -> ${prepared.length}); the slice has no mis-keyed skus`);
  const out: SeriesForecast[] = prepared.map((s) => forecastSeries(s, { config, end, horizon: h, calendar: data.calendar }));
  const msPerSeries = (performance.now() - t0) / data.series.length;
  const coverage: Record<string, number> = {};
  const relativeWidth: Record<string, number> = {};
  for (const l of levels) {
    const k = String(l);
    let inside = 0;
    let total = 0;
    let width = 0;
    let act = 0;
    out.forEach((f, i) => {
      for (let j = 0; j < h; j++) {
        const a = actuals[i][j];
        if (a >= f.lo[k][j] && a <= f.hi[k][j]) inside++;
        total++;
        width += f.hi[k][j] - f.lo[k][j];
        act += a;
      }
    });
    coverage[k] = inside / total;
    relativeWidth[k] = width / act;
  }
  const choices: Record<string, number> = {};
  const classes: Record<string, number> = {};
  for (const f of out) {
    choices[f.model] = (choices[f.model] ?? 0) + 1;
    classes[f.demandClass] = (classes[f.demandClass] ?? 0) + 1;
  }

  // single models, fitted on the same training data from the first sale, the same fit window
  const snaiveFc = singleModel('snaive', data, end, h, config);
  const stand = snaiveFc.map((f) => f ?? new Float64Array(h));
  const methods: MethodScore[] = [];
  for (const name of Object.keys(MODELS)) {
    const fc = name === 'snaive' ? snaiveFc : singleModel(name, data, end, h, config);
    methods.push(score(name, fc, actuals, trains, weights, stand));
  }
  const ets = etsPath && offset === 0 ? loadEtsForecasts(etsPath) : undefined;
  if (ets) methods.push(score('R ets()', data.series.map((s) => ets.get(s.key) ?? null), actuals, trains, weights, stand));
  const strategy = score('strategy', out.map((f) => f.mean), actuals, trains, weights, stand);
  return {
    series: data.series.length,
    strategy,
    methods,
    coverage,
    choices: Object.fromEntries(Object.entries(choices).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    classes,
    fallbacks: out.filter((f) => f.fallback).length,
    msPerSeries,
    relativeWidth,
  };
}

/** Forecasts of one registered model for every series (null where it fails), clipped at 0. */
function singleModel(name: string, data: M5Data, end: number, h: number, config: Config): (Float64Array | null)[] {
  const model = MODELS[name];
  return data.series.map((s) => {
    const e = end - s.start;
    let first = 0;
    while (first <= e && s.demand[first] === 0) first++;
    const n = e + 1 - first;
    const W = config.models.maxHistory > 0 ? Math.min(n, config.models.maxHistory) : n;
    if (W < model.minLength) return null;
    const full = regressorsFor(s, data.calendar, n, h, end);
    const regressors = full && { names: full.names, values: full.values.map((v) => v.subarray(n - W)) };
    const input: SeriesInput = { y: s.demand.subarray(e + 1 - W, e + 1), season: config.season, firstDow: dayOfWeek(end + 1 - W), regressors };
    try {
      const fc = model.forecast(model.fit(input), h, input);
      const m = Float64Array.from(fc.mean, (v) => (v > 0 ? v : 0));
      return m.every(Number.isFinite) ? m : null;
    } catch {
      return null;
    }
  });
}

/** Print a result as a readable table. */
export function printM5Result(r: M5Result): void {
  const row = (m: MethodScore): string =>
    `${m.method.padEnd(22)} ${m.meanRmsse.toFixed(4).padStart(10)} ${m.wrmsse.toFixed(4).padStart(10)}${m.failures ? `   (${m.failures} series failed: snaive stood in)` : ''}`;
  console.log(`M5 slice: ${r.series} series, last ${HOLDOUT} days held out`);
  console.log(`${'method'.padEnd(22)} ${'meanRMSSE'.padStart(10)} ${'WRMSSE'.padStart(10)}`);
  console.log(row(r.strategy));
  for (const m of [...r.methods].sort((a, b) => a.wrmsse - b.wrmsse)) console.log(row(m));
  for (const [k, v] of Object.entries(r.coverage)) {
    console.log(`coverage ${k}%: ${(100 * v).toFixed(1)}%  (mean width / mean actual ${r.relativeWidth[k].toFixed(2)})`);
  }
  console.log(`classes: ${JSON.stringify(r.classes)}`);
  console.log(`choices: ${JSON.stringify(r.choices)}`);
  console.log(`fallbacks: ${r.fallbacks}; strategy time ${r.msPerSeries.toFixed(2)} ms/series (wall clock, includes everything)`);
}

/** bench/r/ets-m5.csv beside the compiled or source file. */
export function defaultEtsPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/bench -> bench/r ; bench -> bench/r
  const candidates = [resolve(here, 'r/ets-m5.csv'), resolve(here, '../../bench/r/ets-m5.csv'), resolve(here, '../../../bench/r/ets-m5.csv')];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const config = defaultConfig();
  if (process.argv.includes('--no-clean')) config.cleaning.enabled = false;
  if (process.argv.includes('--combine-always')) config.models.combine = 'always';
  if (process.argv.includes('--no-stockout-fill')) config.cleaning.stockoutsAsMissing = false;
  if (process.argv.includes('--no-winsorise')) config.cleaning.winsorise = false;
  const origins = process.argv.find((a) => a.startsWith('--origins='));
  if (origins) config.models.backtestOrigins = Number(origins.slice('--origins='.length));
  const offsetArg = process.argv.find((a) => a.startsWith('--offset='));
  const r = await runM5Accuracy(dataDir, config, defaultEtsPath(), offsetArg ? Number(offsetArg.slice('--offset='.length)) : 0);
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  else printM5Result(r);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
