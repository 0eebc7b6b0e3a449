/**
 * The levels stage of a run: forecasts at every level the settings ask for (config `levels`,
 * `--levels`), coherent with the item × store forecasts, and quantiles (config `quantiles`).
 *
 * It is planned before forecasting (the aggregate histories, forecast in the same pass as the
 * bottom series, with their backtest traces, `ctx.trace`) and finished after it, and drives the hierarchy pieces as bench/m5-hierarchy.ts
 * does: build the hierarchy from each series' store, sku and attributes (department, category and
 * region from the sales file's columns; the items file's department and category override them), sum the histories to every aggregate node, forecast each aggregate
 * with the same per-series machinery (classification, backtest, choice), reconcile with the
 * method chosen by backtest over the whole hierarchy (reconcile.ts), and give every node its
 * distribution from its own reconciled backtest errors. The bottom forecasts are replaced by
 * their reconciled ones, so forecasts.csv summed up any level equals forecasts-levels.csv.
 */
import type { Config } from '../../config/schema.js';
import { InputError } from '../errors.js';
import type { SeriesForecast } from '../forecast/forecast-series.js';
import type { SeriesData } from '../types.js';
import { aggregateSeries } from './aggregate.js';
import { nodeDistribution } from './distribution.js';
import { bottomWeights } from './level-scores.js';
import { loadItemAttributes } from './item-attributes.js';
import { mergeConflicts, seriesConflicts, type AttributeConflicts } from './attribute-conflicts.js';
import { buildHierarchy, defaultLevels, levelAttributes, slashedKeyAttributes, type Hierarchy, type SeriesAttributes } from './levels.js';
import { reconcileForecasts, type LevelForecast, type MethodScore } from './reconcile.js';

/** The level name that stands for the default set ({@link resolveLevels}). */
export const DEFAULT_LEVELS_NAME = 'default';

/** Item attributes the levels can group by, coarsest first (the sales file's or the items file's columns). */
export const ITEM_ATTRIBUTES = ['category', 'department'] as const;
/** Store attributes the levels can group by (the sales file's region column). */
export const STORE_ATTRIBUTES = ['region'] as const;

/** What the levels stage produced. */
export interface RunLevels {
  /** Levels forecast (after dropping those that group like another level or like the bottom). */
  levels: string[];
  /** Levels asked for but dropped because they group the series like an earlier level or the bottom. */
  dropped: string[];
  /** Reconciliation method chosen by backtest (null when there is no aggregate level). */
  method: string | null;
  /** Whether the method was chosen by backtest (false: no candidate could be scored, reconcile.ts `UNSCORED_METHOD`). */
  scored: boolean;
  /** MinT shrinkage intensity of the chosen method, when it has one. */
  lambda: number | null;
  /** Every candidate's backtest score (mean level WRMSSE over the origins). */
  scores: MethodScore[];
  /** Aggregate nodes' coherent forecasts, intervals and quantiles (flat level order). */
  nodes: LevelForecast[];
  /** Bottom series whose attribute was missing, per attribute (grouped under `(missing)`). */
  missing: Record<string, number>;
  /** Where each attribute of the levels came from ({@link attributeSources}). */
  sources: Record<string, string>;
  /** Attributes with two values for one sku (store), per attribute (attribute-conflicts.ts). */
  conflicts: AttributeConflicts;
  /** Attributes whose `/` in a value makes keys ambiguous, with an example (levels.ts `slashedKeyAttributes`). */
  slashed: Record<string, string>;
}

/** The stage's result: the bottom forecasts to publish (reconciled), their quantiles, and the levels. */
export interface LevelsStageResult {
  forecasts: SeriesForecast[];
  /** Per bottom series, one array of horizon values per probability of config `quantiles` (empty when none). */
  quantiles: number[][][];
  levels: RunLevels | null;
}

/** Whether the run must keep its backtest traces (levels or quantiles asked for). */
export function needsLevelsStage(config: Pick<Config, 'levels' | 'quantiles'>): boolean {
  return config.levels.length > 0 || config.quantiles.length > 0;
}

/**
 * The level names to build: `default` expands to the total, the region (when present), the
 * store, each item attribute present and its crossings with region and store (levels.ts
 * `defaultLevels`); duplicates are removed.
 * @throws InputError naming a level whose attribute no series has.
 */
export function resolveLevels(requested: readonly string[], present: readonly string[], hasStores = true): string[] {
  const out: string[] = [];
  const known = new Set([...(hasStores ? ['store'] : []), 'sku', ...present]);
  const items = ITEM_ATTRIBUTES.filter((a) => present.includes(a));
  // a region groups stores: without stores it is just another grouping of the items
  const regions = STORE_ATTRIBUTES.filter((a) => present.includes(a));
  const defaults = (hasStores ? defaultLevels(items, regions) : defaultLevels([...items, ...regions])).filter((n) => hasStores || !levelAttributes(n).includes('store'));
  for (const name of requested) {
    const names = name === DEFAULT_LEVELS_NAME ? defaults : [name];
    for (const n of names) {
      const unknown = levelAttributes(n).filter((a) => !known.has(a));
      if (unknown.length) {
        const usable = [...known].filter((a) => a !== 'sku');
        throw new InputError(
          `level "${n}" groups by ${unknown.map((a) => `"${a}"`).join(', ')}, which no series has; levels can use total${usable.length ? `, ${usable.join(', ')}` : ''} (item attributes come from the department and category columns of the sales file or the items file, the region from the sales file's region or state column)`,
        );
      }
      if (!out.includes(n)) out.push(n);
    }
  }
  return out;
}

/**
 * Each series' attributes: store, sku, those the sales file gave it (`attributes`) and its item
 * attributes from the items file (by sku), which take precedence attribute by attribute.
 */
export function seriesAttributesOf(series: readonly Pick<SeriesData, 'store' | 'sku' | 'attributes'>[], items?: ReadonlyMap<string, Readonly<Record<string, string>>>): SeriesAttributes[] {
  return series.map((s) => ({ ...s.attributes, ...(items?.get(s.sku) ?? {}), store: s.store, sku: s.sku }));
}

/**
 * The level names a run builds for its series (checked before forecasting, so a level no series
 * can be grouped by stops the run at once).
 * @throws InputError for such a level.
 */
export function levelNamesFor(attrs: readonly SeriesAttributes[], config: Pick<Config, 'levels'>): string[] {
  const present = [...ITEM_ATTRIBUTES, ...STORE_ATTRIBUTES].filter((a) => attrs.some((x) => typeof x[a] === 'string' && x[a] !== ''));
  return resolveLevels(config.levels, present, attrs.some((x) => x.store !== ''));
}

/** The hierarchy of a run and the aggregate series to forecast with its bottom series. */
export interface LevelsPlan {
  /** Level names asked for (after `default` is expanded). */
  names: string[];
  /** The hierarchy (null when no level is asked for). */
  h: Hierarchy | null;
  /**
   * One history per aggregate node (flat order): forecast them with the bottom series, with
   * traces. Empty in a plan read back by a queued run's publish (levels-plan-file.ts): the
   * aggregates were forecast by then.
   */
  aggregates: SeriesData[];
  /** Each bottom series' weight in the choice of method (level-scores.ts `bottomWeights`), from the histories as planned. */
  weights: Float64Array;
  /** Where each attribute the levels group by came from ({@link attributeSources}). */
  sources: Record<string, string>;
  /** Attributes the levels group by with two values for one sku (store) (attribute-conflicts.ts). */
  conflicts: AttributeConflicts;
}

/**
 * Plan the levels stage before forecasting: the hierarchy and the aggregate histories, so the
 * aggregates are forecast in the same pass (and worker pool) as the bottom series.
 * @param items Item attributes by sku (`category`, `department`), when the items file gives them.
 * @param itemConflicts The items file's skus whose rows disagree (item-attributes.ts).
 * @throws InputError for a level no series can be grouped by.
 */
export function planLevels(
  series: readonly SeriesData[],
  config: Pick<Config, 'levels'>,
  items?: ReadonlyMap<string, Readonly<Record<string, string>>>,
  itemConflicts: AttributeConflicts = {},
): LevelsPlan {
  const attrs = seriesAttributesOf(series, items);
  const names = levelNamesFor(attrs, config);
  if (names.length === 0) return { names, h: null, aggregates: [], weights: new Float64Array(0), sources: {}, conflicts: {} };
  const h = buildHierarchy(attrs, names);
  const used = [...new Set(h.levels.flatMap((l) => l.attributes))].filter((a) => a !== 'store' && a !== 'sku');
  const owners = Object.fromEntries(used.map((a) => [a, (STORE_ATTRIBUTES as readonly string[]).includes(a) ? 'store' : 'sku'] as const));
  const fromFile = Object.fromEntries(Object.entries(itemConflicts).filter(([a]) => used.includes(a)));
  const conflicts = mergeConflicts(fromFile, seriesConflicts(attrs, owners));
  return { names, h, aggregates: h.levels.length ? aggregateSeries(series, h) : [], weights: bottomWeights(series), sources: attributeSources(series, items, used), conflicts };
}

/**
 * Where each attribute came from, for run.json (`hierarchy.attributes`): `sales file` (its own
 * columns), `items file`, or `items file over sales file` when both give it.
 */
export function attributeSources(series: readonly Pick<SeriesData, 'attributes'>[], items: ReadonlyMap<string, Readonly<Record<string, string>>> | undefined, attributes: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of attributes) {
    const sales = series.some((s) => s.attributes?.[a] !== undefined);
    const file = items !== undefined && [...items.values()].some((x) => x[a] !== undefined && x[a] !== '');
    out[a] = file && sales ? 'items file over sales file' : file ? 'items file' : 'sales file';
  }
  return out;
}

/**
 * The levels plan of a run, for both shells (in-process `runPipeline`, the queued run job): null
 * when neither levels nor quantiles are asked for; else the items file's attributes read (when
 * levels are asked for and the settings name one) and {@link planLevels}.
 * @throws InputError for an unreadable items file or a level no series can be grouped by.
 */
export async function planRunLevels(series: readonly SeriesData[], config: Pick<Config, 'levels' | 'quantiles' | 'replenishment' | 'validation'>): Promise<LevelsPlan | null> {
  if (!needsLevelsStage(config)) return null;
  const { itemsFile } = config.replenishment;
  const items = config.levels.length && itemsFile ? await loadItemAttributes(itemsFile, config.validation.maxSideFileBytes) : undefined;
  return planLevels(series, config, items?.values, items?.conflicts);
}

/** The series a run forecasts: its bottom series, then the plan's aggregates (in that order: {@link finishRunLevels} splits there). */
export function seriesToForecast(series: readonly SeriesData[], plan: LevelsPlan | null): readonly SeriesData[] {
  return plan?.aggregates.length ? [...series, ...plan.aggregates] : series;
}

/**
 * Finish the levels stage from the forecasts of {@link seriesToForecast}'s series, in order: the
 * bottom ones first (as many as the hierarchy has; all when there is none), then the aggregates.
 */
export function finishRunLevels(forecasts: readonly SeriesForecast[], config: Pick<Config, 'quantiles' | 'intervals'>, plan: LevelsPlan): LevelsStageResult {
  const n = plan.h ? plan.h.bottom.length : forecasts.length;
  const aggregates = plan.h ? plan.h.offsets[plan.h.levels.length] : 0;
  if (forecasts.length !== n + aggregates) throw new Error(`finishRunLevels: expected ${n} bottom and ${aggregates} aggregate forecasts, got ${forecasts.length} in all`);
  return runLevelsStage(forecasts.slice(0, n), forecasts.slice(n), config, plan);
}

/**
 * Run the levels stage (module comment) after forecasting.
 *
 * @param forecasts The bottom series' forecasts, in plan order, each with its trace (`ctx.trace`).
 * @param aggregateForecasts The forecasts of `plan.aggregates`, with traces, in order.
 * @param config The run's settings (`levels`, `quantiles`, `intervals`).
 * @param plan From {@link planLevels}.
 */
export function runLevelsStage(
  forecasts: readonly SeriesForecast[],
  aggregateForecasts: readonly SeriesForecast[],
  config: Pick<Config, 'quantiles' | 'intervals'>,
  plan: LevelsPlan,
): LevelsStageResult {
  const probabilities = config.quantiles;
  const levels = plan.h ? reconcileLevels(forecasts, aggregateForecasts, config, plan) : null;
  if (!levels || levels.result.nodes.length === 0) {
    // no aggregate to reconcile with: the forecasts as they are, quantiles from their own errors
    const quantiles = probabilities.length ? forecasts.map((f) => ownQuantiles(f, config.intervals.levels, probabilities)) : [];
    return { forecasts: forecasts.map(withoutTrace), quantiles, levels: levels ? levels.summary : null };
  }
  const r = levels.result;
  const reconciled = forecasts.map((f, b) => withoutTrace({ ...f, mean: r.bottom[b].mean, lo: r.bottom[b].lo, hi: r.bottom[b].hi, leadTimeSd: r.bottom[b].leadTimeSd }));
  return { forecasts: reconciled, quantiles: probabilities.length ? r.bottom.map((b) => b.quantiles) : [], levels: levels.summary };
}

function reconcileLevels(forecasts: readonly SeriesForecast[], aggregate: readonly SeriesForecast[], config: Pick<Config, 'quantiles' | 'intervals'>, plan: LevelsPlan) {
  const h = plan.h!;
  const names = plan.names;
  const built = h.levels.map((l) => l.name);
  const summary: RunLevels = { levels: built, dropped: names.filter((n) => !built.includes(n)), method: null, scored: false, lambda: null, scores: [], nodes: [], missing: { ...h.missing }, sources: { ...plan.sources }, conflicts: { ...plan.conflicts }, slashed: slashedKeyAttributes(h) };
  if (h.levels.length === 0) return { summary, result: { nodes: [], bottom: [] } };
  const result = reconcileForecasts(h, aggregate, forecasts, { levels: config.intervals.levels, quantiles: config.quantiles, weights: plan.weights });
  return { summary: { ...summary, method: result.method, scored: result.scored, lambda: result.lambda, scores: result.scores, nodes: result.nodes }, result };
}

/** A bottom series' quantiles from its own backtest errors (no reconciliation). */
function ownQuantiles(f: SeriesForecast, levels: readonly number[], probabilities: readonly number[]): number[][] {
  if (!f.trace) throw new Error(`runLevelsStage: the forecast of ${f.store}/${f.sku} has no backtest trace (forecast with ctx.trace)`);
  return nodeDistribution(f.trace, f.trace.forecasts, f.mean, levels, probabilities).quantiles;
}

/** The forecast without its trace (large, not published). */
function withoutTrace(f: SeriesForecast): SeriesForecast {
  const { trace: _trace, ...rest } = f;
  return rest;
}
