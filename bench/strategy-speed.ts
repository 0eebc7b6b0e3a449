/**
 * Speed of the per-series strategy on the M5 slice (280 series, 1,857 training days each when
 * the last 28 days are held out): CPU milliseconds per series for classification, the
 * rolling-origin backtest of every candidate, the choice, the final fit and the intervals, and
 * the whole `forecastSeries` call; plus the CPU cost of one fit + forecast per model on the full
 * history. Target: at most 5 ms per series for the whole call, on one core.
 *
 * Times are process CPU time (user + system, `process.cpuUsage`), not wall clock, so that other
 * work on a shared machine inflates them less; the script runs single-threaded. Each figure is
 * the best of `--repeat` passes over the 280 series (default 3; the first pass also warms up the
 * JIT), the usual way to take timings on a machine shared with other work.
 *
 * Weekly and monthly series (`--periods`): the same whole `forecastSeries` call on the sets of
 * bench/period-sets.ts (M5 slice by week and by month, Online Retail by week, their last periods
 * held out as in bench/period-accuracy.ts), best of `--repeat` passes, CPU ms per series, beside
 * the daily figure: issue 14's target is that a weekly or monthly series costs no more than a daily one.
 *
 * Usage: node dist/bench/strategy-speed.js ../shared/data [--repeat N] [--periods]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../config/schema.js';
import { getModel, MODELS } from '../models/index.js';
import type { SeriesInput } from '../models/types.js';
import { runBacktest, splitInput } from '../pipelines/forecast/backtest.js';
import { regressorsFor } from '../pipelines/forecast/calendar.js';
import { candidatesFor, classifyDemand } from '../pipelines/forecast/classify.js';
import { dayOfWeek } from '../pipelines/dates.js';
import { backtestWindow, forecastSeries } from '../pipelines/forecast/forecast-series.js';
import { conformalIntervals, publishIntervals } from '../pipelines/forecast/intervals.js';
import { selectModel } from '../pipelines/forecast/select.js';
import { HOLDOUT, loadM5, truncateSeries } from './m5-accuracy.js';
import { loadPeriodSets } from './period-sets.js';

/** CPU milliseconds since `start` (a process.cpuUsage() reading). */
function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** Per-series CPU cost of each phase and of the whole call. */
export interface SpeedResult {
  series: number;
  trainingDays: number;
  phases: Record<string, number>;
  total: number;
  perModelFit: Record<string, number>;
}

/**
 * Measure the strategy's speed.
 *
 * @param dataDir Shared data directory.
 * @param repeat Passes over the 280 series; each figure is the best pass.
 */
export async function runStrategySpeed(dataDir: string, repeat = 3): Promise<SpeedResult> {
  const data = await loadM5(dataDir);
  const config = defaultConfig();
  const end = data.last - HOLDOUT;
  const h = HOLDOUT;
  const season = config.season;
  const phases: Record<string, number> = { classify: Infinity, backtest: Infinity, choose: Infinity, finalFit: Infinity, intervals: Infinity };
  let total = Infinity;
  const passes = Math.max(1, repeat);
  for (let pass = 0; pass < passes; pass++) {
    const acc: Record<string, number> = { classify: 0, backtest: 0, choose: 0, finalFit: 0, intervals: 0 };
    let whole = 0;
    for (const s of data.series) {
      // the whole call
      let t = process.cpuUsage();
      forecastSeries(s, { config, end, horizon: h, calendar: data.calendar });
      whole += cpuMs(t);

      // the same steps one by one
      const e = end - s.start;
      let first = 0;
      while (first <= e && s.demand[first] === 0) first++;
      const y = s.demand.subarray(first, e + 1);
      const n = y.length;
      t = process.cpuUsage();
      const profile = classifyDemand(y);
      const cands = candidatesFor(profile.demandClass, config);
      acc.classify += cpuMs(t);
      const input: SeriesInput = { y, season, firstDow: dayOfWeek(s.start + first), regressors: regressorsFor(s, data.calendar, n, h, end) };
      const names = cands.includes('snaive') ? cands : [...cands, 'snaive'];
      t = process.cpuUsage();
      const bt = runBacktest(input, names.map(getModel), {
        origins: config.models.backtestOrigins,
        step: config.models.backtestStep,
        horizon: h,
        maxHistory: backtestWindow(config),
        minTrain: 2 * season,
        shortestHorizon: season,
      });
      acc.backtest += cpuMs(t);
      t = process.cpuUsage();
      const sel = selectModel(bt, config.models.combineTop, cands.includes('snaive') ? [] : ['snaive'], config.models.combine);
      acc.choose += cpuMs(t);
      if (!sel) continue;
      t = process.cpuUsage();
      const W = config.models.maxHistory > 0 ? Math.min(config.models.maxHistory, n) : n;
      const fin = splitInput(input, { fitStart: n - W, origin: n, end: n + h });
      const mean = new Float64Array(h);
      const sd = new Float64Array(h);
      for (const name of sel.members) {
        const m = getModel(name);
        const fc = m.forecast(m.fit(fin), h, fin);
        for (let j = 0; j < h; j++) {
          mean[j] += Math.max(0, fc.mean[j]) / sel.members.length;
          sd[j] += fc.sd[j] / sel.members.length;
        }
      }
      acc.finalFit += cpuMs(t);
      t = process.cpuUsage();
      const b = conformalIntervals({ actuals: bt.actuals, forecasts: sel.forecasts, sds: sel.sds, mean, sd, levels: config.intervals.levels, discrete: true, distinctDays: bt.splits[bt.splits.length - 1].end - bt.splits[0].origin });
      publishIntervals(mean, b, config.intervals.levels);
      acc.intervals += cpuMs(t);
    }
    // best pass: the least disturbed by other work on the machine
    const per = data.series.length;
    for (const k of Object.keys(phases)) phases[k] = Math.min(phases[k], acc[k] / per);
    total = Math.min(total, whole / per);
  }

  // one fit + forecast per model on the full training history of every series
  const perModelFit: Record<string, number> = {};
  const inputs = data.series.map((s) => {
    const e = end - s.start;
    let first = 0;
    while (first <= e && s.demand[first] === 0) first++;
    const y = s.demand.subarray(first, e + 1);
    const input: SeriesInput = { y, season, firstDow: dayOfWeek(s.start + first), regressors: regressorsFor(s, data.calendar, y.length, h, end) };
    return input;
  });
  for (const [name, model] of Object.entries(MODELS)) {
    let best = Infinity;
    for (let pass = 0; pass < passes; pass++) {
      let ms = 0;
      let fits = 0;
      for (const input of inputs) {
        if (input.y.length < model.minLength) continue;
        const t = process.cpuUsage();
        try {
          model.forecast(model.fit(input), h, input);
        } catch {
          /* a failing fit still costs its time */
        }
        ms += cpuMs(t);
        fits++;
      }
      if (fits) best = Math.min(best, ms / fits);
    }
    perModelFit[name] = best;
  }
  return { series: data.series.length, trainingDays: end - data.series[0].start + 1, phases, total, perModelFit };
}

/** CPU ms per series of the whole forecastSeries call on each weekly and monthly set (best pass). */
export async function runPeriodSpeed(dataDir: string, repeat = 3): Promise<{ set: string; series: number; periods: number; msPerSeries: number }[]> {
  const config = defaultConfig();
  const out: { set: string; series: number; periods: number; msPerSeries: number }[] = [];
  for (const set of await loadPeriodSets(dataDir)) {
    const end = set.last - set.holdout;
    const training = set.series.map((s) => truncateSeries(s, end));
    let best = Infinity;
    for (let pass = 0; pass < Math.max(1, repeat); pass++) {
      const t = process.cpuUsage();
      for (const s of training) forecastSeries(s, { config, end, horizon: set.holdout, calendar: set.calendar, grid: set.grid });
      best = Math.min(best, cpuMs(t) / training.length);
    }
    out.push({ set: set.name, series: set.series.length, periods: end - set.first + 1, msPerSeries: best });
  }
  return out;
}

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const i = process.argv.indexOf('--repeat');
  const repeat = i > 0 ? Number(process.argv[i + 1]) : 3;
  if (process.argv.includes('--periods')) {
    for (const r of await runPeriodSpeed(dataDir, repeat)) {
      console.log(`${r.set.padEnd(12)} ${r.series} series, ${r.periods} training periods: forecastSeries ${r.msPerSeries.toFixed(3)} CPU ms/series (horizon = held-out periods)`);
    }
  }
  const r = await runStrategySpeed(dataDir, repeat);
  console.log(`strategy speed on the M5 slice: ${r.series} series, ${r.trainingDays} training days each; CPU ms per series`);
  for (const [k, v] of Object.entries(r.phases)) console.log(`  ${k.padEnd(10)} ${v.toFixed(3)}`);
  const sum = Object.values(r.phases).reduce((a, b) => a + b, 0);
  console.log(`  ${'sum'.padEnd(10)} ${sum.toFixed(3)}`);
  console.log(`  forecastSeries (whole call, incl. regressors, accuracy, lead-time sd): ${r.total.toFixed(3)} ms/series  (target <= 5)`);
  console.log('one fit + 28-day forecast on the full history, CPU ms per series:');
  for (const [k, v] of Object.entries(r.perModelFit).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(20)} ${v.toFixed(3)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
