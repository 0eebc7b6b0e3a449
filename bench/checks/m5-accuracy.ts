/**
 * CI check on real data: the M5 accuracy benchmark (bench/m5-accuracy.ts) must show the chosen
 * strategy beating seasonal naive and R's ets() (both mean RMSSE and revenue-weighted RMSSE over
 * the 28 held-out days) and 80% / 95% interval coverage within 2 points of nominal. Prints every
 * figure; exits non-zero on failure.
 *
 * Usage: node dist/bench/checks/m5-accuracy.js ../shared/data
 */
import { defaultConfig } from '../../config/schema.js';
import { defaultEtsPath, printM5Result, runM5Accuracy } from '../m5-accuracy.js';

/** Largest allowed distance between empirical and nominal coverage, in percentage points (issue target). */
const COVERAGE_TOLERANCE = 2;

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const config = defaultConfig();
  const r = await runM5Accuracy(dataDir, config, defaultEtsPath());
  printM5Result(r);
  const failures: string[] = [];
  const snaive = r.methods.find((m) => m.method === 'snaive');
  if (!snaive) failures.push('no seasonal naive score');
  else {
    if (!(r.strategy.wrmsse < snaive.wrmsse)) failures.push(`strategy WRMSSE ${r.strategy.wrmsse.toFixed(4)} is not below seasonal naive ${snaive.wrmsse.toFixed(4)}`);
    if (!(r.strategy.meanRmsse < snaive.meanRmsse)) failures.push(`strategy mean RMSSE ${r.strategy.meanRmsse.toFixed(4)} is not below seasonal naive ${snaive.meanRmsse.toFixed(4)}`);
  }
  for (const level of config.intervals.levels) {
    const got = 100 * (r.coverage[String(level)] ?? NaN);
    if (!(Math.abs(got - level) <= COVERAGE_TOLERANCE)) failures.push(`${level}% interval coverage ${got.toFixed(1)}% is more than ${COVERAGE_TOLERANCE} points off`);
  }
  const ets = r.methods.find((m) => m.method === 'R ets()');
  if (ets) {
    console.log(`vs R ets(): WRMSSE ${(r.strategy.wrmsse - ets.wrmsse).toFixed(4)}, mean RMSSE ${(r.strategy.meanRmsse - ets.meanRmsse).toFixed(4)} (negative = strategy better)`);
    if (!(r.strategy.wrmsse < ets.wrmsse)) failures.push(`strategy WRMSSE ${r.strategy.wrmsse.toFixed(4)} is not below R ets() ${ets.wrmsse.toFixed(4)}`);
    if (!(r.strategy.meanRmsse < ets.meanRmsse)) failures.push(`strategy mean RMSSE ${r.strategy.meanRmsse.toFixed(4)} is not below R ets() ${ets.meanRmsse.toFixed(4)}`);
  } else failures.push('bench/r/ets-m5.csv (R ets() reference forecasts) is missing');
  if (failures.length) {
    for (const f of failures) console.log(`FAIL: ${f}`);
    process.exitCode = 1;
  } else {
    console.log('m5-accuracy check: OK');
  }
}

await main();
