/**
 * Replay of a reorder policy on actual sales, day by day: what the policy would have done and
 * what service and stock it would have given.
 *
 * Each day t of the window (day number startDay + t), in this order (the timing of
 * pipelines/replenish/delivery.ts):
 * 1. orders due that morning arrive and go on the shelf;
 * 2. on a review day (a finite order-up-to level S_t), with stock position I = on hand + on
 *    order, the order of pipelines/replenish/order-quantity.ts is placed; it arrives on the first
 *    delivery weekday on or after t + L (the same morning when that is t: lead time 0);
 * 3. the day's demand d_t is served from the shelf: sold = min(d_t, on hand), and what cannot
 *    be served is **lost** (a customer who finds the shelf empty buys elsewhere: lost sales, not
 *    backorders; nothing is carried to later days);
 * 4. the end-of-day stock is recorded.
 * Figures: fill rate = sold / demand (units; 1 when there was no demand); a cycle is the days
 * from one review to the day before the next (days before the first review belong to none);
 * cycle service = share of cycles without a lost unit; stockout days = days with a lost unit;
 * average stock = mean end-of-day stock; its value = average stock × unit value.
 * Lead times are fixed in the replay (the policy's lead-time sd widens its levels only).
 */
import { arrivalDay, type DeliverySchedule } from '../delivery.js';
import { orderQuantity } from '../order-quantity.js';

/** One series' replay input. */
export interface ReplaySeries {
  /** Actual demand per day of the window, units >= 0. */
  readonly demand: ArrayLike<number>;
  /** Order-up-to level per day: finite on review days, NaN on the others. Same length as demand. */
  readonly orderUpTo: ArrayLike<number>;
  /** Units on the shelf at the start of day 0. */
  readonly startStock: number;
  readonly leadTimeDays: number;
  readonly schedule: DeliverySchedule;
  readonly packSize: number;
  readonly minOrderQty: number;
  /** Value of one unit (cost, else price); NaN when unknown. */
  readonly unitValue: number;
}

/** What a replay gave (units unless said). */
export interface ReplayResult {
  readonly days: number;
  readonly demand: number;
  readonly sold: number;
  /** Demand not served (lost sales). */
  readonly lost: number;
  /** sold / demand; 1 without demand. */
  readonly fillRate: number;
  /** Review cycles. */
  readonly cycles: number;
  /** Cycles with a lost unit. */
  readonly cyclesShort: number;
  /** 1 - cyclesShort / cycles; NaN without a cycle. */
  readonly cycleService: number;
  /** Days with a lost unit. */
  readonly stockoutDays: number;
  /** Mean end-of-day stock. */
  readonly avgStock: number;
  /** avgStock × unit value (NaN when unknown). */
  readonly avgStockValue: number;
  readonly orders: number;
  readonly unitsOrdered: number;
  /** Stock on the shelf and on order after the last day. */
  readonly endStock: number;
  readonly endOnOrder: number;
}

/** Day-by-day detail of a replay, for attributing figures to segments (pipelines/replenish/replay/calibrate.ts). */
export interface ReplayDaily {
  readonly sold: Float64Array;
  readonly lost: Float64Array;
  readonly endStock: Float64Array;
}

function check(s: ReplaySeries): void {
  const n = s.demand.length;
  if (s.orderUpTo.length !== n) throw new Error(`simulate needs an order-up-to level per day (${n}), got ${s.orderUpTo.length}`);
  if (!(s.startStock >= 0)) throw new Error(`simulate needs a start stock >= 0, got ${s.startStock}`);
  for (let t = 0; t < n; t++) if (!(s.demand[t] >= 0)) throw new Error(`simulate needs demand >= 0 on every day, got ${s.demand[t]} on day ${t}`);
}

/**
 * Replay one series (rules in the module comment).
 *
 * @param s The series' demand, levels, start stock and buying terms.
 * @param startDay Day number of day 0 (for delivery weekdays).
 * @param daily When given, filled with the day-by-day sold, lost and end stock (length = days).
 * @throws on a level array of the wrong length, a negative start stock or demand, or bad terms
 *   (see orderQuantity and arrivalDay).
 */
export function simulate(s: ReplaySeries, startDay: number, daily?: ReplayDaily): ReplayResult {
  check(s);
  const n = s.demand.length;
  // arrivals[t] = units arriving on the morning of day t; past the window they stay on order
  const arrivals = new Float64Array(n);
  let onHand = s.startStock;
  let onOrder = 0;
  let demand = 0;
  let sold = 0;
  let stockSum = 0;
  let stockoutDays = 0;
  let orders = 0;
  let unitsOrdered = 0;
  let cycles = 0;
  let cyclesShort = 0;
  let cycleLost = false;
  let inCycle = false;
  for (let t = 0; t < n; t++) {
    if (arrivals[t] > 0) {
      onHand += arrivals[t];
      onOrder -= arrivals[t];
    }
    const level = s.orderUpTo[t];
    if (Number.isFinite(level)) {
      if (inCycle) {
        cycles++;
        if (cycleLost) cyclesShort++;
      }
      inCycle = true;
      cycleLost = false;
      const q = orderQuantity(onHand + onOrder, level, s.packSize, s.minOrderQty);
      if (q > 0) {
        orders++;
        unitsOrdered += q;
        const at = arrivalDay(startDay + t, s.leadTimeDays, s.schedule) - startDay;
        if (at === t) onHand += q;
        else {
          onOrder += q;
          if (at < n) arrivals[at] += q;
        }
      }
    }
    const d = s.demand[t];
    const served = d < onHand ? d : onHand;
    onHand -= served;
    demand += d;
    sold += served;
    const lostToday = d - served;
    if (lostToday > 0) {
      stockoutDays++;
      cycleLost = true;
    }
    stockSum += onHand;
    if (daily) {
      daily.sold[t] = served;
      daily.lost[t] = lostToday;
      daily.endStock[t] = onHand;
    }
  }
  if (inCycle) {
    cycles++;
    if (cycleLost) cyclesShort++;
  }
  const avgStock = n > 0 ? stockSum / n : 0;
  return replayResult({ days: n, demand, sold, cycles, cyclesShort, stockoutDays, avgStock, avgStockValue: avgStock * s.unitValue, orders, unitsOrdered, endStock: onHand, endOnOrder: onOrder });
}

/** A result from its sums: lost units, fill rate and cycle service derived (module comment). */
function replayResult(x: Omit<ReplayResult, 'lost' | 'fillRate' | 'cycleService'>): ReplayResult {
  // the fields listed rather than spread: the calibration's bisections make tens of thousands
  return {
    days: x.days,
    demand: x.demand,
    sold: x.sold,
    cycles: x.cycles,
    cyclesShort: x.cyclesShort,
    stockoutDays: x.stockoutDays,
    avgStock: x.avgStock,
    avgStockValue: x.avgStockValue,
    orders: x.orders,
    unitsOrdered: x.unitsOrdered,
    endStock: x.endStock,
    endOnOrder: x.endOnOrder,
    lost: x.demand - x.sold,
    fillRate: x.demand > 0 ? x.sold / x.demand : 1,
    cycleService: x.cycles > 0 ? 1 - x.cyclesShort / x.cycles : NaN,
  };
}

/**
 * Totals over many series: units, cycles, days, stock and orders summed; fill rate and cycle
 * service recomputed from the sums (pooled, so large sellers weigh more); stock value summed
 * over the series whose value is known (`valuedSeries` says how many).
 */
export function totalReplay(results: readonly ReplayResult[]): ReplayResult & { readonly series: number; readonly valuedSeries: number } {
  let demand = 0;
  let sold = 0;
  let cycles = 0;
  let cyclesShort = 0;
  let stockoutDays = 0;
  let avgStock = 0;
  let avgStockValue = 0;
  let valued = 0;
  let orders = 0;
  let unitsOrdered = 0;
  let endStock = 0;
  let endOnOrder = 0;
  let days = 0;
  for (const r of results) {
    demand += r.demand;
    sold += r.sold;
    cycles += r.cycles;
    cyclesShort += r.cyclesShort;
    stockoutDays += r.stockoutDays;
    avgStock += r.avgStock;
    if (Number.isFinite(r.avgStockValue)) {
      avgStockValue += r.avgStockValue;
      valued++;
    }
    orders += r.orders;
    unitsOrdered += r.unitsOrdered;
    endStock += r.endStock;
    endOnOrder += r.endOnOrder;
    days = Math.max(days, r.days);
  }
  return {
    series: results.length,
    valuedSeries: valued,
    ...replayResult({ days, demand, sold, cycles, cyclesShort, stockoutDays, avgStock, avgStockValue: valued > 0 ? avgStockValue : NaN, orders, unitsOrdered, endStock, endOnOrder }),
  };
}
