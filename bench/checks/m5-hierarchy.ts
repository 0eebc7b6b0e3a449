/**
 * CI check on real data: forecasts at every level of the M5 slice (bench/m5-hierarchy.ts) on
 * its last three 28-day periods, against R's ets() (bench/r/ets-m5-quantiles.csv.gz).
 *
 * Fails (exit 1) when, on any of the three periods:
 * - the forecasts are not coherent (an aggregate's published forecast differs from the sum of
 *   its item × store forecasts) or a quantile set is not monotone;
 * - item × store 80% or 95% interval coverage is more than 2 points off nominal on the last
 *   period, or more than 6 points off on either earlier one;
 * - an issue-17 target (12-level WRMSSE 10% below R's ets() per item × store summed bottom-up,
 *   ES_bu; item × store mean RMSSE and revenue-weighted RMSSE 4% below ets(); item × store mean
 *   scaled pinball loss 10% below; coverage within 2 points) is missed and not listed in
 *   {@link OPEN_MISSES}, or a listed one is worse than the figure recorded there (a ratchet);
 * and, on the last period, when any of the four scores is worse than R's ets().
 * Prints each target as MET or MISSED with its figure. `--strict` enforces every target as
 * stated. Takes about two minutes (the pooled model's fit, about 25 s a period).
 *
 * Usage: node dist/bench/checks/m5-hierarchy.js ../shared/data [--strict]
 */
import { defaultConfig } from '../../config/schema.js';
import { reportFailures, runCheckMain } from '../check-harness.js';
import { loadM5 } from '../m5-accuracy.js';
import { DEFAULT_METHODS } from '../../pipelines/hierarchy/reconcile.js';
import { defaultEtsQuantilesPath, loadEtsQuantiles, loadItemAttributes, printPeriod, runPeriod, seriesAttributes } from '../m5-hierarchy.js';

/** Issue 17's targets, as relative improvements over R ets() and coverage tolerance in points. */
const TARGETS = { wrmsse12: 0.1, rmsse: 0.04, spl: 0.1, coverage: 2 };
/**
 * Coverage tolerance of the two earlier periods in this guard (points). The issue's 2 points are
 * met on all three periods since the type-6 ranks and the tail rule of count data's intervals
 * (pipelines/forecast/intervals.ts, steps 3a-3b; 2026-12-05), and a miss of them fails as a
 * target missed that is not open; this wider guard stays for runs with other settings.
 */
const EARLIER_COVERAGE_TOLERANCE = 6;

/**
 * Issue-17 targets missed when last measured (bench/m5-hierarchy.ts, 2026-12-05), keyed
 * `<offset>:<target>` with the product's figure then: the score for `wrmsse12`, `rmsse`,
 * `wrmsse`, `spl` (lower is better; R's figures are fixed references), the coverage in percent
 * for `cov80` / `cov95`. Remove an entry once its target is met; never raise one without the
 * reason below and in the README.
 */
export const OPEN_MISSES: Readonly<Record<string, number>> = {
  // Lowered by the model pooled over the series blended into the item × store forecasts
  // (pipelines/forecast/pooled-stage.ts; 2026-12-05), which also met 56:wrmsse, 0:wrmsse12 and
  // 0:wrmsse (removed). Three entries had been raised once, by the year-over-year model
  // (models/year-over-year.ts; README), and one by leaving closed days out of the calendar
  // models' event effects (models/calendar-adjusted.ts; README). All four raised, and 56:wrmsse
  // (met by 0.06 points) added back, by the pooled model's cheaper trees (300 at 0.1 instead of
  // 600 at 0.05: the stage's cost about halved, every mean within 0.3%; README, "In the product
  // path"; 2026-12-05). All four lowered again, and 56:wrmsse met (4.2% below ets, removed), by
  // the blend's lower weight for intermittent and lumpy series (0.3, 0.5 for the others:
  // pipelines/forecast/pooled-weights.ts; README, "The blend's weight"; 2026-12-05).
  // Then the pooled model left department and category out (store codes only: a nightly run's
  // history then kept no item attributes, and its forecasts must equal `forecast run`'s on the same
  // sales; pipelines/forecast/pooled-stage.ts `codesOf`; 2026-12-05): 56's two lowered, 28:rmsse
  // met (4.1% below ets, removed), 0:rmsse raised by 0.0002 (noise-sized; the reason is nightly's
  // equality, not accuracy).
  '56:wrmsse12': 0.5618, // was 0.5642
  '56:rmsse': 0.7165, // was 0.7182
  '0:rmsse': 0.7075, // was 0.7073 (raised, see above)
};

/** One target's outcome on one period. */
interface Target {
  key: string;
  met: boolean;
  line: string;
  /** True when the figure is worse than `recorded` (beyond rounding). */
  worse: (recorded: number) => boolean;
}

/**
 * The check's verdict on the targets: misses that are not open, and open misses that got
 * worse, fail; with `strict` every miss fails.
 */
export function targetFailures(targets: readonly Target[], strict: boolean): string[] {
  const out: string[] = [];
  for (const t of targets) {
    if (t.met) continue;
    const recorded = OPEN_MISSES[t.key];
    if (strict || recorded === undefined) out.push(`target missed: ${t.line}`);
    else if (t.worse(recorded)) out.push(`${t.line}, worse than the ${recorded} recorded in OPEN_MISSES`);
  }
  return out;
}

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
  const targets: Target[] = [];
  for (const offset of [56, 28, 0]) {
    const r = runPeriod(data, attrs, config, offset, DEFAULT_METHODS, ets);
    printPeriod(r);
    for (const p of r.problems) failures.push(`offset ${offset}: ${p}`);
    for (const level of config.intervals.levels) {
      const got = 100 * r.coverage['store/sku'][String(level)];
      const off = Math.abs(got - level);
      const tolerance = offset === 0 ? TARGETS.coverage : EARLIER_COVERAGE_TOLERANCE;
      if (!(off <= tolerance)) failures.push(`offset ${offset}: item × store ${level}% coverage ${got.toFixed(1)}% is more than ${tolerance} points off`);
      targets.push({
        key: `${offset}:cov${level}`,
        met: off <= TARGETS.coverage,
        line: `offset ${offset}: ${level}% coverage ${got.toFixed(1)}% (target within ${TARGETS.coverage} points)`,
        worse: (recorded) => !(off <= Math.abs(recorded - level) + 0.1),
      });
    }
    const e = r.ets;
    if (!e) {
      failures.push(`offset ${offset}: no R ets() reference`);
      continue;
    }
    const compare: [string, string, number, number, number][] = [
      ['wrmsse12', '12-level WRMSSE', r.product.wrmsse12, e.wrmsse12, TARGETS.wrmsse12],
      ['rmsse', 'item × store mean RMSSE', r.product.meanRmsse, e.meanRmsse, TARGETS.rmsse],
      ['wrmsse', 'item × store WRMSSE', r.product.wrmsse, e.wrmsse, TARGETS.rmsse],
      ['spl', 'item × store mean SPL', r.product.meanSpl ?? NaN, e.meanSpl ?? NaN, TARGETS.spl],
    ];
    for (const [key, what, ours, theirs, target] of compare) {
      const gain = 1 - ours / theirs;
      targets.push({
        key: `${offset}:${key}`,
        met: gain >= target,
        line: `offset ${offset}: ${what} ${ours.toFixed(4)} vs R ets() ${theirs.toFixed(4)}: ${(100 * gain).toFixed(1)}% lower (target ${100 * target}%)`,
        // a recorded score may move by rounding only
        worse: (recorded) => !(ours <= recorded + 1e-4),
      });
      if (offset === 0 && !(ours < theirs)) failures.push(`${what} ${ours.toFixed(4)} is not below R ets() ${theirs.toFixed(4)} on the last period`);
    }
  }
  process.stdout.write(`\nissue 17 targets:\n  ${targets.map((t) => `${t.met ? 'MET   ' : 'MISSED'} ${t.line}`).join('\n  ')}\n`);
  for (const f of targetFailures(targets, process.argv.includes('--strict'))) failures.push(f);
  return reportFailures('m5-hierarchy', failures);
}

runCheckMain(main);
