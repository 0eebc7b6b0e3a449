/**
 * Experiment: a global gradient-boosted-tree model pooled over the M5 slice's 280 item × store
 * series (models/gbdt.ts, rows from pipelines/forecast/gbdt-features.ts), against and averaged
 * with the product's item × store forecasts, on the periods of bench/m5-hierarchy.ts.
 *
 * Per period (offset), training uses only days up to the period's training end: origins every
 * `step` days, the latest 28 days before the end (so every target lies at or before it), `origins`
 * of them per series; the forecast is the model's prediction at the end × scale, floored at 0. Scores (as
 * bench/m5-hierarchy.ts: item × store mean RMSSE, revenue-weighted RMSSE, 12-level WRMSSE of the
 * forecasts summed) for (a) the product (reconciled, default settings), (b) GBDT alone, (c) the
 * mean of (a) and (b), and R ets (ES_bu) where bench/r/ets-m5-quantiles.csv.gz has the period.
 *
 * The product's forecasts take a minute a period; `--cache=DIR` keeps them per offset in DIR
 * (keyed by offset only: delete it after changing the product).
 *
 * Usage: node dist/bench/gbdt-experiment.js ../shared/data [--offsets=84,112,140] [--gbdt='{"trees":300,...}'] (over CHOSEN's)
 *   [--origins=104] [--step=7] [--scale-floor=0.1] [--scale=diff|level] [--max-rows=200000|all] [--sample=random|thinned|tiled] [--seed=1]
 *   [--cache=/tmp/gbdt-cache] [--json]
 *
 * The GBDT column is pipelines/forecast/pooled.ts's stage (fitPooled, forecastPooled): training on
 * at most `--max-rows` rows (a seeded sample of whole (series, origin) groups).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../config/schema.js';
import type { GbdtOptions } from '../models/gbdt.js';
import { stateOfStore } from '../pipelines/forecast/calendar.js';
import type { GbdtScale, GbdtSeries } from '../pipelines/forecast/gbdt-features.js';
import { attributeCodes, fitPooled, forecastPooled, groupCounts, POOLED_DEFAULTS, sampleGroups, type PooledOptions } from '../pipelines/forecast/pooled.js';
import type { SeriesAttributes } from '../pipelines/hierarchy/levels.js';
import { DEFAULT_METHODS } from '../pipelines/hierarchy/reconcile.js';
import { HOLDOUT, loadM5, truncateSeries, type M5Data } from './m5-accuracy.js';
import { defaultEtsQuantilesPath, forecastPeriod, loadEtsQuantiles, loadItemAttributes, period, scoreBottom, seriesAttributes, type BottomScores } from './m5-hierarchy.js';

/** Settings of the pooled design: the stage's (pipelines/forecast/pooled.ts). */
export type DesignOptions = PooledOptions;

/** Settings chosen on offsets 84 / 112 / 140 (README): the stage's defaults. */
export const CHOSEN: DesignOptions = POOLED_DEFAULTS;

/** The series up to day `end` as the row builder reads them. */
export function gbdtSeries(data: M5Data, attrs: SeriesAttributes[], end: number): GbdtSeries[] {
  const cs = attributeCodes(attrs);
  return data.series.map((s, b) => {
    const t = truncateSeries(s, end);
    if (t.start + t.demand.length - 1 !== end) throw new Error(`gbdt-experiment: series ${s.store}/${s.sku} does not end on the period's training end`);
    return { demand: t.demand, price: t.price, start: t.start, snap: data.calendar.snap[stateOfStore(s.store)], codes: cs[b] };
  });
}

/** The stage fitted on days up to `end`, forecasts of the 28 days after it (series-major): training rows, seconds to fit and to forecast. */
export function gbdtForecast(data: M5Data, attrs: SeriesAttributes[], end: number, o: DesignOptions): { forecast: Float64Array; rows: number; features: number; seconds: number; predictSeconds: number; loss: number } {
  const t0 = performance.now();
  const series = gbdtSeries(data, attrs, end);
  const model = fitPooled(series, data.calendar, o);
  if (!model) throw new Error('gbdt-experiment: no training rows');
  const t1 = performance.now();
  const forecast = new Float64Array(series.length * HOLDOUT);
  series.forEach((s, b) => {
    const f = forecastPooled(model, s, data.calendar, o);
    if (!f) throw new Error(`gbdt-experiment: series ${b} too short for the pooled forecast`);
    forecast.set(f, b * HOLDOUT);
  });
  const rows = sampleGroups(groupCounts(series, o), o).reduce((a, c) => a + c, 0) * o.horizon;
  return { forecast, rows, features: model.p, seconds: (t1 - t0) / 1000, predictSeconds: (performance.now() - t1) / 1000, loss: model.trainLoss[model.trainLoss.length - 1] };
}

/** The product's reconciled item × store means for a period (series-major), from the cache when there. */
function productForecast(data: M5Data, attrs: SeriesAttributes[], offset: number, end: number, cache: string | undefined): Float64Array {
  const file = cache ? join(cache, `product-${offset}.json`) : undefined;
  if (file && existsSync(file)) return Float64Array.from(JSON.parse(readFileSync(file, 'utf8')) as number[]);
  // the product without its own pooled blend: this experiment blends the GBDT itself
  const config = defaultConfig();
  const { result } = forecastPeriod(data, attrs, { ...config, models: { ...config.models, pooled: { ...config.models.pooled, enabled: false } } }, end, [...DEFAULT_METHODS]);
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
  predictSeconds: number;
}

/** Run one period. */
export function runGbdtPeriod(data: M5Data, attrs: SeriesAttributes[], offset: number, o: DesignOptions, cache?: string): GbdtPeriod {
  const p = period(data, attrs, offset);
  const prod = productForecast(data, attrs, offset, p.end, cache);
  const g = gbdtForecast(data, attrs, p.end, o);
  const mean = new Float64Array(prod.length);
  for (let i = 0; i < mean.length; i++) mean[i] = (prod[i] + g.forecast[i]) / 2;
  const ets = etsForecast(data, offset);
  return { offset, product: scoreBottom(p, prod), gbdt: scoreBottom(p, g.forecast), mean: scoreBottom(p, mean), ets: ets ? scoreBottom(p, ets) : null, rows: g.rows, features: g.features, seconds: g.seconds, predictSeconds: g.predictSeconds };
}

function printPeriod(r: GbdtPeriod): void {
  const f = (s: BottomScores | null): string => (s ? `${s.meanRmsse.toFixed(4)} ${s.wrmsse.toFixed(4)} ${s.wrmsse12.toFixed(4)}` : '   -      -      -   ');
  console.log(`offset ${String(r.offset).padStart(3)}  product ${f(r.product)} | gbdt ${f(r.gbdt)} | mean ${f(r.mean)} | ets ${f(r.ets)} | ${r.rows} rows x ${r.features}, fit ${r.seconds.toFixed(1)} s (${((r.seconds * 1e6) / r.rows).toFixed(0)} us a row), forecast ${r.predictSeconds.toFixed(1)} s`);
}

export async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const offsets = (arg('offsets') ?? '84,112,140').split(',').map(Number);
  const maxRows = arg('max-rows');
  const o: DesignOptions = {
    ...CHOSEN,
    maxRows: maxRows === 'all' ? Infinity : Number(maxRows ?? CHOSEN.maxRows),
    seed: Number(arg('seed') ?? CHOSEN.seed),
    sample: (arg('sample') ?? CHOSEN.sample) as DesignOptions['sample'],
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
