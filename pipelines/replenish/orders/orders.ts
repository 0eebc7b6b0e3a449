/**
 * The order list (issue 16 item 2): for every series, what stands, what is coming, when it runs
 * out, the reorder point and order-up-to level that keep its service target, what to order now
 * and by when, and why in plain words; sorted by urgency; with totals per supplier.
 *
 * Per series, with R the last sales day and d0 the order day (R + 1 unless later, e.g. past a
 * supplier's cut-off):
 * 1. terms: lead time, review period, service target, pack size, minimum, supplier schedule
 *    (pipelines/replenish/orders/item-policy.ts);
 * 2. stock: the count rolled to R, open orders placed on their days
 *    (pipelines/replenish/orders/stock-position.ts);
 * 3. levels at d0 (pipelines/replenish/policy.ts), with the segment's calibrated shift when given;
 * 4. projection with the mean forecast: days of cover, expected stockout date, the day stock
 *    falls under the safety stock (the need day);
 * 5. suggested quantity: the order of pipelines/replenish/order-quantity.ts for the stock
 *    position (on hand + on order, less the mean demand of any days between the stock count and
 *    the order day) against the order-up-to level; blank without a stock count;
 * 6. order-by date: the latest day, from d0, on which an order still arrives by the need day
 *    (delivery weekdays, lead time); d0 when even an order today is late ("order today");
 * 7. value at risk: mean units short before an order placed on d0 could arrive, × unit value
 *    (unit cost, else the last selling price; the reason says which).
 * Sorting: expected stockout date (soonest first; none last), then value at risk (largest
 * first), then store and sku.
 * Per supplier: ordered items, units and money (unit cost × quantity; unknown when a cost is
 * missing) and whether the minimum order value is met.
 */
import type { DemandClass } from '../../forecast/classify.js';
import { seriesKey } from '../replenish.js';
import { arrivalDay, firstOrderDay, latestOrderDay, type DeliverySchedule } from '../delivery.js';
import { dailyForecast, demandSum, laterForecast, type StageForecast } from '../demand-forecast.js';
import type { InputIssue } from '../inputs/input-issue.js';
import type { ServiceType } from '../inputs/items.js';
import type { MatchedInputs } from '../inputs/match.js';
import { orderQuantity } from '../order-quantity.js';
import { policyLevels, type PolicyLevels, type PolicyMethod } from '../policy.js';
import type { SegmentShifts } from '../replay/replay.js';
import { itemTerms, type ItemTerms, type PolicyDefaults } from './item-policy.js';
import { orderReason, type ReasonFacts } from './order-reason.js';
import { openOrders, projectStock, rollStock } from './stock-position.js';
import { minOf } from '../../stats.js';

/** A series to order for. */
export interface OrderSeries {
  readonly store: string;
  readonly sku: string;
  /** The forecast from R + 1 (pipelines/forecast/forecast-series.ts SeriesForecast has these fields). */
  readonly forecast: StageForecast;
  /** Last known selling price, the unit value when no unit cost is given; NaN when unknown. */
  readonly price?: number;
}

/** Settings of {@link buildOrders}. */
export interface OrderOptions {
  /** R: day number of the last day of sales. */
  readonly runDay: number;
  /** Day orders are placed. @defaultValue runDay + 1 */
  readonly orderDay?: number;
  /** Time of day the list is used (minutes after midnight), for suppliers' cut-offs; undefined = before every cut-off. */
  readonly nowMinutes?: number;
  readonly defaults: PolicyDefaults;
  /** Days per forecast bucket. @defaultValue 1 */
  readonly bucketDays?: number;
  /** Calibrated safety factor shifts per segment (pipelines/replenish/replay/calibrate.ts). */
  readonly shifts?: SegmentShifts;
  /** A stock count older than this many days before R is flagged. @defaultValue 7 */
  readonly staleStockDays?: number;
}

/** One row of the order list (orders.csv). Days are day numbers; null = unknown or none. */
export interface OrderRow {
  readonly store: string;
  readonly sku: string;
  /** '' when no supplier is given. */
  readonly supplier: string;
  readonly onHand: number | null;
  readonly onOrder: number;
  readonly daysOfCover: number | null;
  readonly expectedStockout: number | null;
  readonly reorderPoint: number;
  readonly orderUpTo: number;
  readonly safetyStock: number;
  /** Whole units, a multiple of the pack, at least the minimum; 0 when none is due; null without a stock count. */
  readonly suggestedQty: number | null;
  readonly orderBy: number | null;
  /** Day an order placed on the order day arrives. */
  readonly arrival: number;
  readonly unitValue: number;
  /** Where the unit value comes from. */
  readonly valueBasis: 'cost' | 'price' | 'none';
  /** suggestedQty × unit cost; NaN without a cost or a quantity. */
  readonly orderValue: number;
  /** Mean units short before an order placed now arrives. */
  readonly unitsAtRisk: number;
  /** unitsAtRisk × unit value (NaN when unknown). */
  readonly valueAtRisk: number;
  readonly leadTimeDays: number;
  readonly reviewPeriodDays: number;
  readonly packSize: number;
  readonly minOrderQty: number;
  readonly serviceType: ServiceType;
  readonly serviceTarget: number;
  readonly demandClass: DemandClass;
  readonly method: PolicyMethod;
  readonly reason: string;
}

/** Totals of one supplier (orders-by-supplier.csv). */
export interface SupplierTotal {
  /** '' for items without a supplier. */
  readonly supplier: string;
  /** Series with an order. */
  readonly items: number;
  readonly units: number;
  /** Money at unit cost; NaN when an ordered item has no cost. */
  readonly value: number;
  /** Ordered items without a unit cost. */
  readonly itemsWithoutCost: number;
  readonly minOrderValue: number | null;
  /** null when there is no minimum or the value is unknown. */
  readonly meetsMinimum: boolean | null;
  readonly schedule: DeliverySchedule;
  /** Day an order placed on the order day arrives at the shortest lead time of its ordered items (null without an order). */
  readonly nextDelivery: number | null;
  readonly note: string;
}

/** Result of {@link buildOrders}. */
export interface OrderPlan {
  readonly orderDay: number;
  readonly rows: OrderRow[];
  readonly suppliers: SupplierTotal[];
  /** Input problems: matching (given) plus stock roll-forward and open-order warnings. */
  readonly issues: InputIssue[];
  /** Plain-language notes for the buyer (e.g. why quantities are blank). */
  readonly notes: string[];
}

/** The levels and projection of one series (steps 1-7 of the module comment). */
function orderRow(s: OrderSeries, terms: ItemTerms, matched: MatchedInputs, o: Required<Pick<OrderOptions, 'runDay' | 'bucketDays' | 'staleStockDays'>> & OrderOptions, issues: InputIssue[]): OrderRow {
  const key = seriesKey(s.store, s.sku);
  const { policy } = terms;
  const f = dailyForecast(s.forecast, o.bucketDays);
  const stockRow = matched.stock?.get(key);
  const rolled = stockRow ? rollStock(stockRow, f.history, o.runDay, o.staleStockDays) : undefined;
  if (rolled) for (const x of rolled.issues) issues.push(x);
  // projection day 0: the day after the stock stands (R + 1 unless counted later)
  const start = (rolled?.asOf ?? o.runDay) + 1;
  const d0 = Math.max(firstOrderDay(o.orderDay ?? o.runDay + 1, policy.schedule, o.nowMinutes), start);
  const path = laterForecast(f, start - (o.runDay + 1));
  const open = openOrders(matched.onOrder.get(key) ?? [], start, arrivalDay(start, policy.leadTimeDays, policy.schedule));
  for (const x of open.issues) issues.push(x);
  const shift = o.shifts?.[`${f.demandClass}/${policy.serviceType}`] ?? 0;
  const lv: PolicyLevels = policyLevels(laterForecast(path, d0 - start), policy, d0, shift);
  const n = path.mean.length;
  const tail = n > 0 ? demandSum(path, n + 1).demand - demandSum(path, n).demand : 0;
  const demand = (j: number) => (j < n ? path.mean[j] : tail);
  const onHand = rolled ? rolled.onHand : null;
  const proj = projectStock(onHand ?? 0, open.arrivals, demand, lv.safetyStock, lv.arrival - start);
  let suggested: number | null = null;
  let orderBy: number | null = null;
  if (onHand !== null) {
    // the position when the order is placed: days between the stock count and the order day sell their mean
    let before = 0;
    for (let j = 0; j < d0 - start; j++) before += demand(j);
    suggested = orderQuantity(onHand + open.total - before, lv.orderUpTo, policy.packSize, policy.minOrderQty);
    if (proj.need !== null) orderBy = latestOrderDay(start + proj.need, policy.leadTimeDays, policy.schedule, d0) ?? d0;
  }
  const unitValue = terms.unitCost ?? (Number.isFinite(s.price) ? (s.price as number) : NaN);
  const valueBasis = terms.unitCost !== undefined ? 'cost' : Number.isFinite(unitValue) ? 'price' : 'none';
  const unitsAtRisk = onHand === null ? 0 : proj.shortBefore;
  const facts: ReasonFacts = {
    onHand,
    rolled,
    onOrder: open.total,
    nextArrival: open.next,
    orderDay: d0,
    cover: onHand === null ? null : proj.cover,
    stockoutDay: onHand === null || proj.stockout === null ? null : start + proj.stockout,
    needDay: onHand === null || proj.need === null ? null : start + proj.need,
    levels: lv,
    suggested,
    orderBy,
    policy,
    supplier: terms.supplier,
    hasStockFile: matched.stock !== null,
    meanDaily: demand(0),
  };
  return {
    store: s.store,
    sku: s.sku,
    supplier: terms.supplier,
    onHand,
    onOrder: open.total,
    daysOfCover: facts.cover,
    expectedStockout: facts.stockoutDay,
    reorderPoint: lv.reorderPoint,
    orderUpTo: lv.orderUpTo,
    safetyStock: lv.safetyStock,
    suggestedQty: suggested,
    orderBy,
    arrival: lv.arrival,
    unitValue,
    valueBasis,
    orderValue: suggested !== null && terms.unitCost !== undefined ? suggested * terms.unitCost : NaN,
    unitsAtRisk,
    valueAtRisk: unitsAtRisk * unitValue,
    leadTimeDays: policy.leadTimeDays,
    reviewPeriodDays: policy.reviewPeriodDays,
    packSize: policy.packSize,
    minOrderQty: policy.minOrderQty,
    serviceType: policy.serviceType,
    serviceTarget: policy.serviceTarget,
    demandClass: f.demandClass,
    method: lv.method,
    reason: orderReason(facts),
  };
}

/** Urgency order (module comment). */
export function byUrgency(a: OrderRow, b: OrderRow): number {
  const sa = a.expectedStockout ?? Infinity;
  const sb = b.expectedStockout ?? Infinity;
  if (sa !== sb) return sa - sb;
  const va = Number.isFinite(a.valueAtRisk) ? a.valueAtRisk : a.unitsAtRisk;
  const vb = Number.isFinite(b.valueAtRisk) ? b.valueAtRisk : b.unitsAtRisk;
  if (va !== vb) return vb - va;
  return a.store < b.store ? -1 : a.store > b.store ? 1 : a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0;
}

/** Totals per supplier, suppliers with orders first, then by name. */
function supplierTotals(rows: readonly OrderRow[], terms: ReadonlyMap<string, ItemTerms>): SupplierTotal[] {
  const groups = new Map<string, OrderRow[]>();
  for (const r of rows) {
    const g = groups.get(r.supplier);
    if (g) g.push(r);
    else groups.set(r.supplier, [r]);
  }
  const out: SupplierTotal[] = [];
  for (const [supplier, list] of groups) {
    const ordered = list.filter((r) => (r.suggestedQty ?? 0) > 0);
    const first = terms.get(seriesKey(list[0].store, list[0].sku))!;
    const sup = first.supplierRow;
    const units = ordered.reduce((s, r) => s + (r.suggestedQty ?? 0), 0);
    const withoutCost = ordered.filter((r) => r.valueBasis !== 'cost').length;
    const value = withoutCost > 0 ? NaN : ordered.reduce((s, r) => s + r.orderValue, 0);
    const mov = sup?.minOrderValue ?? null;
    const meets = mov === null || ordered.length === 0 || withoutCost > 0 ? null : value >= mov;
    const nextDelivery = ordered.length ? minOf(ordered.map((r) => r.arrival)) : null;
    let note = '';
    if (ordered.length === 0) note = 'nothing to order now';
    else if (meets === false) note = `order value ${value.toFixed(2)} is below the minimum order value ${mov!.toFixed(2)} by ${(mov! - value).toFixed(2)}: add items due soon or combine with the next order`;
    else if (meets === true) note = `meets the minimum order value ${mov!.toFixed(2)}`;
    else if (mov !== null && withoutCost > 0) note = `cannot check the minimum order value ${mov.toFixed(2)}: ${withoutCost} ordered item(s) have no unit cost in the items file`;
    else if (withoutCost > 0) note = `${withoutCost} ordered item(s) have no unit cost in the items file: order value unknown`;
    out.push({
      supplier,
      items: ordered.length,
      units,
      value,
      itemsWithoutCost: withoutCost,
      minOrderValue: mov,
      meetsMinimum: meets,
      schedule: first.policy.schedule,
      nextDelivery,
      note,
    });
  }
  return out.sort((a, b) => Number(b.items > 0) - Number(a.items > 0) || (a.supplier < b.supplier ? -1 : a.supplier > b.supplier ? 1 : 0));
}

/**
 * Build the order list (rules in the module comment).
 *
 * @param series The series with their forecasts from the day after the last sales day.
 * @param matched The input files matched to the series (pipelines/replenish/inputs/match.ts).
 * @param options Run day, order day, defaults, calibrated shifts.
 * @throws when a setting is out of range (see pipelines/replenish/policy.ts).
 */
export function buildOrders(series: readonly OrderSeries[], matched: MatchedInputs, options: OrderOptions): OrderPlan {
  const o = { bucketDays: 1, staleStockDays: 7, ...options };
  const issues: InputIssue[] = [...matched.issues];
  const terms = new Map<string, ItemTerms>();
  const rows: OrderRow[] = series.map((s) => {
    const t = itemTerms(s.store, s.sku, matched, o.defaults);
    terms.set(seriesKey(s.store, s.sku), t);
    return orderRow(s, t, matched, o, issues);
  });
  rows.sort(byUrgency);
  const notes: string[] = [];
  if (matched.stock === null) {
    notes.push('No stock file was given, so order quantities are blank: an order quantity needs the units on hand. Give one (store, sku, on_hand) to get them; reorder points and order-up-to levels are shown meanwhile.');
  } else {
    const missing = rows.filter((r) => r.onHand === null).length;
    if (missing > 0) notes.push(`${missing} of ${rows.length} series have no row in the stock file: their order quantities are blank.`);
  }
  return { orderDay: o.orderDay ?? o.runDay + 1, rows, suppliers: supplierTotals(rows, terms), issues, notes };
}
