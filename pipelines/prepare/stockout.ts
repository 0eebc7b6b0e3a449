/**
 * The home of "suspected stockout": two rules, for two uses, each named for what it is.
 *
 * A stockout leaves a run of zero-sale days (or weeks, or months) between two sales. Whether such
 * a run is a stockout or an ordinary stretch without demand is a probability question; the two
 * uses answer it with different strictness, on purpose:
 *
 * - **The quality profile** (`stockoutMask`, `countStockoutDays`; pipelines/prepare/quality.ts)
 *   *describes* the data as received. It asks of the whole series: does it hold a zero run of at
 *   least L periods that its own share of zero periods p makes improbable (P(at least one such
 *   run) < 1%, Poisson approximation E = (N − L)(1 − p)pᴸ; Feller vol. 1 §XIII.7)? A false alarm
 *   costs a few quality points, so the test is lenient and series-wide.
 * - **The cleaning stage** (`markLocalStockouts`; pipelines/prepare/clean.ts rule 5) *changes the
 *   demand* the models learn from, so it asks for far stronger evidence, run by run: the chance of
 *   L zero periods in a row at the selling rate of the periods around the run, (1 − p)ᴸ, must be
 *   below `cleaning.stockoutMaxProbability` (1e-7). The local rate keeps a seasonal item's
 *   off-season zeros from being filled.
 *
 * Both take the run length L from `quality.stockoutMinRun` (days; converted to periods by their
 * callers for weekly and monthly data). Pure functions over typed arrays.
 *
 * Weekly and monthly totals: the profile still flags improbable zero runs, but the cleaning stage
 * leaves them alone ({@link fillsStockoutRuns}).
 */
import type { Frequency } from '../periods.js';

/** The quality profile's probability below which a long zero run is a suspected stockout (module comment). */
export const STOCKOUT_MAX_PROBABILITY = 0.01;

/**
 * Flag suspected stockouts: runs of at least `minRun` open zero-demand days between two sales,
 * when such a run is improbable (< `maxProbability`) for the series' own share of zero days
 * (see the module comment). Closed days (open = 0) neither break nor extend a run.
 * @param demand Units per day.
 * @param open 1 on days that count (observed / store trading).
 * @param minRun L, e.g. `quality.stockoutMinRun` (14).
 * @param maxProbability @defaultValue 0.01
 * @returns 1 on the open days of suspected stockout runs.
 * @throws when the arrays differ in length or minRun < 1.
 */
export function stockoutMask(demand: Float64Array, open: Uint8Array, minRun: number, maxProbability = STOCKOUT_MAX_PROBABILITY): Uint8Array {
  if (demand.length !== open.length) throw new Error(`stockoutMask needs demand and open of the same length, got ${demand.length} and ${open.length}`);
  if (!(minRun >= 1)) throw new Error(`stockoutMask needs minRun >= 1, got ${minRun}`);
  const out = new Uint8Array(demand.length);
  countStockoutDays(demand, open, minRun, maxProbability, out);
  return out;
}

/** Suspected stockout days of a series (see {@link stockoutMask}), marked in `out` when given; returns their number. */
export function countStockoutDays(demand: Float64Array, open: Uint8Array, minRun: number, maxProbability: number, out: Uint8Array | null): number {
  const n = demand.length;
  let first = -1;
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (open[i] && demand[i] > 0) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return 0;
  let openDays = 0;
  let zeros = 0;
  for (let i = first; i <= last; i++) {
    if (!open[i]) continue;
    openDays++;
    if (!(demand[i] > 0)) zeros++;
  }
  if (zeros < minRun) return 0;
  const p = zeros / openDays;
  const expected = Math.max(0, openDays - minRun) * (1 - p) * Math.pow(p, minRun);
  if (1 - Math.exp(-expected) >= maxProbability) return 0;
  // runs of >= minRun open zero days
  let count = 0;
  let runStart = -1;
  let runLen = 0;
  const close = (end: number) => {
    if (runLen >= minRun) {
      count += runLen;
      if (out !== null) for (let j = runStart; j < end; j++) if (open[j]) out[j] = 1;
    }
    runLen = 0;
    runStart = -1;
  };
  for (let i = first; i <= last; i++) {
    if (!open[i]) continue;
    if (demand[i] > 0) close(i);
    else {
      if (runStart < 0) runStart = i;
      runLen++;
    }
  }
  close(last + 1);
  return count;
}

/**
 * Whether the cleaning stage turns suspected stockout runs into missing demand at a period: daily
 * data only. A stockout shows in daily sales as an item that sells nearly every day stopping for
 * a couple of weeks; in weekly or monthly totals the same item sells in every period, so the local
 * rate leaves no chance to any zero period ((1 − p)ᴸ = 0 whenever the context periods all sold)
 * and any run of two zero weeks or one zero month between sales counts as proven, on evidence of
 * 16 weeks or 4 months, against 112 days at daily data. Whole weeks or months without a sale
 * between sales are more often a delisting, a seasonal pause or a supply gap that recurs than a
 * shelf gap inside an otherwise normal week, and sales alone cannot tell which: filling them
 * teaches the models demand that was not sold (on the M5 slice by week the rule filled 5,037 weeks
 * in 198 runs and made held-out accuracy worse, mean RMSSE 0.9826 against 0.9465 without it:
 * bench/period-run.ts). `cleaning.stockoutsAsMissing` therefore applies to daily data.
 */
export function fillsStockoutRuns(frequency: Frequency): boolean {
  return frequency === 'day';
}

/**
 * The run's note (run.json `period.notes`, the report) when `cleaning.stockoutsAsMissing` is on
 * but not applied at the period ({@link fillsStockoutRuns}); none otherwise.
 */
export function stockoutRuleNotes(stockoutsAsMissing: boolean, frequency: Frequency): string[] {
  if (!stockoutsAsMissing || fillsStockoutRuns(frequency)) return [];
  return [`cleaning.stockoutsAsMissing: applies to daily sales only; ${frequency}ly totals keep their zero ${frequency}s (a whole ${frequency} without a sale cannot be told from the sales alone to be a stockout)`];
}

/** What {@link markLocalStockouts} needs of the cleaning spans (pipelines/prepare/clean.ts `CleaningSpans`), in periods. */
export interface LocalStockoutSpans {
  /** Shortest zero run considered (L). */
  readonly stockoutMinRun: number;
  /** Periods on either side of a run whose selling share is its local rate. */
  readonly stockoutContext: number;
  /** Fewer non-missing periods than this around a run: the whole active range's rate instead. */
  readonly stockoutMinContext: number;
}

/** Selling share of the non-missing periods in [from, to] (inclusive): periods and selling periods. */
function sellingShare(y: Float64Array, miss: Uint8Array, from: number, to: number): { days: number; selling: number } {
  let days = 0;
  let selling = 0;
  for (let u = from; u <= to; u++) {
    if (miss[u]) continue;
    days++;
    if (y[u] > 0) selling++;
  }
  return { days, selling };
}

/**
 * The cleaning stage's stockout rule (module comment): runs of at least `stockoutMinRun` observed
 * zeros strictly between two sales whose chance at the local selling rate p, (1 − p)ᴸ, is below
 * `maxProbability`, are marked `marker` in `miss`.
 *
 * @param y Demand per period. @param miss 0 on periods with data; other values are left alone and
 *   break runs. @param first Index of the first sale.
 * @returns the number of periods marked.
 */
export function markLocalStockouts(y: Float64Array, miss: Uint8Array, first: number, spans: LocalStockoutSpans, maxProbability: number, marker: number): number {
  const n = y.length;
  const active = sellingShare(y, miss, first, n - 1);
  let marked = 0;
  let t = first;
  while (t < n) {
    if (miss[t] || y[t] !== 0) {
      t++;
      continue;
    }
    let e = t;
    while (e + 1 < n && !miss[e + 1] && y[e + 1] === 0) e++;
    const L = e - t + 1;
    const boundedAfter = e + 1 < n && y[e + 1] > 0 && !miss[e + 1];
    if (L >= spans.stockoutMinRun && boundedAfter && t > first) {
      const before = sellingShare(y, miss, Math.max(first, t - spans.stockoutContext), t - 1);
      const after = sellingShare(y, miss, e + 1, Math.min(n - 1, e + spans.stockoutContext));
      const days = before.days + after.days;
      const p = days >= spans.stockoutMinContext ? (before.selling + after.selling) / days : active.selling / Math.max(1, active.days - L);
      if (Math.pow(1 - p, L) < maxProbability) {
        for (let u = t; u <= e; u++) miss[u] = marker;
        marked += L;
      }
    }
    t = e + 1;
  }
  return marked;
}
