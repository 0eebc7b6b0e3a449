/**
 * Replenishment replay on the M5 slice (issue 16 item 6): the proposed reorder policy replayed
 * over the last 13 weeks of the 280 real series, day by day, with stock started at each policy's
 * order-up-to level, a 95% fill-rate target, lead time 7 days and weekly review (orders any
 * day, pack size 1, no minimum); the segments' safety factors calibrated on the 13 weeks before
 * (out of sample); compared with the simple policy "order up to N weeks of average sales" at
 * 3 weeks and at the cover that matches the proposed fill rate.
 *
 * Forecasts at every weekly review come from the sales before it only (the product's cleaning
 * and model choice on the cut series: pipelines/replenish/replay/replay-forecasts.ts). Stock is valued
 * at each item's last selling price before the reported window (the slice has no costs).
 *
 * Usage: node dist/bench/replay-m5.js ../shared/data [--weeks 13] [--calibration-weeks 13]
 *   [--lead 7] [--review 7] [--target 0.95] [--type fill_rate|cycle] [--simple-weeks 3] [--csv FILE]
 *   [--no-history]
 * `--no-history` drops the forecasts' year of sales, so every level uses the normal distribution
 * with the forecast's own backtest sd (the comparison behind pipelines/replenish/demand-distribution.ts).
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../config/schema.js';
import { formatDay } from '../pipelines/dates.js';
import { ANY_DAY } from '../pipelines/replenish/delivery.js';
import type { ServiceType } from '../pipelines/replenish/inputs/items.js';
import type { ServicePolicy } from '../pipelines/replenish/policy.js';
import { forecastsAt } from '../pipelines/replenish/replay/replay-forecasts.js';
import { replayStudy, simulationCsv, type ReplayStudy } from '../pipelines/replenish/replay/replay-study.js';
import type { ReplaySubject } from '../pipelines/replenish/replay/replay.js';
import { loadM5 } from './m5-accuracy.js';

/** Settings of the M5 replay. */
export interface ReplayM5Options {
  readonly weeks: number;
  readonly calibrationWeeks: number;
  readonly leadTimeDays: number;
  readonly reviewPeriodDays: number;
  readonly serviceTarget: number;
  readonly serviceType: ServiceType;
  readonly simpleCoverWeeks: number;
  /** Drop the forecasts' recent sales (levels from the backtest sd alone). @defaultValue false */
  readonly noHistory?: boolean;
}

/** The issue's setting. */
export const ISSUE_SETTING: ReplayM5Options = { weeks: 13, calibrationWeeks: 13, leadTimeDays: 7, reviewPeriodDays: 7, serviceTarget: 0.95, serviceType: 'fill_rate', simpleCoverWeeks: 3 };

/** The study and how long it took. */
export interface ReplayM5Result {
  readonly study: ReplayStudy;
  readonly series: number;
  readonly lastDay: number;
  readonly seconds: number;
  readonly forecastCalls: number;
}

/** Run the replay study on the M5 slice. */
export async function runReplayM5(dataDir: string, o: ReplayM5Options = ISSUE_SETTING): Promise<ReplayM5Result> {
  const data = await loadM5(dataDir);
  const config = defaultConfig();
  const policy: ServicePolicy = {
    leadTimeDays: o.leadTimeDays,
    leadTimeSdDays: 0,
    reviewPeriodDays: o.reviewPeriodDays,
    serviceTarget: o.serviceTarget,
    serviceType: o.serviceType,
    packSize: 1,
    minOrderQty: 0,
    schedule: ANY_DAY,
  };
  const firstReported = data.last - 7 * o.weeks + 1;
  const subjects: ReplaySubject[] = data.series.map((s) => ({
    store: s.store,
    sku: s.sku,
    start: s.start,
    demand: s.demand,
    policy,
    unitValue: lastPrice(s.price, firstReported - 1 - s.start),
  }));
  let calls = 0;
  const at = forecastsAt(data.series, config, 'daily', data.calendar);
  const t0 = performance.now();
  const study = replayStudy(
    subjects,
    (end) => {
      calls++;
      const f = at(end);
      return o.noHistory ? f.map((x) => ({ ...x, recentSales: [] })) : f;
    },
    { lastDay: data.last, weeks: o.weeks, calibrationWeeks: o.calibrationWeeks, simpleCoverWeeks: o.simpleCoverWeeks },
  );
  return { study, series: subjects.length, lastDay: data.last, seconds: (performance.now() - t0) / 1000, forecastCalls: calls };
}

/** Last finite price at or before index i; NaN when none. */
function lastPrice(price: Float64Array, i: number): number {
  for (let k = Math.min(i, price.length - 1); k >= 0; k--) if (Number.isFinite(price[k])) return price[k];
  return NaN;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Print the study's figures. */
export function printReplayM5(r: ReplayM5Result): void {
  const { study } = r;
  const w = study.window;
  console.log(`M5 slice replay: ${r.series} series, reported window ${formatDay(w.first)} to ${formatDay(w.first + w.days - 1)} (${w.days} days), ${r.forecastCalls} refits, ${r.seconds.toFixed(1)} s`);
  if (study.calibrationWindow && study.calibration) {
    const c = study.calibrationWindow;
    console.log(`calibrated on ${formatDay(c.first)} to ${formatDay(c.first + c.days - 1)}:`);
    for (const s of study.calibration.segments) {
      console.log(`  ${s.segment.padEnd(24)} target ${pct(s.target)}  before ${pct(s.before)}  after ${pct(s.after)}  shift ${s.shift >= 0 ? '+' : ''}${s.shift.toFixed(2)} sd${s.reached ? '' : '  (target not reached)'}`);
    }
  }
  const row = (name: string, t: ReplayStudy['proposed']['total']) =>
    console.log(
      `  ${name.padEnd(34)} fill ${pct(t.fillRate)}  cycle service ${pct(t.cycleService)}  lost ${t.lost.toFixed(0)} of ${t.demand.toFixed(0)} units  stockout days ${t.stockoutDays}  avg stock ${t.avgStock.toFixed(0)} units / ${t.avgStockValue.toFixed(0)} $  orders ${t.orders}`,
    );
  console.log('reported window (lost sales, not backorders):');
  row('proposed, calibrated', study.proposed.total);
  if (study.calibration) row('proposed, before calibration', study.before.total);
  row(`simple, ${study.simpleCoverWeeks} weeks of average sales`, study.simple.total);
  if (study.matched) row(`simple, matched cover ${study.matched.coverDays.toFixed(2)} days (${(study.matched.coverDays / 7).toFixed(2)} w)`, study.matched.outcome.total);
  else console.log('  simple policy: no cover up to the search limit reaches the proposed fill rate');
  const byClass = new Map<string, { d: number; s: number; n: number; stock: number }>();
  study.plan.subjects.forEach((_, i) => {
    const c = study.plan.demandClass[i];
    const a = byClass.get(c) ?? { d: 0, s: 0, n: 0, stock: 0 };
    const x = study.proposed.series[i];
    a.d += x.demand;
    a.s += x.sold;
    a.n++;
    a.stock += x.avgStock;
    byClass.set(c, a);
  });
  console.log('proposed, by demand class at the last review:');
  for (const [c, a] of [...byClass].sort()) console.log(`  ${c.padEnd(13)} ${String(a.n).padStart(4)} series  fill ${pct(a.d > 0 ? a.s / a.d : 1)}  avg stock ${a.stock.toFixed(0)}`);
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dataDir = process.argv[2] ?? '../shared/data';
  const o: ReplayM5Options = {
    weeks: Number(arg('weeks', '13')),
    calibrationWeeks: Number(arg('calibration-weeks', '13')),
    leadTimeDays: Number(arg('lead', '7')),
    reviewPeriodDays: Number(arg('review', '7')),
    serviceTarget: Number(arg('target', '0.95')),
    serviceType: arg('type', 'fill_rate') as ServiceType,
    simpleCoverWeeks: Number(arg('simple-weeks', '3')),
    noHistory: process.argv.includes('--no-history'),
  };
  const r = await runReplayM5(dataDir, o);
  printReplayM5(r);
  const csv = arg('csv', '');
  if (csv) writeFileSync(csv, simulationCsv(r.study));
}
