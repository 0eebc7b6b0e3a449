/**
 * "Would this policy have worked?": the replay study (pipelines/replenish/replay/replay-study.ts)
 * as a section of every run (issue 16 item 4), the same in-process and queued (stage 1 calls it,
 * pipelines/run/run.ts): the proposed policy replayed on the last `replenishment.simulation.weeks`
 * weeks of the run's own sales, with the buying terms of the order list, against a shop's simple
 * rule; simulation.csv written to the run's staging directory; the figures for run.json
 * `simulation` and the report. The segments' safety factor shifts it calibrates are the ones the
 * run's order list uses.
 *
 * Never silent: a run without a replay says why in `status` and `note` (turned off with weeks 0,
 * weekly or monthly sales, too short a history, no series covering the window).
 */
import { join } from 'node:path';
import type { Config } from '../../../config/schema.js';
import { formatDay } from '../../dates.js';
import type { Calendar } from '../../forecast/calendar.js';
import type { Frequency } from '../../periods.js';
import type { InputKind, SeriesData } from '../../types.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import type { ParsedInputs } from '../inputs/match.js';
import { forecastsAt } from './replay-forecasts.js';
import { replayStudy, simulationCsv, type ReplayStudy } from './replay-study.js';
import { daysNeeded, replaySubjects, studyOptions } from './replay-subjects.js';
import { volumeSample } from './replay-sample.js';
import { studyFigures, type PolicyFigures } from './simulate-run.js';
import type { SegmentShifts } from './replay.js';

/** One segment's calibration, for run.json. */
export interface RunCalibration {
  /** Demand class and service measure, e.g. `smooth/fill_rate`. */
  readonly segment: string;
  readonly target: number;
  /** Achieved service on the calibration weeks before and after the shift. */
  readonly before: number;
  readonly after: number;
  /** Safety factor shift, in sds of the protection-interval demand. */
  readonly shift: number;
  readonly reached: boolean;
}

/** run.json `simulation`. */
export interface RunReplaySummary {
  /** `replayed`, `off` (weeks 0), `skipped` (the note says why) or `failed` (a warning too). */
  readonly status: 'replayed' | 'off' | 'skipped' | 'failed';
  /** One plain sentence: what was replayed, or why not. */
  readonly note: string;
  readonly weeks: number;
  readonly calibrationWeeks?: number;
  readonly firstDate?: string;
  readonly lastDate?: string;
  readonly calibrationFirstDate?: string;
  readonly series?: number;
  /** Series left out: their sales do not cover the weeks replayed and calibrated. */
  readonly seriesLeftOut?: number;
  /** The first 10 of them by name (`store/sku`). */
  readonly leftOutExamples?: string[];
  /** Totals per policy over the series replayed (`proposed`, `proposed_uncalibrated`, `simple_<N>w`, `simple_matched_<d>d`). */
  readonly policies?: PolicyFigures[];
  readonly calibration?: RunCalibration[];
  /** Shifts per segment used by the run's order list (a run's own replay applies only those below 0 unless it refits as often as `refitDays`; `calibration` gives the measured ones). */
  readonly shifts?: Record<string, number>;
  /** Days between forecast refits (a run refits once per window by default; `forecast simulate` every `refitDays`). */
  readonly refitDays?: number;
  /** Set when only a sample was replayed: series that could take part, and how they were chosen. */
  readonly sample?: { readonly of: number; readonly rule: string };
}

/** What the run's replay gave. */
export interface RunReplay {
  readonly summary: RunReplaySummary;
  /** The calibrated shifts for the order list (empty without a calibrated replay). */
  readonly shifts: SegmentShifts;
  /** Per series replayed (`store\u0000sku`): the proposed policy's fill rate and stockout days, for the report. */
  readonly bySeries: Record<string, { fillRate: number; stockoutDays: number; lostUnits: number }>;
  /** simulation.csv was written. */
  readonly wrote: boolean;
}

/** What the run's replay reads. */
export interface RunReplayInput {
  /** Daily series as ingested, before cleaning (the replay cleans each cut itself). */
  readonly series: readonly SeriesData[];
  readonly kind: InputKind;
  /** Last day of sales. */
  readonly lastDay: number;
  /** The run's period. */
  readonly frequency: Frequency;
  readonly calendar?: Calendar;
  readonly config: Config;
  readonly parsed: ParsedInputs;
  /** Where simulation.csv goes. */
  readonly dir: string;
}

const r4 = (x: number) => Number(x.toFixed(4));

function notReplayed(status: 'off' | 'skipped', weeks: number, note: string): RunReplay {
  return { summary: { status, note, weeks }, shifts: {}, bySeries: {}, wrote: false };
}

/** Why the run cannot replay (null when it can). */
function reasonNotTo(input: RunReplayInput): RunReplay | null {
  const sim = input.config.replenishment.simulation;
  if (sim.weeks === 0) return notReplayed('off', 0, 'The replay of the order policy on past sales is turned off (replenishment.simulation.weeks is 0).');
  if (input.frequency !== 'day') {
    return notReplayed('skipped', sim.weeks, `The order policy was not replayed on past sales: this run works in ${input.frequency}s and the replay works day by day (daily sales, run by day, are needed to check the policy).`);
  }
  const span = input.series.reduce((m, s) => Math.max(m, input.lastDay - s.start + 1), 0);
  if (span < daysNeeded(sim)) {
    return notReplayed('skipped', sim.weeks, `The order policy was not replayed on past sales: the sales cover ${span} days and the replay needs ${daysNeeded(sim)} (${sim.weeks} weeks replayed, ${sim.calibrationWeeks} weeks before them to calibrate, ${sim.simpleAverageDays} days averaged).`);
  }
  return null;
}

/** Sentence about the sample and the refits, for the note. */
function scopeNote(study: ReplayStudy, of: number): string {
  const n = study.plan.subjects.length;
  const sample = n < of ? ` ${n} of the ${of} items that could take part were replayed, chosen evenly from slow to fast sellers (the calibrated safety factors apply to every item of the same demand pattern).` : '';
  const o = study.plan.origins.length;
  const refits = study.window.refitDays >= study.window.days ? ' Forecasts were made once at the start of the replayed weeks (and of the calibration weeks), with the sales known then, and read further ahead as the weeks went by.' : ` Forecasts were remade every ${study.window.refitDays} days (${o} times over the replayed weeks).`;
  const raised = (study.calibration?.segments ?? []).filter((c) => c.shift > 0 && (study.shifts[c.segment] ?? 0) === 0).map((c) => c.segment);
  const kept = raised.length ? ` The raises of the safety stock it measured (${raised.join(', ')}) are not applied: they partly make up for forecasts older than a run's; \`forecast simulate\` replays with weekly forecasts.` : '';
  return sample + refits + kept;
}

function summaryOf(study: ReplayStudy, sim: Config['replenishment']['simulation'], leftOut: string[], of: number): RunReplaySummary {
  const left = leftOut.length ? ` ${leftOut.length} item(s) sold for too short a time were left out.` : '';
  return {
    status: 'replayed',
    note: `The proposed order policy was replayed day by day on the ${sim.weeks} weeks of sales from ${formatDay(study.window.first)} to ${formatDay(study.window.first + study.window.days - 1)} (${study.plan.subjects.length} items), and compared with ordering up to ${sim.simpleCoverWeeks} weeks of average sales.${left}${scopeNote(study, of)}`,
    refitDays: study.window.refitDays,
    ...(study.plan.subjects.length < of ? { sample: { of, rule: 'spread evenly over units sold before the calibration weeks' } } : {}),
    weeks: sim.weeks,
    calibrationWeeks: sim.calibrationWeeks,
    firstDate: formatDay(study.window.first),
    lastDate: formatDay(study.window.first + study.window.days - 1),
    ...(study.calibrationWindow ? { calibrationFirstDate: formatDay(study.calibrationWindow.first) } : {}),
    series: study.plan.subjects.length,
    seriesLeftOut: leftOut.length,
    ...(leftOut.length ? { leftOutExamples: [...leftOut].sort().slice(0, 10) } : {}),
    policies: studyFigures(study),
    calibration: (study.calibration?.segments ?? []).map((c) => ({ segment: c.segment, target: r4(c.target), before: r4(c.before), after: r4(c.after), shift: r4(c.shift), reached: c.reached })),
    shifts: Object.fromEntries(Object.entries(study.shifts).map(([k, v]) => [k, r4(v as number)])),
  };
}

/**
 * Replay the run's policy (module comment) and write simulation.csv into `input.dir`.
 * @returns the figures, the shifts for the order list and per-series results; a run that cannot
 *   replay gets a summary saying why (status `off` or `skipped`). Errors of the replay itself
 *   propagate (the caller turns them into a warning).
 */
export async function replayForRun(input: RunReplayInput): Promise<RunReplay> {
  const skip = reasonNotTo(input);
  if (skip) return skip;
  const { config } = input;
  const sim = config.replenishment.simulation;
  const all = replaySubjects(input.series, input.parsed, config, input.lastDay);
  if (all.subjects.length === 0) return notReplayed('skipped', sim.weeks, `The order policy was not replayed on past sales: no item was sold over the whole ${daysNeeded(sim)} days the replay needs.`);
  const picked = volumeSample(all.subjects, input.lastDay - daysNeeded(sim) + 1, sim.runMaxSeries);
  const subjects = picked.map((i) => all.subjects[i]);
  const series = picked.map((i) => all.series[i]);
  const refitDays = sim.runRefitDays ?? 7 * Math.max(sim.weeks, sim.calibrationWeeks);
  // forecasts older than simulate's refits serve less than the policy will: apply only the lowering shifts (replay-study.ts)
  const study = replayStudy(subjects, forecastsAt(series, config, input.kind, input.calendar), { ...studyOptions(sim, input.lastDay), refitDays, raiseShifts: refitDays <= sim.refitDays });
  await writeFileAtomic(join(input.dir, 'simulation.csv'), simulationCsv(study));
  const bySeries: RunReplay['bySeries'] = {};
  study.plan.subjects.forEach((s, i) => {
    const r = study.proposed.series[i];
    bySeries[`${s.store}\u0000${s.sku}`] = { fillRate: r4(r.fillRate), stockoutDays: r.stockoutDays, lostUnits: Number(r.lost.toFixed(2)) };
  });
  return { summary: summaryOf(study, sim, all.leftOut, all.subjects.length), shifts: study.shifts, bySeries, wrote: true };
}
