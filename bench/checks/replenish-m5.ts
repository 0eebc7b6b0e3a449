/**
 * CI check on real data (issue 16 item 6): on the M5 slice, the proposed reorder policy replayed
 * over the last 13 weeks (stock started at each policy's order-up-to level, 95% fill-rate
 * target, lead time 7 days, weekly review; safety factors calibrated per demand class on the
 * 13 weeks before, out of sample; forecasts refitted weekly from the sales before each review)
 * must
 * 1. achieve a fill rate over all series (units sold / demanded, lost sales) within 2 points of
 *    95%, and
 * 2. hold less average stock, in units and in value, than the simple policy "order up to N
 *    weeks of average sales" at the smallest cover whose fill rate is the same or better.
 * Prints every figure (bench/replay-m5.ts); exits 1 on a miss.
 *
 * Usage: node dist/bench/checks/replenish-m5.js ../shared/data
 */
import { reportFailures, runCheckMain } from '../check-harness.js';
import { ISSUE_SETTING, printReplayM5, runReplayM5 } from '../replay-m5.js';

/** Largest distance between the achieved and the target fill rate, points (issue target). */
const FILL_TOLERANCE = 0.02;

async function main(dataDir: string | undefined): Promise<number> {
  if (!dataDir) {
    process.stderr.write('usage: node dist/bench/checks/replenish-m5.js SHARED_DATA_DIR\n');
    return 2;
  }
  const r = await runReplayM5(dataDir, ISSUE_SETTING);
  printReplayM5(r);
  const failures: string[] = [];
  const p = r.study.proposed.total;
  const target = ISSUE_SETTING.serviceTarget;
  if (!r.study.calibration) failures.push('the replay was not calibrated');
  if (!(Math.abs(p.fillRate - target) <= FILL_TOLERANCE)) failures.push(`fill rate ${(100 * p.fillRate).toFixed(2)}% is more than ${100 * FILL_TOLERANCE} points from the ${100 * target}% target`);
  const m = r.study.matched;
  if (!m) failures.push('no simple-policy cover reaches the proposed fill rate');
  else {
    const s = m.outcome.total;
    if (!(s.fillRate >= p.fillRate)) failures.push(`matched simple policy fill ${(100 * s.fillRate).toFixed(2)}% is below the proposed ${(100 * p.fillRate).toFixed(2)}%`);
    if (!(p.avgStock < s.avgStock)) failures.push(`average stock ${p.avgStock.toFixed(0)} units is not below the simple policy's ${s.avgStock.toFixed(0)} at ${m.coverDays.toFixed(2)} days of cover`);
    if (!(p.avgStockValue < s.avgStockValue)) failures.push(`average stock value ${p.avgStockValue.toFixed(0)} is not below the simple policy's ${s.avgStockValue.toFixed(0)} at ${m.coverDays.toFixed(2)} days of cover`);
    console.log(`proposed vs matched simple: stock ${(100 * (p.avgStock / s.avgStock - 1)).toFixed(1)}% in units, ${(100 * (p.avgStockValue / s.avgStockValue - 1)).toFixed(1)}% in value`);
  }
  return reportFailures('replenish-m5', failures);
}

runCheckMain(main);
