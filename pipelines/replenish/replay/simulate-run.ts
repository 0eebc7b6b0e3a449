/**
 * `forecast simulate`: replay the proposed reorder policy on the input's last weeks of sales
 * (pipelines/replenish/replay/replay-study.ts) with each series' buying terms from the items and
 * suppliers files (pipelines/replenish/orders/item-policy.ts, the same terms as the order list),
 * and publish simulation.csv and simulation.json under `OUT/simulations/<run id>/`.
 *
 * Daily sales only (weekly or monthly totals stop it with a clear message). The sales are read
 * and validated as `forecast run` reads them (rejected rows are counted, not
 * listed: `forecast validate` lists them), with the same warnings (many rejected rows, series
 * that do not fit the period) and the same stop when most rows are rejected; the replay refits
 * the forecasts on the sales before each review only. The run date, when none is given, is the
 * day after the input's last date, as for `forecast run` (pipelines/run/run-request.ts): it
 * names the output directory, so the same file simulated on another day is the same simulation. Stock starts at each policy's first order-up-to level; lost sales, not
 * backorders. The unit value is the items file's unit cost, else the last selling price before
 * the replayed weeks.
 */
import { join } from 'node:path';
import type { Config } from '../../../config/schema.js';
import { formatDay } from '../../dates.js';
import { InputError, quoteInput } from '../../errors.js';
import { ingestFile, type IngestResult } from '../../ingest/ingest.js';
import { checkRejectedShare, ingestWarnings } from '../../ingest/ingest-warnings.js';
import { AFTER_DATA, chooseRunDate, readBound, runDateOf, type RunDateSource } from '../../run/run-request.js';
import type { RunWarning } from '../../run/warnings.js';
import { decidePeriod } from '../../prepare/period-detect.js';
import { loadCalendar } from '../../forecast/calendar.js';
import { writeFileAtomic, ensureDir } from '../../io/atomic-write.js';
import { sha256File } from '../../io/file-hash.js';
import { readOrderInputs } from '../orders/order-stage.js';
import { forecastsAt } from './replay-forecasts.js';
import { replayStudy, simulationCsv, type ReplayStudy } from './replay-study.js';
import type { ReplayOutcome } from './replay.js';
import { daysNeeded, replaySubjects, studyOptions } from './replay-subjects.js';
import type { RowCounts, SeriesData } from '../../types.js';

/** What a simulation needs. */
export interface SimulateRequest {
  readonly input: string;
  readonly calendar?: string;
  readonly outDir: string;
  readonly config: Config;
  /** ISO run date (rows after it are rejected); absent: the settings' `runDate`, else the day after the input's last date. */
  readonly runDate?: string;
}

/** The figures of one policy over all series (simulation.json). */
export interface PolicyFigures {
  readonly policy: string;
  readonly fillRate: number;
  readonly cycleService: number;
  readonly lostUnits: number;
  readonly stockoutDays: number;
  readonly avgStock: number;
  /** Null when no series has a unit value (no unit cost in the items file and no selling price). */
  readonly avgStockValue: number | null;
  readonly orders: number;
}

/** simulation.json. */
export interface SimulationSummary {
  readonly input: string;
  readonly inputSha256: string;
  readonly runDate: string;
  /** `given` (flag or settings) or `after-data` (the day after the input's last date). */
  readonly runDateSource: RunDateSource;
  /** Rows read = accepted + rejected. */
  readonly rows: RowCounts;
  /** What to know before trusting the figures (many rejected rows, series off the period). */
  readonly warnings: RunWarning[];
  readonly series: number;
  /** Series left out: their sales do not cover the weeks replayed and calibrated. */
  readonly seriesLeftOut: number;
  readonly firstDate: string;
  readonly lastDate: string;
  readonly weeks: number;
  readonly calibrationWeeks: number;
  readonly policies: PolicyFigures[];
  /** Calibrated safety-factor shift per segment (demand class / service type). */
  readonly shifts: Record<string, number>;
}

const r4 = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(4)) : null);

function figures(policy: string, o: ReplayOutcome): PolicyFigures {
  const t = o.total;
  return {
    policy,
    fillRate: r4(t.fillRate) as number,
    cycleService: r4(t.cycleService) as number,
    lostUnits: r4(t.lost) as number,
    stockoutDays: t.stockoutDays,
    avgStock: r4(t.avgStock) as number,
    avgStockValue: r4(t.avgStockValue),
    orders: t.orders,
  };
}

/** The study's policies as run.json-style figures. */
export function studyFigures(study: ReplayStudy): PolicyFigures[] {
  const out = [figures('proposed', study.proposed)];
  if (study.calibration) out.push(figures('proposed_uncalibrated', study.before));
  out.push(figures(`simple_${study.simpleCoverWeeks}w`, study.simple));
  if (study.matched) out.push(figures(`simple_matched_${study.matched.coverDays}d`, study.matched.outcome));
  return out;
}

/**
 * Read the input, replay, publish (module comment).
 * @returns the directory written and the summary.
 * @throws InputError for an unusable input or one too short for the weeks asked.
 */
export async function simulateRun(req: SimulateRequest): Promise<{ dir: string; summary: SimulationSummary; study: ReplayStudy }> {
  const { config } = req;
  const sim = config.replenishment.simulation;
  if (sim.weeks < 1) throw new InputError('forecast simulate needs at least 1 week to replay (replenishment.simulation.weeks is 0; give --weeks N)');
  const parsed = await readOrderInputs(config);
  const calendar = req.calendar ? loadCalendar(req.calendar, config.validation.maxSideFileBytes) : undefined;
  const { ingest, runDate, runDateSource, warnings } = await readDailySales(req);
  const series: SeriesData[] = ingest.series;
  const lastDay = ingest.end;
  const needed = daysNeeded(sim);
  if (lastDay - ingest.start + 1 < needed) {
    throw new InputError(`${quoteInput(req.input)} covers ${lastDay - ingest.start + 1} days; the replay needs ${needed} (replenishment.simulation: ${sim.weeks} weeks replayed, ${sim.calibrationWeeks} weeks to calibrate, ${sim.simpleAverageDays} days averaged)`);
  }
  // items first sold too late to cover the windows are left out (replay-subjects.ts) and counted
  const { subjects, series: kept, leftOut } = replaySubjects(series, parsed, config, lastDay);
  if (subjects.length === 0) throw new InputError(`no series of ${quoteInput(req.input)} has sales over the ${needed} days the replay needs`);
  const study = replayStudy(subjects, forecastsAt(kept, config, ingest.kind, calendar), studyOptions(sim, lastDay));
  const sha = await sha256File(req.input);
  const dir = join(req.outDir, 'simulations', `${runDate}-${sha.slice(0, 12)}`);
  await ensureDir(dir);
  const summary: SimulationSummary = {
    input: req.input,
    inputSha256: sha,
    runDate,
    runDateSource,
    rows: ingest.rows,
    warnings,
    series: subjects.length,
    seriesLeftOut: leftOut.length,
    firstDate: formatDay(study.window.first),
    lastDate: formatDay(lastDay),
    weeks: sim.weeks,
    calibrationWeeks: sim.calibrationWeeks,
    policies: studyFigures(study),
    shifts: { ...(study.calibration?.shifts ?? {}) } as Record<string, number>,
  };
  await writeFileAtomic(join(dir, 'simulation.csv'), simulationCsv(study));
  await writeFileAtomic(join(dir, 'simulation.json'), JSON.stringify(summary, null, 2) + '\n');
  return { dir, summary, study };
}

/**
 * Read and validate the sales as `forecast run` does: the run date (given, or the day after the
 * data), the stop when most rows are rejected, the warnings; weekly or monthly totals stop it.
 * @throws InputError for an unusable input, one mostly rejected, or one not in days.
 */
async function readDailySales(req: SimulateRequest): Promise<{ ingest: IngestResult; runDate: string; runDateSource: RunDateSource; warnings: RunWarning[] }> {
  const { config } = req;
  const choice = chooseRunDate(req.runDate, config, AFTER_DATA, Date.now());
  const ingest = await ingestFile(req.input, { config, ...readBound(choice) });
  checkRejectedShare(ingest, config.validation, `forecast validate --input ${quoteInput(req.input)}`);
  // the replay is day by day: weekly or monthly totals are not daily sales
  const period = decidePeriod({ kind: ingest.kind, series: ingest.series, dateHeader: ingest.mapping.date ?? '', labels: ingest.dateLabels }, config.periods);
  if (period.grid.frequency !== 'day') {
    throw new InputError(`forecast simulate replays daily sales; ${quoteInput(req.input)} holds ${period.grid.frequency === 'week' ? 'weekly' : 'monthly'} totals (${period.reason})`);
  }
  if (ingest.series.length === 0) throw new InputError(`no row of ${quoteInput(req.input)} was accepted: nothing to replay (forecast validate lists why)`);
  const runDate = runDateOf(choice, ingest.end);
  return { ingest, runDate, runDateSource: choice.source === 'after-data' ? 'after-data' : 'given', warnings: [...ingestWarnings(ingest, config.validation), ...period.warnings] };
}
