/**
 * The pooled stage of a run (issue 17 item 5): one gradient-boosted-tree model trained on the
 * histories of all the run's daily item × store series (pipelines/forecast/pooled.ts), and its
 * forecast of each series over the run's forecast days (horizon + lead). It learns from the sales
 * as recorded, not as cleaned: it is blended with the per-series models, which learn from the
 * cleaned ones, and on the M5 slice the recorded sales gave the better blend at every score
 * (README, "A global model pooled over the series"). Recorded sales include a mistyped quantity,
 * which the trees then learn: when a series' pooled forecast of a day exceeds the most it sold on
 * any day, its outliers capped as the cleaning capped them (`implausibleForecast`), the model
 * is trained again on the sales with those caps (`cappedDemand`; when the cleaning capped a day),
 * and a series still implausible gets no pooled forecast (its own model alone); facts
 * `implausible`, a run warning. Both shells
 * call it on the same series in the same order (in-process `runPipeline`, the queued run job),
 * and the bench (bench/m5-hierarchy.ts) on its training days; `applyPooled`
 * (pipelines/forecast/pooled-blend.ts) then averages it with each series' chosen forecast,
 * by the weight of its demand class (pipelines/forecast/pooled-weights.ts).
 *
 * Skipped, with the reason in its facts (run.json `pooled`), when the settings disable it
 * (`models.pooled.enabled`), the run is not daily (the features are days of the week, of the
 * month and a year back), fewer than `models.pooled.minSeries` series give training rows (a small
 * catalogue: README, "In the product path"), or they give fewer than `models.pooled.minRows` rows.
 * Pure: reads and writes no files; the tree settings are the stage's (`POOLED_DEFAULTS`).
 */
import type { Config } from '../../config/schema.js';
import type { PeriodGrid } from '../periods.js';
import type { SeriesData } from '../types.js';
import { stateOfStore, type Calendar } from './calendar.js';
import type { GbdtSeries } from './gbdt-features.js';
import { attributeCodes, fitPooledEnsemble, forecastPooledAll, meanForecasts, groupCounts, POOLED_DEFAULTS, rowsPerGroup, sampleGroups, treesOf, type PooledOptions } from './pooled.js';

/** What run.json says of the stage. */
export interface PooledFacts {
  /** Whether the forecasts were blended with the pooled model's. */
  used: boolean;
  /** Why not, when not used. */
  reason?: string;
  /** Training rows (0 when skipped before counting). */
  rows: number;
  /** Series with a pooled forecast. */
  series: number;
  /** Trees of the model. */
  trees: number;
  /** Milliseconds to build the rows, fit and forecast. */
  fitMs: number;
  /** Weight of the pooled forecast in the published mean of a series selling on most days (`models.pooled.weight`; pipelines/forecast/pooled-weights.ts). */
  weight: number;
  /** Its weight for the other series (`models.pooled.intermittentWeight`); absent in files from before it: `weight` for all. */
  intermittentWeight?: number;
  /**
   * Series (`store/sku`) the model trained on recorded sales forecast implausibly (`implausibleForecast`),
   * for which it was trained again with the cleaning's outlier caps when there are any; absent when none.
   */
  implausible?: string[];
  /** With `implausible`: whether the model was trained again with the cleaning's caps (false: the cleaning capped no day). */
  retrained?: boolean;
  /** Series still implausible then, left without a pooled forecast (their own model alone); absent when none. */
  implausibleLeft?: string[];
}

/** The stage's result: per bottom series (in the given order) its pooled forecast over the forecast days, or null. */
export interface PooledStage {
  forecasts: (Float64Array | null)[];
  facts: PooledFacts;
}

/** What the stage reads of a series. */
export type PooledSeries = Pick<SeriesData, 'store' | 'sku' | 'start' | 'demand' | 'price' | 'cleaning'>;

/** What the stage reads of a run. */
export interface PooledInput {
  /** The bottom (item × store) series (their `demand` as recorded; a cleaning patch is not applied). */
  series: readonly PooledSeries[];
  calendar?: Calendar;
  grid: PeriodGrid;
  /** Day number of the data's last day (the forecast origin). */
  end: number;
  /** Days forecast from `end + 1` (the published horizon plus the lead). */
  horizon: number;
}

/** A calendar without events or SNAP days: the features' calendar columns are then weekday, day and month only. */
const NO_CALENDAR: Calendar = { start: 0, event: [], eventTypes: {}, snap: {} };

/** Why the settings or the run's period leave the stage out (disabled, or not daily); null when they do not. */
export function settingsSkipReason(config: Pick<Config, 'models'>, frequency: PeriodGrid['frequency']): string | null {
  if (!config.models.pooled.enabled) return 'disabled in the settings (models.pooled.enabled)';
  return frequency === 'day' ? null : `the run is ${frequency}ly; the pooled model is for daily series`;
}

/** A stage that did not run. */
function skipped(reason: string, c: Pick<PooledFacts, 'weight' | 'intermittentWeight'>, rows = 0): PooledStage {
  return { forecasts: [], facts: { used: false, reason, rows, series: 0, trees: 0, fitMs: 0, weight: c.weight, intermittentWeight: c.intermittentWeight } };
}

/**
 * One series as the row builder reads it: demand as recorded (not cleaned: see the module
 * comment) and price up to `end`, the SNAP flags of its store's state, its attribute codes.
 */
function gbdtSeriesOf(s: PooledSeries, codes: [number, number, number], calendar: Calendar, end: number): GbdtSeries {
  const n = Math.max(0, Math.min(s.demand.length, end - s.start + 1));
  return { demand: s.demand.subarray(0, n), price: s.price.subarray(0, n), start: s.start, snap: calendar.snap[stateOfStore(s.store)], codes };
}

/**
 * Codes of the input's series: the store's only. Department and category are left out (code 0
 * for all): many shops' exports have none, a nightly history migrated from before it kept them
 * lacks them for items not sold since (its forecasts would then differ from `forecast run`'s on
 * the same sales), and on the M5 slice they made no difference (README, "A global model pooled
 * over the series").
 */
function codesOf(input: PooledInput): [number, number, number][] {
  return attributeCodes(input.series.map((s) => ({ store: s.store })));
}

/**
 * Run the stage.
 * @param input The run's bottom series, calendar, grid, last day and forecast days.
 * @param config `models.pooled`: enabled, weight, intermittentWeight, maxRows, minRows, minSeries.
 * @param overrides Research benches only (bench/pooled-settings.ts): stage settings over the defaults and config.
 * @returns per series its pooled forecast (`input.horizon` values, at least 0; null for a series
 *   under the stage's minimum history or one that does not end on `end`), and the facts.
 */
export function pooledStage(input: PooledInput, config: Pick<Config, 'models'>, overrides: Partial<PooledOptions> = {}): PooledStage {
  const c = config.models.pooled;
  const off = settingsSkipReason(config, input.grid.frequency);
  if (off) return skipped(off, c);
  const t0 = performance.now();
  const o: PooledOptions = { ...POOLED_DEFAULTS, horizon: input.horizon, maxRows: c.maxRows, ...overrides };
  const calendar = input.calendar ?? NO_CALENDAR;
  const codes = codesOf(input);
  // in store, sku order: the row sample and the trees' row sampler then do not depend on the input's order
  const order = keyOrder(input.series);
  const series = order.map((k) => gbdtSeriesOf(input.series[k], codes[k], calendar, input.end));
  const counts = groupCounts(series, o);
  const training = countPositive(counts);
  if (training < c.minSeries) return skipped(`${training} series with training rows, under the ${c.minSeries} the pooled model needs (models.pooled.minSeries)`, c);
  const rows = chosenRows(sampleGroups(counts, o), rowsPerGroup(o));
  if (rows < c.minRows) return skipped(`${rows} training rows, under the ${c.minRows} the pooled model needs (models.pooled.minRows)`, c, rows);
  const first = fitAndForecast(input, series, order, calendar, o);
  if (!first) return skipped('no training rows', c);
  // trained on recorded sales, the trees forecast a series implausibly: trained again on them with the cleaning's outlier caps
  const cappedSeries = first.implausible.length ? order.map((k, i) => ({ ...series[i], demand: cappedDemand(input.series[k], series[i].demand.length) })) : [];
  // cappedDemand copies a history only where it caps a day; when it caps none, the same sales would give the same model
  const retrained = cappedSeries.some((s, i) => s.demand.buffer !== series[i].demand.buffer);
  const final = retrained ? (fitAndForecast(input, cappedSeries, order, calendar, o) ?? first) : first;
  const { forecasts, trees } = final;
  const fitMs = Math.round(performance.now() - t0);
  const facts: PooledFacts = { used: true, rows, series: forecasts.filter((f) => f !== null).length, trees, fitMs, weight: c.weight, intermittentWeight: c.intermittentWeight };
  if (first.implausible.length === 0) return { forecasts, facts };
  return { forecasts, facts: { ...facts, implausible: first.implausible, retrained, ...(final.implausible.length ? { implausibleLeft: final.implausible } : {}) } };
}

/**
 * Fit the model on `series` (in key order: `order` maps them to the input's) and forecast every
 * series reaching the run's last day; a forecast {@link implausibleForecast} is left out (null)
 * and its series named. Null when there are no training rows.
 */
function fitAndForecast(input: PooledInput, series: GbdtSeries[], order: number[], calendar: Calendar, o: PooledOptions): { forecasts: (Float64Array | null)[]; implausible: string[]; trees: number } | null {
  const models = fitPooledEnsemble(series, calendar, o);
  if (models.length === 0) return null;
  // a series that does not reach the run's last day has no forecast from it
  const forecasts: (Float64Array | null)[] = new Array(series.length).fill(null);
  const predicted = meanForecasts(models.map((m) => forecastPooledAll(m, series, calendar, o, (s) => s.start + s.demand.length - 1 === input.end)));
  const implausible: string[] = [];
  predicted.forEach((f, i) => {
    const s = input.series[order[i]];
    if (f && implausibleForecast(f, s, series[i].demand.length)) implausible.push(`${s.store}/${s.sku}`);
    else forecasts[order[i]] = f;
  });
  return { forecasts, implausible, trees: models.reduce((a, m) => a + treesOf(m), 0) };
}

/**
 * The first `n` days of the demand as recorded, each day the cleaning lowered (an outlier
 * winsorised) at its lowered value: a copy then, else a view. Days it raised (a stockout filled)
 * stay as recorded.
 */
export function cappedDemand(s: Pick<PooledSeries, 'demand' | 'cleaning'>, n: number): Float64Array {
  const d = s.demand.subarray(0, n);
  const p = s.cleaning;
  if (p === undefined) return d;
  let out: Float64Array | undefined;
  for (let i = 0; i < p.index.length; i++) {
    const t = p.index[i];
    if (t < n && p.value[i] < d[t]) (out ??= d.slice())[t] = p.value[i];
  }
  return out ?? d;
}

/**
 * Whether a series' pooled forecast is implausible: a day's forecast (a mean) above the most the
 * series sold on any of its first `n` days (at least 1 unit), a day the cleaning lowered counting
 * at its lowered value (an outlier winsorised: `cleaning` patch values below the recorded ones; a
 * filled stockout counts as recorded). The trees, trained on recorded sales, give one when a
 * mistyped quantity sits in the series' recent windows.
 */
export function implausibleForecast(f: Float64Array, s: Pick<PooledSeries, 'demand' | 'cleaning'>, n: number): boolean {
  let top = 0;
  for (let i = 0; i < f.length; i++) if (f[i] > top) top = f[i];
  return top > Math.max(cappedMax(s, n), 1);
}

/** The largest of a series' first `n` days as {@link cappedDemand} gives them (NaN days skipped). */
export function cappedMax(s: Pick<PooledSeries, 'demand' | 'cleaning'>, n: number): number {
  const d = cappedDemand(s, n);
  let max = 0;
  for (let t = 0; t < d.length; t++) if (d[t] > max) max = d[t];
  return max;
}

/** Series with at least one training group. */
function countPositive(counts: Int32Array): number {
  let n = 0;
  for (let k = 0; k < counts.length; k++) if (counts[k] > 0) n++;
  return n;
}

/** Indices of the series sorted by store, then sku (the order the stage trains in, whatever the input's). */
export function keyOrder(series: readonly Pick<SeriesData, 'store' | 'sku'>[]): number[] {
  const order = series.map((_, k) => k);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return order.sort((a, b) => cmp(series[a].store, series[b].store) || cmp(series[a].sku, series[b].sku) || a - b);
}

/** Training rows of the chosen groups (`perGroup` rows each: pooled.ts `rowsPerGroup`). */
function chosenRows(chosen: Uint8Array, perGroup: number): number {
  let groups = 0;
  for (let g = 0; g < chosen.length; g++) groups += chosen[g];
  return groups * perGroup;
}
