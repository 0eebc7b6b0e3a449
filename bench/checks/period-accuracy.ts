/**
 * CI check on real data: weekly and monthly accuracy (bench/period-accuracy.ts) on the M5 slice by
 * week and by month and Online Retail by week, against R forecast 8.20 (bench/r/periods-*.csv.gz).
 * Issue 14's targets, per set:
 * - the strategy's mean RMSSE is no worse than R `ets`'s;
 * - it is within 5% of the best of R's ets, thetaf, snaive, naive and SBA;
 * - its 80% and 95% intervals cover the held-out periods within 3 points of nominal.
 * Prints every figure; exits non-zero on a miss or a missing reference file.
 *
 * Targets not met yet are listed in OPEN_MISSES with the figure measured when they were recorded:
 * they are printed as open on every run, and the check fails when one gets worse than recorded (a
 * ratchet), or when a target met today is missed. `--strict` enforces every target as stated.
 *
 * Usage: node dist/bench/checks/period-accuracy.js ../shared/data [--strict]
 */
import { defaultConfig } from '../../config/schema.js';
import { reportFailures, runCheckMain } from '../check-harness.js';
import { printSetResult, runPeriodAccuracy, type SetResult } from '../period-accuracy.js';

/** Largest allowed distance between empirical and nominal coverage, percentage points. */
const COVERAGE_TOLERANCE = 3;
/** The strategy may be at most this much worse than the best R method (relative). */
const BEST_TOLERANCE = 0.05;

/**
 * Issue-14 targets missed (bench/period-accuracy.ts; recorded 2026-12-04, monthly figures 2026-12-05 after the monthly pools and Student-t cold-start intervals), keyed
 * `<set>:<target>`, with the figure measured then: the strategy's mean RMSSE for `best`, the
 * coverage in percent for `cov80` / `cov95`. Why they are missed is in the README (Accuracy on
 * weekly and monthly data): the test year of the M5 slice by month and the test weeks of Online
 * Retail differ from their backtest periods (backtest RMSSE 1.14 vs test 1.37 by month; 1.54 vs
 * 1.07 on Online Retail); every R method under-covers the monthly test year too (R ets 76.0% /
 * 87.6%). Remove an entry once its target is met (the monthly `best` entry was removed when the
 * monthly pools met it: 1.4233 against 1.05 x SBA's 1.3582; `retail-week:cov80`, 83.9, when the
 * type-6 ranks of count data's intervals met it: 81.1%; `m5-month:cov80` 76.6 and `m5-month:cov95`
 * 91.8 when combinations took the linear pool's sd, pipelines/forecast/linear-pool.ts: 78.3% / 93.3%).
 */
export const OPEN_MISSES: Readonly<Record<string, number>> = {};

interface Miss {
  key: string;
  message: string;
  /** The figure compared with OPEN_MISSES, and whether larger is worse. */
  value: number;
  worse: (recorded: number) => boolean;
}

/** Every target missed by one set's result, keyed as in {@link OPEN_MISSES}. */
function setMisses(r: SetResult): Miss[] {
  const out: Miss[] = [];
  const s = r.strategy.meanRmsse;
  const ets = r.r.find((m) => m.method === 'R ets');
  if (!ets) {
    return [{ key: `${r.set}:reference`, message: `${r.set}: no R reference forecasts (bench/r/periods-${r.set}.csv.gz; run bench/r/periods.R)`, value: NaN, worse: () => true }];
  }
  // a recorded RMSSE may move by rounding only; a coverage by a tenth of a point
  const rmsseWorse = (v: number) => (recorded: number) => !(v <= recorded + 1e-4);
  if (!(s <= ets.meanRmsse)) out.push({ key: `${r.set}:ets`, message: `${r.set}: strategy mean RMSSE ${s.toFixed(4)} is worse than R ets ${ets.meanRmsse.toFixed(4)}`, value: s, worse: rmsseWorse(s) });
  const best = r.r.reduce((a, b) => (b.meanRmsse < a.meanRmsse ? b : a));
  if (!(s <= best.meanRmsse * (1 + BEST_TOLERANCE))) {
    out.push({ key: `${r.set}:best`, message: `${r.set}: strategy mean RMSSE ${s.toFixed(4)} is more than 5% above the best R method (${best.method} ${best.meanRmsse.toFixed(4)})`, value: s, worse: rmsseWorse(s) });
  }
  for (const [level, got] of [[80, r.strategy.coverage80], [95, r.strategy.coverage95]] as const) {
    const pct = got === null ? NaN : 100 * got;
    if (!(Math.abs(pct - level) <= COVERAGE_TOLERANCE)) {
      out.push({
        key: `${r.set}:cov${level}`,
        message: `${r.set}: ${level}% interval coverage ${pct.toFixed(1)}% is more than ${COVERAGE_TOLERANCE} points off`,
        value: pct,
        worse: (recorded) => !(Math.abs(pct - level) <= Math.abs(recorded - level) + 0.1),
      });
    }
  }
  return out;
}

/**
 * The check's verdict: failures (targets missed that are not open, open misses that got worse)
 * and the open misses as printed notes; with `strict`, every miss fails.
 */
export function verdict(results: readonly SetResult[], strict: boolean): { failures: string[]; open: string[] } {
  const failures: string[] = [];
  const open: string[] = [];
  for (const m of results.flatMap(setMisses)) {
    const recorded = OPEN_MISSES[m.key];
    if (strict || recorded === undefined) failures.push(m.message);
    else if (m.worse(recorded)) failures.push(`${m.message}, worse than the ${recorded} recorded in OPEN_MISSES`);
    else open.push(`${m.message} (open, recorded ${recorded})`);
  }
  return { failures, open };
}

async function main(dataDir: string | undefined): Promise<number> {
  const results = await runPeriodAccuracy(dataDir ?? '../shared/data', defaultConfig());
  for (const r of results) printSetResult(r);
  const { failures, open } = verdict(results, process.argv.includes('--strict'));
  for (const o of open) process.stdout.write(`ISSUE 14 TARGET MISSED: ${o}\n`);
  return reportFailures('period-accuracy', failures);
}

runCheckMain(main);
