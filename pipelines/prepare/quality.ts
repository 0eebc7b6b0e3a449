/**
 * Data-quality profile of each store × sku series and of the batch, describing the data as
 * received (before cleaning).
 *
 * Terms, for one series (index 0 = its first row's day, the last index = the batch's last day):
 * - *open day*: daily totals: a day with a row of this series; transaction lines: a day on which
 *   the series' store had any accepted line (a shop that is shut sells nothing, which is not
 *   missing data for one product).
 * - *active range*: from the series' first to its last row.
 * - *selling period*: from its first to its last sale (demand > 0).
 *
 * Dimensions:
 * - completeness = open days / days of the active range; `missingDays` = the others.
 *   (Daily totals: days with no row; transaction lines: days the whole store reported nothing.)
 * - validity = accepted rows / (accepted + rejected rows naming this store and sku). Rows
 *   rejected before a sku is known count only in the batch.
 * - duplicates = `duplicate_row` + `duplicate_key` rows; returns = `return` rows; zero prices =
 *   `zero_price` rows.
 * - outliers: selling days x (open, demand > 0) with |x − med| > k · s, where med and MAD are the
 *   median and median absolute deviation of the series' selling days, s = max(1.4826 · MAD,
 *   sqrt(med), 1) and k = `validation.outlierThreshold`. 1.4826 · MAD estimates the standard
 *   deviation under normality (Rousseeuw & Croux 1993, JASA 88(424)); the sqrt(med) (Poisson)
 *   and 1 floors keep low counts with MAD = 0 from all being flagged (as in pipelines/prepare/clean.ts).
 *   Series with fewer than 8 selling days get no outliers.
 * - suspected stockouts: runs of at least L = `quality.stockoutMinRun` open zero-demand days
 *   inside the selling period. With p the share of zero days among the open days of the
 *   selling period (N days), the expected number of such runs under independent days is
 *   E = (N − L) · (1 − p) · p^L, and P(at least one) ≈ 1 − exp(−E) (Poisson approximation to the
 *   run-count distribution; Feller, *An Introduction to Probability Theory*, vol. 1, §XIII.7).
 *   When that probability is below 1%, every such run of the series is a suspected stockout
 *   (`stockoutDays` counts its open days); otherwise long zero runs are normal for the item
 *   (intermittent demand) and none is flagged. (The rule, and why cleaning uses a stricter one:
 *   pipelines/prepare/stockout.ts.)
 * - staleness = days from the last sale to the batch's last day (the history length when the
 *   series never sold), plus the whole days between the batch's last day and the run date (stale
 *   data, pipelines/run/staleness.ts); history = days from the first row to the batch's last day.
 *
 * Weekly and monthly runs (pipelines/prepare/to-periods.ts): every "day" above is a period of the
 * run (a week or a month): open periods, missing periods, outlier and stockout periods, history and
 * staleness counted in periods (quality.csv names its columns by the period: `history_weeks`). The
 * stockout run length `quality.stockoutMinRun` (days) is converted to periods, rounded up, at least
 * 1 (14 days: 2 weeks, 1 month); the score's 90 and 365 days are compared with the periods' mean
 * length in days (pipelines/periods.ts `MEAN_PERIOD_DAYS`).
 *
 * Score, 0-100: 100 minus these penalties (points), rounded to one decimal:
 *
 * | dimension     | points | penalty                                                    |
 * |---------------|--------|------------------------------------------------------------|
 * | completeness  | 25     | 25 × (1 − completeness)                                    |
 * | validity      | 20     | 20 × (1 − validity) (duplicates are rejected rows: here)   |
 * | stockouts     | 15     | 15 × stockout days / open days of the selling period       |
 * | outliers      | 10     | 10 × min(1, 10 × outlier days / selling days)              |
 * | staleness     | 10     | 10 × min(1, staleness / 90)                                |
 * | history       | 10     | 10 × max(0, 1 − history days / 365)                        |
 * | returns       | 5      | 5 × min(1, return rows / accepted rows)                    |
 * | zero prices   | 5      | 5 × min(1, zero-price rows / accepted rows)                |
 */
import type { Config } from '../../config/schema.js';
import { formatDay } from '../dates.js';
import { DAILY, daysToPeriods, MEAN_PERIOD_DAYS, periodFirstDay, type Frequency, type PeriodGrid } from '../periods.js';
import type { IngestResult } from '../ingest/ingest.js';
import { mean, median } from '../stats.js';
import { countStockoutDays, STOCKOUT_MAX_PROBABILITY } from './stockout.js';
export { stockoutMask, STOCKOUT_MAX_PROBABILITY } from './stockout.js';
import type { InputKind, IssueCode, RowCounts, SeriesData, SeriesQuality } from '../types.js';

/** Batch-level summary of the profile (JSON-friendly: goes into run.json). */
export interface BatchQuality {
  readonly kind: InputKind;
  /** Unit of every count in days here and in the series' profiles: the run's period. */
  readonly unit: Frequency;
  readonly seriesCount: number;
  readonly rows: RowCounts;
  /** Rows per issue code, plus `outlier` = outlier days found by the profile. */
  readonly issueCounts: Partial<Record<IssueCode, number>>;
  /** Rejected rows not attributable to any series (no sku, or a sku with no accepted row). */
  readonly rejectedUnattributed: number;
  readonly meanScore: number;
  readonly medianScore: number;
  readonly minScore: number;
  /** First and last day of the batch (ISO; '' when no row was accepted). */
  readonly start: string;
  readonly end: string;
  /** Days in [start, end] with no accepted row at all (shop shut, holiday, lost export). */
  readonly noTradeDays: number;
  /** The first {@link MAX_NO_TRADE_DATES} of them (ISO). */
  readonly noTradeDates: string[];
  readonly missingDays: number;
  readonly outlierDays: number;
  readonly stockoutDays: number;
  readonly seriesWithStockouts: number;
}

/** 1.4826 · MAD estimates the standard deviation under normality (module comment). */
const MAD_TO_SD = 1.4826;
/** Staleness at which the score's staleness penalty is full (module comment's table). */
export const STALE_DAYS = 90;
/** History at which the score's history penalty is gone: a year (module comment's table). */
export const FULL_HISTORY_DAYS = 365;
/** No-trade dates listed in run.json at most (the rest are counted). */
export const MAX_NO_TRADE_DATES = 400;

/** Fewer selling days than this: no outlier is flagged (median and MAD mean little). */
export const OUTLIER_MIN_SELLING_DAYS = 8;

/** Median of the first n entries of a (sorts them in place). */
function medianSorted(a: Float64Array, n: number): number {
  a.subarray(0, n).sort();
  return n % 2 ? a[(n - 1) >> 1] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/** Reusable work array of the profile (one per profile run: no typed array per series). */
class Scratch {
  private values = new Float64Array(1024);

  /** A work array of at least n entries. */
  vals(n: number): Float64Array {
    if (this.values.length < n) this.values = new Float64Array(Math.max(n, 2 * this.values.length));
    return this.values;
  }
}

/**
 * Flag outlying selling days: |x − med| > k · max(1.4826 · MAD, sqrt(med), 1) over the open days
 * with demand > 0 (see the module comment for the source); none with fewer than
 * {@link OUTLIER_MIN_SELLING_DAYS} selling days.
 * @param demand Units per day.
 * @param open 1 on days that count (observed / store trading).
 * @param threshold k, e.g. `validation.outlierThreshold` (5).
 * @returns 1 on outlier days.
 * @throws when the arrays differ in length or k is not positive.
 */
export function outlierMask(demand: Float64Array, open: Uint8Array, threshold: number): Uint8Array {
  checkPair('outlierMask', demand, open);
  if (!(threshold > 0)) throw new Error(`outlierMask needs a positive threshold, got ${threshold}`);
  const out = new Uint8Array(demand.length);
  markOutliers(demand, open, threshold, new Scratch(), out);
  return out;
}

/** Outlier days of a series (see {@link outlierMask}), marked in `out` when given; returns their number. */
function markOutliers(demand: Float64Array, open: Uint8Array, threshold: number, scratch: Scratch, out: Uint8Array | null): number {
  const n = demand.length;
  const vals = scratch.vals(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (open[i] && demand[i] > 0) vals[m++] = demand[i];
  if (m < OUTLIER_MIN_SELLING_DAYS) return 0;
  const med = medianSorted(vals, m);
  for (let j = 0; j < m; j++) vals[j] = Math.abs(vals[j] - med);
  const mad = medianSorted(vals, m);
  const limit = threshold * Math.max(MAD_TO_SD * mad, Math.sqrt(med), 1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (open[i] && demand[i] > 0 && Math.abs(demand[i] - med) > limit) {
      count++;
      if (out !== null) out[i] = 1;
    }
  }
  return count;
}

/** Throw unless demand and open have the same length. */
function checkPair(fn: string, demand: Float64Array, open: Uint8Array): void {
  if (demand.length !== open.length) throw new Error(`${fn} needs demand and open of the same length, got ${demand.length} and ${open.length}`);
}

/** Parts of the quality score (see the module comment). Fractions in [0, 1]. */
export interface ScoreParts {
  completeness: number;
  validity: number;
  /** Stockout days / open days of the selling period. */
  stockoutShare: number;
  /** Outlier days / selling days. */
  outlierShare: number;
  stalenessDays: number;
  historyDays: number;
  /** Return rows / accepted rows. */
  returnShare: number;
  /** Zero-price rows / accepted rows. */
  zeroPriceShare: number;
}

/**
 * The 0-100 quality score: 100 minus the weighted penalties of the module comment's table,
 * rounded to one decimal.
 */
export function qualityScore(p: ScoreParts): number {
  const clamp = (x: number) => (x > 1 ? 1 : x < 0 || !(x === x) ? 0 : x);
  const penalty =
    25 * clamp(1 - p.completeness) +
    20 * clamp(1 - p.validity) +
    15 * clamp(p.stockoutShare) +
    10 * clamp(10 * p.outlierShare) +
    10 * clamp(p.stalenessDays / STALE_DAYS) +
    10 * clamp(1 - p.historyDays / FULL_HISTORY_DAYS) +
    5 * clamp(p.returnShare) +
    5 * clamp(p.zeroPriceShare);
  return Math.round(Math.max(0, 100 - penalty) * 10) / 10;
}

/** Per-series profile plus the outlier and stockout day counts for the batch totals (`grid`: the unit of the counts). */
function profileSeries(s: SeriesData, open: Uint8Array, config: Config, scratch: Scratch, grid: PeriodGrid, behind: number): SeriesQuality {
  const n = s.demand.length;
  const demand = s.demand;
  let lastRow = -1;
  let firstSale = -1;
  let lastSale = -1;
  let sellingDays = 0;
  for (let i = 0; i < n; i++) {
    if (s.observed[i]) lastRow = i;
    if (demand[i] > 0 && open[i]) {
      if (firstSale < 0) firstSale = i;
      lastSale = i;
      sellingDays++;
    }
  }
  const activeDays = lastRow + 1;
  let openActive = 0;
  for (let i = 0; i < activeDays; i++) if (open[i]) openActive++;
  const completeness = activeDays > 0 ? openActive / activeDays : 0;
  const rejected = s.rejectedRows ?? 0;
  const validity = s.acceptedRows + rejected > 0 ? s.acceptedRows / (s.acceptedRows + rejected) : 0;

  // counted, not marked: the masks are for callers that need the days
  const outlierDays = markOutliers(demand, open, config.validation.outlierThreshold, scratch, null);
  const minRun = grid.frequency === 'day' ? config.quality.stockoutMinRun : daysToPeriods(config.quality.stockoutMinRun, grid.frequency, 'up', 1).periods;
  const stockoutDays = countStockoutDays(demand, open, minRun, STOCKOUT_MAX_PROBABILITY, null);
  let openSelling = 0;
  if (firstSale >= 0) for (let i = firstSale; i <= lastSale; i++) openSelling += open[i];

  const issue = (c: IssueCode) => s.issues[c] ?? 0;
  const stalenessDays = (lastSale >= 0 ? n - 1 - lastSale : n) + behind;
  const accepted = Math.max(1, s.acceptedRows);
  const score = qualityScore({
    completeness,
    validity,
    stockoutShare: openSelling > 0 ? stockoutDays / openSelling : 0,
    outlierShare: sellingDays > 0 ? outlierDays / sellingDays : 0,
    stalenessDays: stalenessDays * MEAN_PERIOD_DAYS[grid.frequency],
    historyDays: n * MEAN_PERIOD_DAYS[grid.frequency],
    returnShare: issue('return') / accepted,
    zeroPriceShare: issue('zero_price') / accepted,
  });
  return {
    store: s.store,
    sku: s.sku,
    firstSale: firstSale >= 0 ? formatDay(periodFirstDay(grid, s.start + firstSale)) : '',
    lastSale: lastSale >= 0 ? formatDay(periodFirstDay(grid, s.start + lastSale)) : '',
    historyDays: n,
    completeness,
    missingDays: activeDays - openActive,
    validity,
    rejectedRows: rejected,
    duplicateRows: issue('duplicate_row') + issue('duplicate_key'),
    returnRows: issue('return'),
    outlierDays,
    stockoutDays,
    stalenessDays,
    zeroPriceRows: issue('zero_price'),
    score,
  };
}

/** Open days of a series: its observed days (daily totals) or its store's trading days (transactions). */
function openDays(s: SeriesData, ingest: IngestResult): Uint8Array {
  if (ingest.kind === 'daily') return s.observed;
  const store = ingest.tradingDays.byStore[s.store];
  const from = s.start - ingest.tradingDays.start;
  if (!store || from < 0) return s.observed;
  return store.subarray(from, from + s.demand.length);
}

/**
 * Profile the data quality of every series of an ingest and summarise the batch.
 * @param ingest What {@link ingestFile} returned, or its series summed into periods (pipelines/prepare/to-periods.ts).
 * @param config Settings: `validation.outlierThreshold`, `quality.stockoutMinRun`.
 * @param grid The periods the ingest's series are in. @defaultValue DAILY
 * @param behind Whole periods between the batch's last period and the run date's (pipelines/run/staleness.ts), added to every series' staleness. @defaultValue 0
 * @returns One {@link SeriesQuality} per series (same order as `ingest.series`) and the batch summary.
 */
export function profileQuality(ingest: IngestResult, config: Config, grid: PeriodGrid = DAILY, behind = 0): { series: SeriesQuality[]; batch: BatchQuality } {
  const scratch = new Scratch();
  const series = ingest.series.map((s) => profileSeries(s, openDays(s, ingest), config, scratch, grid, behind));
  const scores = series.map((q) => q.score).sort((a, b) => a - b);
  const k = scores.length;
  let outlierDays = 0;
  let stockoutDays = 0;
  let missingDays = 0;
  let withStockouts = 0;
  for (const q of series) {
    outlierDays += q.outlierDays;
    stockoutDays += q.stockoutDays;
    missingDays += q.missingDays;
    if (q.stockoutDays > 0) withStockouts++;
  }
  const noTrade: string[] = [];
  let noTradeDays = 0;
  const all = ingest.tradingDays.all;
  for (let i = 0; i < all.length; i++) {
    if (all[i]) continue;
    noTradeDays++;
    if (noTrade.length < MAX_NO_TRADE_DATES) noTrade.push(formatDay(periodFirstDay(grid, ingest.tradingDays.start + i)));
  }
  const issueCounts: Partial<Record<IssueCode, number>> = { ...ingest.issueCounts };
  if (outlierDays > 0) issueCounts.outlier = (issueCounts.outlier ?? 0) + outlierDays;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    series,
    batch: {
      kind: ingest.kind,
      unit: grid.frequency,
      seriesCount: k,
      rows: { ...ingest.rows },
      issueCounts,
      rejectedUnattributed: ingest.rejectedUnattributed,
      meanScore: k ? r2(mean(scores)) : 0,
      medianScore: k ? r2(median(scores)) : 0, // scores have one decimal: r2 keeps an odd count's middle score as it is
      minScore: k ? scores[0] : 0,
      start: Number.isFinite(ingest.start) ? formatDay(periodFirstDay(grid, ingest.start)) : '',
      end: Number.isFinite(ingest.end) ? formatDay(periodFirstDay(grid, ingest.end + 1) - 1) : '',
      noTradeDays,
      noTradeDates: noTrade,
      missingDays,
      outlierDays,
      stockoutDays,
      seriesWithStockouts: withStockouts,
    },
  };
}
