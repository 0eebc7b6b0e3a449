/**
 * The whole run (`forecast run`, in process) on weekly and monthly files made from the M5 slice:
 * the daily sales summed into whole Monday weeks and calendar months (pipelines/prepare/to-periods.ts),
 * written as CSV files of totals (`date,store,sku,units`, each period dated by its first day) without
 * their last 13 weeks / 12 months, run with the default settings (period detected from the dates),
 * and `forecasts.csv` scored on the held-out periods: mean RMSSE over series (scale: mean squared
 * one-step difference of the training periods from the first sale; series without one left out)
 * and the share of held-out periods inside the 80% and 95% intervals. Also with the cleaning stage
 * off, and with only its stockout rule off, to show what cleaning in periods does.
 *
 * bench/period-accuracy.ts measures the forecasting stage alone on the same series; this measures
 * what a user of weekly or monthly files gets.
 *
 * Usage: node dist/bench/period-run.js ../shared/data [OUT_DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { formatDay, todayDay } from '../pipelines/dates.js';
import { ingestFile } from '../pipelines/ingest/ingest.js';
import { rmsse, rmsseScale } from '../pipelines/forecast/metrics.js';
import { periodFirstDay, periodGrid, type PeriodGrid } from '../pipelines/periods.js';
import { ingestToPeriods } from '../pipelines/prepare/to-periods.js';
import { runPipeline } from '../pipelines/run/run.js';
import type { SeriesData } from '../pipelines/types.js';

/** One file's result under one setting. */
export interface PeriodRunScore {
  file: string;
  setting: string;
  detected: string;
  series: number;
  meanRmsse: number;
  coverage80: number;
  coverage95: number;
}

const SETTINGS: Readonly<Record<string, unknown>> = {
  default: {},
  'cleaning off': { cleaning: { enabled: false } },
  'stockout rule off': { cleaning: { stockoutsAsMissing: false } },
};

/** The training CSV of a set of period series (all but the last `holdout` periods). */
function trainingCsv(series: readonly SeriesData[], grid: PeriodGrid, last: number, holdout: number): string {
  const lines = ['date,store,sku,units'];
  for (const s of series) {
    for (let t = 0; t < s.demand.length && s.start + t <= last - holdout; t++) lines.push(`${formatDay(periodFirstDay(grid, s.start + t))},${s.store},${s.sku},${s.demand[t]}`);
  }
  return lines.join('\n') + '\n';
}

/** Score a run's forecasts.csv against the held-out periods. */
function score(forecastsCsv: string, series: readonly SeriesData[], grid: PeriodGrid, last: number, holdout: number): Omit<PeriodRunScore, 'file' | 'setting' | 'detected'> {
  const rows = new Map<string, { date: string; f: number; lo80: number; hi80: number; lo95: number; hi95: number }[]>();
  for (const line of forecastsCsv.trim().split(/\r?\n/).slice(1)) {
    const c = line.split(',');
    const key = `${c[0]}\u0000${c[1]}`;
    const list = rows.get(key) ?? [];
    list.push({ date: c[2], f: Number(c[3]), lo80: Number(c[4]), hi80: Number(c[5]), lo95: Number(c[6]), hi95: Number(c[7]) });
    rows.set(key, list);
  }
  let sum = 0;
  let n = 0;
  let in80 = 0;
  let in95 = 0;
  let points = 0;
  for (const s of series) {
    const cut = last - holdout - s.start + 1;
    const scale = rmsseScale(s.demand.subarray(0, cut));
    const fc = rows.get(s.key);
    if (!(scale > 0) || !fc) continue;
    const actual = Array.from(s.demand.subarray(cut, cut + holdout));
    const byDate = new Map(fc.map((r) => [r.date, r]));
    const f = actual.map((_, j) => byDate.get(formatDay(periodFirstDay(grid, last - holdout + 1 + j))));
    if (f.some((r) => r === undefined)) throw new Error(`period-run: ${s.key} lacks a forecast for a held-out period`);
    sum += rmsse(actual, f.map((r) => r!.f), scale);
    n++;
    actual.forEach((a, j) => {
      const r = f[j]!;
      points++;
      if (a >= r.lo80 && a <= r.hi80) in80++;
      if (a >= r.lo95 && a <= r.hi95) in95++;
    });
  }
  return { series: n, meanRmsse: sum / n, coverage80: in80 / points, coverage95: in95 / points };
}

/**
 * Run every file under every setting (module comment).
 * @param dataDir ../shared/data. @param outDir Where the files and runs go.
 */
export async function periodRun(dataDir: string, outDir: string): Promise<PeriodRunScore[]> {
  mkdirSync(outDir, { recursive: true });
  const daily = await ingestFile(join(dataDir, 'm5-slice', 'sales.csv.gz'), { config: parseConfig({}), runDay: todayDay() });
  const out: PeriodRunScore[] = [];
  for (const [name, grid, holdout] of [['m5-week', periodGrid('week', 0), 13], ['m5-month', periodGrid('month'), 12]] as const) {
    const periods = ingestToPeriods(daily, grid, true).ingest;
    const file = join(outDir, `${name}-train.csv`);
    writeFileSync(file, trainingCsv(periods.series, grid, periods.end, holdout));
    const runDate = formatDay(periodFirstDay(grid, periods.end - holdout + 1));
    for (const [setting, over] of Object.entries(SETTINGS)) {
      const config: Config = parseConfig({ threads: 1, ...(over as object) });
      const res = await runPipeline({ input: file, outDir: join(outDir, `${name}-${setting.replace(/ /g, '-')}`), config, runDate });
      const s = score(readFileSync(join(res.runDir, 'forecasts.csv'), 'utf8'), periods.series, grid, periods.end, holdout);
      out.push({ file: name, setting, detected: res.summary.period?.grid.frequency ?? 'day', ...s });
    }
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dataDir = resolve(process.argv[2] ?? '../shared/data');
  const outDir = resolve(process.argv[3] ?? 'bench/out/period-run');
  const rows = await periodRun(dataDir, outDir);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  process.stdout.write('| file | setting | detected | series | mean RMSSE | 80% | 95% |\n|---|---|---|---|---|---|---|\n');
  for (const r of rows) process.stdout.write(`| ${r.file} | ${r.setting} | ${r.detected} | ${r.series} | ${r.meanRmsse.toFixed(4)} | ${pct(r.coverage80)} | ${pct(r.coverage95)} |\n`);
}
