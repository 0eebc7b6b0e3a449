/**
 * Where a series' stock stands and where it is heading: the count rolled to the day after the
 * sales, the open orders and when they arrive, and the projection of the stock with the mean
 * forecast (days of cover, the expected stockout day, the day stock falls into its safety
 * stock).
 *
 * Rules:
 * - a count without a date is taken as counted at the end of the run's last sales day (R);
 * - a count dated before R is rolled forward: the units sold (as recorded) from the day after
 *   the count to R are taken off, never below 0 (a `stale_stock` warning when the count is more
 *   than `staleDays` days old; when the sales of those days are not all known, the count is used
 *   as it is, with a warning);
 * - a count dated after R is used as it is: it already reflects the days after R, whose sales
 *   the forecast history has not seen (the projection starts the day after the count);
 * - an open order arrives on its expected date; one whose date has passed is assumed to arrive
 *   on the first projected day (`overdue_delivery`), one without a date after the lead time from
 *   that day (`no_expected_date`);
 * - projection, from day 0 = the day after the count: each morning the arrivals go on the shelf,
 *   then the day's mean forecast is sold. Days of cover = the fractional day on which the stock
 *   runs out (stock 4 selling 2 a day: 2.0, so it is out on day 2, the third day); the need day
 *   = the first day whose end-of-day stock is below the safety stock (an order must arrive by
 *   that morning). Both are searched over {@link MAX_PROJECTION_DAYS} days (none past that).
 */
import { formatDay } from '../../dates.js';
import type { InputIssue } from '../inputs/input-issue.js';
import type { OnOrderRow } from '../inputs/on-order.js';
import type { StockRow } from '../inputs/stock.js';

/** Days a stock projection looks ahead. */
export const MAX_PROJECTION_DAYS = 366;

/** A stock count rolled to the day after the sales. */
export interface RolledStock {
  /** Units on hand at the end of day `asOf` (after rolling). */
  readonly onHand: number;
  /** Day the units stand at (the count's day, or R when rolled forward or undated). */
  readonly asOf: number;
  /** The count as given, and its day (undefined when undated). */
  readonly counted: number;
  readonly countedDay?: number;
  /** Units taken off for sales after the count (0 when not rolled). */
  readonly soldSince: number;
  readonly issues: InputIssue[];
}

/**
 * Roll a stock count forward to the run's last sales day (rules in the module comment).
 *
 * @param row The stock row.
 * @param sales Daily sales as recorded, the last value on `runDay`.
 * @param runDay R, the last day of sales.
 * @param staleDays A count older than this many days before R is flagged.
 */
export function rollStock(row: StockRow, sales: readonly number[], runDay: number, staleDays: number): RolledStock {
  const issues: InputIssue[] = [];
  const base = { counted: row.onHand, ...(row.asOf !== undefined ? { countedDay: row.asOf } : {}) };
  if (row.asOf === undefined || row.asOf >= runDay) return { ...base, onHand: row.onHand, asOf: row.asOf ?? runDay, soldSince: 0, issues };
  const days = runDay - row.asOf;
  if (days > staleDays) {
    issues.push({ file: 'stock', line: row.line, code: 'stale_stock', severity: 'warning', field: 'as_of', message: `stock of store "${row.store}" sku "${row.sku}" was counted on ${formatDay(row.asOf)}, ${days} days before the last sales day ${formatDay(runDay)}` });
  }
  // sales[k] is the sales of day runDay - (sales.length - 1 - k); days before the first sale sold nothing
  let sold = 0;
  for (let d = row.asOf + 1; d <= runDay; d++) {
    const k = sales.length - 1 - (runDay - d);
    if (k >= 0) sold += sales[k];
  }
  return { ...base, onHand: Math.max(0, row.onHand - sold), asOf: runDay, soldSince: sold, issues };
}

/** Open orders as the projection sees them. */
export interface OpenOrders {
  /** Units on order in all. */
  readonly total: number;
  /** Arrivals by projection day index (0 = the first projected day). */
  readonly arrivals: ReadonlyMap<number, number>;
  /** Arrival day of the earliest open order, when any. */
  readonly next?: { readonly day: number; readonly qty: number };
  readonly issues: InputIssue[];
}

/**
 * Place open orders on the projection's days (rules in the module comment).
 * @param start Day number of projection day 0.
 * @param defaultArrival Day an order without a date is assumed to arrive.
 */
export function openOrders(rows: readonly OnOrderRow[], start: number, defaultArrival: number): OpenOrders {
  const arrivals = new Map<number, number>();
  const issues: InputIssue[] = [];
  let total = 0;
  let next: { day: number; qty: number } | undefined;
  for (const r of rows) {
    let day: number;
    if (r.expected === undefined) {
      day = defaultArrival;
      issues.push({ file: 'on-order', line: r.line, code: 'no_expected_date', severity: 'warning', field: 'expected', message: `order of ${r.qty} for store "${r.store}" sku "${r.sku}" has no expected date; assumed to arrive ${formatDay(day)}, after the lead time` });
    } else if (r.expected < start) {
      day = start;
      issues.push({ file: 'on-order', line: r.line, code: 'overdue_delivery', severity: 'warning', field: 'expected', message: `order of ${r.qty} for store "${r.store}" sku "${r.sku}" was expected ${formatDay(r.expected)} and is not in the stock count; assumed to arrive ${formatDay(day)}` });
    } else day = r.expected;
    total += r.qty;
    arrivals.set(day - start, (arrivals.get(day - start) ?? 0) + r.qty);
    if (!next || day < next.day) next = { day, qty: r.qty };
    else if (day === next.day) next = { day, qty: next.qty + r.qty };
  }
  return { total, arrivals, ...(next ? { next } : {}), issues };
}

/** What a stock projection found (days are projection day indices from 0). */
export interface Projection {
  /** Days the stock lasts (fractional); null when it lasts past the projection. */
  readonly cover: number | null;
  /** Day index on which stock runs out; null as cover. */
  readonly stockout: number | null;
  /** First day index whose end-of-day stock is below the safety stock; null when none. */
  readonly need: number | null;
  /** Mean units demanded but not in stock before day `until` (see {@link projectStock}). */
  readonly shortBefore: number;
}

/**
 * Project stock with the mean forecast (rules in the module comment).
 *
 * @param onHand Units at the end of the day before day 0.
 * @param arrivals Units arriving by day index.
 * @param demand Mean demand of day index j (j >= 0).
 * @param safetyStock Units below which the stock must not fall before an order arrives.
 * @param until Day index up to which (exclusive) units short are added up (an order placed now arrives then).
 */
export function projectStock(onHand: number, arrivals: ReadonlyMap<number, number>, demand: (j: number) => number, safetyStock: number, until: number): Projection {
  let x = onHand;
  let cover: number | null = null;
  let need: number | null = null;
  let short = 0;
  for (let j = 0; j < MAX_PROJECTION_DAYS && (cover === null || need === null || j < until); j++) {
    x += arrivals.get(j) ?? 0;
    const m = demand(j);
    if (cover === null && m > 0 && x < m) cover = j + Math.max(0, x) / m;
    if (j < until && m > x) short += m - Math.max(0, x);
    if (need === null && x - m < safetyStock - 1e-9) need = j;
    x = Math.max(0, x - m);
  }
  return { cover, stockout: cover === null ? null : Math.floor(cover), need, shortBefore: short };
}
