/**
 * The series a replay study can use, with their buying terms, for `forecast simulate` and the
 * replay section of every run (pipelines/replenish/replay/simulate-run.ts, run-replay.ts).
 *
 * A series takes part when its daily sales cover the simple policy's averaging days before the
 * calibration window, and run to the last day (planReplay needs both); the others (items first
 * sold later) are counted and left out, never replayed on made-up sales. Buying terms are those
 * of the order list (pipelines/replenish/orders/item-policy.ts). The unit value is the items
 * file's unit cost, else the last selling price before the replayed weeks.
 */
import type { Config } from '../../../config/schema.js';
import type { SeriesData } from '../../types.js';
import type { ParsedInputs } from '../inputs/match.js';
import { matchInputs } from '../inputs/match.js';
import { itemTerms, policyDefaults } from '../orders/item-policy.js';
import type { ReplayStudyOptions } from './replay-study.js';
import type { ReplaySubject } from './replay.js';

/** The days of sales a replay study with these settings needs before and including its last day. */
export function daysNeeded(sim: Config['replenishment']['simulation']): number {
  return 7 * (sim.weeks + sim.calibrationWeeks) + sim.simpleAverageDays;
}

/** The study's options from the settings, for the last day of sales. */
export function studyOptions(sim: Config['replenishment']['simulation'], lastDay: number): ReplayStudyOptions {
  return {
    lastDay,
    weeks: sim.weeks,
    calibrationWeeks: sim.calibrationWeeks,
    refitDays: sim.refitDays,
    simpleCoverWeeks: sim.simpleCoverWeeks,
    simpleAverageDays: sim.simpleAverageDays,
  };
}

/** Last finite price at or before index i; NaN when none. */
function lastPrice(price: Float64Array, i: number): number {
  for (let k = Math.min(i, price.length - 1); k >= 0; k--) if (Number.isFinite(price[k])) return price[k];
  return NaN;
}

/**
 * The subjects of a replay ending on `lastDay` (module comment).
 * @param series Daily series as ingested (uncleaned).
 * @returns the subjects, the series they came from (same order) and the keys (`store/sku`) left out.
 */
export function replaySubjects(
  series: readonly SeriesData[],
  parsed: ParsedInputs,
  config: Pick<Config, 'replenishment'>,
  lastDay: number,
): { subjects: ReplaySubject[]; series: SeriesData[]; leftOut: string[] } {
  const sim = config.replenishment.simulation;
  const firstNeeded = lastDay - daysNeeded(sim) + 1;
  const kept: SeriesData[] = [];
  const leftOut: string[] = [];
  for (const s of series) {
    if (s.start <= firstNeeded && s.start + s.demand.length - 1 >= lastDay) kept.push(s);
    else leftOut.push(s.store ? `${s.store}/${s.sku}` : s.sku);
  }
  const matched = matchInputs(kept, parsed);
  const defaults = policyDefaults(config);
  const firstReported = lastDay - 7 * sim.weeks + 1;
  const subjects = kept.map((s) => {
    const terms = itemTerms(s.store, s.sku, matched, defaults);
    return { store: s.store, sku: s.sku, start: s.start, demand: s.demand, policy: terms.policy, unitValue: terms.unitCost ?? lastPrice(s.price, firstReported - 1 - s.start) };
  });
  return { subjects, series: kept, leftOut };
}
