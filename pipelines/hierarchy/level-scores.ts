/**
 * Accuracy over a whole hierarchy, as the M5 competition scores it: per level, the weighted
 * mean of the nodes' scores (RMSSE for WRMSSE, SPL for WSPL) with each node weighted by its
 * share of the level's sales value; then the plain mean over the levels (the bottom level
 * included), so each level counts as much as any other.
 *
 * A node's weight is the sum of its bottom series' weights (revenue over the last 28 training
 * days in the M5; units where prices are unknown), so every level carries the same total
 * weight. Nodes with an undefined score (NaN: no scale) are left out of their level.
 *
 * Source: Makridakis, S., Spiliotis, E. & Assimakopoulos, V. (2022), "M5 accuracy competition:
 * Results, findings, and conclusions", IJF 38(4), 1346-1364, §2.3 (WRMSSE over 12 levels).
 */
import { revenueWeight, weightedMean } from '../forecast/metrics.js';
import { sumToNodes } from './aggregate.js';
import { BOTTOM, nodeCount, type Hierarchy } from './levels.js';

/** The score of one level. */
export interface LevelScore {
  readonly level: string;
  readonly score: number;
}

/** Scores per level and their mean. */
export interface HierarchyScore {
  /** Aggregate levels in hierarchy order, then the bottom level (`store/sku`). */
  readonly levels: LevelScore[];
  /** Mean over the levels with a defined score (NaN when none). */
  readonly mean: number;
}

/**
 * Weighted score per level and their mean (module comment).
 *
 * @param h The hierarchy.
 * @param scoresA Score per aggregate node (flat order).
 * @param scoresB Score per bottom series.
 * @param weightsB Non-negative weight per bottom series.
 * @throws when the lengths do not match the hierarchy or a weight is negative.
 */
export function levelScores(h: Hierarchy, scoresA: ArrayLike<number>, scoresB: ArrayLike<number>, weightsB: ArrayLike<number>): HierarchyScore {
  const na = nodeCount(h);
  const nb = h.bottom.length;
  if (scoresA.length !== na || scoresB.length !== nb || weightsB.length !== nb) {
    throw new Error(`levelScores needs ${na} aggregate and ${nb} bottom scores and ${nb} weights, got ${scoresA.length}, ${scoresB.length} and ${weightsB.length}`);
  }
  const weightsA = sumToNodes(h, Float64Array.from(weightsB), 1);
  const levels: LevelScore[] = h.levels.map((level, l) => {
    const from = h.offsets[l];
    const to = h.offsets[l + 1];
    return { level: level.name, score: weightedMean(Array.prototype.slice.call(scoresA, from, to), weightsA.subarray(from, to), 'levelScores') };
  });
  levels.push({ level: BOTTOM, score: weightedMean(scoresB, weightsB, 'levelScores') });
  let sum = 0;
  let count = 0;
  for (const l of levels) {
    if (Number.isNaN(l.score)) continue;
    sum += l.score;
    count++;
  }
  return { levels, mean: count > 0 ? sum / count : NaN };
}

/**
 * Each bottom series' weight in the hierarchy's scores: its revenue over the last `days` days
 * (the M5's weights, metrics.ts `revenueWeight`) when every series has a price in that window,
 * else its units over those days (a shop without prices still weighs what sells).
 *
 * @param series The bottom series (demand as recorded and price per day, oldest first).
 * @param days Trailing window. @defaultValue 28
 */
export function bottomWeights(series: readonly { demand: ArrayLike<number>; price: ArrayLike<number>; recorded?: ArrayLike<number> }[], days = 28): Float64Array {
  const priced = series.every((s) => {
    for (let t = Math.max(0, s.price.length - days); t < s.price.length; t++) if (Number.isFinite(s.price[t])) return true;
    return false;
  });
  return Float64Array.from(series, (s) => {
    const y = s.recorded ?? s.demand;
    if (priced) return revenueWeight(y, s.price, days);
    let u = 0;
    for (let t = Math.max(0, y.length - days); t < y.length; t++) u += y[t];
    return u;
  });
}
