/**
 * Weekly and monthly benchmark sets made from the real data in ../shared/data, for
 * bench/period-accuracy.ts and the R references of bench/r/periods.R:
 *
 * | set | source | period | periods | held out |
 * | --- | ------ | ------ | ------- | -------- |
 * | `m5-week`  | the 280 M5-slice series (store × item) | Monday weeks, 2011-01-31 to 2016-03-27 | 269 | last 13 weeks (a quarter) |
 * | `m5-month` | the same | calendar months, Feb 2011 to Feb 2016 (the part-months at both ends dropped) | 61 | last 12 months (a year) |
 * | `retail-week` | Online Retail lines through the product's ingest (cancellations kept out of demand, non-product codes rejected, duplicates dropped), one series per StockCode | Monday weeks, 2010-12-06 to 2011-06-26 | 29 | last 8 weeks |
 *
 * Only whole periods inside the data's date range are kept. Online Retail series are chosen on the
 * training weeks only (never on the held-out ones): sold in at least one of the first 4 weeks (the
 * item was on sale from the start, so it has at least 18 training weeks of history) and in at least
 * one of the last 4 training weeks (still on sale at the forecast origin), with a positive RMSSE
 * scale (not constant). The M5 calendar becomes counts of event and SNAP days per period
 * (pipelines/forecast/calendar.ts); prices are the mean of the period's known daily prices.
 *
 * `writePeriodSets` writes each set as CSV (git-ignored, under bench/out/period-sets/) for the R
 * script: `store,sku,t,y,test`, t = 0 at the first period of the set, test = 1 on held-out periods.
 *
 * Usage: node dist/bench/period-sets.js ../shared/data [OUT_DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../config/schema.js';
import type { Calendar } from '../pipelines/forecast/calendar.js';
import { rmsseScale } from '../pipelines/forecast/metrics.js';
import { parseIsoDay } from '../pipelines/dates.js';
import { ingestFile } from '../pipelines/ingest/ingest.js';
import { periodFirstDay, periodGrid, periodOfDay, type PeriodGrid } from '../pipelines/periods.js';
import type { SeriesData } from '../pipelines/types.js';
import { loadM5 } from './m5-accuracy.js';

/** One benchmark set: series on a period grid, with the last `holdout` periods held out. */
export interface PeriodSet {
  readonly name: string;
  readonly grid: PeriodGrid;
  /** Series over periods [first, last] of the grid (start = first). */
  readonly series: SeriesData[];
  readonly first: number;
  readonly last: number;
  readonly holdout: number;
  readonly calendar?: Calendar;
  /** How the series were chosen, in one sentence. */
  readonly selection: string;
}

/**
 * Sum a daily series into periods [first, last] of a grid: demand and returns summed, price the
 * mean of the period's known daily prices (NaN when none), observed when any day was.
 * Days outside the daily series count as 0 (no sale yet).
 *
 * @param s Daily series.
 * @param grid Target grid (weeks or months).
 * @param first First period; @param last Last period (inclusive).
 */
export function aggregateDaily(s: SeriesData, grid: PeriodGrid, first: number, last: number): SeriesData {
  const n = last - first + 1;
  const demand = new Float64Array(n);
  const returns = new Float64Array(n);
  const price = new Float64Array(n).fill(NaN);
  const observed = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const from = periodFirstDay(grid, first + p);
    const to = periodFirstDay(grid, first + p + 1);
    let ps = 0;
    let pc = 0;
    for (let d = from; d < to; d++) {
      const i = d - s.start;
      if (i < 0 || i >= s.demand.length) continue;
      demand[p] += s.demand[i];
      returns[p] += s.returns[i];
      if (Number.isFinite(s.price[i])) {
        ps += s.price[i];
        pc++;
      }
      if (s.observed[i]) observed[p] = 1;
    }
    if (pc > 0) price[p] = ps / pc;
  }
  return { key: s.key, store: s.store, sku: s.sku, start: first, demand, returns, price, observed, issues: s.issues, acceptedRows: s.acceptedRows };
}

/** Whole periods of a grid inside days [from, to]: the first and last period numbers. */
export function wholePeriods(grid: PeriodGrid, from: number, to: number): { first: number; last: number } {
  let first = periodOfDay(grid, from);
  if (periodFirstDay(grid, first) < from) first++;
  let last = periodOfDay(grid, to);
  if (periodFirstDay(grid, last + 1) - 1 > to) last--;
  return { first, last };
}

/** The M5 slice as weekly (Monday weeks) and monthly sets. */
export async function m5PeriodSets(dataDir: string): Promise<PeriodSet[]> {
  const data = await loadM5(dataDir);
  let from = Infinity;
  for (const s of data.series) if (s.start < from) from = s.start;
  const out: PeriodSet[] = [];
  for (const [name, grid, holdout] of [
    ['m5-week', periodGrid('week', 0), 13],
    ['m5-month', periodGrid('month'), 12],
  ] as const) {
    const { first, last } = wholePeriods(grid, from, data.last);
    out.push({
      name,
      grid,
      series: data.series.map((s) => aggregateDaily(s, grid, first, last)),
      first,
      last,
      holdout,
      calendar: data.calendar,
      selection: 'all 280 series of the M5 slice',
    });
  }
  return out;
}

/** Online Retail's StockCodes as weekly series (selection rule in the module comment). */
export async function retailWeekSet(dataDir: string): Promise<PeriodSet> {
  const path = join(dataDir, 'online-retail/transactions-2010-12-to-2011-06.csv.gz');
  const r = await ingestFile(path, { config: defaultConfig(), runDay: parseIsoDay('2011-06-30') });
  const grid = periodGrid('week', 0);
  const { first, last } = wholePeriods(grid, r.start, r.end);
  const holdout = 8;
  const train = last - first + 1 - holdout;
  const chosen: SeriesData[] = [];
  for (const s of r.series) {
    const w = aggregateDaily(s, grid, first, last);
    const y = w.demand.subarray(0, train);
    let early = false;
    let late = false;
    for (let t = 0; t < 4; t++) early ||= y[t] > 0;
    for (let t = train - 4; t < train; t++) late ||= y[t] > 0;
    if (early && late && rmsseScale(y) > 0) chosen.push(w);
  }
  chosen.sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  return {
    name: 'retail-week',
    grid,
    series: chosen,
    first,
    last,
    holdout,
    selection: `${chosen.length} of ${r.series.length} StockCodes: sold in one of the first 4 weeks and one of the last 4 training weeks, RMSSE scale > 0`,
  };
}

/** Every set. */
export async function loadPeriodSets(dataDir: string): Promise<PeriodSet[]> {
  return [...(await m5PeriodSets(dataDir)), await retailWeekSet(dataDir)];
}

/** Write each set as `store,sku,t,y,test` CSV for R. */
export function writePeriodSets(sets: readonly PeriodSet[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const set of sets) {
    const n = set.last - set.first + 1;
    const lines = ['store,sku,t,y,test'];
    for (const s of set.series) {
      for (let t = 0; t < n; t++) lines.push(`${s.store},${s.sku},${t},${s.demand[t]},${t >= n - set.holdout ? 1 : 0}`);
    }
    writeFileSync(join(dir, `${set.name}.csv`), lines.join('\n') + '\n');
  }
}

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const dir = process.argv[3] ?? 'bench/out/period-sets';
  const sets = await loadPeriodSets(dataDir);
  writePeriodSets(sets, dir);
  for (const s of sets) {
    console.log(`${s.name}: ${s.series.length} series, ${s.last - s.first + 1} periods (${s.holdout} held out); ${s.selection}`);
  }
  console.log(`wrote ${resolve(dir)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
