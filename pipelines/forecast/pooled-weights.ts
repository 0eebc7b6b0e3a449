/**
 * The pooled model's weight in each series' published mean: `models.pooled.weight` for a series
 * selling on most days (smooth or erratic demand, a mean interval between sales under 1.32 days:
 * pipelines/forecast/classify.ts), `models.pooled.intermittentWeight` for the others
 * (intermittent, lumpy, no sale). The class is the one the series' own fit saw (its
 * `demandClass`), known at the run. Why two weights: on the M5 slice the per-series models for
 * intermittent demand gained less from the pooled model than those of frequent sellers
 * (README, "In the product path").
 */
import type { DemandClass } from './classify.js';
import type { PooledFacts } from './pooled-stage.js';

/** Whether a demand class sells on most days (the weight of `models.pooled.weight`). */
export function sellsMostDays(c: DemandClass): boolean {
  return c === 'smooth' || c === 'erratic';
}

/**
 * Per series (in the given order) the pooled forecast's weight.
 * @param classes Each series' demand class.
 * @param facts The stage's weights; a file from before `intermittentWeight` (absent) uses `weight` for all.
 */
export function pooledWeights(classes: readonly DemandClass[], facts: Pick<PooledFacts, 'weight' | 'intermittentWeight'>): Float64Array {
  const other = facts.intermittentWeight ?? facts.weight;
  return Float64Array.from(classes, (c) => (sellsMostDays(c) ? facts.weight : other));
}
