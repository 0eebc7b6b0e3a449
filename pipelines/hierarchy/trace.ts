/**
 * The backtest trace of one series: what reconciliation (reconcile.ts) and the quantiles of a
 * reconciled forecast (distribution.ts) need from the forecasting stage, on one grid of
 * backtest windows shared by every series of a run, so that bottom and aggregate forecasts made
 * at the same origin can be added and compared.
 *
 * Grid, for a batch ending on day `end`, horizon h, K = `models.backtestOrigins` and
 * s = `models.backtestStep`: windows i = K-1 ... 0 (oldest first) of h days starting on day
 * end + 1 - h - i·s; the newest ends on `end`. This is the rolling-origin backtest's own split
 * (pipelines/forecast/backtest.ts) of every series long enough for a full-horizon backtest. There
 * the trace holds, at each origin, the forecast the model choice would have published had that
 * window not been part of the choice (models ranked on the other windows, select.ts
 * `selectWithout`): out of selection, so reconciliation methods are compared, and distributions
 * built, on errors that are not flattered by the choice itself. For a window the series' own backtest does not
 * cover (a short history, no sales, every candidate failed) the trace holds the cold-start rule
 * at that origin (mean of the last min(k, 28) days before it, 0 before the first sale), which is
 * what the product would have published then.
 *
 * Plain JSON (it crosses threads and queues); an undefined RMSSE scale is null.
 */
import type { BacktestResult } from '../forecast/backtest.js';
import { rmsseScale } from '../forecast/metrics.js';
import type { TailShape } from '../forecast/tail-shape.js';
import { levelShiftSd } from './level-shift.js';

/** Days of demand summed in `recent` (the window of historical proportions). */
export const PROPORTION_DAYS = 28;

/** See the module comment. */
export interface BacktestTrace {
  /** Day number of the first day of each backtest window, oldest first. */
  readonly origins: number[];
  /** Days per window (the forecast horizon). */
  readonly horizon: number;
  /** Sales as recorded in each window (0 before the series' first day). */
  readonly actuals: number[][];
  /** The published forecast as it would have been made at each origin (clipped at 0). */
  readonly forecasts: number[][];
  /** Its own standard deviation per window and step (the shape of its uncertainty). */
  readonly sds: number[][];
  /** RMSSE scale of the recorded history before each origin (M5 definition), null when undefined. */
  readonly scales: (number | null)[];
  /** The final forecast's own standard deviation per horizon step. */
  readonly sd: number[];
  /** Demand in whole units. */
  readonly discrete: boolean;
  /** Cleaned demand over the {@link PROPORTION_DAYS} days before each origin, then before the forecast (K + 1 values); from a first sale inside the window, its rate since then times the window. */
  readonly recent: number[];
  /** The series' long-history tail shape for the interval rule (forecast/tail-shape.ts), when it has one. */
  readonly tail?: TailShape;
  /** Level sd over the horizon from the series' own history (level-shift.ts), for an aggregate's intervals; absent when too short. */
  readonly levelSd?: number;
}

/** What {@link buildTrace} needs. */
export interface TraceInput {
  /** Day number of index 0 of `demand` and `recorded`. */
  readonly start: number;
  /** Cleaned demand up to `end` (the model input). */
  readonly demand: Float64Array;
  /** Sales as recorded, same days. */
  readonly recorded: Float64Array;
  /** Last history day. */
  readonly end: number;
  readonly horizon: number;
  readonly origins: number;
  readonly step: number;
  /** Index in `demand` of the first sale; -1 without one. */
  readonly first: number;
  /**
   * The series' own backtest (splits indexed from the first sale) and, per split, the forecast
   * published there and its sd: the choice made without that split (select.ts `selectWithout`).
   */
  /** The tail shape the series' own intervals used (forecast/tail-shape.ts). */
  readonly tail?: TailShape;
  readonly backtest?: { readonly bt: BacktestResult; readonly at: (split: number) => { readonly forecast: Float64Array; readonly sd: Float64Array } };
  /** The final forecast's sd per step (h values). */
  readonly sd: ArrayLike<number>;
  readonly discrete: boolean;
  /** The cold-start rule's mean and sd on demand[0, upTo) from the first sale. */
  readonly coldStart: (y: Float64Array) => { mean: number; sd: number };
  /** Origin step and span of the level sd (level-shift.ts), in periods; absent: no level sd. */
  readonly level?: { readonly step: number; readonly span: number };
}

/** First days of the grid's windows, oldest first (module comment). */
export function traceOrigins(end: number, horizon: number, origins: number, step: number): number[] {
  const out: number[] = [];
  for (let i = origins - 1; i >= 0; i--) out.push(end + 1 - horizon - i * step);
  return out;
}

/**
 * The trace of one series (module comment).
 *
 * @throws when the demand does not reach `end`.
 */
export function buildTrace(input: TraceInput): BacktestTrace {
  const { start, demand, recorded, end, horizon: h, first, backtest } = input;
  const endIdx = end - start;
  if (endIdx >= demand.length || endIdx >= recorded.length) throw new Error(`buildTrace: demand of ${demand.length} days does not reach day ${end}`);
  const origins = traceOrigins(end, h, input.origins, input.step);
  const actuals: number[][] = [];
  const forecasts: number[][] = [];
  const sds: number[][] = [];
  const scales: (number | null)[] = [];
  const recent: number[] = [];
  for (const day of [...origins, end + 1]) recent.push(recentBefore(demand, day - start, first));
  for (const day of origins) {
    const o = day - start; // index of the window's first day
    const a: number[] = [];
    for (let j = 0; j < h; j++) a.push(o + j >= 0 && o + j <= endIdx ? recorded[o + j] : 0);
    actuals.push(a);
    const scale = o > 0 ? rmsseScale(recorded.subarray(0, Math.min(o, recorded.length))) : NaN;
    scales.push(Number.isFinite(scale) ? scale : null);
    const own = backtest ? ownWindow(backtest, day - (start + first), h) : -1;
    if (own >= 0 && backtest) {
      const x = backtest.at(own);
      forecasts.push(Array.from(x.forecast));
      sds.push(Array.from(x.sd));
    } else {
      const past = first >= 0 && o > first ? demand.subarray(first, o) : null;
      const m = past ? input.coldStart(past) : { mean: 0, sd: 0 };
      forecasts.push(new Array<number>(h).fill(m.mean));
      sds.push(new Array<number>(h).fill(m.sd));
    }
  }
  const levelSd = input.level && first >= 0 ? levelShiftSd({ y: demand.subarray(first, endIdx + 1), horizon: h, ...input.level }) : null;
  return {
    origins, horizon: h, actuals, forecasts, sds, scales, sd: Array.from(input.sd), discrete: input.discrete, recent,
    ...(input.tail ? { tail: input.tail } : {}),
    ...(levelSd !== null ? { levelSd } : {}),
  };
}

/** The series' own backtest window starting at index `origin` (from the first sale) with h days, or -1. */
function ownWindow(backtest: NonNullable<TraceInput['backtest']>, origin: number, h: number): number {
  const { bt } = backtest;
  if (bt.horizon !== h) return -1;
  return bt.splits.findIndex((s) => s.origin === origin);
}

/**
 * Sum of the PROPORTION_DAYS values before index `upTo` (values before index 0 count as 0); a
 * series first sold inside that window counts at its rate since its first sale, as its
 * cold-start forecast does, so a new item's share is not diluted by the days before it existed.
 */
function recentBefore(y: Float64Array, upTo: number, first: number): number {
  const from = Math.max(0, upTo - PROPORTION_DAYS);
  let s = 0;
  for (let t = from; t < Math.min(upTo, y.length); t++) s += y[t];
  return first > upTo - PROPORTION_DAYS && first < upTo ? (s * PROPORTION_DAYS) / (upTo - first) : s;
}
