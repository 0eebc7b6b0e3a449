/**
 * Cold-start bench: simulated launches on the M5 slice. For each origin (offsets before the data's
 * last 28 days) and each series in turn, the series is cut to its last k days before the origin
 * (k = 3, 7, 14, 28, 42, 55: the product's cold start takes up to `models.minHistory` - 1 days; leading zeros dropped as the product drops pre-launch days; a cut without a
 * sale is skipped, since every rule forecasts zero for it), the other series keep their full
 * history, and the next 28 days are forecast with today's cold-start rule
 * (pipelines/forecast/forecast-series.ts `coldStartMoments`: the flat mean) and with like-item
 * rules. Like items: the other items of the same department in the same store, else of the same
 * department in any store, else the store's other items; the same sku in other stores is never a
 * like item (a launched item is new everywhere).
 *
 * Rules (point forecasts; `own` is the mean of the cut history):
 * - `mean`: today's rule, own flat;
 * - `dow`: own level adjusted by the like items' day-of-week profile (their last 56 days), times
 *   that profile on each forecast day;
 * - `ratio`: own × (like items' mean over their last 28 days / their mean over the cut's days), flat;
 * - `ratio-dow`: own sum / like items' sum over the cut's days × the like items' mean on each
 *   forecast day's weekday over their last 28 days;
 * - `shrink`: k/(k+7) · own + 7/(k+7) · the like items' mean level per item (last 28 days), flat;
 * - `shrink-ratio`: k/(k+7) · own + 7/(k+7) · `ratio`, flat.
 *
 * Scores per rule and k over all origins and series: scaled MAE (sum |e| / sum actual), mean over
 * series of RMSE / the series' mean actual (series with a zero holdout left out), bias (sum e /
 * sum actual), and the share of cases where the rule's MAE is below today's rule's.
 *
 * Usage: node dist/bench/cold-start.js ../shared/data [--offsets 0,28,56,84,112,140] [--json | --by-sku]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dayOfWeek } from '../pipelines/dates.js';
import type { SeriesData } from '../pipelines/types.js';
import { HOLDOUT, loadM5 } from './m5-accuracy.js';
import { loadItemAttributes } from './m5-hierarchy.js';

const KS = [3, 7, 14, 28, 42, 55];
const SHRINK_DAYS = 7;
const LEVEL_DAYS = 28;
const PROFILE_DAYS = 56;
export const RULES = ['mean', 'dow', 'ratio', 'ratio-dow', 'shrink', 'shrink-ratio', 'launch-ratio', 'launch-ratio-dept', 'launch-shrunk'] as const;
/** A first sale this many days after the data's first day is taken as a real launch (not a left-censored start). */
const LAUNCH_AFTER = 60;
type Rule = (typeof RULES)[number];

/** Demand of a series on a day (0 outside its arrays). */
function at(s: SeriesData, day: number): number {
  const t = day - s.start;
  return t >= 0 && t < s.demand.length ? s.demand[t] : 0;
}

/** Like items of series i (module comment), by index. */
export function likeItems(series: readonly SeriesData[], dept: readonly string[], i: number): number[] {
  const s = series[i];
  const others = series.map((_, j) => j).filter((j) => series[j].sku !== s.sku);
  const sameStore = others.filter((j) => series[j].store === s.store && dept[j] === dept[i]);
  if (sameStore.length) return sameStore;
  const sameDept = others.filter((j) => dept[j] === dept[i]);
  if (sameDept.length) return sameDept;
  return others.filter((j) => series[j].store === s.store);
}

/** What the like items tell about the days [from, to] and the recent level before `origin`. */
interface LikeView {
  windowSum: number;
  levelSum: number;
  count: number;
  profile: number[];
  weekdayMean: number[];
  /** Other real launches' later-to-launch ratio (launchRatio; 1 when none), same department else any. */
  launchRatio: number;
  /** The same from launches of the same department only (1 when none). */
  launchRatioDept: number;
  /** `launchRatio` with its log shrunk toward 0 by its jackknife variance. */
  launchRatioShrunk: number;
}

/** A real launch: series index and day of its first sale. */
interface Launch {
  i: number;
  day: number;
}

/** Real launches in the data (first sale more than LAUNCH_AFTER days after the series' start). */
export function realLaunches(series: readonly SeriesData[]): Launch[] {
  const out: Launch[] = [];
  series.forEach((s, i) => {
    const t = s.demand.findIndex((v) => v > 0);
    if (t > LAUNCH_AFTER) out.push({ i, day: s.start + t });
  });
  return out;
}

/**
 * Pooled later-to-launch ratio of launches of other skus seen completely by `origin` (same
 * department, else any unless `deptOnly`): their mean over the 28 days after their first n days
 * over their mean on the last min(n, 28) of those n days (the days today's rule averages).
 */
function launchRatio(series: readonly SeriesData[], dept: readonly string[], launches: readonly Launch[], i: number, n: number, origin: number, deptOnly: boolean): { ratio: number; shrunk: number } {
  const done = launches.filter((l) => series[l.i].sku !== series[i].sku && l.day + n + HOLDOUT - 1 <= origin);
  const same = done.filter((l) => dept[l.i] === dept[i]);
  const use = same.length || deptOnly ? same : done;
  const w = Math.min(n, LEVEL_DAYS);
  const early: number[] = [];
  const later: number[] = [];
  for (const l of use) {
    let e = 0;
    let a = 0;
    for (let d = l.day + n - w; d < l.day + n; d++) e += at(series[l.i], d);
    for (let d = l.day + n; d < l.day + n + HOLDOUT; d++) a += at(series[l.i], d);
    early.push(e / w);
    later.push(a / HOLDOUT);
  }
  const E = early.reduce((x, y) => x + y, 0);
  const L = later.reduce((x, y) => x + y, 0);
  if (E <= 0 || L <= 0) return { ratio: 1, shrunk: 1 };
  // jackknife variance of log R; the log ratio is shrunk toward 0 by lr² / (lr² + var)
  const lr = Math.log(L / E);
  const m = early.length;
  const loo: number[] = [];
  for (let j = 0; j < m; j++) if (E - early[j] > 0 && L - later[j] > 0) loo.push(Math.log((L - later[j]) / (E - early[j])));
  const mu = loo.reduce((x, y) => x + y, 0) / Math.max(1, loo.length);
  const v = loo.length > 1 ? ((loo.length - 1) / loo.length) * loo.reduce((x, y) => x + (y - mu) * (y - mu), 0) : Infinity;
  return { ratio: L / E, shrunk: Math.exp((lr * lr * lr) / (lr * lr + v)) };
}

/** Both launch ratios of a case. */
function launchRatios(series: readonly SeriesData[], dept: readonly string[], launches: readonly Launch[], i: number, n: number, origin: number): [number, number, number] {
  const any = launchRatio(series, dept, launches, i, n, origin, false);
  return [any.ratio, launchRatio(series, dept, launches, i, n, origin, true).ratio, any.shrunk];
}

function likeView(series: readonly SeriesData[], like: readonly number[], from: number, origin: number, ratioOfLaunches: [number, number, number]): LikeView {
  let windowSum = 0;
  let levelSum = 0;
  const byDow = new Array<number>(7).fill(0);
  const recentDow = new Array<number>(7).fill(0);
  for (const j of like) {
    for (let d = from; d <= origin; d++) windowSum += at(series[j], d);
    for (let d = origin - LEVEL_DAYS + 1; d <= origin; d++) {
      levelSum += at(series[j], d);
      recentDow[dayOfWeek(d)] += at(series[j], d);
    }
    for (let d = origin - PROFILE_DAYS + 1; d <= origin; d++) byDow[dayOfWeek(d)] += at(series[j], d);
  }
  const total = byDow.reduce((a, b) => a + b, 0);
  const profile = byDow.map((v) => (total > 0 ? (7 * v) / total : 1));
  const weeks = LEVEL_DAYS / 7;
  return { windowSum, levelSum, count: like.length, profile, weekdayMean: recentDow.map((v) => v / weeks), launchRatio: ratioOfLaunches[0], launchRatioDept: ratioOfLaunches[1], launchRatioShrunk: ratioOfLaunches[2] };
}

/** The 28-day forecast of one rule for a cut history y ending at `origin`. */
export function ruleForecast(rule: Rule, y: Float64Array, origin: number, v: LikeView): Float64Array {
  const n = y.length;
  const from = origin - n + 1;
  const w28 = Math.min(n, LEVEL_DAYS);
  const own = y.subarray(n - w28).reduce((a, b) => a + b, 0) / w28; // today's rule's mean
  const total = y.reduce((a, b) => a + b, 0);
  const f = new Float64Array(HOLDOUT);
  const w = n / (n + SHRINK_DAYS);
  const likeMean = v.windowSum / n; // like items' summed daily mean over the cut's days
  const likeLevel = v.levelSum / LEVEL_DAYS;
  const ratio = likeMean > 0 ? (total / n) * (likeLevel / likeMean) : own;
  if (rule === 'mean') f.fill(own);
  else if (rule === 'ratio') f.fill(ratio);
  else if (rule === 'shrink') f.fill(w * own + (1 - w) * (likeLevel / v.count));
  else if (rule === 'shrink-ratio') f.fill(w * own + (1 - w) * ratio);
  else if (rule === 'launch-ratio') f.fill(own * v.launchRatio);
  else if (rule === 'launch-ratio-dept') f.fill(own * v.launchRatioDept);
  else if (rule === 'launch-shrunk') f.fill(own * v.launchRatioShrunk);
  else if (rule === 'dow') {
    let p = 0;
    for (let d = from; d <= origin; d++) p += v.profile[dayOfWeek(d)];
    const level = p > 0 ? total / p : own;
    for (let h = 0; h < HOLDOUT; h++) f[h] = level * v.profile[dayOfWeek(origin + 1 + h)];
  } else {
    if (v.windowSum <= 0) f.fill(own);
    else for (let h = 0; h < HOLDOUT; h++) f[h] = (total / v.windowSum) * v.weekdayMean[dayOfWeek(origin + 1 + h)];
  }
  return f;
}

/** Sums of one rule at one k. */
interface Acc {
  abs: number;
  err: number;
  actual: number;
  relRmse: number;
  relN: number;
  wins: number;
  cases: number;
}

const newAcc = (): Acc => ({ abs: 0, err: 0, actual: 0, relRmse: 0, relN: 0, wins: 0, cases: 0 });

/** Score every rule on the cut of series i at origin, k days; null when the cut holds no sale. */
function scoreCase(series: readonly SeriesData[], like: readonly number[], i: number, origin: number, y: Float64Array, ratioOfLaunches: [number, number, number]): Map<Rule, { abs: number; err: number; sq: number; actual: number }> {
  const s = series[i];
  const view = likeView(series, like, origin - y.length + 1, origin, ratioOfLaunches);
  const out = new Map<Rule, { abs: number; err: number; sq: number; actual: number }>();
  for (const rule of RULES) {
    const f = ruleForecast(rule, y, origin, view);
    let abs = 0, err = 0, sq = 0, actual = 0;
    for (let h = 0; h < HOLDOUT; h++) {
      const a = at(s, origin + 1 + h);
      const e = f[h] - a;
      abs += Math.abs(e);
      err += e;
      sq += e * e;
      actual += a;
    }
    out.set(rule, { abs, err, sq, actual });
  }
  return out;
}

/** The last k days of series i up to origin from its first sale in them; null without a sale. */
function simulatedCut(s: SeriesData, origin: number, k: number): Float64Array | null {
  const cut: number[] = [];
  for (let d = origin - k + 1; d <= origin; d++) cut.push(at(s, d));
  const first = cut.findIndex((v) => v > 0);
  return first < 0 ? null : Float64Array.from(cut.slice(first));
}

/** Add one case's scores to the accumulators of its k. */
function addCase(byRule: Map<Rule, Acc>, c: Map<Rule, { abs: number; err: number; sq: number; actual: number }>): void {
  const base = c.get('mean')!;
  for (const [rule, r] of c) {
    const a = byRule.get(rule)!;
    a.abs += r.abs;
    a.err += r.err;
    a.actual += r.actual;
    a.cases++;
    if (r.abs < base.abs) a.wins++;
    if (r.actual > 0) (a.relRmse += Math.sqrt(r.sq / HOLDOUT) / (r.actual / HOLDOUT)), a.relN++;
  }
}

const newTable = (): Map<number, Map<Rule, Acc>> => new Map(KS.map((k) => [k, new Map(RULES.map((r) => [r, newAcc()]))]));

/** Simulated launches over offsets; accumulators by k then rule. */
export function runSimulated(series: readonly SeriesData[], dept: readonly string[], last: number, offsets: readonly number[]): Map<number, Map<Rule, Acc>> {
  const acc = newTable();
  const likes = series.map((_, i) => likeItems(series, dept, i));
  const launches = realLaunches(series);
  for (const offset of offsets) {
    const origin = last - HOLDOUT - offset;
    for (let i = 0; i < series.length; i++) {
      for (const k of KS) {
        const y = simulatedCut(series[i], origin, k);
        if (y) addCase(acc.get(k)!, scoreCase(series, likes[i], i, origin, y, launchRatios(series, dept, launches, i, y.length, origin)));
      }
    }
  }
  return acc;
}

/** Real launches: each forecast from its first k days (the 28 days after them scored). */
export function runReal(series: readonly SeriesData[], dept: readonly string[], last: number, sku?: string): Map<number, Map<Rule, Acc>> {
  const acc = newTable();
  const launches = realLaunches(series);
  for (const l of launches) {
    if (sku !== undefined && series[l.i].sku !== sku) continue;
    const like = likeItems(series, dept, l.i);
    for (const k of KS) {
      const origin = l.day + k - 1;
      if (origin + HOLDOUT > last) continue;
      const y = Float64Array.from({ length: k }, (_, t) => at(series[l.i], l.day + t));
      addCase(acc.get(k)!, scoreCase(series, like, l.i, origin, y, launchRatios(series, dept, launches, l.i, k, origin)));
    }
  }
  return acc;
}

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const oi = process.argv.indexOf('--offsets');
  const offsets = oi > 0 ? process.argv[oi + 1].split(',').map(Number) : [0, 28, 56, 84, 112, 140];
  const data = await loadM5(dataDir);
  const items = loadItemAttributes(dataDir);
  const dept = data.series.map((s) => items.get(s.sku)?.department ?? '');
  const tables = { simulated: rowsOf(runSimulated(data.series, dept, data.last, offsets)), real: rowsOf(runReal(data.series, dept, data.last)) };
  if (process.argv.includes('--json')) return void console.log(JSON.stringify(tables, null, 2));
  if (process.argv.includes('--by-sku')) return printBySku(data.series, dept, data.last);
  console.log(`${data.series.length} series; simulated launches at offsets ${offsets.join(',')}; ${realLaunches(data.series).length} real launches`);
  for (const [name, rows] of Object.entries(tables)) {
    console.log(`\n${name} launches\nk   rule          cases  MAE/mean  RMSE/mean  bias     beats-mean`);
    for (const r of rows) {
      const f = (x: unknown): string => (x as number).toFixed(3).padStart(8);
      console.log(`${String(r.k).padEnd(3)} ${String(r.rule).padEnd(13)} ${String(r.cases).padStart(5)} ${f(r.scaledMae)}  ${f(r.scaledRmse)}  ${f(r.bias)} ${f(r.beatsMean)}`);
    }
  }
}

/** Real launches per launched sku: scaled MAE of today's rule and of `launch-ratio` per k. */
function printBySku(series: readonly SeriesData[], dept: readonly string[], last: number): void {
  const skus = [...new Set(realLaunches(series).map((l) => series[l.i].sku))];
  console.log(`sku              launches  scaled MAE per k (${KS.join(', ')}): mean -> launch-ratio`);
  for (const sku of skus) {
    const acc = runReal(series, dept, last, sku);
    const cells = KS.map((k) => {
      const m = acc.get(k)!.get('mean')!;
      const l = acc.get(k)!.get('launch-ratio')!;
      return m.cases ? `${(m.abs / m.actual).toFixed(2)}->${(l.abs / l.actual).toFixed(2)}` : '-';
    });
    console.log(`${sku.padEnd(16)} ${String(acc.get(KS[0])!.get('mean')!.cases).padStart(8)}  ${cells.join('  ')}`);
  }
}

/** Table rows: per k and rule, the scores of the module comment. */
function rowsOf(acc: Map<number, Map<Rule, Acc>>): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const [k, byRule] of acc) {
    for (const [rule, a] of byRule) rows.push({ k, rule, cases: a.cases, scaledMae: a.abs / a.actual, scaledRmse: a.relRmse / a.relN, bias: a.err / a.actual, beatsMean: a.wins / a.cases });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
