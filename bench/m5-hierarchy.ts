/**
 * M5 hierarchy benchmark: forecasts at every level of the M5 slice (280 item × store series,
 * 10 stores in 3 states, 28 items in 3 categories and 7 departments), reconciled, with
 * quantiles, scored as the M5 competition scores them, on 28-day periods held out at the end of
 * the data (`offset` days before its last day: 0 is the last period).
 *
 * Per period it reports:
 * - the M5 12-level WRMSSE restricted to the slice's hierarchy (total, state, store, category,
 *   department, state/category, state/department, store/category, store/department, item,
 *   item/state, item/store), of the product's coherent forecasts (the reconciled item × store
 *   forecasts summed) and of R's ets() per item × store summed bottom-up (ES_bu);
 * - item × store mean RMSSE and revenue-weighted RMSSE (level 12), for both;
 * - coverage of the published 80% / 95% intervals at item × store and per aggregate level, with
 *   their mean width over the mean actual and the share of days above the upper bound;
 * - scaled pinball loss over the M5's nine quantiles (SPL, mean and revenue-weighted) at
 *   item × store, for the product and for R's ets() intervals; WSPL per product level;
 * - every reconciliation candidate's backtest score, the method chosen, and what each
 *   candidate would have scored on the held-out days (for research only: the choice never
 *   sees them).
 *
 * The product path: the training days only, cleaned (config.cleaning), bottom and aggregate
 * series forecast by pipelines/forecast-series.ts with traces, then reconciled by
 * pipelines/hierarchy/reconcile.ts, then the model pooled over the item × store series blended
 * in (pipelines/forecast/pooled-stage.ts, pooled-blend.ts; off with
 * `--config='{"models":{"pooled":{"enabled":false}}}'`). R's figures come from bench/r/ets-m5-quantiles.csv.gz
 * (bench/r/ets-m5-quantiles.R).
 *
 * Usage: node dist/bench/m5-hierarchy.js ../shared/data [--offsets=56,28,0] [--methods=a,b] [--levels=total,store,...] [--config='{"models":{...}}'] [--stores=CA_1,...] [--items=N] [--future-prices] [--json]
 * (`--future-prices`: the item × store forecasts scaled to the held-out days' prices with each series'
 * pooled elasticity, pipelines/forecast/price-elasticity.ts: what planned prices would give)
 * (`--stores`, `--items`: a small catalogue, bench/m5-subset.ts; every score is then the subset's)
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { defaultConfig, type Config } from '../config/schema.js';
import { parseConfig } from '../config/load.js';
import { stateOfStore } from '../pipelines/forecast/calendar.js';
import { cleanBatch } from '../pipelines/prepare/clean.js';
import { forecastSeries, type SeriesForecast } from '../pipelines/forecast/forecast-series.js';
import { aggregateSeries, sumToNodes } from '../pipelines/hierarchy/aggregate.js';
import { bottomWeights, levelScores } from '../pipelines/hierarchy/level-scores.js';
import { buildHierarchy, defaultLevels, nodeCount, type Hierarchy, type SeriesAttributes } from '../pipelines/hierarchy/levels.js';
import { DEFAULT_METHODS, reconcileForecasts, type HierarchyForecast } from '../pipelines/hierarchy/reconcile.js';
import { revenueWeight, rmsse, rmsseScale, spl, splScale } from '../pipelines/forecast/metrics.js';
import type { SeriesData } from '../pipelines/types.js';
import { DAILY } from '../pipelines/periods.js';
import { carriedPrices, depriceBatch } from '../pipelines/forecast/price-elasticity.js';
import { applyPooled } from '../pipelines/forecast/pooled-blend.js';
import { pooledStage, type PooledFacts } from '../pipelines/forecast/pooled-stage.js';
import { pooledWeights } from '../pipelines/forecast/pooled-weights.js';
import { HOLDOUT, loadM5, truncateSeries, type M5Data } from './m5-accuracy.js';
import { subsetOptions, subsetSeries } from './m5-subset.js';

/** The M5 uncertainty track's quantiles. */
export const M5_QUANTILES = [0.005, 0.025, 0.165, 0.25, 0.5, 0.75, 0.835, 0.975, 0.995];

/** The M5's twelve levels (the bottom, item × store, is implicit). */
export const M5_LEVELS = ['total', 'state', 'store', 'category', 'department', 'state/category', 'state/department', 'store/category', 'store/department', 'sku', 'state/sku'];

/** Item attributes of the slice (department, category) read from its sales file. */
export function loadItemAttributes(dataDir: string): Map<string, { department: string; category: string }> {
  const text = gunzipSync(readFileSync(join(dataDir, 'm5-slice', 'sales.csv.gz'))).toString('utf8');
  const lines = text.split('\n');
  const header = lines[0].replaceAll('"', '').split(',');
  const [ci, cd, cc] = ['item_id', 'dept_id', 'cat_id'].map((c) => header.indexOf(c));
  if (ci < 0 || cd < 0 || cc < 0) throw new Error(`loadItemAttributes: sales.csv.gz lacks item_id, dept_id or cat_id (header: ${header.join(',')})`);
  const out = new Map<string, { department: string; category: string }>();
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]) continue;
    const f = lines[i].replaceAll('"', '').split(',');
    if (!out.has(f[ci])) out.set(f[ci], { department: f[cd], category: f[cc] });
  }
  return out;
}

/** Attributes of every series: store, sku, state (store prefix), category, department. */
export function seriesAttributes(series: readonly SeriesData[], items: Map<string, { department: string; category: string }>): SeriesAttributes[] {
  return series.map((s) => {
    const a = items.get(s.sku);
    if (!a) throw new Error(`m5-hierarchy: no department/category for sku ${s.sku}`);
    return { store: s.store, sku: s.sku, state: stateOfStore(s.store), category: a.category, department: a.department };
  });
}

/** R ets() means and quantiles per offset and series: key `offset|store|sku` -> what -> 28 values. */
export function loadEtsQuantiles(path: string): Map<string, Map<string, number[]>> | undefined {
  if (!existsSync(path)) return undefined;
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
  const out = new Map<string, Map<string, number[]>>();
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const f = line.split(',');
    const key = `${f[0]}|${f[1]}|${f[2]}`;
    let m = out.get(key);
    if (!m) out.set(key, (m = new Map()));
    m.set(f[3], f.slice(4).map(Number));
  }
  return out;
}

/** bench/r/ets-m5-quantiles.csv.gz beside the compiled or source file. */
export function defaultEtsQuantilesPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, 'r/ets-m5-quantiles.csv.gz'), resolve(here, '../../bench/r/ets-m5-quantiles.csv.gz'), resolve(here, '../../../bench/r/ets-m5-quantiles.csv.gz')];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

/** Scores of one set of item × store forecasts. */
export interface BottomScores {
  /** M5 12-level WRMSSE restricted to the slice (coherent sums of the bottom forecasts). */
  wrmsse12: number;
  /** WRMSSE per M5 level. */
  levels: Record<string, number>;
  /** Item × store mean RMSSE. */
  meanRmsse: number;
  /** Item × store revenue-weighted RMSSE (level 12). */
  wrmsse: number;
  /** Item × store mean SPL and revenue-weighted SPL (when quantiles are given). */
  meanSpl: number | null;
  wspl: number | null;
  /** Mean scaled pinball loss per quantile (item × store), and the share of actuals at or below each quantile. */
  perQuantile: { q: number; spl: number; below: number }[] | null;
}

/** The evaluation context of one period: truth, scales, weights, M5 hierarchy. */
export interface Period {
  offset: number;
  end: number;
  actualB: Float64Array;
  weights: Float64Array;
  evalHierarchy: Hierarchy;
  evalScales: { a: Float64Array; b: Float64Array };
  splScalesB: Float64Array;
}

/** Set up the truth of a period. */
export function period(data: M5Data, attrs: SeriesAttributes[], offset: number): Period {
  const end = data.last - HOLDOUT - offset;
  const nb = data.series.length;
  const actualB = new Float64Array(nb * HOLDOUT);
  const weights = new Float64Array(nb);
  const splScalesB = new Float64Array(nb);
  const scalesB = new Float64Array(nb);
  data.series.forEach((s, b) => {
    const e = end - s.start;
    actualB.set(s.demand.subarray(e + 1, e + 1 + HOLDOUT), b * HOLDOUT);
    weights[b] = revenueWeight(s.demand.subarray(0, e + 1), s.price.subarray(0, e + 1), 28);
    splScalesB[b] = splScale(s.demand.subarray(0, e + 1));
    scalesB[b] = rmsseScale(s.demand.subarray(0, e + 1));
  });
  const evalHierarchy = buildHierarchy(attrs, M5_LEVELS);
  const training = aggregateSeries(data.series.map((s) => truncateSeries(s, end)), evalHierarchy);
  const scalesA = Float64Array.from(training, (s) => rmsseScale(s.demand));
  return { offset, end, actualB, weights, evalHierarchy, evalScales: { a: scalesA, b: scalesB }, splScalesB };
}

/** Score item × store forecasts (and optional quantiles) on a period. */
export function scoreBottom(p: Period, forecastB: Float64Array, quantilesB?: Float64Array[]): BottomScores {
  const h = p.evalHierarchy;
  const nb = h.bottom.length;
  const H = HOLDOUT;
  const fa = sumToNodes(h, forecastB, H);
  const aa = sumToNodes(h, p.actualB, H);
  const rmsseA = new Float64Array(nodeCount(h));
  for (let k = 0; k < rmsseA.length; k++) rmsseA[k] = rmsse(aa.subarray(k * H, (k + 1) * H), fa.subarray(k * H, (k + 1) * H), p.evalScales.a[k]);
  const rmsseB = new Float64Array(nb);
  for (let b = 0; b < nb; b++) rmsseB[b] = rmsse(p.actualB.subarray(b * H, (b + 1) * H), forecastB.subarray(b * H, (b + 1) * H), p.evalScales.b[b]);
  const ls = levelScores(h, rmsseA, rmsseB, p.weights);
  let s = 0;
  let n = 0;
  for (const x of rmsseB) if (Number.isFinite(x)) (s += x), n++;
  let meanSpl: number | null = null;
  let wspl: number | null = null;
  let perQuantile: BottomScores['perQuantile'] = null;
  if (quantilesB) {
    const splB = new Float64Array(nb);
    for (let b = 0; b < nb; b++) {
      splB[b] = spl(p.actualB.subarray(b * H, (b + 1) * H), quantilesB.map((q) => q.subarray(b * H, (b + 1) * H)), M5_QUANTILES, p.splScalesB[b]);
    }
    let t = 0;
    let c = 0;
    let wt = 0;
    let ws = 0;
    for (let b = 0; b < nb; b++) {
      if (!Number.isFinite(splB[b])) continue;
      t += splB[b];
      c++;
      ws += p.weights[b] * splB[b];
      wt += p.weights[b];
    }
    meanSpl = t / c;
    wspl = ws / wt;
    perQuantile = M5_QUANTILES.map((u, q) => {
      let sum = 0;
      let n = 0;
      let below = 0;
      for (let b = 0; b < nb; b++) {
        const a = p.actualB.subarray(b * H, (b + 1) * H);
        const qq = quantilesB[q].subarray(b * H, (b + 1) * H);
        for (let j = 0; j < H; j++) if (a[j] <= qq[j]) below++;
        const v = spl(a, [qq], [u], p.splScalesB[b]);
        if (Number.isFinite(v)) (sum += v), n++;
      }
      return { q: u, spl: sum / n, below: below / (nb * H) };
    });
  }
  return {
    wrmsse12: ls.mean,
    levels: Object.fromEntries(ls.levels.map((l) => [l.level, l.score])),
    meanRmsse: s / n,
    wrmsse: ls.levels[ls.levels.length - 1].score,
    meanSpl,
    wspl,
    perQuantile,
  };
}

/** Everything measured on one period. */
export interface PeriodResult {
  offset: number;
  product: BottomScores;
  /** R ets() per item × store, bottom-up (ES_bu), when the reference file is present. */
  ets: BottomScores | null;
  /** Coverage of the product's intervals by level (`store/sku` = item × store), per interval level. */
  coverage: Record<string, Record<string, number>>;
  /** Per level and interval level: mean width over mean actual, and the share of days above the upper bound. */
  widths: Record<string, Record<string, { width: number; above: number }>>;
  /** Held-out WRMSSE per product level of the aggregates' own (base) forecasts, before reconciliation. */
  baseLevels: Record<string, number>;
  /** Mean SPL of the published quantiles per aggregate level. */
  levelSpl: Record<string, number>;
  /** Reconciliation: chosen method, every candidate's backtest score and held-out 12-level WRMSSE. */
  method: string;
  lambda: number | null;
  candidates: { method: string; backtest: number; heldOut: number; heldOutBottom: number; heldOutBottomW: number; failed: string | null }[];
  /** The pooled stage's facts (blended into `product`, not into `candidates`). */
  pooled: PooledFacts;
  seconds: { forecast: number; reconcile: number; pooled: number };
  series: { bottom: number; aggregate: number };
  /** Broken invariants: an aggregate not the sum of its items, crossing quantiles, bad bounds. */
  problems: string[];
}

/** Coherence (every aggregate = the sum of its items), monotone quantiles and nested bounds. */
export function invariantProblems(h: Hierarchy, r: HierarchyForecast, H: number): string[] {
  const out: string[] = [];
  const bottom = new Float64Array(h.bottom.length * H);
  r.bottom.forEach((b, i) => bottom.set(b.mean, i * H));
  const sums = sumToNodes(h, bottom, H);
  r.nodes.forEach((n, k) => {
    for (let j = 0; j < H; j++) {
      const want = sums[k * H + j];
      if (!(Math.abs(n.mean[j] - want) <= 1e-9 * (1 + Math.abs(want)))) {
        out.push(`${n.level} ${n.key} day ${j + 1}: forecast ${n.mean[j]} is not the sum of its items ${want}`);
        return;
      }
    }
  });
  for (const n of [...r.nodes, ...r.bottom]) {
    for (let j = 0; j < H; j++) {
      for (let q = 1; q < n.quantiles.length; q++) if (!(n.quantiles[q][j] >= n.quantiles[q - 1][j] && n.quantiles[q - 1][j] >= 0)) out.push(`quantiles cross or are negative on day ${j + 1}`);
      if (!(n.lo['95'][j] <= n.lo['80'][j] && n.lo['80'][j] <= n.mean[j] && n.mean[j] <= n.hi['80'][j] && n.hi['80'][j] <= n.hi['95'][j])) out.push(`bounds not nested on day ${j + 1}`);
    }
  }
  return out.slice(0, 10);
}

/**
 * Forecast every node of the product's hierarchy for one period and reconcile, then blend in the
 * model pooled over the item × store series (config `models.pooled`), trained on the training
 * days only, as the product does (pipelines/forecast/pooled-stage.ts, pooled-blend.ts).
 * `reconciled` is the forecast before the blend, `pooledForecasts` the pooled stage's per bottom series.
 */
export function forecastPeriod(
  data: M5Data,
  attrs: SeriesAttributes[],
  config: Config,
  end: number,
  methods: readonly string[],
  levels: readonly string[] = defaultLevels(['category', 'department'], ['state']),
): { h: Hierarchy; prepared: SeriesData[]; bottom: SeriesForecast[]; aggregate: SeriesForecast[]; result: HierarchyForecast; reconciled: HierarchyForecast; pooled: PooledFacts; pooledForecasts: (Float64Array | null)[]; seconds: { forecast: number; reconcile: number; pooled: number } } {
  const t0 = performance.now();
  const training = data.series.map((s) => truncateSeries(s, end));
  const prepared = config.cleaning.enabled ? cleanBatch(training, config, { kind: 'daily' }).series : training;
  if (prepared.length !== training.length) throw new Error('m5-hierarchy: cleaning merged series; the slice has no mis-keyed skus');
  const h = buildHierarchy(attrs, levels);
  const aggregates = aggregateSeries(prepared, h);
  const ctx = { config, end, horizon: HOLDOUT, calendar: data.calendar, trace: true };
  // research option: the bottom series' histories de-priced (their aggregates and the pooled model keep the sales as recorded)
  const depriced = config.models.priceElasticity || FUTURE_PRICES ? depriceBatch(prepared, end) : undefined;
  const fitted = config.models.priceElasticity && depriced ? depriced.series : prepared;
  const forecasts = fitted.map((s) => forecastSeries(s, ctx));
  const bottom = depriced && FUTURE_PRICES ? forecasts.map((f, i) => atFuturePrices(f, data.series[i], end, depriced.elasticities[i])) : forecasts;
  const aggregate = aggregates.map((s) => forecastSeries(s, ctx));
  const t1 = performance.now();
  const weights = bottomWeights(training);
  const reconciled = reconcileForecasts(h, aggregate, bottom, { methods, levels: config.intervals.levels, quantiles: M5_QUANTILES, weights });
  const t2 = performance.now();
  const pooled = pooledStage({ series: prepared, calendar: data.calendar, grid: DAILY, end, horizon: HOLDOUT }, config);
  const result = pooled.facts.used ? blendHierarchy(reconciled, h, pooled.forecasts, pooledWeights(bottom.map((f) => f.demandClass), pooled.facts)) : reconciled;
  const t3 = performance.now();
  return { h, prepared, bottom, aggregate, result, reconciled, pooled: pooled.facts, pooledForecasts: pooled.forecasts, seconds: { forecast: (t1 - t0) / 1000, reconcile: (t2 - t1) / 1000, pooled: (t3 - t2) / 1000 } };
}

/** `--future-prices`: the bottom forecasts scaled to the held-out days' own prices (what a planned-price input would allow; the product has none). */
const FUTURE_PRICES = process.argv.includes('--future-prices');

/** A forecast made at the last price, scaled day by day by (p_day / p_last)^elasticity with the full data's prices. */
function atFuturePrices(f: SeriesForecast, full: SeriesData, end: number, elasticity: number): SeriesForecast {
  const c = carriedPrices(full.price, full.price.length);
  const e = end - full.start;
  const now = c[e];
  if (elasticity === 0 || !Number.isFinite(now)) return f;
  const factor = f.mean.map((_, j) => (Number.isFinite(c[e + 1 + j]) ? Math.min(4, Math.max(0.25, (c[e + 1 + j] / now) ** elasticity)) : 1));
  const scale = (a: number[]): number[] => a.map((v, j) => v * factor[j]);
  return { ...f, mean: scale(f.mean), lo: Object.fromEntries(Object.entries(f.lo).map(([k, v]) => [k, scale(v)])), hi: Object.fromEntries(Object.entries(f.hi).map(([k, v]) => [k, scale(v)])) };
}

/** A reconciled hierarchy with the pooled forecasts blended in (pipelines/forecast/pooled-blend.ts, as the product's levels outputs). */
export function blendHierarchy(r: HierarchyForecast, h: Hierarchy, pooled: readonly (Float64Array | null)[], weight: number | ArrayLike<number>): HierarchyForecast {
  const out = applyPooled({ forecasts: r.bottom, quantiles: r.bottom.map((b) => b.quantiles), nodes: r.nodes }, h, pooled, weight);
  return { ...r, bottom: out.forecasts.map((b, i) => ({ ...b, quantiles: out.quantiles[i] })), nodes: out.nodes };
}

/** Run one period. */
export function runPeriod(
  data: M5Data,
  attrs: SeriesAttributes[],
  config: Config,
  offset: number,
  methods: readonly string[],
  ets?: Map<string, Map<string, number[]>>,
  levels?: readonly string[],
): PeriodResult {
  const p = period(data, attrs, offset);
  const { h, bottom, aggregate, result, reconciled, pooled, seconds } = forecastPeriod(data, attrs, config, p.end, methods, levels);
  const H = HOLDOUT;
  const nb = data.series.length;
  const bottomMatrix = (get: (b: number) => ArrayLike<number>): Float64Array => {
    const m = new Float64Array(nb * H);
    for (let b = 0; b < nb; b++) m.set(get(b), b * H);
    return m;
  };
  const product = scoreBottom(
    p,
    bottomMatrix((b) => result.bottom[b].mean),
    M5_QUANTILES.map((_, q) => bottomMatrix((b) => result.bottom[b].quantiles[q])),
  );
  let etsScores: BottomScores | null = null;
  const s0 = data.series[0];
  if (ets && ets.has(`${offset}|${s0.store}|${s0.sku}`)) {
    const get = (b: number, what: string): number[] => {
      const s = data.series[b];
      const v = ets.get(`${offset}|${s.store}|${s.sku}`)?.get(what);
      if (!v) throw new Error(`m5-hierarchy: R ets() reference lacks offset ${offset}, ${s.store}/${s.sku}, ${what}`);
      return v;
    };
    etsScores = scoreBottom(p, bottomMatrix((b) => get(b, 'mean')), M5_QUANTILES.map((q) => bottomMatrix((b) => get(b, `q${q}`))));
  }
  // coverage per product level and at the bottom
  const coverage: Record<string, Record<string, number>> = {};
  const sums: Record<string, Record<string, { width: number; actual: number; above: number; n: number }>> = {};
  const actualA = sumToNodes(h, p.actualB, H);
  const count = (key: string, level: string, lo: number[], hi: number[], actual: ArrayLike<number>): void => {
    const c = (coverage[level] ??= {});
    const w = ((sums[level] ??= {})[key] ??= { width: 0, actual: 0, above: 0, n: 0 });
    let inside = 0;
    for (let j = 0; j < H; j++) {
      if (actual[j] >= lo[j] && actual[j] <= hi[j]) inside++;
      if (actual[j] > hi[j]) w.above++;
      w.width += hi[j] - lo[j];
      w.actual += actual[j];
    }
    w.n += H;
    c[`${key}:in`] = (c[`${key}:in`] ?? 0) + inside;
    c[`${key}:n`] = (c[`${key}:n`] ?? 0) + H;
  };
  for (const l of config.intervals.levels) {
    const key = String(l);
    result.nodes.forEach((node, k) => count(key, node.level, node.lo[key], node.hi[key], actualA.subarray(k * H, (k + 1) * H)));
    result.bottom.forEach((s, b) => count(key, 'store/sku', s.lo[key], s.hi[key], p.actualB.subarray(b * H, (b + 1) * H)));
  }
  for (const c of Object.values(coverage)) {
    for (const l of config.intervals.levels) {
      c[String(l)] = c[`${l}:in`] / c[`${l}:n`];
      delete c[`${l}:in`];
      delete c[`${l}:n`];
    }
  }
  const widths = Object.fromEntries(
    Object.entries(sums).map(([level, byKey]) => [level, Object.fromEntries(Object.entries(byKey).map(([k, w]) => [k, { width: w.width / w.actual, above: w.above / w.n }]))]),
  );
  // the aggregates' own forecasts on the held-out days, level by level (research only)
  const trainedA = aggregateSeries(data.series.map((s) => truncateSeries(s, p.end)), h);
  const baseScores = aggregate.map((f, k) => rmsse(actualA.subarray(k * H, (k + 1) * H), f.mean, rmsseScale(trainedA[k].demand)));
  const baseB = bottom.map((f, b) => rmsse(p.actualB.subarray(b * H, (b + 1) * H), f.mean, p.evalScales.b[b]));
  const baseLevels = Object.fromEntries(levelScores(h, baseScores, baseB, p.weights).levels.map((l) => [l.level, l.score]));
  // mean SPL of the published quantiles per aggregate level (item × store: product.meanSpl)
  const splSums: Record<string, { s: number; n: number }> = {};
  result.nodes.forEach((node, k) => {
    const v = spl(actualA.subarray(k * H, (k + 1) * H), node.quantiles, M5_QUANTILES, splScale(trainedA[k].demand));
    if (!Number.isFinite(v)) return;
    const acc = (splSums[node.level] ??= { s: 0, n: 0 });
    acc.s += v;
    acc.n++;
  });
  const levelSpl = Object.fromEntries(Object.entries(splSums).map(([l, x]) => [l, x.s / x.n]));
  // what every candidate would have scored on the held-out days, before the pooled blend (research only)
  const candidates = result.scores.map((s) => {
    if (s.failed) return { method: s.method, backtest: s.score, heldOut: NaN, heldOutBottom: NaN, heldOutBottomW: NaN, failed: s.failed };
    const alt = s.method === result.method ? reconciled : reconcileForecasts(h, aggregate, bottom, { methods: [s.method], levels: config.intervals.levels, quantiles: [], weights: p.weights });
    const sc = scoreBottom(p, bottomMatrix((b) => alt.bottom[b].mean));
    return { method: s.method, backtest: s.score, heldOut: sc.wrmsse12, heldOutBottom: sc.meanRmsse, heldOutBottomW: sc.wrmsse, failed: null };
  });
  return {
    offset,
    problems: invariantProblems(h, result, H),
    product,
    ets: etsScores,
    coverage,
    widths,
    baseLevels,
    levelSpl,
    method: result.method,
    lambda: result.lambda,
    candidates,
    pooled,
    seconds,
    series: { bottom: nb, aggregate: aggregate.length },
  };
}

export async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const offsets = (arg('offsets') ?? '56,28,0').split(',').map(Number);
  const methods = arg('methods')?.split(',') ?? [...DEFAULT_METHODS];
  const levels = arg('levels')?.split(',');
  const config = arg('config') ? parseConfig(JSON.parse(arg('config')!), '--config') : defaultConfig();
  const all = await loadM5(dataDir);
  const data = { ...all, series: subsetSeries(all.series, subsetOptions(arg)) };
  const attrs = seriesAttributes(data.series, loadItemAttributes(dataDir));
  const ets = loadEtsQuantiles(defaultEtsQuantilesPath());
  const results: PeriodResult[] = [];
  for (const offset of offsets) {
    const r = runPeriod(data, attrs, config, offset, methods, ets, levels);
    results.push(r);
    if (!process.argv.includes('--json')) printPeriod(r);
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
}

/** Print one period's figures. */
export function printPeriod(r: PeriodResult): void {
  const f = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '   -  ' : x.toFixed(4));
  const rel = (a: number | null, b: number | null | undefined): string => (a === null || b === null || b === undefined ? '' : ` (${(100 * (a / b - 1)).toFixed(1)}%)`);
  console.log(`\n=== period offset ${r.offset} (${r.series.bottom} bottom + ${r.series.aggregate} aggregate series; forecast ${r.seconds.forecast.toFixed(1)} s, reconcile ${r.seconds.reconcile.toFixed(2)} s)`);
  console.log(`pooled model: ${r.pooled.used ? `blended, weight ${r.pooled.weight} (intermittent ${r.pooled.intermittentWeight ?? r.pooled.weight}), ${r.pooled.rows} rows, ${r.pooled.series} series, ${r.seconds.pooled.toFixed(1)} s` : `not used (${r.pooled.reason})`}`);
  console.log(`reconciliation: ${r.method}${r.lambda !== null ? ` (lambda ${r.lambda.toFixed(3)})` : ''}`);
  for (const c of r.candidates) console.log(`  ${c.method.padEnd(28)} backtest ${f(c.backtest)}  held-out WRMSSE12 ${f(c.heldOut)}  item×store ${f(c.heldOutBottom)} / ${f(c.heldOutBottomW)}${c.failed ? `  FAILED: ${c.failed}` : ''}`);
  const e = r.ets;
  console.log(`                       product    R ets (ES_bu)`);
  console.log(`WRMSSE 12 levels       ${f(r.product.wrmsse12)}     ${f(e?.wrmsse12)}${rel(r.product.wrmsse12, e?.wrmsse12)}`);
  console.log(`item×store mean RMSSE  ${f(r.product.meanRmsse)}     ${f(e?.meanRmsse)}${rel(r.product.meanRmsse, e?.meanRmsse)}`);
  console.log(`item×store WRMSSE      ${f(r.product.wrmsse)}     ${f(e?.wrmsse)}${rel(r.product.wrmsse, e?.wrmsse)}`);
  console.log(`item×store mean SPL    ${f(r.product.meanSpl)}     ${f(e?.meanSpl)}${rel(r.product.meanSpl, e?.meanSpl ?? null)}`);
  console.log(`item×store WSPL        ${f(r.product.wspl)}     ${f(e?.wspl)}${rel(r.product.wspl, e?.wspl ?? null)}`);
  if (r.product.perQuantile) {
    console.log(`per quantile (product / ets): ${r.product.perQuantile.map((x, i) => `${x.q}: SPL ${x.spl.toFixed(3)}/${e?.perQuantile?.[i].spl.toFixed(3) ?? '-'} below ${(100 * x.below).toFixed(1)}%/${e?.perQuantile ? (100 * e.perQuantile[i].below).toFixed(1) : '-'}%`).join(', ')}`);
  }
  console.log(`per level WRMSSE: ${Object.entries(r.product.levels).map(([k, v]) => `${k} ${v.toFixed(3)}${e ? `/${e.levels[k].toFixed(3)}` : ''}`).join(', ')}`);
  console.log(`base (own) forecasts per level: ${Object.entries(r.baseLevels).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}`);
  console.log(`mean SPL per level: ${Object.entries(r.levelSpl).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}`);
  console.log(`coverage: ${Object.entries(r.coverage).map(([k, v]) => `${k} ${Object.entries(v).map(([l, c]) => `${l}%:${(100 * c).toFixed(1)}`).join('/')}`).join(', ')}`);
  console.log(`width / mean actual (share above): ${Object.entries(r.widths).map(([k, v]) => `${k} ${Object.entries(v).map(([l, w]) => `${l}%:${w.width.toFixed(3)}(${(100 * w.above).toFixed(1)})`).join('/')}`).join(', ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
