/**
 * A store whose rows stop well before the rest of the file. When one store's
 * rows end weeks before the data's last period while other stores' rows run on, its series carry
 * no sales (and no recorded zeros) since: an export that missed a till or a branch, not items
 * that stopped selling. Their forecasts and orders would rest on that silence, so the run says so
 * (`silent_store` warning, one per store) and orders.csv's reason of each of its series says so.
 *
 * The rule, in days for daily rows (summed into weeks or months or not), in periods for files of
 * week or month totals: in a file with at least two named stores, a store is silent when
 * - its last row lies at least {@link MIN_SILENT_DAYS} days and {@link MIN_SILENT_PERIODS}
 *   periods before the data's last period,
 * - its rows, first to last, span at least as many periods as that silence (a store seen for a
 *   short while, a pop-up or a customer country that ordered once, cannot tell), and
 * - a silence that long is implausible as chance for that store: (1 - p)^g < {@link MAX_CHANCE},
 *   with g the silent periods and p the share of periods with a row of the store from its first
 *   row to the period after its last (sparse exports that list only days with sales: a small store
 *   selling one day in ten may go weeks without a row).
 * A single item that stops selling is normal and never counted: the rule looks at a store's rows
 * over all its items. Files without a store column (one store) never warn.
 */
import { formatDay } from '../dates.js';
import { MEAN_PERIOD_DAYS, periodFirstDay, periodLabel, periodUnit, type PeriodGrid } from '../periods.js';
import type { OrderRow } from '../replenish/orders/orders.js';
import type { SeriesData } from '../types.js';
import type { RunWarning } from './warnings.js';

/** Shortest silence, in days, that can make a store silent: two weeks, longer than a shop's routine closures. */
export const MIN_SILENT_DAYS = 14;

/** Shortest silence in periods: one missing week or month is within a late export's reach. */
export const MIN_SILENT_PERIODS = 2;

/**
 * Chance below which a store's silence is not taken for its ordinary gaps between rows: one in a
 * thousand (README: what that means for daily, sparse and weekly exports).
 */
export const MAX_CHANCE = 1e-3;

/** A store whose rows stop early (periods on the run's grid). */
export interface SilentStore {
  readonly store: string;
  /** Last period with a row of the store. */
  readonly last: number;
  /** Periods from its last row's period to the data's last period. */
  readonly silentPeriods: number;
  /** Its series (items). */
  readonly series: number;
}

interface StoreSpan {
  first: number;
  last: number;
  series: SeriesData[];
}

/** The last period with a row of a series (-Infinity when none). */
function lastRow(s: SeriesData): number {
  for (let i = s.observed.length - 1; i >= 0; i--) if (s.observed[i]) return s.start + i;
  return -Infinity;
}

function spansByStore(series: readonly SeriesData[]): Map<string, StoreSpan> {
  const stores = new Map<string, StoreSpan>();
  for (const s of series) {
    if (s.store === '') continue;
    let span = stores.get(s.store);
    if (!span) stores.set(s.store, (span = { first: Infinity, last: -Infinity, series: [] }));
    span.first = Math.min(span.first, s.start);
    span.last = Math.max(span.last, lastRow(s));
    span.series.push(s);
  }
  return stores;
}

/** Periods from the store's first row to its last with a row of any of its series. */
function periodsWithRows(span: StoreSpan): number {
  const seen = new Uint8Array(span.last - span.first + 1);
  for (const s of span.series) {
    const to = Math.min(s.observed.length, span.last - s.start + 1);
    for (let i = 0; i < to; i++) if (s.observed[i]) seen[s.start + i - span.first] = 1;
  }
  let n = 0;
  for (let i = 0; i < seen.length; i++) n += seen[i];
  return n;
}

/**
 * The silent stores of a run (module comment's rule), by store name.
 * @param series the run's series on its grid (after pipelines/prepare/to-periods.ts).
 * @param end the data's last period.
 */
export function silentStores(series: readonly SeriesData[], end: number, grid: PeriodGrid): SilentStore[] {
  if (!Number.isFinite(end)) return [];
  const stores = spansByStore(series);
  if (stores.size < 2) return [];
  const minGap = Math.max(MIN_SILENT_PERIODS, Math.ceil(MIN_SILENT_DAYS / MEAN_PERIOD_DAYS[grid.frequency]));
  const out: SilentStore[] = [];
  for (const [store, span] of stores) {
    const gap = end - span.last;
    // a store seen for less than its silence (a pop-up, a customer country that ordered once) cannot tell a missing export from a closed store
    if (!Number.isFinite(gap) || gap < minGap || span.last - span.first + 1 < gap) continue;
    const p = periodsWithRows(span) / (span.last - span.first + 2);
    if (gap * Math.log1p(-p) >= Math.log(MAX_CHANCE)) continue;
    out.push({ store, last: span.last, silentPeriods: gap, series: span.series.length });
  }
  return out.sort((a, b) => (a.store < b.store ? -1 : a.store > b.store ? 1 : 0));
}

/** Last day of a period. */
function lastDayOf(grid: PeriodGrid, period: number): string {
  return formatDay(periodFirstDay(grid, period + 1) - 1);
}

/** The `silent_store` warnings, one per store, in plain words for the buyer. */
export function silentStoreWarnings(silent: readonly SilentStore[], end: number, grid: PeriodGrid): RunWarning[] {
  const day = grid.frequency === 'day';
  return silent.map((s) => {
    const when = day ? `after ${lastDayOf(grid, s.last)}` : `after ${grid.frequency === 'week' ? 'the ' : ''}${periodLabel(grid, s.last)}`;
    const behind = day ? `${s.silentPeriods} days before the data's last day, ${lastDayOf(grid, end)}` : `${s.silentPeriods} ${periodUnit(grid.frequency, s.silentPeriods)} before the data's last ${grid.frequency} (${periodLabel(grid, end)})`;
    const items = `${s.series.toLocaleString('en-US')} item${s.series === 1 ? '' : 's'}`;
    return {
      code: 'silent_store',
      message:
        `store ${s.store} has no rows ${when}, ${behind}, while other stores have rows up to it: ` +
        `its ${items} are forecast as if they sold nothing since, so their forecasts and orders are too low or zero (orders.csv says so in their reason); ` +
        `check the export (a till or a branch may be missing from it), or leave the store out of the file if it closed`,
    };
  });
}

/** A silent store and the last day of its last period with rows, as a prepared run keeps it. */
export interface SilentStoreDay {
  readonly store: string;
  /** ISO date. */
  readonly lastDay: string;
}

/** The silent stores as a prepared run keeps them (plain JSON for a queued run). */
export function silentStoreDays(silent: readonly SilentStore[], grid: PeriodGrid): SilentStoreDay[] {
  return silent.map((s) => ({ store: s.store, lastDay: lastDayOf(grid, s.last) }));
}

/** The silent stores of a run's series on a grid: their warnings and their last days. */
export function silentStoreFacts(series: readonly SeriesData[], end: number, grid: PeriodGrid): { warnings: RunWarning[]; days: SilentStoreDay[] } {
  const silent = silentStores(series, end, grid);
  return { warnings: silentStoreWarnings(silent, end, grid), days: silentStoreDays(silent, grid) };
}

/**
 * Put the store's silence first in the reason of each order row of a silent store (in place):
 * the buyer reading one row of orders.csv sees why its quantity is not to be trusted.
 */
export function markSilentOrders(rows: OrderRow[], silent: readonly SilentStoreDay[]): void {
  if (silent.length === 0) return;
  const lastDay = new Map(silent.map((s) => [s.store, s.lastDay]));
  for (let i = 0; i < rows.length; i++) {
    const day = lastDay.get(rows[i].store);
    if (day === undefined) continue;
    rows[i] = { ...rows[i], reason: `the sales file has no rows of store ${rows[i].store} after ${day} while other stores have rows to its end: this forecast and order assume no sales since; check the export before ordering; ${rows[i].reason}` };
  }
}
