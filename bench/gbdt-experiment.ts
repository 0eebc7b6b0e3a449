/**
 * Experiment: a global gradient-boosted-tree model pooled over the M5 slice's 280 item × store
 * series (models/gbdt.ts, rows from pipelines/forecast/gbdt-features.ts), against and averaged
 * with the product's item × store forecasts, on the periods of bench/m5-hierarchy.ts.
 *
 * Per period (offset), training uses only days up to the period's training end: origins every
 * `step` days, the latest 28 days before the end (so every target lies at or before it), `origins`
 * of them; the forecast is the model's prediction at the end × scale, floored at 0. Scores (as
 * bench/m5-hierarchy.ts: item × store mean RMSSE, revenue-weighted RMSSE, 12-level WRMSSE of the
 * forecasts summed) for (a) the product (reconciled, default settings), (b) GBDT alone, (c) the
 * mean of (a) and (b), and R ets (ES_bu) where bench/r/ets-m5-quantiles.csv.gz has the period.
 *
 * The product's forecasts take a minute a period; `--cache=DIR` keeps them per offset in DIR
 * (keyed by offset only: delete it after changing the product).
 *
 * Usage: node dist/bench/gbdt-experiment.js ../shared/data [--offsets=84,112,140] [--gbdt='{"trees":300,...}'] (over CHOSEN's)
 *   [--origins=104] [--step=7] [--scale-floor=0.1] [--scale=diff|level] [--cache=/tmp/gbdt-cache] [--json]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../config/schema.js';
import { binFeatures, fitGbdt, predictGbdt, type GbdtOptions } from '../models/gbdt.js';
import { stateOfStore } from '../pipelines/forecast/calendar.js';
import { gbdtRows, type GbdtScale, type GbdtSeries } from '../pipelines/forecast/gbdt-features.js';
import type { SeriesAttributes } from '../pipelines/hierarchy/levels.js';
import { DEFAULT_METHODS } from '../pipelines/hierarchy/reconcile.js';
import { HOLDOUT, loadM5, truncateSeries, type M5Data } from './m5-accuracy.js';
import { defaultEtsQuantilesPath, forecastPeriod, loadEtsQuantiles, loadItemAttributes, period, scoreBottom, seriesAttributes, type BottomScores } from './m5-hierarchy.js';

/** Settings of the pooled design. */
export interface DesignOptions {
  origins: number;
  step: number;
  scaleFloor: number;
  scale: GbdtScale;
  gbdt: Partial<GbdtOptions>;
}

/** Settings chosen on offsets 84 / 112 / 140 (README): 600 trees of up to 63 leaves, 300 rows a leaf, two years of weekly origins, the RMSSE's scale. */
export const CHOSEN: DesignOptions = { origins: 104, step: 7, scaleFloor: 0.1, scale: 'diff', gbdt: { trees: 600, learningRate: 0.05, maxLeaves: 63, maxDepth: 10, minLeaf: 300, lambda: 1, subsample: 0.5 } };

/** Integer codes of department, category and store (sorted names). */
function codes(attrs: SeriesAttributes[]): [number, number, number][] {
  const index = (key: 'department' | 'category' | 'store'): Map<string, number> => new Map([...new Set(attrs.map((a) => a[key]))].sort().map((v, i) => [v, i]));
  const [d, c, s] = [index('department'), index('category'), index('store')];
  return attrs.map((a) => [d.get(a.department)!, c.get(a.category)!, s.get(a.store)!]);
}

/** The series up to day `end` as the row builder reads them. */
function gbdtSeries(data: M5Data, attrs: SeriesAttributes[], end: number): GbdtSeries[] {
  const cs = codes(attrs);
  return data.series.map((s, b) => {
    const t = truncateSeries(s, end);
    return { demand: t.demand, price: t.price, start: t.start, snap: data.calendar.snap[stateOfStore(s.store)], codes: cs[b] };
  });
}

/** Fit on origins before `end` and forecast the 28 days after it: forecasts (series-major), rows, seconds. */
export function gbdtForecast(data: M5Data, attrs: SeriesAttributes[], end: number, o: DesignOptions): { forecast: Float64Array; rows: number; features: number; seconds: number; loss: number } {
  const t0 = performance.now();
  const series = gbdtSeries(data, attrs, end);
  const first = series.reduce((m, s) => Math.max(m, s.start), -Infinity) + 28;
  const origins: number[] = [];
  for (let k = 0; k < o.origins; k++) {
    const t = end - HOLDOUT - o.step * k;
    if (t >= first) origins.push(t);
  }
  const train = gbdtRows(series, data.calendar, origins, HOLDOUT, o.scaleFloor, o.scale);
  for (let r = 0; r < train.n; r++) if (!Number.isFinite(train.y[r])) throw new Error(`gbdt-experiment: training row ${r} has no target (leak guard)`);
  const model = fitGbdt(binFeatures(train.x, train.n, train.p), train.y, o.gbdt);
  const test = gbdtRows(series, data.calendar, [end], HOLDOUT, o.scaleFloor, o.scale);
  const pred = predictGbdt(model, test.x, test.n);
  const forecast = new Float64Array(test.n);
  for (let r = 0; r < test.n; r++) forecast[r] = Math.max(0, pred[r] * test.scale[r]);
  return { forecast, rows: train.n, features: train.p, seconds: (performance.now() - t0) / 1000, loss: model.trainLoss[model.trainLoss.length - 1] };
}

/** The product's reconciled item × store means for a period (series-major), from the cache when there. */
function productForecast(data: M5Data, attrs: SeriesAttributes[], offset: number, end: number, cache: string | undefined): Float64Array {
  const file = cache ? join(cache, `product-${offset}.json`) : undefined;
  if (file && existsSync(file)) return Float64Array.from(JSON.parse(readFileSync(file, 'utf8')) as number[]);
  const { result } = forecastPeriod(data, attrs, defaultConfig(), end, [...DEFAULT_METHODS]);
  const out = new Float64Array(data.series.length * HOLDOUT);
  result.bottom.forEach((b, i) => out.set(b.mean, i * HOLDOUT));
  if (file && cache) {
    mkdirSync(cache, { recursive: true });
    writeFileSync(file, JSON.stringify(Array.from(out)));
  }
  return out;
}

/** R ets() means of a period, when the reference has it. */
function etsForecast(data: M5Data, offset: number): Float64Array | null {
  const ets = loadEtsQuantiles(defaultEtsQuantilesPath());
  const s0 = data.series[0];
  if (!ets?.has(`${offset}|${s0.store}|${s0.sku}`)) return null;
  const out = new Float64Array(data.series.length * HOLDOUT);
  data.series.forEach((s, b) => out.set(ets.get(`${offset}|${s.store}|${s.sku}`)!.get('mean')!, b * HOLDOUT));
  return out;
}

/** One period's scores. */
export interface GbdtPeriod {
  offset: number;
  product: BottomScores;
  gbdt: BottomScores;
  mean: BottomScores;
  ets: BottomScores | null;
  rows: number;
  features: number;
  seconds: number;
}

/** Run one period. */
export function runGbdtPeriod(data: M5Data, attrs: SeriesAttributes[], offset: number, o: DesignOptions, cache?: string): GbdtPeriod {
  const p = period(data, attrs, offset);
  const prod = productForecast(data, attrs, offset, p.end, cache);
  const g = gbdtForecast(data, attrs, p.end, o);
  const mean = new Float64Array(prod.length);
  for (let i = 0; i < mean.length; i++) mean[i] = (prod[i] + g.forecast[i]) / 2;
  const ets = etsForecast(data, offset);
  return { offset, product: scoreBottom(p, prod), gbdt: scoreBottom(p, g.forecast), mean: scoreBottom(p, mean), ets: ets ? scoreBottom(p, ets) : null, rows: g.rows, features: g.features, seconds: g.seconds };
}

function printPeriod(r: GbdtPeriod): void {
  const f = (s: BottomScores | null): string => (s ? `${s.meanRmsse.toFixed(4)} ${s.wrmsse.toFixed(4)} ${s.wrmsse12.toFixed(4)}` : '   -      -      -   ');
  console.log(`offset ${String(r.offset).padStart(3)}  product ${f(r.product)} | gbdt ${f(r.gbdt)} | mean ${f(r.mean)} | ets ${f(r.ets)} | ${r.rows} rows x ${r.features}, ${r.seconds.toFixed(1)} s`);
}

export async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const offsets = (arg('offsets') ?? '84,112,140').split(',').map(Number);
  const o: DesignOptions = {
    origins: Number(arg('origins') ?? CHOSEN.origins),
    step: Number(arg('step') ?? CHOSEN.step),
    scaleFloor: Number(arg('scale-floor') ?? CHOSEN.scaleFloor),
    scale: (arg('scale') ?? CHOSEN.scale) as GbdtScale,
    gbdt: { ...CHOSEN.gbdt, ...(JSON.parse(arg('gbdt') ?? '{}') as Partial<GbdtOptions>) },
  };
  const data = await loadM5(dataDir);
  const attrs = seriesAttributes(data.series, loadItemAttributes(dataDir));
  console.log(`columns: item x store mean RMSSE, item x store WRMSSE, 12-level WRMSSE; design ${JSON.stringify(o)}`);
  const results = offsets.map((offset) => {
    const r = runGbdtPeriod(data, attrs, offset, o, arg('cache'));
    if (!process.argv.includes('--json')) printPeriod(r);
    return r;
  });
  const avg = (pick: (r: GbdtPeriod) => number): string => (results.reduce((s, r) => s + pick(r), 0) / results.length).toFixed(4);
  console.log(`mean     product ${avg((r) => r.product.meanRmsse)} ${avg((r) => r.product.wrmsse)} ${avg((r) => r.product.wrmsse12)} | gbdt ${avg((r) => r.gbdt.meanRmsse)} ${avg((r) => r.gbdt.wrmsse)} ${avg((r) => r.gbdt.wrmsse12)} | mean ${avg((r) => r.mean.meanRmsse)} ${avg((r) => r.mean.wrmsse)} ${avg((r) => r.mean.wrmsse12)}`);
  if (process.argv.includes('--json')) console.log(JSON.stringify(results.map((r) => ({ ...r, product: { ...r.product, perQuantile: undefined } })), null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
