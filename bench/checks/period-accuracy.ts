/**
 * CI check on real data: weekly and monthly accuracy (bench/period-accuracy.ts) on the M5 slice by
 * week and by month and Online Retail by week, against R forecast 8.20 (bench/r/periods-*.csv.gz).
 * Issue 14's targets, per set:
 * - the strategy's mean RMSSE is no worse than R `ets`'s;
 * - it is within 5% of the best of R's ets, thetaf, snaive, naive and SBA;
 * - its 80% and 95% intervals cover the held-out periods within 3 points of nominal.
 * Prints every figure; exits non-zero on a miss or a missing reference file.
 *
 * Usage: node dist/bench/checks/period-accuracy.js ../shared/data
 */
import { defaultConfig } from '../../config/schema.js';
import { reportFailures, runCheckMain } from '../check-harness.js';
import { printSetResult, runPeriodAccuracy, type SetResult } from '../period-accuracy.js';

/** Largest allowed distance between empirical and nominal coverage, percentage points. */
const COVERAGE_TOLERANCE = 3;
/** The strategy may be at most this much worse than the best R method (relative). */
const BEST_TOLERANCE = 0.05;

/** Every target missed by one set's result, as sentences. */
export function setFailures(r: SetResult): string[] {
  const out: string[] = [];
  const s = r.strategy.meanRmsse;
  const ets = r.r.find((m) => m.method === 'R ets');
  if (!ets) return [`${r.set}: no R reference forecasts (bench/r/periods-${r.set}.csv.gz; run bench/r/periods.R)`];
  if (!(s <= ets.meanRmsse)) out.push(`${r.set}: strategy mean RMSSE ${s.toFixed(4)} is worse than R ets ${ets.meanRmsse.toFixed(4)}`);
  const best = r.r.reduce((a, b) => (b.meanRmsse < a.meanRmsse ? b : a));
  if (!(s <= best.meanRmsse * (1 + BEST_TOLERANCE))) out.push(`${r.set}: strategy mean RMSSE ${s.toFixed(4)} is more than 5% above the best R method (${best.method} ${best.meanRmsse.toFixed(4)})`);
  for (const [level, got] of [[80, r.strategy.coverage80], [95, r.strategy.coverage95]] as const) {
    const pct = got === null ? NaN : 100 * got;
    if (!(Math.abs(pct - level) <= COVERAGE_TOLERANCE)) out.push(`${r.set}: ${level}% interval coverage ${pct.toFixed(1)}% is more than ${COVERAGE_TOLERANCE} points off`);
  }
  return out;
}

async function main(dataDir: string | undefined): Promise<number> {
  const results = await runPeriodAccuracy(dataDir ?? '../shared/data', defaultConfig());
  for (const r of results) printSetResult(r);
  return reportFailures('period-accuracy', results.flatMap(setFailures));
}

runCheckMain(main);
