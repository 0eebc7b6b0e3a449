/**
 * The reason column of the order list: what the buyer needs to trust a row, in plain words,
 * e.g. "stock 4 lasts 2 days (runs out Tue 2016-03-29); order 24 (2 packs of 12) to bring stock
 * and orders to 27.5; order today, arrives Fri 2016-04-01; supplier ACME delivers Tue/Fri;
 * lead time 5 days".
 */
import { formatDay } from '../../dates.js';
import { dayWithWeekday, formatCutoff, weekdayNames, EVERY_DAY } from '../delivery.js';
import type { PolicyLevels, ServicePolicy } from '../policy.js';
import type { RolledStock } from './stock-position.js';

/** What a reason is made from (pipelines/replenish/orders/orders.ts). Days are day numbers. */
export interface ReasonFacts {
  readonly onHand: number | null;
  readonly rolled?: RolledStock;
  readonly onOrder: number;
  readonly nextArrival?: { readonly day: number; readonly qty: number };
  readonly orderDay: number;
  readonly cover: number | null;
  readonly stockoutDay: number | null;
  readonly needDay: number | null;
  readonly levels: PolicyLevels;
  readonly suggested: number | null;
  readonly orderBy: number | null;
  readonly policy: ServicePolicy;
  readonly supplier: string;
  readonly hasStockFile: boolean;
  /** Mean forecast demand of the first projected day. */
  readonly meanDaily: number;
}

/** Units for reading: whole numbers as they are, others to one decimal. */
export function units(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

function days(x: number): string {
  const v = x < 10 ? Math.round(x * 10) / 10 : Math.round(x);
  return `${v} day${v === 1 ? '' : 's'}`;
}

function stockPart(f: ReasonFacts): string {
  if (!f.hasStockFile) return 'no stock count (no stock file given)';
  if (f.onHand === null) return 'no row for this item in the stock file';
  let s = `stock ${units(f.onHand)}`;
  if (f.onOrder > 0 && f.nextArrival) s += ` + ${units(f.onOrder)} on order (${units(f.nextArrival.qty)} arriving ${dayWithWeekday(f.nextArrival.day)})`;
  if (f.cover !== null && f.stockoutDay !== null) s += ` ${f.onOrder > 0 ? 'last' : 'lasts'} ${days(f.cover)} (runs out ${dayWithWeekday(f.stockoutDay)})`;
  else s += f.meanDaily > 0 ? ` ${f.onOrder > 0 ? 'last' : 'lasts'} more than a year` : ': no sales expected';
  const r = f.rolled;
  if (r && r.countedDay !== undefined && r.soldSince > 0) s += ` (counted ${units(r.counted)} on ${formatDay(r.countedDay)}, ${units(r.soldSince)} sold since)`;
  return s;
}

function cutoff(p: ServicePolicy): string {
  return p.schedule.cutoffMinutes !== undefined ? ` before ${formatCutoff(p.schedule.cutoffMinutes)}` : '';
}

function decisionPart(f: ReasonFacts): string {
  const lv = f.levels;
  if (f.onHand === null) return `order up to ${units(round1(lv.orderUpTo))} once stock is known (reorder point ${units(round1(lv.reorderPoint))})`;
  const pack = f.policy.packSize;
  if (f.suggested !== null && f.suggested > 0) {
    let s = `order ${units(f.suggested)}`;
    if (pack > 1) s += ` (${f.suggested / pack} pack${f.suggested / pack === 1 ? '' : 's'} of ${pack})`;
    const need = lv.orderUpTo - (f.onHand + f.onOrder);
    if (f.policy.minOrderQty > 0 && f.policy.minOrderQty > need) s += `, the minimum order of ${units(f.policy.minOrderQty)}`;
    s += ` to bring stock and orders to ${units(round1(lv.orderUpTo))}`;
    return `${s}${safetyOnly(f)}; ${timing(f)}`;
  }
  const next = f.orderBy !== null ? `; next order by ${dayWithWeekday(f.orderBy)}` : '';
  if (lv.orderUpTo <= 0) return `no order due: no sales expected${next}`;
  return `no order due: stock and orders (${units(f.onHand + f.onOrder)}) reach the order-up-to level ${units(round1(lv.orderUpTo))}${next}`;
}

/**
 * Why an order is due when stock and orders already cover the expected sales of the protection
 * interval: the whole order tops up the safety stock, whose size comes from how much sales have
 * varied (e.g. an item that sold 8 a day last year and nothing for 3 months: its forecast is
 * about 0 but last year's swings still set the safety stock). Empty otherwise.
 */
function safetyOnly(f: ReasonFacts): string {
  const lv = f.levels;
  if (f.onHand === null || f.onHand + f.onOrder < lv.protectionDemand) return '';
  const from = lv.spread === 'history' ? 'how much sales over that many days varied in the past year' : "the forecast's past errors";
  return ` although stock and orders cover the ${units(round1(lv.protectionDemand))} expected to sell in the next ${days(lv.protectionDays)}: the order only tops up the safety stock of ${units(round1(lv.safetyStock))}, set by ${from} for a ${Math.round(f.policy.serviceTarget * 100)}% ${f.policy.serviceType === 'cycle' ? 'chance of not running out' : 'share of demand served'}`;
}

function timing(f: ReasonFacts): string {
  const lv = f.levels;
  if (f.orderBy === null) return `order at this review${cutoff(f.policy)}, arrives ${dayWithWeekday(lv.arrival)}`;
  if (f.orderBy <= f.orderDay) {
    if (f.stockoutDay !== null && lv.arrival > f.stockoutDay) return `order today${cutoff(f.policy)}: even today's order arrives ${dayWithWeekday(lv.arrival)}, after the expected stockout`;
    return `order today${cutoff(f.policy)}, arrives ${dayWithWeekday(lv.arrival)}`;
  }
  return `order by ${dayWithWeekday(f.orderBy)}${cutoff(f.policy)} to arrive before stock falls under the safety stock of ${units(round1(lv.safetyStock))}`;
}

function supplierPart(f: ReasonFacts): string {
  const p = f.policy;
  const every = (p.schedule.weekdays & EVERY_DAY) === EVERY_DAY;
  const who = f.supplier ? `supplier ${f.supplier}` : 'supplier';
  const parts: string[] = [];
  if (f.supplier || !every) parts.push(`${who} delivers ${weekdayNames(p.schedule.weekdays)}`);
  parts.push(`lead time ${days(p.leadTimeDays)}`);
  return parts.join('; ');
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The reason of one row (module comment). */
export function orderReason(f: ReasonFacts): string {
  return [stockPart(f), decisionPart(f), supplierPart(f)].join('; ');
}
