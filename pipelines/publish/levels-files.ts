/**
 * The levels outputs: forecasts-levels.csv (one row per aggregate node and day: level, key,
 * period's first day, forecast and its intervals) and quantiles.csv (one row per series or node and day, one
 * column per quantile). Written from the levels stage (pipelines/hierarchy/run-levels.ts).
 */
import { join } from 'node:path';
import { formatDay } from '../dates.js';
import { DAILY, periodFirstDay, type PeriodGrid } from '../periods.js';
import { quantileKey } from '../forecast/intervals.js';
import type { SeriesForecast } from '../forecast/forecast-series.js';
import type { LevelForecast } from '../hierarchy/reconcile.js';
import type { RunLevels } from '../hierarchy/run-levels.js';
import type { Config } from '../../config/schema.js';
import type { RunSummary } from '../run/run-summary.js';
import type { RunWarning } from '../run/warnings.js';
import { BOTTOM } from '../hierarchy/levels.js';
import { openAtomicStream } from '../io/atomic-write.js';
import { csvLine, headerLine, numberCell, textCell } from '../io/csv-format.js';

/** Columns of forecasts-levels.csv. */
export function levelForecastColumns(levels: readonly number[]): string[] {
  const cols = ['level', 'key', 'date', 'forecast'];
  for (const l of levels) cols.push(`lo_${l}`, `hi_${l}`);
  return cols;
}

/** Columns of quantiles.csv: the series' level (`store/sku` at the bottom), its key (`store/sku` values), date, one per quantile. */
export function quantileColumns(probabilities: readonly number[]): string[] {
  return ['level', 'key', 'date', ...probabilities.map(quantileKey)];
}

/** Write forecasts-levels.csv. */
export async function writeLevelForecasts(dir: string, nodes: readonly LevelForecast[], firstDay: number, levels: readonly number[], grid: PeriodGrid = DAILY): Promise<void> {
  const s = openAtomicStream(join(dir, 'forecasts-levels.csv'));
  s.write(headerLine(levelForecastColumns(levels)));
  const keys = levels.map(String);
  for (const n of nodes) {
    const level = textCell(n.level);
    const key = textCell(n.key);
    for (let i = 0; i < n.mean.length; i++) {
      const cells = [level, key, formatDay(periodFirstDay(grid, firstDay + i)), numberCell(n.mean[i], 3)];
      for (const k of keys) cells.push(numberCell(n.lo[k][i], 3), numberCell(n.hi[k][i], 3));
      s.write(csvLine(cells));
    }
  }
  await s.commit();
}

/**
 * Write quantiles.csv: every bottom series (level `store/sku`, key `STORE/SKU`), then every
 * aggregate node.
 * @param bottomQuantiles Per bottom series, one array of horizon values per probability.
 */
export async function writeQuantiles(
  dir: string,
  forecasts: readonly Pick<SeriesForecast, 'store' | 'sku'>[],
  bottomQuantiles: readonly number[][][],
  nodes: readonly LevelForecast[],
  firstDay: number,
  probabilities: readonly number[],
  grid: PeriodGrid = DAILY,
): Promise<void> {
  const s = openAtomicStream(join(dir, 'quantiles.csv'));
  s.write(headerLine(quantileColumns(probabilities)));
  const rows = (level: string, key: string, q: readonly number[][]): void => {
    const l = textCell(level);
    const k = textCell(key);
    const h = q.length ? q[0].length : 0;
    for (let i = 0; i < h; i++) s.write(csvLine([l, k, formatDay(periodFirstDay(grid, firstDay + i)), ...q.map((x) => numberCell(x[i], 3))]));
  };
  forecasts.forEach((f, b) => rows(BOTTOM, `${f.store}/${f.sku}`, bottomQuantiles[b]));
  for (const n of nodes) rows(n.level, n.key, n.quantiles);
  await s.commit();
}

/** What the levels stage left for publishing (pipelines/hierarchy/run-levels.ts `LevelsStageResult`). */
export interface LevelsOutputs {
  quantiles: number[][][];
  levels: RunLevels | null;
}

/**
 * Write the levels outputs of a run and say what run.json records of them.
 * @param stage the levels stage's result; undefined when it did not run (neither asked for, or
 *   a queued run prepared by an earlier version, without a levels plan: then a warning says so).
 */
export async function publishLevels(
  dir: string,
  stage: LevelsOutputs | undefined,
  forecasts: readonly Pick<SeriesForecast, 'store' | 'sku'>[],
  firstDay: number,
  config: Pick<Config, 'levels' | 'quantiles' | 'intervals'>,
  grid: PeriodGrid = DAILY,
): Promise<{ files: string[]; hierarchy: RunSummary['hierarchy']; warnings: RunWarning[] }> {
  const asked = config.levels.length > 0 || config.quantiles.length > 0;
  if (!asked) return { files: [], hierarchy: undefined, warnings: [] };
  if (!stage) {
    return {
      files: [],
      hierarchy: null,
      warnings: [{ code: 'levels_not_computed', message: 'levels and quantiles were asked for, but this run did not compute them (a queued run prepared by an earlier version: run it again); forecasts-levels.csv and quantiles.csv are missing and forecasts.csv is not reconciled' }],
    };
  }
  const files: string[] = [];
  const nodes = stage.levels?.nodes ?? [];
  const warnings: RunWarning[] = [];
  if (config.levels.length > 0) {
    await writeLevelForecasts(dir, nodes, firstDay, config.intervals.levels, grid);
    files.push('forecasts-levels.csv');
    if (nodes.length === 0) warnings.push({ code: 'levels_empty', message: `the levels asked for (${config.levels.join(', ')}) group the series no differently from the item × store series themselves (one store?), so forecasts-levels.csv is empty` });
  }
  if (config.quantiles.length > 0) {
    await writeQuantiles(dir, forecasts, stage.quantiles, nodes, firstDay, config.quantiles, grid);
    files.push('quantiles.csv');
  }
  const l = stage.levels;
  const missing = Object.entries(l?.missing ?? {}).filter(([, n]) => n > 0);
  if (missing.length) {
    warnings.push({
      code: 'levels_missing_attribute',
      message: `${missing.map(([a, n]) => `${n} series have no ${a}`).join(', ')} (neither the sales file nor the items file gives one); forecasts-levels.csv groups them under "(missing)"`,
    });
  }
  const conflicts = Object.entries(l?.conflicts ?? {});
  if (conflicts.length) {
    warnings.push({
      code: 'levels_conflicting_attribute',
      message: `${conflicts.map(([a, c]) => `${c.count} ${a === 'region' ? 'store' : 'sku'}${c.count === 1 ? ' has' : 's have'} more than one ${a} (${c.example})`).join('; ')}: from the sales file each series is grouped by its own value, so such a sku or store is split over two nodes of the level; from the items file the sku's first row counts; give each one value`,
    });
  }
  const slashed = Object.entries(l?.slashed ?? {});
  if (slashed.length) {
    warnings.push({
      code: 'levels_ambiguous_key',
      message: `${slashed.map(([a, v]) => `a ${a} value has a "/" (${JSON.stringify(v)})`).join(', ')}: the keys of forecasts-levels.csv and quantiles.csv join values with "/", so keys such as ${JSON.stringify(`${slashed[0][1]}/…`)} cannot be split back into their values; rename those values to read the keys by their parts`,
    });
  }
  if (l?.method && !l.scored) {
    warnings.push({
      code: 'levels_not_backtested',
      message: `no reconciliation method could be scored by backtest (the history is shorter than a backtest window, or no node has sales to scale its errors by): the levels are the item × store forecasts summed (${l.method}), and their intervals rest on the models' spread alone`,
    });
  }
  const hierarchy: RunSummary['hierarchy'] = {
    levels: l?.levels ?? [],
    dropped: l?.dropped ?? [],
    nodes: nodes.length,
    method: l?.method ?? null,
    scored: l?.scored ?? false,
    lambda: l?.lambda ?? null,
    candidates: (l?.scores ?? []).map((s) => ({ method: s.method, score: Number.isFinite(s.score) ? Number(s.score.toFixed(4)) : null, failed: s.failed })),
    missing: l?.missing ?? {},
    attributes: l?.sources ?? {},
    conflicts: Object.fromEntries(Object.entries(l?.conflicts ?? {}).map(([a, c]) => [a, c.count])),
    quantiles: [...config.quantiles],
  };
  return { files, hierarchy, warnings };
}
