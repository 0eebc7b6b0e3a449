/**
 * Accuracy on weekly and monthly data (bench/period-sets.ts: the M5 slice by week and by month,
 * Online Retail by week): the last periods of each set held out and forecast from the rest by the
 * product's forecasting stage (pipelines/forecast/forecast-series.ts with the period grid, default
 * settings), against R forecast 8.20's ets, thetaf, snaive, naive and SBA on the same split
 * (bench/r/periods.R, bench/r/periods-<set>.csv.gz).
 *
 * Scores per set: mean over series of RMSSE (scale: mean squared one-step difference of the
 * training periods from the first sale, pipelines/forecast/metrics.ts), and the share of held-out
 * periods inside the 80% and 95% intervals (the strategy's published intervals; R's where it gives
 * them). A method that failed on a series (R's snaive on a history shorter than a season) is
 * scored with naive's forecast there and counted. The cleaning stage is not applied: it works on
 * daily series so far.
 *
 * Usage: node dist/bench/period-accuracy.js ../shared/data [--set NAME] [--singles] [--json] [--offset=K]
 *   --singles also scores each candidate model alone (config `models.candidates = [name]`);
 *   --offset=K holds out the `holdout` periods ending K periods before the set's last one (an
 *   earlier test period, to choose a rule on before confirming it on the last one; R's reference
 *   forecasts exist for offset 0 only, so they are left out otherwise).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { defaultConfig, type Config } from '../config/schema.js';
import { PERIOD_CANDIDATES } from '../pipelines/forecast/classify.js';
import { forecastSeries, type SeriesForecast } from '../pipelines/forecast/forecast-series.js';
import { rmsse } from '../pipelines/forecast/metrics.js';
import { truncateSeries } from './m5-accuracy.js';
import { loadPeriodSets, type PeriodSet } from './period-sets.js';

/** R methods of bench/r/periods.R. */
export const R_METHODS = ['ets', 'thetaf', 'snaive', 'naive', 'sba'] as const;

/** A method's forecasts: mean and optional bounds per band, per series (null where it failed). */
export interface MethodForecasts {
  readonly method: string;
  readonly bands: (Record<string, number[]> | null)[];
}

/** Scores of one method on one set. */
export interface MethodScore {
  method: string;
  meanRmsse: number;
  /** Share of held-out periods inside the 80% / 95% intervals; null without intervals. */
  coverage80: number | null;
  coverage95: number | null;
  /** Series where the method failed (scored with naive's forecast instead). */
  failures: number;
}

/** Everything measured on one set. */
export interface SetResult {
  set: string;
  frequency: string;
  series: number;
  holdout: number;
  selection: string;
  strategy: MethodScore;
  r: MethodScore[];
  singles: MethodScore[];
  choices: Record<string, number>;
  classes: Record<string, number>;
  fallbacks: number;
  /** CPU ms per series of the strategy (forecastSeries calls). */
  msPerSeries: number;
}

/** R reference forecasts of a set, keyed by method then `store\u0000sku`. */
export function loadRForecasts(path: string): Map<string, Map<string, Record<string, number[]>>> | undefined {
  if (!existsSync(path)) return undefined;
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n').filter((l) => l.trim() !== '');
  const out = new Map<string, Map<string, Record<string, number[]>>>();
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    const [store, sku, method, band] = f;
    let m = out.get(method);
    if (!m) out.set(method, (m = new Map()));
    const key = `${store}\u0000${sku}`;
    const rec = m.get(key) ?? {};
    rec[band] = f.slice(4).map(Number);
    m.set(key, rec);
  }
  return out;
}

/** Path of bench/r/periods-<set>.csv.gz beside the compiled or source file. */
export function rReferencePath(set: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const name = `r/periods-${set}.csv.gz`;
  const candidates = [resolve(here, name), resolve(here, '../../bench', name), resolve(here, '../../../bench', name)];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** Held-out actuals and training histories of a set, the test periods ending `offset` periods before its last. */
function split(set: PeriodSet, offset = 0): { end: number; actuals: Float64Array[]; trains: Float64Array[] } {
  const end = set.last - set.holdout - offset;
  const e = end - set.first;
  return {
    end,
    actuals: set.series.map((s) => s.demand.slice(e + 1, e + 1 + set.holdout)),
    trains: set.series.map((s) => s.demand.slice(0, e + 1)),
  };
}

/** The strategy's forecasts of a set with a config. */
export function strategyForecasts(set: PeriodSet, config: Config, offset = 0): { out: SeriesForecast[]; ms: number } {
  const { end } = split(set, offset);
  const t = process.cpuUsage();
  const out = set.series.map((s) =>
    forecastSeries(truncateSeries(s, end), { config, end, horizon: set.holdout, calendar: set.calendar, grid: set.grid }),
  );
  return { out, ms: cpuMs(t) / set.series.length };
}

/**
 * Score forecasts: mean RMSSE and coverage (module comment).
 *
 * @param stand Stand-in mean forecasts where a method failed (naive's).
 */
export function scoreMethod(method: string, bands: (Record<string, number[]> | null)[], actuals: Float64Array[], trains: Float64Array[], stand: number[][]): MethodScore {
  let failures = 0;
  let sum = 0;
  let count = 0;
  const inside = { '80': 0, '95': 0 };
  const total = { '80': 0, '95': 0 };
  bands.forEach((b, i) => {
    let mean = b?.mean;
    if (!mean) {
      failures++;
      mean = stand[i];
    }
    const v = rmsse(actuals[i], mean, trains[i]);
    if (Number.isFinite(v)) {
      sum += v;
      count++;
    }
    for (const l of ['80', '95'] as const) {
      const lo = b?.[`lo${l}`];
      const hi = b?.[`hi${l}`];
      if (!lo || !hi) continue;
      for (let j = 0; j < actuals[i].length; j++) {
        total[l]++;
        if (actuals[i][j] >= lo[j] - 1e-9 && actuals[i][j] <= hi[j] + 1e-9) inside[l]++;
      }
    }
  });
  return {
    method,
    meanRmsse: sum / count,
    coverage80: total['80'] ? inside['80'] / total['80'] : null,
    coverage95: total['95'] ? inside['95'] / total['95'] : null,
    failures,
  };
}

function asBands(f: SeriesForecast): Record<string, number[]> {
  return { mean: f.mean, lo80: f.lo['80'], hi80: f.hi['80'], lo95: f.lo['95'], hi95: f.hi['95'] };
}

/** Run the benchmark on one set. */
export function runSet(set: PeriodSet, config: Config = defaultConfig(), singles = false, offset = 0): SetResult {
  const { actuals, trains } = split(set, offset);
  const h = set.holdout;
  const { out, ms } = strategyForecasts(set, config, offset);
  // naive as the stand-in for a failed method: the last training value
  const stand = trains.map((y) => new Array<number>(h).fill(y[y.length - 1]));
  const strategy = scoreMethod('strategy', out.map(asBands), actuals, trains, stand);
  const refs = offset === 0 ? loadRForecasts(rReferencePath(set.name)) : undefined;
  const r: MethodScore[] = [];
  if (refs) {
    for (const m of R_METHODS) {
      const byKey = refs.get(m);
      r.push(scoreMethod(`R ${m}`, set.series.map((s) => byKey?.get(s.key) ?? null), actuals, trains, stand));
    }
  }
  const singleScores: MethodScore[] = [];
  if (singles && set.grid.frequency !== 'day') {
    const names = [...new Set([...PERIOD_CANDIDATES[set.grid.frequency].smooth, ...PERIOD_CANDIDATES[set.grid.frequency].intermittent])];
    for (const name of names) {
      const c = structuredClone(config);
      c.models.candidates = [name];
      c.models.combineTop = 1;
      const fc = strategyForecasts(set, c, offset).out;
      singleScores.push(scoreMethod(name, fc.map((f) => (f.model === name ? asBands(f) : null)), actuals, trains, stand));
    }
  }
  const choices: Record<string, number> = {};
  const classes: Record<string, number> = {};
  for (const f of out) {
    choices[f.model] = (choices[f.model] ?? 0) + 1;
    classes[f.demandClass] = (classes[f.demandClass] ?? 0) + 1;
  }
  return {
    set: offset === 0 ? set.name : `${set.name}@${offset}`,
    frequency: set.grid.frequency,
    series: set.series.length,
    holdout: h,
    selection: set.selection,
    strategy,
    r,
    singles: singleScores,
    choices: Object.fromEntries(Object.entries(choices).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 12)),
    classes,
    fallbacks: out.filter((f) => f.fallback).length,
    msPerSeries: ms,
  };
}

/** Run every set (or the one named). */
export async function runPeriodAccuracy(dataDir: string, config: Config = defaultConfig(), only?: string, singles = false, offset = 0): Promise<SetResult[]> {
  const sets = (await loadPeriodSets(dataDir)).filter((s) => !only || s.name === only);
  return sets.map((s) => runSet(s, config, singles, offset));
}

/** Print a set's result as a table. */
export function printSetResult(r: SetResult): void {
  const pct = (x: number | null): string => (x === null ? '     -' : `${(100 * x).toFixed(1)}%`.padStart(6));
  const row = (m: MethodScore): string =>
    `  ${m.method.padEnd(22)} ${m.meanRmsse.toFixed(4).padStart(9)} ${pct(m.coverage80)} ${pct(m.coverage95)}${m.failures ? `   (${m.failures} series failed: naive stood in)` : ''}`;
  console.log(`${r.set} (${r.frequency}): ${r.series} series, last ${r.holdout} periods held out; ${r.selection}`);
  console.log(`  ${'method'.padEnd(22)} ${'meanRMSSE'.padStart(9)} ${'cov80'.padStart(6)} ${'cov95'.padStart(6)}`);
  console.log(row(r.strategy));
  for (const m of r.r) console.log(row(m));
  for (const m of r.singles) console.log(row({ ...m, method: `alone: ${m.method}` }));
  console.log(`  classes ${JSON.stringify(r.classes)}; fallbacks ${r.fallbacks}; strategy ${r.msPerSeries.toFixed(2)} CPU ms/series`);
  console.log(`  choices ${JSON.stringify(r.choices)}`);
}

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const i = process.argv.indexOf('--set');
  const offsetArg = process.argv.find((a) => a.startsWith('--offset='));
  const offset = offsetArg ? Number(offsetArg.slice('--offset='.length)) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`--offset needs a whole number of periods >= 0, got ${offsetArg}`);
  const results = await runPeriodAccuracy(dataDir, defaultConfig(), i > 0 ? process.argv[i + 1] : undefined, process.argv.includes('--singles'), offset);
  if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
  else for (const r of results) printSetResult(r);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
