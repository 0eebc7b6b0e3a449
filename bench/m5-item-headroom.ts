/**
 * How much of the M5 slice's item × store error any forecast could remove (issue 17 item 5):
 * flat and shaped forecasts built from the recorded sales alone, some with hindsight, scored by
 * held-out RMSSE (mean over the 280 series, 28-day periods held out `offset` days before the
 * data's end, scale from the history before each period).
 *
 * Rows:
 * - trailing level estimates (no hindsight): the mean of the last 7 / 14 / 28 / 56 / 91 days, the
 *   mean of the 14-, 28- and 56-day means, an exponentially weighted mean (weight 0.05);
 * - the 28-day mean times the level change of a group in hindsight (its held-out 28-day sales
 *   over its last 28 days): total, store, department, store × department, the item over the
 *   stores. The series itself is left out of its group, so the row says how much knowing the
 *   others' change would tell about this one;
 * - the true held-out mean (a flat forecast at the level that was sold);
 * - the 28-day mean or the true mean times a group's held-out daily shape (day / its 28-day mean),
 *   the series left out of the group: how much a perfect daily profile (weekday, events, SNAP)
 *   borrowed from that group would add.
 *
 * Research only (the product's forecasts: bench/m5-item-diagnose.ts, bench/m5-hierarchy.ts).
 *
 * Usage: node dist/bench/m5-item-headroom.js ../shared/data [--offsets=84,112,140]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rmsse, rmsseScale } from '../pipelines/forecast/metrics.js';
import type { SeriesData } from '../pipelines/types.js';
import { HOLDOUT, loadM5 } from './m5-accuracy.js';
import { loadItemAttributes } from './m5-hierarchy.js';

/** Mean of y over the `w` days ending at index e (fewer when the series is shorter). */
export function trailingMean(y: ArrayLike<number>, e: number, w: number): number {
  const from = Math.max(0, e - w + 1);
  let s = 0;
  for (let t = from; t <= e; t++) s += y[t];
  return e >= from ? s / (e - from + 1) : 0;
}

/** Exponentially weighted mean of y[0..e] with weight `a` on the newest day, started at the first value. */
export function ewmaLevel(y: ArrayLike<number>, e: number, a: number): number {
  let l = y[0];
  for (let t = 1; t <= e; t++) l += a * (y[t] - l);
  return l;
}

/** Each value over the mean of the values (all 1 when the mean is not positive). */
export function shapeOf(v: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j];
  const m = s / v.length;
  return Float64Array.from(v, (x) => (m > 0 ? x / m : 1));
}

/** Sales of every group over the held-out days and its last 28 days, to take a series' own part out of. */
interface GroupSums {
  next: Map<string, Float64Array>;
  last: Map<string, number>;
}

/** Per group key: held-out daily sales and the sum of the last 28 training days. */
export function groupSums(series: readonly SeriesData[], key: (s: SeriesData, i: number) => string, end: number, H: number): GroupSums {
  const next = new Map<string, Float64Array>();
  const last = new Map<string, number>();
  series.forEach((s, i) => {
    const k = key(s, i);
    const e = end - s.start;
    let a = next.get(k);
    if (!a) next.set(k, (a = new Float64Array(H)));
    for (let j = 0; j < H; j++) a[j] += s.demand[e + 1 + j];
    last.set(k, (last.get(k) ?? 0) + 28 * trailingMean(s.demand, e, 28));
  });
  return { next, last };
}

/** A group's held-out days and last-28-day sum without the series' own. */
export function leaveOut(g: GroupSums, k: string, own: Float64Array, ownLast: number): { next: Float64Array; last: number } {
  const a = g.next.get(k)!;
  return { next: Float64Array.from(a, (v, j) => v - own[j]), last: g.last.get(k)! - ownLast };
}

/** Every row's forecast of one series (rules in the module comment). */
function forecastsOf(s: SeriesData, e: number, groups: Record<string, { g: GroupSums; key: string }>, H: number): Record<string, Float64Array> {
  const y = s.demand;
  const flat = (v: number): Float64Array => new Float64Array(H).fill(Number.isFinite(v) ? v : 0);
  const m = (w: number): number => trailingMean(y, e, w);
  const own = y.subarray(e + 1, e + 1 + H);
  const trueMean = trailingMean(own, H - 1, H);
  const out: Record<string, Float64Array> = {};
  for (const w of [7, 14, 28, 56, 91]) out[`mean of the last ${w} days`] = flat(m(w));
  out['mean of the 14-, 28-, 56-day means'] = flat((m(14) + m(28) + m(56)) / 3);
  out['ewma 0.05'] = flat(ewmaLevel(y, e, 0.05));
  for (const [name, { g, key }] of Object.entries(groups)) {
    const o = leaveOut(g, key, own, 28 * m(28));
    let sold = 0;
    for (const v of o.next) sold += v;
    out[`28-day mean x hindsight change of ${name}`] = flat(o.last > 0 ? (m(28) * sold) / o.last : m(28));
  }
  out['hindsight: true mean, flat'] = flat(trueMean);
  for (const [name, { g, key }] of Object.entries(groups)) {
    const shape = shapeOf(leaveOut(g, key, own, 0).next);
    out[`28-day mean x hindsight shape of ${name}`] = Float64Array.from(shape, (v) => v * m(28));
    out[`true mean x hindsight shape of ${name}`] = Float64Array.from(shape, (v) => v * trueMean);
  }
  return out;
}

/** Mean held-out RMSSE of every row on one period. */
export function headroomPeriod(series: readonly SeriesData[], groupKeys: Record<string, (s: SeriesData) => string>, end: number, H = HOLDOUT): Map<string, number[]> {
  const sums = Object.fromEntries(Object.entries(groupKeys).map(([n, k]) => [n, groupSums(series, k, end, H)]));
  const out = new Map<string, number[]>();
  for (const s of series) {
    const e = end - s.start;
    const scale = rmsseScale(s.demand.subarray(0, e + 1));
    if (!(scale > 0)) continue;
    const groups = Object.fromEntries(Object.entries(groupKeys).map(([n, k]) => [n, { g: sums[n], key: k(s) }]));
    const actual = s.demand.subarray(e + 1, e + 1 + H);
    for (const [row, f] of Object.entries(forecastsOf(s, e, groups, H))) {
      let v = out.get(row);
      if (!v) out.set(row, (v = []));
      v.push(rmsse(actual, f, scale));
    }
  }
  return out;
}

export async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const offsets = (process.argv.find((a) => a.startsWith('--offsets='))?.slice(10) ?? '84,112,140').split(',').map(Number);
  const data = await loadM5(dataDir);
  const items = loadItemAttributes(dataDir);
  const dept = (s: SeriesData): string => items.get(s.sku)?.department ?? '?';
  const keys: Record<string, (s: SeriesData) => string> = {
    total: () => 'total', store: (s) => s.store, department: dept, 'store x department': (s) => `${s.store}/${dept(s)}`, 'the item over the stores': (s) => s.sku,
  };
  const per = offsets.map((o) => headroomPeriod(data.series, keys, data.last - HOLDOUT - o));
  const avg = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  console.log(`${'row'.padEnd(60)} ${offsets.map((o) => String(o).padStart(7)).join(' ')}    mean`);
  for (const row of per[0].keys()) {
    const cells = per.map((p) => avg(p.get(row)!));
    console.log(`${row.padEnd(60)} ${cells.map((c) => c.toFixed(4).padStart(7)).join(' ')}  ${avg(cells).toFixed(4)}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
