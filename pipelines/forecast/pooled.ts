/**
 * A global model pooled over the series (issue 17 item 5): one direct multi-horizon
 * gradient-boosted-tree model (models/gbdt.ts) trained on rows of every daily series
 * (pipelines/forecast/gbdt-features.ts), then the forecast of each series' next `horizon` days,
 * to be averaged with the per-series chosen forecast (`blendPooled`).
 *
 * Training rows come in groups: a group is one series at one origin t (the last known day) with
 * its `horizon` rows (h = 1..horizon, every target at or before the series' last day). Origins
 * step back `step` days from `horizon` days before the series' end, at most `origins` of them,
 * each with at least `minHistory` days of history. At most `maxRows` rows are kept, whole
 * groups (`sampleGroups`; default `tiled`: origins a horizon apart, all of them, for a seeded
 * sample of whole series); only the kept groups' rows are built, so the training cost is bounded
 * by `maxRows` whatever the number of series, and the sample is the same on every run. A run
 * calls it through pipelines/forecast/pooled-stage.ts (config `models.pooled`).
 *
 * Daily series only (the caller passes them); series shorter than `minHistory` days get null
 * and contribute no rows. Settings: those chosen on the M5 slice's choosing periods (README,
 * "A global model pooled over the series"), a general design: two years of origins, the RMSSE's
 * scale, 300 trees of up to 63 leaves at a learning rate of 0.1.
 */
import { binFeatures, fitGbdt, GBDT_DEFAULTS, predictGbdt, type BinnedFeatures, type GbdtModel, type GbdtOptions } from '../../models/gbdt.js';
import { mulberry32 } from '../../models/random.js';
import type { Calendar } from './calendar.js';
import { fitRidge, predictRidge, type RidgeFeatures, type RidgeModel } from './pooled-ridge.js';
import { gbdtFeatureNames, writeGbdtRows, type GbdtRows, type GbdtScale, type GbdtSeries, type OriginCalendar } from './gbdt-features.js';

/** Settings of the pooled stage. */
export interface PooledOptions {
  /** Days forecast (and the horizons of every training group). */
  horizon: number;
  /** Days between training origins of a series. */
  step: number;
  /** Most training origins per series. */
  origins: number;
  /** Most training rows (whole groups of `horizon` rows are sampled). */
  maxRows: number;
  /** Fewest days of history at an origin (training and forecast); shorter series are skipped. */
  minHistory: number;
  scaleFloor: number;
  scale: GbdtScale;
  /** How groups are sampled beyond maxRows (`sampleGroups`). */
  sample: 'random' | 'thinned' | 'tiled' | 'staggered';
  /** Seed of the group sample (the trees' row sampler has its own in `gbdt.seed`). */
  seed: number;
  gbdt: Partial<GbdtOptions>;
  /**
   * Share of each group's horizon rows kept (research, 1: all): a seeded choice of
   * round(share · horizon) of them a group (`thinHorizons`), so that `maxRows` holds more groups
   * (more series and origins) at the same number of rows.
   */
  horizonShare?: number;
  /** Research only (bench/pooled-settings.ts): feature columns the trees may not split on (`gbdtFeatureNames`). */
  dropFeatures?: readonly string[];
  /**
   * Research only (bench/pooled-settings.ts): fits averaged, a seed ensemble (1: one fit). Fit j
   * uses `gbdt.seed` + j on the same training rows (`fitPooledEnsemble`); the stage averages their
   * forecasts (`meanForecasts`).
   */
  ensemble?: number;
  /**
   * Research only (bench/pooled-settings.ts): the learner. `gbdt` the trees (the default);
   * `ridge` ridge regression on the same rows (pipelines/forecast/pooled-ridge.ts); `ridge+gbdt`
   * the ridge fit, then trees (`gbdt` settings) fitted to its residuals, the two added.
   */
  learner?: 'gbdt' | 'ridge' | 'ridge+gbdt';
  /** Research only: the ridge learner's penalty (models/ridge.ts `solveRidge`; default 1). */
  ridgeLambda?: number;
  /** Research only: the ridge learner's design (pooled-ridge.ts; default `expanded`). */
  ridgeFeatures?: RidgeFeatures;
}

/** A fitted pooled model: the trees, or (research learners) a ridge fit and the trees of its residuals, if any. */
export type PooledModel = GbdtModel | { ridge: RidgeModel; gbdt: GbdtModel | null };

/** Trees of a pooled model. */
export function treesOf(model: PooledModel): number {
  return 'trees' in model ? model.trees.length : (model.gbdt?.trees.length ?? 0);
}

/** Predictions of a pooled model for n raw rows. */
export function predictPooled(model: PooledModel, x: Float64Array, n: number): Float64Array {
  if ('trees' in model) return predictGbdt(model, x, n);
  const out = predictRidge(model.ridge, x, n);
  if (model.gbdt) {
    const add = predictGbdt(model.gbdt, x, n);
    for (let r = 0; r < n; r++) out[r] += add[r];
  }
  return out;
}

export const POOLED_DEFAULTS: PooledOptions = {
  horizon: 28,
  step: 7,
  origins: 104,
  maxRows: 200_000,
  sample: 'tiled',
  minHistory: 56,
  scaleFloor: 0.1,
  scale: 'diff',
  seed: 1,
  gbdt: { trees: 300, learningRate: 0.1, maxLeaves: 63, maxDepth: 10, minLeaf: 300, lambda: 1, subsample: 0.5, seed: 1 },
};

/** Training origins (series indices t, latest first) a series of `length` days has: count per series. */
export function groupCounts(series: readonly GbdtSeries[], o: PooledOptions): Int32Array {
  const counts = new Int32Array(series.length);
  series.forEach((s, k) => {
    const latest = s.demand.length - 1 - o.horizon;
    if (latest + 1 < o.minHistory) return;
    counts[k] = Math.min(o.origins, Math.floor((latest + 1 - o.minHistory) / o.step) + 1);
  });
  return counts;
}

/** Smallest stride s such that every series' origins j = 0, s, 2s, ... (the latest first) fit in `needed` groups; 0 when even the latest origins alone do not. */
export function originStride(counts: Int32Array, needed: number): number {
  let most = 0;
  for (let k = 0; k < counts.length; k++) most = Math.max(most, counts[k]);
  for (let s = 1; s <= most; s++) {
    let groups = 0;
    for (let k = 0; k < counts.length; k++) groups += Math.ceil(counts[k] / s);
    if (groups <= needed) return s;
  }
  return 0;
}

/** Seeded selection sampling (Knuth's algorithm S) of `needed` of the groups where `eligible` is 1: each taken with probability (still needed) / (still left). */
function selectGroups(eligible: Uint8Array, needed: number, seed: number): Uint8Array {
  let left = 0;
  for (let g = 0; g < eligible.length; g++) left += eligible[g];
  const chosen = new Uint8Array(eligible.length);
  const next = mulberry32(seed);
  for (let g = 0; g < eligible.length && needed > 0; g++) {
    if (!eligible[g]) continue;
    if (next() * left < needed) (chosen[g] = 1), needed--;
    left--;
  }
  return chosen;
}

/** Groups at every `stride`-th origin of each series from its latest (stride 0: the latest only), at most `cap` a series. */
function thinnedGroups(counts: Int32Array, total: number, stride: number, cap = Infinity): Uint8Array {
  const out = new Uint8Array(total);
  for (let k = 0, g = 0; k < counts.length; g += counts[k], k++) for (let j = 0, m = 0; j < counts[k] && m < cap; j += stride || counts[k], m++) out[g + j] = 1;
  return out;
}

/**
 * `tiled`: origins `horizon` days apart (the targets tile the history once), all of a series'
 * (its whole span of origins); when they do not all fit, whole series in a seeded random order
 * as long as they fit (fewer series, each with every origin: fewer origins a series cost more).
 */
function tiledGroups(counts: Int32Array, total: number, needed: number, o: PooledOptions): Uint8Array {
  const stride = Math.max(1, Math.ceil(o.horizon / o.step));
  const tiled = thinnedGroups(counts, total, stride);
  let kept = 0;
  for (let g = 0; g < total; g++) kept += tiled[g];
  if (kept <= needed) return tiled;
  const starts = new Int32Array(counts.length);
  for (let k = 1; k < counts.length; k++) starts[k] = starts[k - 1] + counts[k - 1];
  const order = Int32Array.from({ length: counts.length }, (_, k) => k);
  const next = mulberry32(o.seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const out = new Uint8Array(total);
  let left = needed;
  for (const k of order) {
    const c = Math.ceil(counts[k] / stride);
    if (c === 0 || c > left) continue;
    out.set(tiled.subarray(starts[k], starts[k] + counts[k]), starts[k]);
    left -= c;
  }
  return out;
}

/**
 * `staggered`: every series, its tiled origins (a horizon apart) thinned to every s-th (s the
 * smallest that fits), series k from its (k mod s)-th: neighbouring series take other origins, so
 * together they still cover the whole span; falls back to `tiled` when one origin a series does
 * not fit.
 */
function staggeredGroups(counts: Int32Array, total: number, needed: number, o: PooledOptions): Uint8Array {
  const stride = Math.max(1, Math.ceil(o.horizon / o.step));
  let most = 0;
  for (let k = 0; k < counts.length; k++) most = Math.max(most, Math.ceil(counts[k] / stride));
  for (let s = 1; s <= most; s++) {
    const out = new Uint8Array(total);
    let kept = 0;
    for (let k = 0, g = 0; k < counts.length; g += counts[k], k++) {
      const c = Math.ceil(counts[k] / stride);
      for (let i = c > 0 ? Math.min(k % s, c - 1) : 0; i < c; i += s, kept++) out[g + i * stride] = 1;
    }
    if (kept <= needed) return out;
  }
  return tiledGroups(counts, total, needed, o);
}

/**
 * Which groups are trained on (1 chosen), series-major then origin (latest first): all when they
 * fit in `maxRows`; else floor(maxRows / horizon) of them: `random` a seeded uniform sample of all
 * groups; `thinned` every series' origins thinned evenly from its latest (every s-th, the smallest
 * s that fits), or when even one origin a series does not fit, the latest origins of a seeded
 * sample of series; `tiled` (`tiledGroups`) origins a horizon apart, every one of a sample of
 * series; `staggered` (`staggeredGroups`, research only: README) every series, fewer origins each.
 */
export function sampleGroups(counts: Int32Array, o: PooledOptions): Uint8Array {
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k];
  const needed = Math.min(total, Math.floor(o.maxRows / rowsPerGroup(o)));
  if (needed === total) return new Uint8Array(total).fill(1);
  if (o.sample === 'random') return selectGroups(new Uint8Array(total).fill(1), needed, o.seed);
  if (o.sample === 'tiled') return tiledGroups(counts, total, needed, o);
  if (o.sample === 'staggered') return staggeredGroups(counts, total, needed, o);
  const stride = originStride(counts, needed);
  const thinned = thinnedGroups(counts, total, stride);
  return stride > 0 ? thinned : selectGroups(thinned, needed, o.seed);
}

/** Rows kept of a group's `horizon` (`horizonShare`). */
export function rowsPerGroup(o: PooledOptions): number {
  return Math.max(1, Math.min(o.horizon, Math.round((o.horizonShare ?? 1) * o.horizon)));
}

/** Keep rowsPerGroup of each group's horizon rows (a seeded selection sample a group, in order), moved to the front; returns the rows kept. */
export function thinHorizons(rows: { x: Float64Array; y: Float64Array; n: number; p: number }, o: PooledOptions): { x: Float64Array; y: Float64Array; n: number; p: number } {
  const keep = rowsPerGroup(o);
  if (keep === o.horizon) return rows;
  const { x, y, p } = rows;
  const next = mulberry32(o.seed ^ 0x2545f491);
  let out = 0;
  for (let g = 0; g < rows.n; g += o.horizon) {
    for (let h = 0, needed = keep; h < o.horizon && needed > 0; h++) {
      if (next() * (o.horizon - h) >= needed) continue;
      needed--;
      x.copyWithin(out * p, (g + h) * p, (g + h + 1) * p);
      y[out++] = y[g + h];
    }
  }
  return { x: x.subarray(0, out * p), y: y.subarray(0, out), n: out, p };
}

/** Training rows of the chosen groups: features, targets (y / scale). Built series by series, into one array (writeGbdtRows). */
export function trainingRows(series: readonly GbdtSeries[], calendar: Calendar, counts: Int32Array, chosen: Uint8Array, o: PooledOptions): { x: Float64Array; y: Float64Array; n: number; p: number } {
  let groups = 0;
  for (let g = 0; g < chosen.length; g++) groups += chosen[g];
  const n = groups * o.horizon;
  const p = gbdtFeatureNames(calendar).length;
  const out: GbdtRows = { n, p, x: new Float64Array(n * p), y: new Float64Array(n), scale: new Float64Array(n) };
  const cache = new Map<number, OriginCalendar>();
  let row = 0;
  let g = 0;
  series.forEach((s, k) => {
    const origins: number[] = [];
    const latest = s.start + s.demand.length - 1 - o.horizon;
    for (let j = 0; j < counts[k]; j++, g++) if (chosen[g]) origins.push(latest - o.step * j);
    if (!origins.length) return;
    writeGbdtRows([s], calendar, origins, o.horizon, o.scaleFloor, o.scale, out, row, cache);
    row += origins.length * o.horizon;
  });
  return { x: out.x, y: out.y, n, p };
}

/** The pooled trees fitted on a bounded sample of every series' training groups (null when there is none); the trees learner only. */
export function fitPooled(series: readonly GbdtSeries[], calendar: Calendar, options: Partial<PooledOptions> = {}): GbdtModel | null {
  const model = fitPooledEnsemble(series, calendar, { ...options, ensemble: 1 })[0] ?? null;
  if (model && !('trees' in model)) throw new Error('fitPooled: fits the trees learner only (fitPooledEnsemble fits the others)');
  return model;
}

/**
 * `ensemble` (default 1) fits on the same binned rows, fit j with the trees' seed `gbdt.seed` + j
 * (empty when there are no training rows); the first is fitPooled's model.
 */
export function fitPooledEnsemble(series: readonly GbdtSeries[], calendar: Calendar, options: Partial<PooledOptions> = {}): PooledModel[] {
  const o = { ...POOLED_DEFAULTS, ...options };
  if ((o.learner ?? 'gbdt') !== 'gbdt') return fitPooledLinear(series, calendar, o);
  const k = o.ensemble ?? 1;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`fitPooledEnsemble: ensemble must be an integer of at least 1, got ${k}`);
  const rows = binnedRows(series, calendar, o);
  if (!rows) return [];
  const seed = o.gbdt.seed ?? GBDT_DEFAULTS.seed;
  const models: GbdtModel[] = [];
  for (let j = 0; j < k; j++) models.push(fitGbdt(rows.binned, rows.y, j === 0 ? o.gbdt : { ...o.gbdt, seed: seed + j }));
  return models;
}

/**
 * The research learners (`learner` ridge or ridge+gbdt) on the same training rows as the trees':
 * one model (none when there are no rows or the system is singular).
 */
function fitPooledLinear(series: readonly GbdtSeries[], calendar: Calendar, o: PooledOptions): PooledModel[] {
  const counts = groupCounts(series, o);
  const rows = thinHorizons(trainingRows(series, calendar, counts, sampleGroups(counts, o), o), o);
  if (rows.n === 0) return [];
  const ridge = fitRidge(gbdtFeatureNames(calendar), rows.x, rows.y, rows.n, o.ridgeFeatures ?? 'expanded', o.ridgeLambda ?? 1);
  if (!ridge) return [];
  if (o.learner === 'ridge') return [{ ridge, gbdt: null }];
  const residual = predictRidge(ridge, rows.x, rows.n);
  for (let r = 0; r < rows.n; r++) residual[r] = rows.y[r] - residual[r];
  const binned = binFeatures(rows.x, rows.n, rows.p, { maxBins: o.gbdt.maxBins, binning: o.gbdt.binning });
  dropColumns(binned, calendar, o.dropFeatures ?? []);
  return [{ ridge, gbdt: fitGbdt(binned, residual, o.gbdt) }];
}

/**
 * Per series the mean of the ensemble's forecasts (null where the first is null: all models
 * forecast the same series). One forecast list is returned as is, so one fit is the single path.
 */
export function meanForecasts(lists: readonly (Float64Array | null)[][]): (Float64Array | null)[] {
  if (lists.length === 1) return lists[0];
  const k = lists.length;
  return lists[0].map((first, i) => {
    if (!first) return null;
    const out = new Float64Array(first.length);
    for (const list of lists) {
      const f = list[i]!;
      for (let h = 0; h < out.length; h++) out[h] += f[h];
    }
    for (let h = 0; h < out.length; h++) out[h] /= k;
    return out;
  });
}

/**
 * The training rows binned, and their targets (null when there is none). The features as numbers
 * (8 bytes a value, 40 MB at 200,000 rows) go with this call's frame: the trees need only the bins.
 */
function binnedRows(series: readonly GbdtSeries[], calendar: Calendar, o: PooledOptions): { binned: BinnedFeatures; y: Float64Array } | null {
  const counts = groupCounts(series, o);
  const rows = thinHorizons(trainingRows(series, calendar, counts, sampleGroups(counts, o), o), o);
  if (rows.n === 0) return null;
  const binned = binFeatures(rows.x, rows.n, rows.p, { maxBins: o.gbdt.maxBins, binning: o.gbdt.binning });
  dropColumns(binned, calendar, o.dropFeatures ?? []);
  return { binned, y: rows.y };
}

/** A dropped column (research option) becomes one bin: never split on, left out of the histograms. */
function dropColumns(binned: BinnedFeatures, calendar: Calendar, names: readonly string[]): void {
  for (const name of names) {
    const f = gbdtFeatureNames(calendar).indexOf(name);
    if (f < 0) throw new Error(`fitPooled: no feature ${name}`);
    binned.edges[f] = new Float64Array(0);
    for (let r = 0; r < binned.n; r++) binned.bins[r * binned.p + f] = 0;
  }
}

/** A series' next `horizon` days from the model (prediction × scale, at least 0); null when the series is too short. */
export function forecastPooled(model: PooledModel, s: GbdtSeries, calendar: Calendar, options: Partial<PooledOptions> = {}): Float64Array | null {
  return forecastPooledAll(model, [s], calendar, options)[0];
}

/** Series whose rows forecastPooledAll predicts in one call (1,024 of 28 rows of 26 features: 6 MB). */
const FORECAST_BATCH = 1024;

/**
 * forecastPooled of each series (null too for one `wanted` refuses): the rows of up to
 * FORECAST_BATCH series built into one array (their forecast origins' calendar columns built
 * once) and predicted in one call. A row's prediction depends on that row only: the same values
 * as series by series, with less work a series.
 */
export function forecastPooledAll(model: PooledModel, series: readonly GbdtSeries[], calendar: Calendar, options: Partial<PooledOptions> = {}, wanted: (s: GbdtSeries) => boolean = () => true): (Float64Array | null)[] {
  const o = { ...POOLED_DEFAULTS, ...options };
  const out: (Float64Array | null)[] = new Array(series.length).fill(null);
  const kept: number[] = [];
  series.forEach((s, k) => {
    if (s.demand.length >= o.minHistory && wanted(s)) kept.push(k);
  });
  const p = gbdtFeatureNames(calendar).length;
  const cache = new Map<number, OriginCalendar>();
  for (let from = 0; from < kept.length; from += FORECAST_BATCH) {
    const batch = kept.slice(from, from + FORECAST_BATCH);
    const n = batch.length * o.horizon;
    const rows: GbdtRows = { n, p, x: new Float64Array(n * p), y: new Float64Array(n), scale: new Float64Array(n) };
    batch.forEach((k, i) => writeGbdtRows([series[k]], calendar, [series[k].start + series[k].demand.length - 1], o.horizon, o.scaleFloor, o.scale, rows, i * o.horizon, cache));
    const pred = predictPooled(model, rows.x, n);
    for (let r = 0; r < n; r++) pred[r] = Math.max(0, pred[r] * rows.scale[r]);
    batch.forEach((k, i) => (out[k] = pred.slice(i * o.horizon, (i + 1) * o.horizon)));
  }
  return out;
}

/** The stage: fit once over all series, forecast each (null for series too short, or all null when nothing trains). */
export function pooledForecasts(series: readonly GbdtSeries[], calendar: Calendar, options: Partial<PooledOptions> = {}): (Float64Array | null)[] {
  const model = fitPooledEnsemble(series, calendar, { ...options, ensemble: 1 })[0];
  return model ? forecastPooledAll(model, series, calendar, options) : series.map(() => null);
}

/** Weighted mean of the chosen forecast and the pooled one: (1 - weight) · chosen + weight · pooled; chosen (a copy) when there is no pooled forecast. */
export function blendPooled(chosen: Float64Array, pooled: Float64Array | null, weight = 0.5): Float64Array {
  if (!(weight >= 0 && weight <= 1)) throw new Error(`blendPooled: weight must lie in [0, 1], got ${weight}`);
  if (!pooled) return Float64Array.from(chosen);
  if (pooled.length !== chosen.length) throw new Error(`blendPooled: ${pooled.length} pooled values for ${chosen.length} chosen ones`);
  const out = new Float64Array(chosen.length);
  for (let i = 0; i < out.length; i++) out[i] = (1 - weight) * chosen[i] + weight * pooled[i];
  return out;
}

/** Integer codes (index in sorted order) of department, category and store, the features' codes (a missing attribute is ''). */
export function attributeCodes(attrs: readonly Readonly<Record<string, string>>[]): [number, number, number][] {
  const index = (key: string): Map<string, number> => new Map([...new Set(attrs.map((a) => a[key] ?? ''))].sort().map((v, i) => [v, i]));
  const [d, c, s] = [index('department'), index('category'), index('store')];
  return attrs.map((a) => [d.get(a.department ?? '')!, c.get(a.category ?? '')!, s.get(a.store ?? '')!]);
}
