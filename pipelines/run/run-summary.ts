/**
 * The shape of run.json: what a run read, accepted and rejected, the quality of its data,
 * and (for forecast runs) the model mix and backtest accuracy. Timestamps and the run id are
 * the only fields that differ between two runs of the same input.
 */
import type { RunReplaySummary } from '../replenish/replay/run-replay.js';
import type { RejectedNotListed, RowCounts } from '../types.js';
import type { RunWarning } from './warnings.js';
import type { OrdersSummary } from '../replenish/orders/order-stage.js';
import type { RunPeriod } from '../prepare/period-detect.js';
import type { PooledFacts } from '../forecast/pooled-stage.js';

export interface RunSummary {
  runId: string;
  command: 'validate' | 'run';
  mode: 'in-process' | 'queue';
  runDate: string;
  /**
   * How the run date was chosen (issue 15): `given` (--run-date, the request, config `runDate`),
   * `today` (the nightly flow: today in `schedule.tz`) or `after-data` (a run on one file without
   * a date: the day after the last day its data covers). Absent in runs made before it existed.
   */
  runDateSource?: 'given' | 'today' | 'after-data';
  startedAt: string;
  finishedAt: string;
  input: {
    /** File name as given (never file contents). */
    path: string;
    sha256: string;
    bytes: number;
    kind: string;
    header: string[];
    mapping: Record<string, string>;
    /** Export profile applied (pipelines/ingest/profiles/) and how it was chosen: `setting`, `header` or `none`. */
    profile?: { name: string | null; title: string | null; by: string };
    /** Time zone UTC timestamps were counted in (config `timezone`); null: their UTC date. */
    timezone?: string | null;
    /** How the date cells were written: `date`, `week`, `month` or `mixed`, with counts. */
    dateLabels?: { kind: string; dates: number; weeks: number; months: number };
    calendar: string | null;
  };
  /** Lines repeating an earlier one and what `validation.duplicateLines` did: dropped (counted in `rows.rejected`), flagged (kept) or not looked for (`keep`). */
  duplicateLines?: { policy: string; lines: number; units: number; shareOfUnits: number };
  /** What the buyer must know before trusting the outputs (pipelines/run/warnings.ts); empty when nothing is unusual. */
  warnings: RunWarning[];
  /**
   * The period the run modelled (day, week, month), how it was decided and the settings in days
   * it converted (pipelines/prepare/period-detect.ts); absent in runs made before periods existed.
   */
  period?: RunPeriod;
  /** `read = accepted + rejected` always. */
  rows: RowCounts;
  /** Rejected rows not listed in rejected.csv (over `validation.maxRejectedRowsPerCode`), counted: `rows.rejected` includes them. */
  rejectedNotListed: RejectedNotListed;
  /**
   * Accepted rows kept out of their series because a silence of more than
   * `validation.maxGapDays` follows them (a stray old row): series, rows, days, units.
   */
  detached: { series: number; rows: number; days: number; units: number };
  /** Counts of every issue code found (reject and flag codes). */
  issues: Record<string, number>;
  quality: {
    series: number;
    meanScore: number;
    medianScore: number;
    minScore: number;
    [k: string]: unknown;
  };
  cleaning: Record<string, number> | null;
  forecast: {
    series: number;
    horizon: number;
    firstDate: string;
    lastDate: string;
    levels: number[];
    models: Record<string, number>;
    classes: Record<string, number>;
    fallbacks: number;
    meanRmsse: number | null;
    meanMase: number | null;
    meanFva: number | null;
  } | null;
  impact: unknown;
  /**
   * The order list's figures (orders.csv, orders-by-supplier.csv; pipelines/replenish/orders/order-stage.ts):
   * orders due, units, value, suppliers under their minimum, input rows read / used / rejected.
   * Absent on validate runs and failed runs.
   */
  orders?: OrdersSummary;
  /**
   * The replay of the order policy on the last weeks of sales (pipelines/replenish/replay/run-replay.ts):
   * status and why, the policies' fill rate, cycle service, stockout days, lost units, average
   * stock and its value, orders; the calibration of the safety factors. Absent on validate runs.
   */
  simulation?: RunReplaySummary;
  /** Batches whose series fell back to the simple model after their last attempt (queued runs). */
  degraded: string[];
  /**
   * Forecasts at aggregate levels (config `levels`) and quantiles (config `quantiles`), when
   * asked for: levels forecast, reconciliation method chosen by backtest and every candidate's
   * score (pipelines/hierarchy/run-levels.ts). Absent when neither was asked for.
   */
  hierarchy?: {
    levels: string[];
    dropped: string[];
    nodes: number;
    method: string | null;
    /** Whether `method` was chosen by backtest (false: none could be scored, so bottom-up). */
    scored?: boolean;
    lambda: number | null;
    candidates: { method: string; score: number | null; failed: string | null }[];
    missing: Record<string, number>;
    /** Where each attribute the levels group by came from: `sales file`, `items file`, or `items file over sales file`. */
    attributes?: Record<string, string>;
    /** Skus (stores, for the region) with more than one value of the attribute (pipelines/hierarchy/attribute-conflicts.ts). */
    conflicts?: Record<string, number>;
    quantiles: number[];
  } | null;
  /**
   * The model pooled over all daily series (pipelines/forecast/pooled-stage.ts): whether the
   * published forecasts blend it in (and why not), its training rows, series, trees, fit time and
   * weight. Absent on validate runs and runs published before it existed.
   */
  pooled?: PooledFacts;
  timingsMs: Record<string, number>;
  files: string[];
  /**
   * Set on the run.json of a run that failed (kept as `OUT/runs/<runId>.failed`, never `latest`):
   * the stage that failed, the message, and the exit code the CLI ended with. Absent on complete runs.
   */
  failure?: RunFailure;
}

/** Stages after which a run can fail with a run id (an unreadable input fails before it has one). */
export type FailedStage = 'validation' | 'forecast' | 'publish';

/** Why a run failed (run.json `failure`, the history's failed record). */
export interface RunFailure {
  stage: FailedStage;
  message: string;
  exitCode: number;
}
