/**
 * The replay study of a run (issue 16 item 4): calibrate the segments' safety factors on an
 * earlier window, replay the last weeks with the calibrated policy, and compare with a shop's
 * simple rule.
 *
 * Windows, for the last sales day T, `weeks` = w and `calibrationWeeks` = c:
 * - reported (test) window: the w·7 days ending on T;
 * - calibration window: the c·7 days before it (out of sample: the test window's sales are not
 *   used to calibrate); none when c = 0 (then the policy is replayed as computed).
 * On the reported window: the proposed policy without shifts ("before"), with the calibrated
 * shifts ("after"), the simple policy at the configured cover (N weeks of average sales), and
 * the simple policy at the smallest cover (to 0.1 day) whose fill rate reaches the proposed
 * policy's ("matched": what the simple rule needs to give the same service, and the stock that
 * costs).
 */
import { calibrateShifts, type Calibration, type CalibrationOptions } from './calibrate.js';
import { csvLine, headerLine, numberCell, optionalNumberCell, textCell } from '../../io/csv-format.js';
import { planReplay, proposedLevels, runReplay, simpleLevels, type ForecastAt, type ReplayOutcome, type ReplayPlan, type ReplaySubject, type ReplayWindow, type SegmentShifts } from './replay.js';

/** Settings of a replay study. */
export interface ReplayStudyOptions {
  /** Day number of the last day of sales (T). */
  readonly lastDay: number;
  /** Weeks replayed and reported. @defaultValue 13 */
  readonly weeks?: number;
  /** Weeks before them to calibrate on; 0 = no calibration. @defaultValue 13 */
  readonly calibrationWeeks?: number;
  /** Days between forecast refits. @defaultValue 7 */
  readonly refitDays?: number;
  /** Days per forecast bucket. @defaultValue 1 */
  readonly bucketDays?: number;
  /** The simple policy's cover, weeks of average sales. @defaultValue 3 */
  readonly simpleCoverWeeks?: number;
  /** Days the simple policy averages. @defaultValue 28 */
  readonly simpleAverageDays?: number;
  /** Longest cover searched for the matched simple policy, days. @defaultValue 182 */
  readonly maxCoverDays?: number;
  readonly calibration?: CalibrationOptions;
  /**
   * Apply the calibrated shifts that raise a segment's safety stock. A replay whose forecasts are
   * older than a run's (a run's own replay refits once per window: pipelines/replenish/replay/run-replay.ts)
   * serves less than the policy will, so a raise it measures partly makes up for its older
   * forecasts; such a replay applies only the shifts that lower the safety stock (a lowering it
   * measures is conservative). @defaultValue true
   */
  readonly raiseShifts?: boolean;
}

/** The simple policy at the cover that matches the proposed policy's fill rate. */
export interface MatchedSimple {
  readonly coverDays: number;
  readonly outcome: ReplayOutcome;
}

/** Everything a replay study measured. */
export interface ReplayStudy {
  readonly window: ReplayWindow;
  readonly calibrationWindow: ReplayWindow | null;
  readonly calibration: Calibration | null;
  readonly plan: ReplayPlan;
  /** Proposed policy, no shifts. */
  readonly before: ReplayOutcome;
  /** Proposed policy with the applied shifts (= before without calibration). */
  readonly proposed: ReplayOutcome;
  /** The shifts applied: the calibrated ones, without the raises when `raiseShifts` is false. */
  readonly shifts: SegmentShifts;
  readonly simpleCoverWeeks: number;
  readonly simple: ReplayOutcome;
  /** null when no cover up to `maxCoverDays` reaches the proposed fill rate. */
  readonly matched: MatchedSimple | null;
}

/** The reported window and the calibration window before it (module comment; null without calibration weeks). */
export function studyWindows(options: ReplayStudyOptions): { window: ReplayWindow; calibrationWindow: ReplayWindow | null } {
  const weeks = options.weeks ?? 13;
  const calWeeks = options.calibrationWeeks ?? 13;
  const refitDays = options.refitDays ?? 7;
  const bucketDays = options.bucketDays ?? 1;
  const window: ReplayWindow = { first: options.lastDay - 7 * weeks + 1, days: 7 * weeks, refitDays, bucketDays };
  return { window, calibrationWindow: calWeeks > 0 ? { first: window.first - 7 * calWeeks, days: 7 * calWeeks, refitDays, bucketDays } : null };
}

/**
 * Run a replay study (module comment).
 *
 * @param subjects Series with their sales (covering the calibration window, the reported window
 *   and the simple policy's averaging days before them) and buying terms.
 * @param forecastAt Forecasts from the sales up to a day (pipelines/replenish/replay/replay-forecasts.ts).
 * @param options Windows and the simple policy.
 * @throws as planReplay, or when a setting is out of range.
 */
export function replayStudy(subjects: readonly ReplaySubject[], forecastAt: ForecastAt, options: ReplayStudyOptions): ReplayStudy {
  const weeks = options.weeks ?? 13;
  const calWeeks = options.calibrationWeeks ?? 13;
  const coverWeeks = options.simpleCoverWeeks ?? 3;
  const averageDays = options.simpleAverageDays ?? 28;
  const maxCover = options.maxCoverDays ?? 182;
  if (!Number.isInteger(weeks) || weeks < 1) throw new Error(`replayStudy needs weeks >= 1, got ${weeks}`);
  if (!Number.isInteger(calWeeks) || calWeeks < 0) throw new Error(`replayStudy needs calibrationWeeks >= 0, got ${calWeeks}`);
  if (!(coverWeeks > 0)) throw new Error(`replayStudy needs a simple cover of more than 0 weeks, got ${coverWeeks}`);
  const { window, calibrationWindow } = studyWindows(options);
  let calibration: Calibration | null = null;
  if (calibrationWindow) {
    calibration = calibrateShifts(planReplay(subjects, calibrationWindow, forecastAt, averageDays), options.calibration);
  }
  const plan = planReplay(subjects, window, forecastAt, averageDays);
  const before = runReplay(plan, proposedLevels(plan, {}));
  const shifts = appliedShifts(calibration?.shifts ?? {}, options.raiseShifts ?? true);
  const proposed = calibration ? runReplay(plan, proposedLevels(plan, shifts)) : before;
  const simple = runReplay(plan, simpleLevels(plan, 7 * coverWeeks));
  return { window, calibrationWindow, calibration, plan, before, proposed, shifts, simpleCoverWeeks: coverWeeks, simple, matched: matchSimple(plan, proposed.total.fillRate, maxCover) };
}

/** The shifts applied (ReplayStudyOptions `raiseShifts`): all, or only those below 0. */
export function appliedShifts(shifts: SegmentShifts, raise: boolean): SegmentShifts {
  if (raise) return shifts;
  return Object.fromEntries(Object.entries(shifts).map(([k, v]) => [k, Math.min(0, v as number)])) as SegmentShifts;
}

/**
 * The smallest cover (days, to 0.1 day) whose simple-policy fill rate reaches `fill`, by
 * bisection (the fill rate grows with the cover); null when `maxCover` days do not reach it.
 */
export function matchSimple(plan: ReplayPlan, fill: number, maxCover: number): MatchedSimple | null {
  const at = (c: number) => runReplay(plan, simpleLevels(plan, c));
  const top = at(maxCover);
  if (top.total.fillRate < fill) return null;
  let lo = 0; // 0 days: never orders, never reaches a positive fill rate from an empty start
  let hi = maxCover;
  let best = top;
  while (hi - lo > 0.05) {
    const mid = Math.round(((lo + hi) / 2) * 100) / 100;
    const o = at(mid);
    if (o.total.fillRate >= fill) {
      hi = mid;
      best = o;
    } else lo = mid;
  }
  return { coverDays: hi, outcome: best };
}

/** Columns of simulation.csv, in order. */
export const SIMULATION_COLUMNS = [
  'store',
  'sku',
  'demand_class',
  'method',
  'policy',
  'days',
  'demand',
  'sold',
  'lost_units',
  'fill_rate',
  'cycle_service',
  'stockout_days',
  'avg_stock',
  'avg_stock_value',
  'orders',
  'units_ordered',
] as const;

/**
 * simulation.csv: one row per series and policy (`proposed`, `proposed_uncalibrated` when
 * calibrated, `simple_<N>w`, `simple_matched_<days>d`), in the subjects' order, then `total`
 * rows (store and sku empty) per policy. Lost units are lost sales (not backorders).
 */
export function simulationCsv(study: ReplayStudy): string {
  const policies: [string, ReplayOutcome][] = [['proposed', study.proposed]];
  if (study.calibration) policies.push(['proposed_uncalibrated', study.before]);
  policies.push([`simple_${numberCell(study.simpleCoverWeeks, 2)}w`, study.simple]);
  if (study.matched) policies.push([`simple_matched_${numberCell(study.matched.coverDays, 2)}d`, study.matched.outcome]);
  let out = headerLine(SIMULATION_COLUMNS);
  const line = (store: string, sku: string, cls: string, method: string, policy: string, r: ReplayOutcome['total'] | ReplayOutcome['series'][number]) =>
    csvLine([
      textCell(store),
      textCell(sku),
      textCell(cls),
      textCell(method),
      textCell(policy),
      numberCell(r.days, 0),
      numberCell(r.demand, 2),
      numberCell(r.sold, 2),
      numberCell(r.lost, 2),
      numberCell(r.fillRate, 4),
      optionalNumberCell(r.cycleService, 4),
      numberCell(r.stockoutDays, 0),
      numberCell(r.avgStock, 2),
      optionalNumberCell(r.avgStockValue, 2),
      numberCell(r.orders, 0),
      numberCell(r.unitsOrdered, 2),
    ]);
  study.plan.subjects.forEach((s, i) => {
    for (const [name, o] of policies) out += line(s.store, s.sku, study.plan.demandClass[i], study.plan.method[i], name, o.series[i]);
  });
  for (const [name, o] of policies) out += line('', '', '', '', `${name} total`, o.total);
  return out;
}
