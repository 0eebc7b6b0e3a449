/**
 * Benchmark of the forecasting models on the M5 slice: milliseconds per fit (and per forecast), plus a
 * sanity check of every forecast and the 28-day hold-out accuracy, per model.
 *
 * Usage: node dist/bench/models.js ../shared/data [--series N] [--repeat R] [--models a,b,c]
 *
 * Each series is trimmed to start at its first sale and its last 28 days are held out, so a fit sees up
 * to 1,857 daily points (the longest history the model-choice layer fits on). Timing: every model fits
 * every selected series `repeat` times after one warm-up pass; the figure is total time / fits.
 * The figure is the process CPU time (user + system) of the fastest timed pass divided by the number of
 * series (the machine is shared: CPU time and the minimum are the least disturbed figures; run with
 * `node --expose-gc` so garbage from reading the CSV is collected before timing).
 * Accuracy: RMSSE over the 28 held-out days (scale = in-sample mean squared one-step naive error;
 * Makridakis et al. 2022, M5), averaged over series, negative forecasts clipped at 0.
 * Exit code 1 when a model throws or produces a non-finite forecast, a negative sd, or (intermittent
 * models) a negative mean.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { MODELS } from '../models/index.js';
import type { Model, SeriesInput } from '../models/types.js';
import { dayOfWeek, parseIsoDay } from '../pipelines/dates.js';

/** One M5 series: its training input and the held-out days. */
export interface BenchSeries {
  /** `store/item`. */
  readonly key: string;
  readonly input: SeriesInput;
  readonly test: Float64Array;
}

/** Days held out at the end of every series. */
export const HOLDOUT = 28;

/**
 * Read the M5 slice (`m5-slice/sales.csv.gz`, well-formed: a plain split of each line) into series
 * trimmed to start at their first sale, the last {@link HOLDOUT} days held out; series with fewer than
 * 56 training days are skipped.
 *
 * @param dataDir the shared data directory.
 */
export function readSeries(dataDir: string): BenchSeries[] {
  const text = gunzipSync(readFileSync(join(dataDir, 'm5-slice', 'sales.csv.gz'))).toString('utf8');
  const lines = text.split('\n');
  const byKey = new Map<string, { first: number; units: number[] }>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.length === 0) continue;
    const f = line.split(',');
    const key = `${f[1].replaceAll('"', '')}/${f[2].replaceAll('"', '')}`;
    let s = byKey.get(key);
    if (!s) {
      s = { first: parseIsoDay(f[0].replaceAll('"', '')), units: [] };
      byKey.set(key, s);
    }
    s.units.push(Number(f[5]));
  }
  const out: BenchSeries[] = [];
  for (const [key, s] of byKey) {
    let start = 0;
    while (start < s.units.length && s.units[start] === 0) start++;
    const n = s.units.length - HOLDOUT - start;
    if (n < 56) continue;
    const y = Float64Array.from(s.units.slice(start, start + n));
    const test = Float64Array.from(s.units.slice(start + n));
    out.push({ key, input: { y, season: 7, firstDow: dayOfWeek(s.first + start) }, test });
  }
  return out;
}

/** CPU time of this process (user + system) in ms: less disturbed than wall time on a shared machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * RMSSE of a forecast over the held-out days (M5 scale: mean squared one-step naive error in sample;
 * Makridakis et al. 2022), negative forecasts clipped at 0; NaN when the scale is 0.
 */
export function rmsse(y: Float64Array, test: Float64Array, mean: Float64Array): number {
  let scale = 0;
  for (let t = 1; t < y.length; t++) scale += (y[t] - y[t - 1]) ** 2;
  scale /= y.length - 1;
  let mse = 0;
  for (let j = 0; j < test.length; j++) mse += (test[j] - Math.max(0, mean[j])) ** 2;
  mse /= test.length;
  return scale > 0 ? Math.sqrt(mse / scale) : NaN;
}

function main(argv: string[]): number {
  const dataDir = argv[0] ?? '../shared/data';
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const limit = Number(opt('--series') ?? '280');
  const repeat = Number(opt('--repeat') ?? '3');
  const names = opt('--models')?.split(',') ?? Object.keys(MODELS);
  const all = readSeries(dataDir);
  const series = all.slice(0, limit);
  (globalThis as { gc?: () => void }).gc?.();
  const meanLen = series.reduce((a, s) => a + s.input.y.length, 0) / series.length;
  console.log(`${series.length} series (of ${all.length}), mean length ${meanLen.toFixed(0)} days, ${repeat} timed repeats`);
  console.log('model                 ms/fit  ms/fcst  RMSSE   bad');
  let failures = 0;
  for (const name of names) {
    const model: Model = MODELS[name];
    if (!model) {
      console.log(`unknown model ${name}`);
      failures++;
      continue;
    }
    const states = series.map((s) => model.fit(s.input)); // also the warm-up pass
    let fitMs = Infinity; // best pass: the machine is shared, the minimum is the least disturbed
    for (let r = 0; r < repeat; r++) {
      const t0 = cpuMs();
      for (const s of series) model.fit(s.input);
      fitMs = Math.min(fitMs, (cpuMs() - t0) / series.length);
    }
    const forecasts = states.map((st, i) => model.forecast(st, HOLDOUT, series[i].input)); // warm-up
    let fcMs = Infinity;
    for (let r = 0; r < repeat; r++) {
      const t1 = cpuMs();
      for (let i = 0; i < series.length; i++) model.forecast(states[i], HOLDOUT, series[i].input);
      fcMs = Math.min(fcMs, (cpuMs() - t1) / series.length);
    }
    let acc = 0;
    let bad = 0;
    for (let i = 0; i < series.length; i++) {
      const fc = forecasts[i];
      let ok = Number.isFinite(states[i].sigma) && states[i].sigma >= 0;
      for (let j = 0; j < HOLDOUT; j++) if (!Number.isFinite(fc.mean[j]) || !(fc.sd[j] >= 0)) ok = false;
      if (model.intermittent) for (let j = 0; j < HOLDOUT; j++) if (fc.mean[j] < 0) ok = false;
      if (!ok) bad++;
      acc += rmsse(series[i].input.y, series[i].test, fc.mean);
    }
    if (bad > 0) failures++;
    console.log(`${name.padEnd(20)} ${fitMs.toFixed(4).padStart(7)}  ${fcMs.toFixed(4).padStart(7)}  ${(acc / series.length).toFixed(4)}  ${bad}`);
  }
  return failures > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = main(process.argv.slice(2));
