/**
 * CI check on real data: forecasts at every level of the M5 slice (bench/m5-hierarchy.ts) on
 * its last three 28-day periods, against R's ets() (bench/r/ets-m5-quantiles.csv.gz).
 *
 * Fails (exit 1) when, on any of the three periods:
 * - the forecasts are not coherent (an aggregate's published forecast differs from the sum of
 *   its item × store forecasts) or a quantile set is not monotone;
 * - item × store 80% or 95% interval coverage is more than 2 points off nominal on the last
 *   period, or more than 6 points off on either earlier one;
 * and, on the last period, when any of these is worse than R's ets() (per item × store, summed
 *   bottom-up: ES_bu): the M5 12-level WRMSSE restricted to the slice's hierarchy, item × store
 *   mean RMSSE and revenue-weighted RMSSE, and item × store mean scaled pinball loss.
 *
 * Issue 17's targets are stricter (12-level WRMSSE 10% below ES_bu, item × store RMSSEs 4%
 * below, SPL 10% below, coverage within 2 points on all three periods); the check prints each
 * target as MET or MISSED with its figure, and guards what the product achieves today so that a
 * change cannot make it worse unnoticed. Takes about a minute.
 *
 * Usage: node dist/bench/checks/m5-hierarchy.js ../shared/data
 */
import { defaultConfig } from '../../config/schema.js';
import { reportFailures, runCheckMain } from '../check-harness.js';
import { loadM5 } from '../m5-accuracy.js';
import { DEFAULT_METHODS } from '../../pipelines/hierarchy/reconcile.js';
import { defaultEtsQuantilesPath, loadEtsQuantiles, loadItemAttributes, printPeriod, runPeriod, seriesAttributes } from '../m5-hierarchy.js';

/** Issue 17's targets, as relative improvements over R ets() and coverage tolerance in points. */
const TARGETS = { wrmsse12: 0.1, rmsse: 0.04, spl: 0.1, coverage: 2 };
/**
 * Coverage tolerance of the two earlier periods in this guard (points): the 2 points are
 * missed there today (80% intervals cover 85.3% and 82.2%: count data over-cover, see README),
 * so this only stops them getting worse.
 */
const EARLIER_COVERAGE_TOLERANCE = 6;

async function main(dataDir: string | undefined): Promise<number> {
  if (!dataDir) {
    process.stderr.write('usage: node dist/bench/checks/m5-hierarchy.js SHARED_DATA_DIR\n');
    return 2;
  }
  const config = defaultConfig();
  const data = await loadM5(dataDir);
  const attrs = seriesAttributes(data.series, loadItemAttributes(dataDir));
  const ets = loadEtsQuantiles(defaultEtsQuantilesPath());
  const failures: string[] = [];
  if (!ets) failures.push('bench/r/ets-m5-quantiles.csv.gz (R ets() reference) is missing');
  const targets: string[] = [];
  for (const offset of [56, 28, 0]) {
    const r = runPeriod(data, attrs, config, offset, DEFAULT_METHODS, ets);
    printPeriod(r);
    for (const p of r.problems) failures.push(`offset ${offset}: ${p}`);
    for (const level of config.intervals.levels) {
      const got = 100 * r.coverage['store/sku'][String(level)];
      const off = Math.abs(got - level);
      const tolerance = offset === 0 ? TARGETS.coverage : EARLIER_COVERAGE_TOLERANCE;
      if (!(off <= tolerance)) failures.push(`offset ${offset}: item × store ${level}% coverage ${got.toFixed(1)}% is more than ${tolerance} points off`);
      targets.push(`${off <= TARGETS.coverage ? 'MET   ' : 'MISSED'} offset ${offset}: ${level}% coverage ${got.toFixed(1)}% (target within ${TARGETS.coverage} points)`);
    }
    const e = r.ets;
    if (!e) {
      failures.push(`offset ${offset}: no R ets() reference`);
      continue;
    }
    const compare: [string, number, number, number][] = [
      ['12-level WRMSSE', r.product.wrmsse12, e.wrmsse12, TARGETS.wrmsse12],
      ['item × store mean RMSSE', r.product.meanRmsse, e.meanRmsse, TARGETS.rmsse],
      ['item × store WRMSSE', r.product.wrmsse, e.wrmsse, TARGETS.rmsse],
      ['item × store mean SPL', r.product.meanSpl ?? NaN, e.meanSpl ?? NaN, TARGETS.spl],
    ];
    for (const [what, ours, theirs, target] of compare) {
      const gain = 1 - ours / theirs;
      targets.push(`${gain >= target ? 'MET   ' : 'MISSED'} offset ${offset}: ${what} ${ours.toFixed(4)} vs R ets() ${theirs.toFixed(4)}: ${(100 * gain).toFixed(1)}% lower (target ${100 * target}%)`);
      if (offset === 0 && !(ours < theirs)) failures.push(`${what} ${ours.toFixed(4)} is not below R ets() ${theirs.toFixed(4)} on the last period`);
    }
  }
  process.stdout.write(`\nissue 17 targets:\n  ${targets.join('\n  ')}\n`);
  return reportFailures('m5-hierarchy', failures);
}

runCheckMain(main);
