/**
 * The shape of run.json: what a run read, accepted and rejected, the quality of its data,
 * and (for forecast runs) the model mix and backtest accuracy. Timestamps and the run id are
 * the only fields that differ between two runs of the same input.
 */
import type { RejectedNotListed, RowCounts } from '../types.js';
import type { RunWarning } from './warnings.js';
import type { RunPeriod } from '../prepare/period-detect.js';

export interface RunSummary {
  runId: string;
  command: 'validate' | 'run';
  mode: 'in-process' | 'queue';
  runDate: string;
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
    calendar: string | null;
  };
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
  /** Batches whose series fell back to the simple model after their last attempt (queued runs). */
  degraded: string[];
  timingsMs: Record<string, number>;
  files: string[];
}
