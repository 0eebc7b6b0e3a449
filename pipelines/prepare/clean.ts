/**
 * The cleaning stage: turn each validated daily series into the demand history the models should
 * learn from, logging and counting every change.
 *
 * Runs between the quality profile (which describes the data as received) and forecasting, when
 * `config.cleaning.enabled`. The rules, in the order applied to a series:
 *
 * 1. **Mis-keyed skus** (batch step, daily inputs only, `cleaning.reconcileKeys`): a series B is
 *    merged into a series A of the same store when B's sku is one edit (insertion, deletion,
 *    substitution or adjacent transposition) from A's, A has at least twice B's accepted rows, and
 *    at most 5% of B's observed days are also observed in A. In a daily export every sku has a row
 *    per day, so rows that appear under a near-identical code exactly on the days the real code
 *    lacks are that code's rows. Transaction inputs are not reconciled: two real products with
 *    near codes (85123A, 85123B) sell on disjoint days there too.
 * 2. **Duplicates** are removed at validation (`validation.duplicateLines`, codes
 *    `duplicate_row`/`duplicate_key`); the stage counts them per series so run.json shows them.
 * 3. **Returns** are kept out of demand by ingest (`SeriesData.returns`); the stage counts the
 *    units so kept out.
 * 4. **Missing days**: in a daily input that lists zero-sale days as rows (at least 1% of the
 *    batch's observed days carry a zero; for a lone series, at least one such day), or for a
 *    series with rows on at least 90% of the days from its first sale to its last row (a daily
 *    seller: a day without a row is a lost row, not a day without sales), a day inside the active
 *    range (first sale to the end) with no accepted row is missing, not a zero. So is an
 *    unobserved tail of at most
 *    `cleaning.maxTailFillDays` days (a truncated or stale export); a longer silent tail is a
 *    discontinued item and stays at zero. In transaction inputs a day without lines is a day
 *    without sales; so is a day without a row of a series whose rows all fall on one weekday or
 *    one day of the month beyond chance (weekly totals or market-day sales in a daily file,
 *    period-detect.ts `looksPeriodicInDaily`).
 * 5. **Stockouts**: a run of L >= `quality.stockoutMinRun` observed zero days between two sales is a
 *    suspected stockout when it is implausible as chance, (1 - p)^L < `cleaning.stockoutMaxProbability`
 *    (default 1e-7; at 1e-3 a tenth of all M5 days were filled and hold-out accuracy got worse),
 *    with p the share of selling days among the non-missing days in the 56 days on either side of
 *    the run (the whole active range when that holds fewer than 14 days). Such days become missing
 *    demand: the shelf was empty, demand was not zero. (Intermittent items, whose long zero runs
 *    are likely, are left alone. The rule lives in pipelines/prepare/stockout.ts, with the quality
 *    profile's more lenient one and why they differ.) Daily data only: weekly and monthly totals
 *    keep their zero periods (stockout.ts `fillsStockoutRuns` says why).
 * 6. **Outliers** (`cleaning.winsorise`): a selling day above the robust limit
 *    med + k · max(1.4826 · MAD, sqrt(med), 1), where med and MAD are the median and median
 *    absolute deviation of the non-missing selling days within `cleaning.outlierWindowDays` on
 *    either side (the whole series' selling days when the window holds fewer than 8), and
 *    k = `cleaning.winsoriseThreshold` (default 5), is set to the limit (winsorised, not removed).
 *    On the M5 slice's last 28 days k = 3 scored best on point accuracy, but the backtest errors
 *    measured on history winsorised that hard understate real spikes: the published 95%
 *    intervals covered 91% of the held-out days; k = 5 gives 92.5% at the same RMSSE
 *    (bench/m5-accuracy.ts). The 1.4826
 *    factor makes the MAD a consistent estimate of the standard deviation under normality
 *    (Rousseeuw & Croux 1993, JASA 88(424)); the sqrt(med) floor is the Poisson standard
 *    deviation, so that low counts with a zero MAD are not all flagged (Hampel filter,
 *    Pearson 2002, "Outliers in process modeling and identification", IEEE TCST 10(1)).
 * 7. **Gap fill** (`cleaning.gapFill`), for every missing day t of rules 4 and 5:
 *    `seasonal` = mean of the nearest (up to 4) non-missing same-weekday values among
 *    t-7, t+7, t-14, t+14, ... t±56 (after winsorising); when there are none, the mean of the
 *    non-missing days within 28 days; else 0. `zero` = 0. Days before the first sale are never
 *    filled.
 *
 * Weekly and monthly series (`CleanOptions.grid`): the same rules with every "day" a period and
 * the day-based spans converted to periods ({@link cleaningSpans}).
 */
import type { Config } from '../../config/schema.js';
import { csvLine, headerLine, numberCell, textCell } from '../io/csv-format.js';
import { formatDay } from '../dates.js';
import { SortedWindow } from './sorted-window.js';
import { fillsStockoutRuns, markLocalStockouts } from './stockout.js';
import { demandPatch } from './cleaning-patch.js';
import { looksPeriodicInDaily } from './period-detect.js';
import type { InputKind, SeriesData } from '../types.js';
import { seriesWarning, type RunWarning } from '../run/warnings.js';
import { DAILY, daysToPeriods, periodFirstDay, type Frequency, type PeriodGrid } from '../periods.js';

/** Counts of what cleaning did, for run.json. */
export interface CleaningCounts {
  /** Series seen (before merging mis-keyed ones). */
  series: number;
  /** Series whose demand the stage changed. */
  seriesChanged: number;
  /** Rows removed as duplicates at validation (`duplicate_row` + `duplicate_key`). */
  duplicateRowsRemoved: number;
  /** Units of returns and cancellations kept out of demand. */
  returnUnitsKeptOut: number;
  /** Mis-keyed series merged into their true sku. */
  miskeyedSeriesMerged: number;
  /** Rows moved by those merges (observed days). */
  miskeyedDaysMerged: number;
  /** Days winsorised, and the units that removed. */
  outlierDaysWinsorised: number;
  unitsRemovedByWinsorising: number;
  /** Observed zero days turned into missing demand as suspected stockouts. */
  stockoutDaysAsMissing: number;
  /** Unobserved days inside the active range that were filled. */
  missingDaysFilled: number;
  /** Unobserved days at the end of a series that were filled. */
  tailDaysFilled: number;
  /** Units put in by gap filling (missing, stockout and tail days). */
  unitsFilled: number;
}

/** Codes of logged cleaning actions. */
export type CleaningActionCode = 'merge_key' | 'winsorise' | 'stockout_fill' | 'gap_fill' | 'tail_fill';

/** One logged change: a day of a series (or, for `merge_key`, the first merged day). */
export interface CleaningAction {
  readonly store: string;
  readonly sku: string;
  readonly day: number;
  readonly code: CleaningActionCode;
  /** Demand before and after (NaN before a fill of a day that had no row). */
  readonly before: number;
  readonly after: number;
  /** Free text: the merged sku, the limit used. */
  readonly detail: string;
}

/** What the stage needs to know about the batch. */
export interface CleanOptions {
  /** Layout of the input: daily totals or transaction lines. */
  readonly kind: InputKind;
  /**
   * Whether the export lists zero-sale days as rows (rule 4). Left out, it is decided per series.
   * {@link cleanBatch} sets it from the whole batch: true when at least 1% of the observed days
   * carry a zero.
   */
  readonly zerosListed?: boolean;
  /**
   * {@link cleanBatch} only: receives every logged action as it happens, instead of collecting
   * them in the result's `log` (which is then empty): a large batch's log can be streamed to
   * cleaning.csv rather than held in memory.
   */
  readonly onAction?: (action: CleaningAction) => void;
  /**
   * The series' periods: weekly and monthly series are cleaned with the spans converted to periods
   * ({@link cleaningSpans}); the log's `day` is then a period number. @defaultValue daily
   */
  readonly grid?: PeriodGrid;
}

/** Result of cleaning one series. */
export interface CleanedSeries {
  readonly series: SeriesData;
  readonly actions: CleaningCounts;
  readonly log: CleaningAction[];
}

/** Result of cleaning a batch. */
export interface CleanedBatch {
  readonly series: SeriesData[];
  readonly counts: CleaningCounts;
  readonly log: CleaningAction[];
  /** Keys of mis-keyed series merged away (they are not in `series`). */
  readonly mergedKeys: { from: string; into: string; days: number }[];
}

/** All-zero counts. */
export function emptyCleaningCounts(): CleaningCounts {
  return {
    series: 0,
    seriesChanged: 0,
    duplicateRowsRemoved: 0,
    returnUnitsKeptOut: 0,
    miskeyedSeriesMerged: 0,
    miskeyedDaysMerged: 0,
    outlierDaysWinsorised: 0,
    unitsRemovedByWinsorising: 0,
    stockoutDaysAsMissing: 0,
    missingDaysFilled: 0,
    tailDaysFilled: 0,
    unitsFilled: 0,
  };
}

function addCounts(into: CleaningCounts, c: CleaningCounts): void {
  for (const k of Object.keys(into) as (keyof CleaningCounts)[]) into[k] += c[k];
}

/**
 * The k-th smallest (0-based) of the first n entries of `a`, reordering them (Hoare's
 * quickselect, expected O(n), no allocation).
 */
function selectKth(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Median of the first n entries of `a` (reorders them). n must be >= 1. */
function medianInPlace(a: Float64Array, n: number): number {
  const hi = selectKth(a, n, n >> 1);
  if (n & 1) return hi;
  // after selection every entry below n/2 is <= hi: the lower middle is their maximum
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i] > lo) lo = a[i];
  return (lo + hi) / 2;
}

/** Median and MAD of the first n entries of `buf` (uses `dev` as scratch; both reordered). */
function medianMad(buf: Float64Array, dev: Float64Array, n: number): { med: number; mad: number } {
  const med = medianInPlace(buf, n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(buf[i] - med);
  return { med, mad: medianInPlace(dev, n) };
}

/** Share of the days from the first sale to the last row with a row that makes a series a daily seller (rule 4). */
export const DENSE_SERIES_SHARE = 0.9;
/** Days on either side of a zero run whose selling share is its local rate (rule 5). */
export const STOCKOUT_CONTEXT_DAYS = 56;
/** Fewer non-missing days than this around a zero run: the whole active range gives the rate (rule 5). */
export const STOCKOUT_MIN_CONTEXT_DAYS = 14;
/** Fewer selling days than this in the rolling window: the whole series' median and MAD (rule 6). */
export const OUTLIER_MIN_WINDOW_VALUES = 8;
/** Gap fill: at most this many same-weekday neighbours are averaged ... */
export const FILL_NEIGHBOURS = 4;
/** ... found at most this many weeks away (t±7 ... t±56 days; rule 7). */
export const FILL_MAX_STEPS = 8;
/** Gap fill without a same-weekday neighbour: the mean of the non-missing days within this many days (rule 7). */
export const FILL_FALLBACK_DAYS = 28;

/**
 * The day-based spans of the rules in the series' periods. Daily data: as written in the module
 * comment. Weekly and monthly data (pipelines/periods.ts `daysToPeriods`): the stockout run
 * length, the context windows, the outlier window and the tail fill rounded up to whole periods (at
 * least 1: 14 days = 2 weeks or 1 month; 56 days = 8 weeks or 2 months), and gap fill from the
 * neighbouring periods (step 1: weeks and months have no cycle inside the year that a neighbour
 * one step away would break).
 */
export interface CleaningSpans {
  readonly stockoutMinRun: number;
  readonly stockoutContext: number;
  readonly stockoutMinContext: number;
  readonly outlierWindow: number;
  readonly maxTailFill: number;
  /** Distance between the neighbours gap fill averages: 7 days, 1 week, 1 month. */
  readonly fillStep: number;
  readonly fillFallback: number;
}

/** {@link CleaningSpans} of a frequency (rules in its comment). */
export function cleaningSpans(config: Pick<Config, 'cleaning' | 'quality'>, frequency: Frequency = 'day'): CleaningSpans {
  const c = config.cleaning;
  if (frequency === 'day') {
    return {
      stockoutMinRun: config.quality.stockoutMinRun,
      stockoutContext: STOCKOUT_CONTEXT_DAYS,
      stockoutMinContext: STOCKOUT_MIN_CONTEXT_DAYS,
      outlierWindow: c.outlierWindowDays,
      maxTailFill: c.maxTailFillDays,
      fillStep: 7,
      fillFallback: FILL_FALLBACK_DAYS,
    };
  }
  const up = (days: number, min = 1): number => daysToPeriods(days, frequency, 'up', min).periods;
  return {
    stockoutMinRun: up(config.quality.stockoutMinRun),
    stockoutContext: up(STOCKOUT_CONTEXT_DAYS),
    stockoutMinContext: up(STOCKOUT_MIN_CONTEXT_DAYS),
    outlierWindow: up(c.outlierWindowDays),
    maxTailFill: c.maxTailFillDays === 0 ? 0 : up(c.maxTailFillDays),
    fillStep: 1,
    fillFallback: up(FILL_FALLBACK_DAYS),
  };
}

/** Why a day is missing: 0 = data, 1 = no row, 2 = tail without rows, 3 = suspected stockout. */
const enum Missing {
  Data = 0,
  NoRow = 1,
  Tail = 2,
  Stockout = 3,
}

/** What the rules of one series share. */
interface SeriesWork {
  readonly series: SeriesData;
  /** The demand being cleaned (a copy). */
  readonly y: Float64Array;
  /** {@link Missing} per day. */
  readonly miss: Uint8Array;
  /** Index of the first sale. */
  readonly first: number;
  readonly counts: CleaningCounts;
  readonly log: CleaningAction[];
  readonly spans: CleaningSpans;
}

/**
 * Clean one series by rules 2-7 of the module comment (rule 1, key reconciliation, is a batch
 * step: {@link cleanBatch}).
 *
 * @param series A validated series (not modified).
 * @param config Settings: `cleaning.*` and `quality.stockoutMinRun`.
 * @param options The input layout (`daily` or `transactions`) and the series' period.
 * @returns the cleaned series (same key, start and length; new `demand` array), the counts and
 *   the log of every changed day.
 * @throws when the series' arrays differ in length.
 */
export function cleanSeries(series: SeriesData, config: Config, options: CleanOptions): CleanedSeries {
  const { demand, returns, observed } = series;
  const n = demand.length;
  if (returns.length !== n || observed.length !== n || series.price.length !== n) {
    throw new Error(`cleanSeries needs equal-length arrays for ${series.store}/${series.sku}, got demand ${n}, returns ${returns.length}, observed ${observed.length}, price ${series.price.length}`);
  }
  const c = config.cleaning;
  const counts = emptyCleaningCounts();
  counts.series = 1;
  counts.duplicateRowsRemoved = (series.issues.duplicate_row ?? 0) + (series.issues.duplicate_key ?? 0);
  for (let t = 0; t < n; t++) counts.returnUnitsKeptOut += returns[t];
  const log: CleaningAction[] = [];
  let first = 0;
  while (first < n && !(demand[first] > 0)) first++;
  if (first >= n) return { series, actions: counts, log };

  const w: SeriesWork = { series, y: Float64Array.from(demand), miss: new Uint8Array(n), first, counts, log, spans: cleaningSpans(config, options.grid?.frequency) };
  if (options.kind === 'daily' && !periodicInDailyGrid(series, options.grid)) markMissingDays(w, options.zerosListed);
  if (c.stockoutsAsMissing && fillsStockoutRuns(options.grid?.frequency ?? 'day')) markStockoutRuns(w, c.stockoutMaxProbability);
  if (c.winsorise) winsoriseOutliers(w, c.winsoriseThreshold);
  fillMissing(w, c.gapFill);

  if (log.length === 0) return { series, actions: counts, log };
  counts.seriesChanged = 1;
  return { series: { ...series, demand: w.y, recorded: series.recorded ?? demand }, actions: counts, log };
}

/** A log entry for index t of the series. */
function action(w: SeriesWork, t: number, code: CleaningActionCode, before: number, after: number, detail = ''): CleaningAction {
  return { store: w.series.store, sku: w.series.sku, day: w.series.start + t, code, before, after, detail };
}

/**
 * Rule 4's exception: a series of daily data with rows only on one weekday or one day of the
 * month beyond chance (period-detect.ts `looksPeriodicInDaily`) has no missing days: whether its
 * rows are weekly totals or market-day sales, the days between sold nothing of it here.
 */
function periodicInDailyGrid(series: SeriesData, grid: PeriodGrid | undefined): boolean {
  return (grid === undefined || grid.frequency === 'day') && looksPeriodicInDaily(series);
}

/** Rule 4: missing days and a short missing tail (daily inputs that list zero days, or dense series). */
function markMissingDays(w: SeriesWork, zerosListed: boolean | undefined): void {
  const { demand, returns, observed } = w.series;
  const n = demand.length;
  const first = w.first;
  let lastObs = n - 1;
  while (lastObs >= 0 && !observed[lastObs]) lastObs--;
  let zerosExplicit = zerosListed ?? false;
  if (zerosListed === undefined) {
    for (let t = 0; t < n && !zerosExplicit; t++) if (observed[t] && demand[t] === 0 && returns[t] === 0) zerosExplicit = true;
  }
  let obsDays = 0;
  for (let t = first; t <= lastObs; t++) obsDays += observed[t];
  const dense = lastObs >= first && obsDays >= DENSE_SERIES_SHARE * (lastObs - first + 1);
  if (!zerosExplicit && !dense) return;
  const tailLen = n - 1 - lastObs;
  for (let t = first; t <= lastObs; t++) if (!observed[t]) w.miss[t] = Missing.NoRow;
  if (tailLen > 0 && tailLen <= w.spans.maxTailFill) for (let t = lastObs + 1; t < n; t++) w.miss[t] = Missing.Tail;
}

/** Rule 5 (pipelines/prepare/stockout.ts `markLocalStockouts`): suspected stockout runs become missing demand. */
function markStockoutRuns(w: SeriesWork, maxProbability: number): void {
  w.counts.stockoutDaysAsMissing += markLocalStockouts(w.y, w.miss, w.first, w.spans, maxProbability, Missing.Stockout);
}

/** Rule 6: winsorise selling days above the rolling robust limit (limits from the unclipped values). */
function winsoriseOutliers(w: SeriesWork, k: number): void {
  const { demand } = w.series;
  const { y, miss, first, counts, log } = w;
  const n = demand.length;
  const W = w.spans.outlierWindow;
  const buf = new Float64Array(Math.max(2 * W + 1, n));
  const dev = new Float64Array(buf.length);
  let m = 0;
  for (let t = first; t < n; t++) if (!miss[t] && demand[t] > 0) buf[m++] = demand[t];
  const global = m > 0 ? medianMad(buf, dev, m) : { med: 0, mad: 0 };
  // the window of day t is [max(first, t - W), min(n - 1, t + W)]: slide it one day at a time
  const win = new SortedWindow(2 * W + 1);
  const inWindow = (u: number) => !miss[u] && demand[u] > 0;
  for (let u = first; u <= Math.min(n - 1, first + W); u++) if (inWindow(u)) win.insert(demand[u]);
  for (let t = first; t < n; t++) {
    if (t > first) {
      const enter = t + W;
      const leave = t - W - 1;
      if (leave >= first && inWindow(leave)) win.remove(demand[leave]);
      if (enter < n && inWindow(enter)) win.insert(demand[enter]);
    }
    if (miss[t] || !(demand[t] > 0)) continue;
    let med: number;
    let mad: number;
    if (win.size >= OUTLIER_MIN_WINDOW_VALUES) {
      med = win.median();
      mad = win.mad(med);
    } else ({ med, mad } = global);
    const limit = med + k * Math.max(MAD_TO_SD * mad, Math.sqrt(med), 1);
    if (demand[t] > limit) {
      y[t] = limit;
      counts.outlierDaysWinsorised++;
      counts.unitsRemovedByWinsorising += demand[t] - limit;
      log.push(action(w, t, 'winsorise', demand[t], limit, `limit ${numberCell(limit, 3)} (median ${med}, MAD ${mad})`));
    }
  }
}

/** 1.4826 · MAD estimates the standard deviation under normality (module comment, rule 6). */
const MAD_TO_SD = 1.4826;

/** Rule 7's `seasonal` value for index t: the nearest non-missing same-weekday (same-step) neighbours, else the nearby mean, else 0. */
function seasonalFill(w: SeriesWork, t: number): number {
  const { y, miss, first, spans } = w;
  const n = y.length;
  const step = spans.fillStep;
  let sum = 0;
  let cnt = 0;
  for (let k = 1; k <= FILL_MAX_STEPS && cnt < FILL_NEIGHBOURS; k++) {
    const b = t - step * k;
    if (b >= first && !miss[b]) {
      sum += y[b];
      cnt++;
    }
    if (cnt >= FILL_NEIGHBOURS) break;
    const a = t + step * k;
    if (a < n && !miss[a]) {
      sum += y[a];
      cnt++;
    }
  }
  if (cnt === 0) {
    for (let u = Math.max(first, t - spans.fillFallback); u <= Math.min(n - 1, t + spans.fillFallback); u++) {
      if (miss[u]) continue;
      sum += y[u];
      cnt++;
    }
  }
  return cnt > 0 ? sum / cnt : 0;
}

/** Rule 7: fill every missing day of rules 4 and 5. */
function fillMissing(w: SeriesWork, gapFill: Config['cleaning']['gapFill']): void {
  const { demand, observed } = w.series;
  const { y, miss, first, counts, log } = w;
  for (let t = first; t < y.length; t++) {
    if (!miss[t]) continue;
    const v = gapFill === 'seasonal' ? seasonalFill(w, t) : 0;
    const before = observed[t] ? demand[t] : NaN;
    y[t] = v;
    counts.unitsFilled += v - (Number.isNaN(before) ? 0 : before);
    if (miss[t] === Missing.NoRow) counts.missingDaysFilled++;
    else if (miss[t] === Missing.Tail) counts.tailDaysFilled++;
    log.push(action(w, t, miss[t] === Missing.Stockout ? 'stockout_fill' : miss[t] === Missing.Tail ? 'tail_fill' : 'gap_fill', before, v, gapFill));
  }
}

/** Rule 1: a mis-keyed series shares at most this share of its observed days with its true sku's. */
export const MISKEYED_MAX_OVERLAP = 0.05;
/** Rule 4: an export lists zero-sale days as rows when at least this share of its observed days carry a zero. */
export const ZEROS_LISTED_SHARE = 0.01;

/** Optimal-string-alignment distance, capped: returns 2 for anything beyond 1 edit. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1); // deletion / insertion
}

/**
 * Longest sku looked at for a mis-keyed twin. Real stock codes are short; a longer one (a
 * 10 MB field in a malformed export) would make its deletion keys quadratic in memory.
 */
const MAX_RECONCILE_SKU_CHARS = 64;

/** The string and its one-character deletions: two strings within one edit share one of these. */
function deletionKeys(s: string): string[] {
  const out = [s];
  if (s.length > MAX_RECONCILE_SKU_CHARS) return out;
  for (let i = 0; i < s.length; i++) out.push(s.slice(0, i) + s.slice(i + 1));
  return out;
}

/**
 * Merge mis-keyed series into the series they belong to (rule 1 of the module comment).
 * Candidates are found with a deletion index (Garbe's symmetric-delete idea, SymSpell 2012), so
 * the cost is linear in the number of skus, not quadratic.
 *
 * @param series The batch's series (not modified; merged targets are new objects).
 * @returns the series without the merged ones, the merges, and one `merge_key` log entry per merge.
 */
export function reconcileKeys(series: readonly SeriesData[]): { series: SeriesData[]; merges: CleanedBatch['mergedKeys']; log: CleaningAction[] } {
  const target = misKeyedTargets(series);
  // a series that absorbs others is never itself merged away (chains are cut at the first link)
  for (let b = 0; b < series.length; b++) if (target[b] >= 0 && target[target[b]] >= 0) target[b] = -1;
  return mergeMisKeyed(series, target);
}

/** Rule 1's candidates: per series the index of the series it is a mis-keyed copy of, or -1. */
function misKeyedTargets(series: readonly SeriesData[]): Int32Array {
  const byStore = new Map<string, number[]>();
  series.forEach((s, i) => {
    const l = byStore.get(s.store);
    if (l) l.push(i);
    else byStore.set(s.store, [i]);
  });
  const target = new Int32Array(series.length).fill(-1);
  for (const idx of byStore.values()) {
    // a target needs at least twice the rows of the series merged into it: series that no
    // other series of the store can absorb, and series that cannot absorb any, are not indexed
    let most = 0;
    let fewest = Infinity;
    for (const i of idx) {
      if (series[i].acceptedRows > most) most = series[i].acceptedRows;
      if (series[i].acceptedRows < fewest) fewest = series[i].acceptedRows;
    }
    if (most < 2 * fewest) continue;
    const index = new Map<string, number[]>();
    for (const i of idx) {
      if (series[i].acceptedRows < 2 * fewest) continue;
      for (const k of deletionKeys(series[i].sku)) {
        const l = index.get(k);
        if (l) l.push(i);
        else index.set(k, [i]);
      }
    }
    for (const b of idx) {
      const B = series[b];
      if (2 * B.acceptedRows > most) continue;
      let best = -1;
      const seen = new Set<number>();
      for (const k of deletionKeys(B.sku)) {
        for (const a of index.get(k) ?? []) {
          if (a === b || seen.has(a)) continue;
          seen.add(a);
          const A = series[a];
          if (A.acceptedRows < 2 * B.acceptedRows || !withinOneEdit(A.sku, B.sku)) continue;
          if (B.start + B.demand.length !== A.start + A.demand.length) continue; // both must end at the batch end
          let obsB = 0;
          let overlap = 0;
          const off = B.start - A.start;
          for (let t = 0; t < B.demand.length; t++) {
            if (!B.observed[t]) continue;
            obsB++;
            if (t + off >= 0 && A.observed[t + off]) overlap++;
          }
          if (obsB === 0 || overlap > MISKEYED_MAX_OVERLAP * obsB) continue;
          if (best < 0 || A.acceptedRows > series[best].acceptedRows) best = a;
        }
      }
      target[b] = best;
    }
  }
  return target;
}

/**
 * The run warning for rule 1's merges (stderr, run.json, report): a merged sku is gone from the
 * outputs, forecasts.csv and orders.csv listing only the sku it was merged into, which is wrong
 * when the two are different products (a successor code whose rows begin where the old one's end,
 * another size). Null when nothing was merged.
 */
export function mergedKeysWarning(merges: CleanedBatch['mergedKeys']): RunWarning | null {
  if (merges.length === 0) return null;
  const name = (key: string) => {
    const [store, sku] = key.split('\u0000');
    return store ? `${store}/${sku}` : sku;
  };
  const list = merges.map((m) => `${name(m.from)} into ${m.into.split('\u0000')[1]} (${m.days} days)`);
  return seriesWarning(
    'miskeyed_skus_merged',
    `${merges.length} skus were merged into a near-identical sku of the same store as mis-keyed rows (cleaning.reconcileKeys; cleaning.csv merge_key), so they get no forecast or order line of their own; if they are different products (a successor code, another size or colour), set cleaning.reconcileKeys to false`,
    list,
  );
}

/** Merge each series into its target (`target[b] >= 0`), logging one `merge_key` per merge. */
function mergeMisKeyed(series: readonly SeriesData[], target: Int32Array): { series: SeriesData[]; merges: CleanedBatch['mergedKeys']; log: CleaningAction[] } {
  // a merged series starts at the earliest start of itself and its sources (a source may hold
  // the true sku's first rows)
  const newStart = new Map<number, number>();
  for (let b = 0; b < series.length; b++) {
    const a = target[b];
    if (a >= 0) newStart.set(a, Math.min(newStart.get(a) ?? series[a].start, series[b].start));
  }
  const merged = new Map<number, { start: number; demand: Float64Array; returns: Float64Array; price: Float64Array; observed: Uint8Array; rows: number; issues: SeriesData['issues'] }>();
  const merges: CleanedBatch['mergedKeys'] = [];
  const log: CleaningAction[] = [];
  for (let b = 0; b < series.length; b++) {
    const a = target[b];
    if (a < 0) continue;
    const A = series[a];
    const B = series[b];
    let m = merged.get(a);
    if (!m) {
      const start = newStart.get(a) as number;
      const pad = A.start - start;
      const len = A.demand.length + pad;
      m = { start, demand: new Float64Array(len), returns: new Float64Array(len), price: new Float64Array(len).fill(NaN), observed: new Uint8Array(len), rows: A.acceptedRows, issues: { ...A.issues } };
      m.demand.set(A.demand, pad);
      m.returns.set(A.returns, pad);
      m.price.set(A.price, pad);
      m.observed.set(A.observed, pad);
      merged.set(a, m);
    }
    const off = B.start - m.start;
    let days = 0;
    let firstDay = -1;
    for (let t = 0; t < B.demand.length; t++) {
      if (!B.observed[t]) continue;
      const u = t + off;
      if (firstDay < 0) firstDay = B.start + t;
      m.demand[u] += B.demand[t];
      m.returns[u] += B.returns[t];
      if (Number.isNaN(m.price[u])) m.price[u] = B.price[t];
      m.observed[u] = 1;
      days++;
    }
    m.rows += B.acceptedRows;
    for (const [code, v] of Object.entries(B.issues)) {
      const key = code as keyof SeriesData['issues'];
      m.issues[key] = (m.issues[key] ?? 0) + (v ?? 0);
    }
    merges.push({ from: B.key, into: A.key, days });
    log.push({ store: A.store, sku: A.sku, day: firstDay, code: 'merge_key', before: NaN, after: NaN, detail: `merged ${days} day(s) of sku ${B.sku}` });
  }
  const out: SeriesData[] = [];
  for (let i = 0; i < series.length; i++) {
    if (target[i] >= 0) continue;
    const m = merged.get(i);
    out.push(m ? { ...series[i], start: m.start, demand: m.demand, returns: m.returns, price: m.price, observed: m.observed, acceptedRows: m.rows, issues: m.issues } : series[i]);
  }
  return { series: out, merges, log };
}

/**
 * The cleaning stage for a batch: key reconciliation (daily inputs, when enabled), then
 * {@link cleanSeries} on every series. Call it only when `config.cleaning.enabled`.
 *
 * @param series The batch's validated series (not modified).
 * @param config Settings (`cleaning.*`, `quality.stockoutMinRun`).
 * @param options Input layout.
 * @returns cleaned series (mis-keyed ones merged away), summed counts, the full action log and
 *   the merges.
 */
export function cleanBatch(series: readonly SeriesData[], config: Config, options: CleanOptions): CleanedBatch {
  const counts = emptyCleaningCounts();
  counts.series = series.length;
  let input: readonly SeriesData[] = series;
  let log: CleaningAction[] = [];
  let mergedKeys: CleanedBatch['mergedKeys'] = [];
  const changedByMerge = new Set<string>();
  if (config.cleaning.reconcileKeys && options.kind === 'daily') {
    const r = reconcileKeys(series);
    input = r.series;
    if (options.onAction) for (const a of r.log) options.onAction(a);
    else log = r.log;
    mergedKeys = r.merges;
    counts.miskeyedSeriesMerged = r.merges.length;
    for (const m of r.merges) {
      counts.miskeyedDaysMerged += m.days;
      changedByMerge.add(m.into);
    }
  }
  let zerosListed = options.zerosListed;
  if (zerosListed === undefined && options.kind === 'daily') {
    let obs = 0;
    let zeros = 0;
    for (const s of input) {
      for (let t = 0; t < s.demand.length; t++) {
        if (!s.observed[t]) continue;
        obs++;
        if (s.demand[t] === 0 && s.returns[t] === 0) zeros++;
      }
    }
    zerosListed = obs > 0 && zeros >= ZEROS_LISTED_SHARE * obs;
  }
  const out: SeriesData[] = [];
  for (const s of input) {
    const r = cleanSeries(s, config, { ...options, zerosListed });
    const seriesCount = counts.series;
    addCounts(counts, r.actions);
    counts.series = seriesCount;
    if (!r.actions.seriesChanged && changedByMerge.has(s.key)) counts.seriesChanged++;
    // keep the change, not a second copy of the history (applyCleaning rebuilds it per series)
    out.push(r.series === s ? s : { ...s, cleaning: demandPatch(s.demand, r.series.demand) });
    if (options.onAction) for (const a of r.log) options.onAction(a);
    else for (const a of r.log) log.push(a);
  }
  return { series: out, counts, log, mergedKeys };
}

/** Columns of cleaning.csv. */
export const CLEANING_COLUMNS = ['store', 'sku', 'date', 'action', 'before', 'after', 'detail'] as const;

/**
 * The action log as CSV text (header + one line per action; empty `before` for a day that had
 * no row): the run's `cleaning.csv`.
 */
export function cleaningLogCsv(log: readonly CleaningAction[]): string {
  let s = headerLine(CLEANING_COLUMNS);
  for (const a of log) s += cleaningLogLine(a);
  return s;
}

/** One action as a line of cleaning.csv (see {@link cleaningLogCsv}); `grid`: the periods of `a.day` (dated by their first day). */
export function cleaningLogLine(a: CleaningAction, grid: PeriodGrid = DAILY): string {
  const num = (v: number) => (Number.isFinite(v) ? numberCell(v, 4) : '');
  return csvLine([textCell(a.store), textCell(a.sku), formatDay(periodFirstDay(grid, a.day)), a.code, num(a.before), num(a.after), textCell(a.detail)]);
}
