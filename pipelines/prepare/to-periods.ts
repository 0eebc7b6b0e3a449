/**
 * Sum an ingest's daily series into the run's periods (pipelines/periods.ts), so that quality,
 * cleaning, models and outputs all see one value per week or month, never a week's total on one
 * day and six days without a row.
 *
 * Per period: demand and returns summed, price the mean of the period's known daily prices (NaN
 * when none), observed when any of its days had a row; `start` becomes a period number.
 *
 * Whole periods only: when daily rows are summed, a first or last period of the batch that the
 * data covers only in part (an export that starts on a Wednesday, or ends mid-month) is left out,
 * since its total would read as a collapse in sales; the run says so. A weekly or monthly file's
 * own dates each stand for a whole period.
 *
 * Pure: new arrays, the input is not modified.
 */
import { formatDay } from '../dates.js';
import type { IngestResult, TradingDays } from '../ingest/ingest.js';
import { periodFirstDay, periodLabel, periodOfDay, type PeriodGrid } from '../periods.js';
import type { RunWarning } from '../run/warnings.js';
import type { SeriesData } from '../types.js';

/** The periods [first, last] a batch's days [start, end] hold whole (or all of them when `whole` is false). */
export function wholePeriods(grid: PeriodGrid, start: number, end: number, whole: boolean): { first: number; last: number } {
  let first = periodOfDay(grid, start);
  let last = periodOfDay(grid, end);
  if (whole && grid.frequency !== 'day') {
    if (periodFirstDay(grid, first) !== start) first++;
    if (periodFirstDay(grid, last + 1) - 1 !== end) last--;
  }
  return { first, last };
}

/**
 * A daily series summed into periods, from the period of its first row (at least `first`) to `last`.
 * Returns null when the series has no row in [first, last].
 *
 * @param s Daily series (`start` a day number).
 * @param grid Target grid.
 * @param first First period kept; @param last Last period kept (inclusive).
 */
export function seriesToPeriods(s: SeriesData, grid: PeriodGrid, first: number, last: number): SeriesData | null {
  const from = Math.max(first, periodOfDay(grid, s.start));
  if (from > last) return null;
  const n = last - from + 1;
  const demand = new Float64Array(n);
  const returns = new Float64Array(n);
  const price = new Float64Array(n).fill(NaN);
  const observed = new Uint8Array(n);
  let any = false;
  let next = periodFirstDay(grid, from);
  for (let p = 0; p < n; p++) {
    const day0 = next;
    next = periodFirstDay(grid, from + p + 1);
    let ps = 0;
    let pc = 0;
    for (let d = Math.max(day0, s.start); d < next; d++) {
      const i = d - s.start;
      if (i >= s.demand.length) break;
      demand[p] += s.demand[i];
      returns[p] += s.returns[i];
      const v = s.price[i];
      if (v === v) {
        ps += v;
        pc++;
      }
      if (s.observed[i]) {
        observed[p] = 1;
        any = true;
      }
    }
    if (pc > 0) price[p] = ps / pc;
  }
  if (!any) return null;
  // drop leading periods without a row (the series starts with its first row, as ingest's do)
  let lead = 0;
  while (!observed[lead]) lead++;
  const cut = <T extends Float64Array | Uint8Array>(a: T): T => (lead ? (a.subarray(lead) as T) : a);
  return { ...s, start: from + lead, demand: cut(demand), returns: cut(returns), price: cut(price), observed: cut(observed) };
}

/** Trading days summed into periods: 1 on a period with any trading day. */
function tradingToPeriods(t: TradingDays, grid: PeriodGrid, first: number, last: number): TradingDays {
  const n = Math.max(0, last - first + 1);
  const fold = (days: Uint8Array): Uint8Array => {
    const out = new Uint8Array(n);
    for (let i = 0; i < days.length; i++) {
      if (!days[i]) continue;
      const p = periodOfDay(grid, t.start + i) - first;
      if (p >= 0 && p < n) out[p] = 1;
    }
    return out;
  };
  const byStore: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(t.byStore)) byStore[k] = fold(v);
  return { start: first, all: fold(t.all), byStore };
}

/** An ingest in periods, and what summing it left out. */
export interface PeriodIngest {
  /** The ingest with `series`, `start`, `end` and `tradingDays` in periods of `grid`. */
  readonly ingest: IngestResult;
  /** Warnings: part periods left out at either end. */
  readonly warnings: RunWarning[];
  /** Series with no row in a whole period (all their rows in a part period left out), by name. */
  readonly dropped: string[];
}

/** A period in a sentence: `the week of 2016-02-22`, `Feb 2016`. */
function theLabel(grid: PeriodGrid, period: number): string {
  return (grid.frequency === 'week' ? 'the ' : '') + periodLabel(grid, period);
}

/**
 * An ingest's series summed into periods (rules in the module comment). Daily grids return the
 * ingest as it is.
 *
 * @param ingest What ingest returned (daily series).
 * @param grid The run's period grid.
 * @param summed True when the rows are daily (part periods at the ends are left out); false when
 *   the file's own dates are weeks or months.
 */
export function ingestToPeriods(ingest: IngestResult, grid: PeriodGrid, summed: boolean): PeriodIngest {
  if (grid.frequency === 'day' || !Number.isFinite(ingest.start)) return { ingest, warnings: [], dropped: [] };
  const { first, last } = wholePeriods(grid, ingest.start, ingest.end, summed);
  const warnings: RunWarning[] = [];
  const unit = grid.frequency;
  const full = wholePeriods(grid, ingest.start, ingest.end, false);
  if (full.first < first) {
    warnings.push({
      code: 'part_period',
      message: `the data starts on ${formatDay(ingest.start)}, part of the way into ${theLabel(grid, full.first)}; that part-${unit} is left out of the history (its total would look like a drop in sales)`,
    });
  }
  if (full.last > last) {
    warnings.push({
      code: 'part_period',
      message: `the data ends on ${formatDay(ingest.end)}, before the end of ${theLabel(grid, full.last)}; that part-${unit} is left out and the history ends with ${theLabel(grid, last)}`,
    });
  }
  if (last < first) {
    return { ingest: { ...ingest, series: [], start: NaN, end: NaN, tradingDays: { start: NaN, all: new Uint8Array(0), byStore: {} } }, warnings, dropped: ingest.series.map((s) => s.key) };
  }
  const series: SeriesData[] = [];
  const dropped: string[] = [];
  for (const s of ingest.series) {
    const p = seriesToPeriods(s, grid, first, last);
    if (p) series.push(p);
    else dropped.push(s.store ? `${s.store}/${s.sku}` : s.sku);
  }
  return {
    ingest: { ...ingest, series, start: first, end: last, tradingDays: tradingToPeriods(ingest.tradingDays, grid, first, last) },
    warnings,
    dropped,
  };
}
