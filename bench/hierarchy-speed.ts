/**
 * Cost of forecasts at every level: on the M5 slice (280 item × store series, the 154 aggregate
 * nodes of the default levels), CPU time of each step a run adds, single-threaded: the
 * bottom forecasts with and without backtest traces, the aggregation, the aggregates'
 * forecasts, and the reconciliation with intervals and the nine M5 quantiles for every node.
 * Then the reconciliation alone at M5 scale: 30,490 bottom series in 10 stores, 3 states,
 * 3 categories and 7 departments (the same 154 aggregate nodes), with synthetic traces (the
 * forecasting itself scales per series and is measured by bench/m5-scale.ts).
 *
 * Each M5-slice figure is the best of three passes; the M5-scale one a single pass.
 *
 * Usage: node dist/bench/hierarchy-speed.js ../shared/data [--scale 30490]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../config/schema.js';
import type { SeriesForecast } from '../pipelines/forecast/forecast-series.js';
import { forecastSeries } from '../pipelines/forecast/forecast-series.js';
import { cleanBatch } from '../pipelines/prepare/clean.js';
import { aggregateSeries } from '../pipelines/hierarchy/aggregate.js';
import { buildHierarchy, defaultLevels, nodeCount, type SeriesAttributes } from '../pipelines/hierarchy/levels.js';
import { reconcileForecasts, DEFAULT_METHODS } from '../pipelines/hierarchy/reconcile.js';
import { traceOrigins } from '../pipelines/hierarchy/trace.js';
import { HOLDOUT, loadM5, truncateSeries } from './m5-accuracy.js';
import { loadItemAttributes, M5_QUANTILES, seriesAttributes } from './m5-hierarchy.js';

/** A call's result and its CPU seconds, the best of `repeat` calls (the usual way on a shared machine). */
function cpu<T>(f: () => T, repeat = 3): [T, number] {
  let best = Infinity;
  let out: T | undefined;
  for (let i = 0; i < repeat; i++) {
    const t = process.cpuUsage();
    out = f();
    const d = process.cpuUsage(t);
    best = Math.min(best, (d.user + d.system) / 1e6);
  }
  return [out as T, best];
}

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const scaleArg = process.argv.indexOf('--scale');
  const scale = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 30490;
  const config = defaultConfig();
  const data = await loadM5(dataDir);
  const attrs = seriesAttributes(data.series, loadItemAttributes(dataDir));
  const end = data.last - HOLDOUT;
  const prepared = cleanBatch(data.series.map((s) => truncateSeries(s, end)), config, { kind: 'daily' }).series;
  const ctx = { config, end, horizon: HOLDOUT, calendar: data.calendar };
  prepared.slice(0, 20).forEach((s) => forecastSeries(s, ctx)); // warm-up
  const [, plain] = cpu(() => prepared.map((s) => forecastSeries(s, ctx)));
  const [bottom, traced] = cpu(() => prepared.map((s) => forecastSeries(s, { ...ctx, trace: true })));
  const h = buildHierarchy(attrs, defaultLevels(['category', 'department'], ['state']));
  const [aggregates, aggregation] = cpu(() => aggregateSeries(prepared, h));
  const [aggregate, aggForecast] = cpu(() => aggregates.map((s) => forecastSeries(s, { ...ctx, trace: true })));
  const weights = Float64Array.from(prepared, () => 1);
  const [, reconcile] = cpu(() => reconcileForecasts(h, aggregate, bottom, { methods: DEFAULT_METHODS, levels: config.intervals.levels, quantiles: M5_QUANTILES, weights }));
  const n = prepared.length;
  console.log(`M5 slice, ${n} item × store series, ${nodeCount(h)} aggregate nodes; CPU seconds, one thread`);
  console.log(`  bottom forecasts, no trace      ${plain.toFixed(2)}  (${((1000 * plain) / n).toFixed(2)} ms/series)`);
  console.log(`  bottom forecasts, with trace    ${traced.toFixed(2)}  (${((1000 * traced) / n).toFixed(2)} ms/series)`);
  console.log(`  aggregation                     ${aggregation.toFixed(3)}`);
  console.log(`  aggregate forecasts             ${aggForecast.toFixed(2)}  (${((1000 * aggForecast) / aggregates.length).toFixed(2)} ms/node)`);
  console.log(`  reconcile + intervals + quantiles (${DEFAULT_METHODS.length} candidates) ${reconcile.toFixed(2)}`);
  console.log(`  levels add ${(traced - plain + aggregation + aggForecast + reconcile).toFixed(2)} s to ${plain.toFixed(2)} s of forecasting`);

  // M5 scale: synthetic traces on the same grid
  const stores = ['CA_1', 'CA_2', 'CA_3', 'CA_4', 'TX_1', 'TX_2', 'TX_3', 'WI_1', 'WI_2', 'WI_3'];
  const depts = ['FOODS_1', 'FOODS_2', 'FOODS_3', 'HOBBIES_1', 'HOBBIES_2', 'HOUSEHOLD_1', 'HOUSEHOLD_2'];
  const big: SeriesAttributes[] = [];
  for (let i = 0; i < scale; i++) {
    const store = stores[i % stores.length];
    const department = depts[Math.floor(i / stores.length) % depts.length];
    big.push({ store, sku: `ITEM_${Math.floor(i / stores.length)}`, state: store.slice(0, 2), department, category: department.replace(/_\d$/, '') });
  }
  const H = HOLDOUT;
  const K = config.models.backtestOrigins;
  const origins = traceOrigins(end, H, K, config.models.backtestStep);
  const rand = rng(17);
  const fake = (level: number): SeriesForecast => {
    const row = (): number[] => Array.from({ length: H }, () => level * (0.5 + rand()));
    const actuals = origins.map(row);
    return {
      store: '', sku: '', demandClass: 'smooth', model: 'x', fallback: null, mean: row(), lo: {}, hi: {}, leadTimeSd: [], recentSales: [],
      accuracy: { mase: null, rmsse: null, wape: null, bias: null, fva: null, snaiveRmsse: null, origins: K },
      trace: { origins, horizon: H, actuals, forecasts: origins.map(row), sds: origins.map(() => new Array(H).fill(level)), scales: origins.map(() => level), sd: new Array(H).fill(level), discrete: true, recent: [...origins, 0].map(() => 28 * level) },
    };
  };
  const bh = buildHierarchy(big, defaultLevels(['category', 'department'], ['state']));
  const fakeBottom = big.map(() => fake(1 + 3 * rand()));
  const fakeAgg = Array.from({ length: nodeCount(bh) }, (_, k) => fake(200 + k));
  const rss0 = process.memoryUsage().rss;
  const [, bigReconcile] = cpu(() => reconcileForecasts(bh, fakeAgg, fakeBottom, { methods: DEFAULT_METHODS, levels: config.intervals.levels, quantiles: M5_QUANTILES, weights: new Float64Array(scale).fill(1) }), 1);
  const rss1 = process.memoryUsage().rss;
  console.log(`M5 scale: ${scale} bottom series, ${nodeCount(bh)} aggregate nodes: reconcile + intervals + quantiles ${bigReconcile.toFixed(1)} CPU s (${DEFAULT_METHODS.length} candidates scored on ${K} origins), RSS ${(rss0 / 2 ** 20).toFixed(0)} -> ${(rss1 / 2 ** 20).toFixed(0)} MB`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
