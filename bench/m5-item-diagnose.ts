/**
 * Where the item × store errors of the M5 slice come from (issue 17 item 5): on each 28-day
 * period held out `offset` days before the data's end, the published (reconciled) forecasts,
 * the base forecasts of the per-series choice, and every single candidate model forecast alone
 * through the same path (`models.candidates: [name]`, `combineTop: 1`), scored by held-out RMSSE
 * per demand class and volume band (mean daily sales over the last 28 training days).
 *
 * It reports, per period and pooled over the periods:
 * - mean RMSSE per class × band: published, base, each single model, the best single model per
 *   series in hindsight (oracle), R ets where bench/r/ets-m5-quantiles.csv.gz covers the period;
 * - bias by horizon week (Σ(forecast − actual) / Σ actual) of the published and base forecasts;
 * - the choice: how often the base forecast is worse on the held-out days than the best single
 *   candidate of its class, and the rank correlation of backtest and held-out scores;
 * - what-if combinations of the single models' forecasts (from their backtest scores only), at
 *   the base level and at the published level approximated as published + (what-if − base) / 2
 *   (the default reconciliation averages each item's WLS forecast with its share of the total's);
 *   some with a weekday profile (the series' own, shrunk toward its store × department's) put on
 *   the flat members;
 * - with `--worst=N`, the N series of the largest published RMSSE (pooled), with what was forecast and sold.
 *
 * Research only: nothing here feeds the product. README (Forecasts at every level) has the findings.
 *
 * Usage: node dist/bench/m5-item-diagnose.js ../shared/data [--offsets=84,112,140] [--config='{…}'] [--models=ses,moving-average,…] [--worst=25]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig, type Config } from '../config/schema.js';
import { parseConfig } from '../config/load.js';
import { candidatesFor } from '../pipelines/forecast/classify.js';
import { forecastSeries } from '../pipelines/forecast/forecast-series.js';
import { rmsse } from '../pipelines/forecast/metrics.js';
import { dayOfWeek } from '../pipelines/dates.js';
import { cleanBatch } from '../pipelines/prepare/clean.js';
import { DEFAULT_METHODS } from '../pipelines/hierarchy/reconcile.js';
import { HOLDOUT, loadM5, truncateSeries, type M5Data } from './m5-accuracy.js';
import { defaultEtsQuantilesPath, forecastPeriod, loadEtsQuantiles, loadItemAttributes, period, seriesAttributes } from './m5-hierarchy.js';
import type { SeriesAttributes } from '../pipelines/hierarchy/levels.js';

/** Single models forecast alone (the daily candidates of every class, and two calendar-adjusted twins). */
export const DIAGNOSE_MODELS = ['ses', 'moving-average', 'snaive', 'sba', 'tsb', 'adida', 'imapa', 'regression', 'theta', 'holt-winters', 'holt-winters-damped', 'cal:ses', 'cal:moving-average'];

/** One series' figures on one period. */
export interface SeriesRow {
  offset: number;
  cls: string;
  band: string;
  model: string;
  /** Held-out RMSSE of the published, base and ets forecasts. */
  published: number;
  base: number;
  ets: number;
  /** Per single model: held-out RMSSE, backtest RMSSE, forecast. */
  singles: Record<string, { held: number; bt: number; f: Float64Array }>;
  /** The candidates of the series' class (classify.ts). */
  candidates: string[];
  actual: Float64Array;
  scale: number;
  publishedF: Float64Array;
  baseF: Float64Array;
  /** Store × department key, and the recorded sales of the last 364 training days (oldest first). */
  group: string;
  history: Float64Array;
  /** Weekday (0 = Monday) of the first forecast day. */
  firstDow: number;
}

/** Volume band of a mean daily demand. */
export function volumeBand(m: number): string {
  return m < 0.5 ? 'a <0.5' : m < 2 ? 'b 0.5-2' : m < 5 ? 'c 2-5' : m < 20 ? 'd 5-20' : 'e 20+';
}

/** Every series' figures on one period. */
function diagnosePeriod(data: M5Data, attrs: SeriesAttributes[], config: Config, offset: number, models: string[], ets: ReturnType<typeof loadEtsQuantiles>): SeriesRow[] {
  const p = period(data, attrs, offset);
  const prod = forecastPeriod(data, attrs, config, p.end, DEFAULT_METHODS);
  const training = data.series.map((s) => truncateSeries(s, p.end));
  const prepared = cleanBatch(training, config, { kind: 'daily' }).series;
  const H = HOLDOUT;
  const singles = models.map((name) => {
    const cfg = { ...config, models: { ...config.models, candidates: [name], combineTop: 1 } };
    return prepared.map((s) => forecastSeries(s, { config: cfg, end: p.end, horizon: H, calendar: data.calendar }));
  });
  return data.series.map((s, b) => {
    const actual = p.actualB.subarray(b * H, (b + 1) * H);
    const scale = p.evalScales.b[b];
    const tr = training[b].demand;
    let m = 0;
    for (let t = tr.length - 28; t < tr.length; t++) m += tr[t] / 28;
    const bf = prod.bottom[b];
    const e = ets?.get(`${offset}|${s.store}|${s.sku}`)?.get('mean');
    const row: SeriesRow = {
      offset, cls: bf.demandClass, band: volumeBand(m), model: bf.model,
      published: rmsse(actual, prod.result.bottom[b].mean, scale),
      base: rmsse(actual, bf.mean, scale),
      ets: e ? rmsse(actual, e, scale) : NaN,
      singles: {},
      candidates: bf.demandClass === 'none' ? [] : candidatesFor(bf.demandClass, config, 'day', m),
      actual, scale,
      publishedF: Float64Array.from(prod.result.bottom[b].mean),
      baseF: Float64Array.from(bf.mean),
      group: `${attrs[b].store}/${attrs[b].department}`,
      history: tr.slice(Math.max(0, tr.length - 364)),
      firstDow: dayOfWeek(p.end + 1),
    };
    models.forEach((name, i) => {
      const f = singles[i][b];
      row.singles[name] = { held: rmsse(actual, f.mean, scale), bt: f.accuracy.rmsse ?? NaN, f: Float64Array.from(f.mean) };
    });
    return row;
  });
}

/** Mean of the finite values. */
function meanOf(xs: number[]): number {
  let s = 0;
  let n = 0;
  for (const x of xs) if (Number.isFinite(x)) (s += x), n++;
  return n ? s / n : NaN;
}

/** Mean RMSSE per class × band (and all) of published, base, ets, oracle and each single model. */
function printGroups(rows: SeriesRow[], models: string[]): void {
  const groups = new Map<string, SeriesRow[]>();
  for (const r of rows) {
    for (const k of [`${r.cls} / ${r.band}`, `${r.cls} / all`, `all / ${r.band}`, 'all / all']) {
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(r);
    }
  }
  const keys = [...groups.keys()].sort();
  console.log(`group                      n   publ   base    ets  oracle  ${models.map((m) => m.slice(0, 7).padStart(7)).join(' ')}`);
  for (const k of keys) {
    const g = groups.get(k)!;
    const oracle = g.map((r) => r.candidates.reduce((m, c) => Math.min(m, r.singles[c]?.held ?? Infinity), Infinity));
    const cells = [meanOf(g.map((r) => r.published)), meanOf(g.map((r) => r.base)), meanOf(g.map((r) => r.ets)), meanOf(oracle.map((x) => (Number.isFinite(x) ? x : NaN)))];
    const single = models.map((m) => meanOf(g.map((r) => r.singles[m].held)));
    console.log(`${k.padEnd(24)} ${String(g.length).padStart(4)} ${cells.map((x) => x.toFixed(4)).join(' ')}  ${single.map((x) => x.toFixed(4).padStart(7)).join(' ')}`);
  }
}

/** Bias by horizon week: Σ(f − a) / Σ a over the rows, for a forecast picked from each row. */
function biasByWeek(rows: SeriesRow[], pick: (r: SeriesRow) => Float64Array): string {
  const out: string[] = [];
  for (let w = 0; w < 4; w++) {
    let e = 0;
    let a = 0;
    for (const r of rows) {
      const f = pick(r);
      for (let j = 7 * w; j < 7 * w + 7; j++) (e += f[j] - r.actual[j]), (a += r.actual[j]);
    }
    out.push(`${(100 * e / a).toFixed(1)}%`);
  }
  return out.join(' / ');
}

/** Spearman rank correlation of two equally long lists (no ties expected). */
export function spearman(x: number[], y: number[]): number {
  const rank = (v: number[]): number[] => {
    const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array<number>(v.length);
    idx.forEach((i, k) => (r[i] = k));
    return r;
  };
  const rx = rank(x);
  const ry = rank(y);
  const n = x.length;
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += (rx[i] - ry[i]) ** 2;
  return 1 - (6 * d2) / (n * (n * n - 1));
}

/** How good the backtest choice is: worse than the best candidate, rank correlation, chosen rank. */
function printChoice(rows: SeriesRow[]): void {
  let worse = 0;
  let n = 0;
  const rhos: number[] = [];
  const btBestRank: number[] = [];
  for (const r of rows) {
    const c = r.candidates.filter((m) => r.singles[m] && Number.isFinite(r.singles[m].held) && Number.isFinite(r.singles[m].bt));
    if (c.length < 3) continue;
    n++;
    const held = c.map((m) => r.singles[m].held);
    const bt = c.map((m) => r.singles[m].bt);
    if (r.base > held.reduce((a, b) => Math.min(a, b), Infinity)) worse++;
    rhos.push(spearman(bt, held));
    const best = bt.indexOf(bt.reduce((a, b) => Math.min(a, b), Infinity));
    btBestRank.push(held.filter((h) => h < held[best]).length + 1);
  }
  console.log(`choice: base worse than the best single candidate on ${(100 * worse / n).toFixed(1)}% of ${n} series; mean Spearman(backtest, held-out) over candidates ${meanOf(rhos).toFixed(3)}; backtest-best model's held-out rank ${meanOf(btBestRank).toFixed(2)}`);
}

/** How often each model is a member of the chosen forecast, and the mean held-out RMSSE of the base with and without it. */
function printMembers(rows: SeriesRow[]): void {
  const count = new Map<string, { n: number; with: number[]; without: number[] }>();
  for (const m of Object.keys(rows[0].singles)) count.set(m, { n: 0, with: [], without: [] });
  for (const r of rows) {
    const members = /^combo\((.*)\)$/.exec(r.model)?.[1].split('+') ?? [r.model];
    for (const [m, c] of count) {
      if (!r.candidates.includes(m)) continue;
      if (members.includes(m)) (c.n++, c.with.push(r.base));
      else c.without.push(r.base);
    }
  }
  console.log(`members (chosen / candidate, base RMSSE with / without): ${[...count].map(([m, c]) => `${m} ${c.n}/${c.with.length + c.without.length} ${meanOf(c.with).toFixed(3)}/${meanOf(c.without).toFixed(3)}`).join(', ')}`);
}

/** Weekday profile (mean 1, index = weekday of history day t) of a history whose last day precedes `firstDow`. */
export function weekdayProfile(h: Float64Array, firstDow: number): Float64Array {
  const p = new Float64Array(7);
  let tot = 0;
  for (let t = 0; t < h.length; t++) {
    const dow = (((firstDow - (h.length - t)) % 7) + 7) % 7;
    p[dow] += h[t];
    tot += h[t];
  }
  for (let d = 0; d < 7; d++) p[d] = tot > 0 ? (7 * p[d]) / tot : 1;
  return p;
}

/** A member forecast with a weekday profile applied when it is flat. */
export function profiled(f: Float64Array, p: Float64Array | null, firstDow: number): Float64Array {
  if (!p) return f;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of f) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  if (hi - lo > 1e-9) return f;
  return Float64Array.from(f, (v, j) => v * p[(firstDow + j) % 7]);
}

/** What-if combinations of single forecasts, mean RMSSE per class: base level, and published approximated as published + (what-if − base) / 2. */
function printWhatIf(rows: SeriesRow[]): void {
  const groupHist = new Map<string, Float64Array>();
  for (const r of rows) {
    const key = `${r.offset}|${r.group}`;
    const g = groupHist.get(key) ?? new Float64Array(364);
    const off = 364 - r.history.length;
    for (let t = 0; t < r.history.length; t++) g[off + t] += r.history[t];
    groupHist.set(key, g);
  }
  const profileOf = (r: SeriesRow, k: number): Float64Array => {
    const own = weekdayProfile(r.history, r.firstDow);
    const grp = weekdayProfile(groupHist.get(`${r.offset}|${r.group}`)!, r.firstDow);
    const units = r.history.reduce((a, b) => a + b, 0);
    const w = k === Infinity ? 0 : units / (units + k);
    return Float64Array.from(own, (v, d) => w * v + (1 - w) * grp[d]);
  };
  const rules: Record<string, (r: SeriesRow, c: string[]) => { names: string[]; w: number[]; p?: Float64Array }> = {
    top3: (r, c) => equal(topBy(r, c, 3)),
    top1: (r, c) => equal(topBy(r, c, 1)),
    top3noReg: (r, c) => equal(topBy(r, c.filter((m) => m !== 'regression'), 3)),
    top5: (r, c) => equal(topBy(r, c, 5)),
    allEq: (r, c) => equal(c),
    invMse: (r, c) => ({ names: c, w: c.map((m) => 1 / (r.singles[m].bt ** 2 + 1e-3)) }),
    invMse3: (r, c) => { const t = topBy(r, c, 3); return { names: t, w: t.map((m) => 1 / (r.singles[m].bt ** 2 + 1e-3)) }; },
    levelPool: () => equal(['ses', 'moving-average', 'tsb', 'sba']),
    'top3*grp': (r, c) => ({ ...equal(topBy(r, c, 3)), p: profileOf(r, Infinity) }),
    'top3*own~grp200': (r, c) => ({ ...equal(topBy(r, c, 3)), p: profileOf(r, 200) }),
    'top3*own~grp1000': (r, c) => ({ ...equal(topBy(r, c, 3)), p: profileOf(r, 1000) }),
    'top5*own~grp200': (r, c) => ({ ...equal(topBy(r, c, 5)), p: profileOf(r, 200) }),
  };
  const classes = ['smooth', 'erratic', 'intermittent', 'lumpy', 'all'];
  console.log(`what-if (mean RMSSE, base level | published approx.): ${classes.join(' / ')}`);
  for (const [name, rule] of Object.entries(rules)) {
    const per: Record<string, number[]> = Object.fromEntries(classes.map((c) => [c, []]));
    const pub: number[] = [];
    for (const r of rows) {
      const c = r.candidates.filter((m) => r.singles[m] && Number.isFinite(r.singles[m].bt));
      if (c.length === 0) continue;
      const { names, w, p } = rule(r, c);
      if (names.some((m) => !r.singles[m])) continue;
      const f = new Float64Array(HOLDOUT);
      const W = w.reduce((a, b) => a + b, 0);
      names.forEach((m, i) => {
        const mf = profiled(r.singles[m].f, p ?? null, r.firstDow);
        for (let j = 0; j < HOLDOUT; j++) f[j] += (w[i] / W) * mf[j];
      });
      const s = rmsse(r.actual, f, r.scale);
      per[r.cls]?.push(s);
      per.all.push(s);
      pub.push(rmsse(r.actual, Float64Array.from(r.publishedF, (v, j) => Math.max(0, v + (f[j] - r.baseF[j]) / 2)), r.scale));
    }
    console.log(`  ${name.padEnd(18)} ${classes.map((c) => meanOf(per[c]).toFixed(4)).join(' / ')} | ${meanOf(pub).toFixed(4)}`);
  }
}

/** Equal weights. */
function equal(names: string[]): { names: string[]; w: number[] } {
  return { names, w: names.map(() => 1) };
}

/** The k candidates with the lowest backtest score. */
function topBy(r: SeriesRow, c: string[], k: number): string[] {
  return [...c].sort((a, b) => r.singles[a].bt - r.singles[b].bt).slice(0, k);
}

/** Print every table for a set of rows. */
function report(label: string, rows: SeriesRow[], models: string[], worst: number): void {
  console.log(`\n=== ${label}`);
  printGroups(rows, models);
  console.log(`bias by week, published: ${biasByWeek(rows, (r) => r.publishedF)}; base: ${biasByWeek(rows, (r) => r.baseF)}`);
  for (const m of Object.keys(rows[0].singles)) console.log(`  bias by week, ${m}: ${biasByWeek(rows, (r) => r.singles[m].f)}`);
  printChoice(rows);
  printMembers(rows);
  printWhatIf(rows);
  if (worst > 0) printWorst(rows, worst);
}

/** The series with the largest published RMSSE: what was forecast against what sold. */
function printWorst(rows: SeriesRow[], k: number): void {
  const avg = (a: ArrayLike<number>, from = 0, to = a.length): number => { let s = 0; for (let i = from; i < to; i++) s += a[i]; return s / (to - from); };
  for (const r of [...rows].sort((a, b) => b.published - a.published).slice(0, k)) {
    const h = r.history;
    console.log(`  ${r.offset} ${r.group} ${r.cls} ${r.band} ${r.model} publ ${r.published.toFixed(2)} base ${r.base.toFixed(2)} ets ${r.ets.toFixed(2)} | forecast ${avg(r.publishedF).toFixed(2)} sold ${avg(r.actual).toFixed(2)} (weeks ${[0, 1, 2, 3].map((w) => avg(r.actual, 7 * w, 7 * w + 7).toFixed(1)).join('/')}) | last 7 ${avg(h, h.length - 7).toFixed(2)} 28 ${avg(h, h.length - 28).toFixed(2)} 364 ${avg(h).toFixed(2)} max ${Math.max(...h)}`);
  }
}

export async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const offsets = (arg('offsets') ?? '84,112,140').split(',').map(Number);
  const models = arg('models')?.split(',') ?? DIAGNOSE_MODELS;
  const config = arg('config') ? parseConfig(JSON.parse(arg('config')!), '--config') : defaultConfig();
  const data = await loadM5(dataDir);
  const attrs = seriesAttributes(data.series, loadItemAttributes(dataDir));
  const ets = loadEtsQuantiles(defaultEtsQuantilesPath());
  const all: SeriesRow[] = [];
  for (const offset of offsets) {
    const rows = diagnosePeriod(data, attrs, config, offset, models, ets);
    for (const row of rows) all.push(row);
    report(`offset ${offset}`, rows, models, 0);
  }
  report(`pooled ${offsets.join(',')}`, all, models, Number(arg('worst') ?? 0));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
