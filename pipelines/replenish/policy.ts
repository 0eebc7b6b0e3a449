/**
 * The reorder policy of one series at one order day: safety stock, reorder point and
 * order-up-to level that keep a service promise, a cycle service level or a fill rate.
 *
 * Policy: periodic review, order-up-to (R, S). Every R days (the review period) the buyer looks
 * at the stock position (on hand + on order) and, when it is below S, orders up to S in whole
 * packs of at least the minimum order quantity (pipelines/replenish/order-quantity.ts). An order
 * placed on day d arrives on A(d) = the first delivery weekday on or after d + L
 * (pipelines/replenish/delivery.ts). What is ordered today must last until the next order
 * arrives, so the protection interval is P = A(d + R) - d days, the effective lead time
 * Le = A(d) - d, and
 * - order-up-to S: the smallest level meeting the target over the protection interval;
 * - safety stock SS = S - E[D_P], never below 0 (stock below the expected demand is not offered);
 * - reorder point ROP = E[D_Le] + SS: with stock under it an order today is expected to arrive
 *   after stock has fallen into the safety stock.
 *
 * Targets (backorder formulas, Silver, Pyke & Thomas 2017, §6.9 (R, S) systems and §6.7.2):
 * - cycle service level α: P(D_P <= S) >= α;
 * - fill rate β: 1 - ESC(S) / Q >= β, where ESC(S) = E[(D_P - S)+] - E[(D_Le - S)+] is the
 *   expected shortage in one replenishment cycle (Hadley & Whitin's exact form for (R, S); the
 *   textbook drops the second term) and Q = max(E[D_P] - E[D_Le], minimum order quantity, pack
 *   size) the expected units per order. With a normal D, E[(D - S)+] = σ·G((S - μ)/σ).
 * Lead-time variability (lead_time_sd_days σ_L > 0): the lead time takes the whole values
 * L - 3σ_L ... L + 3σ_L (at least 0) with normal weights, each giving its own Le and P, and the
 * distributions above are the weighted mixtures: demand and lead-time variability both count.
 *
 * Demand distribution (method), with the spread of demand over n days measured on the series'
 * last year of sales (pipelines/replenish/demand-distribution.ts `HistorySpread`) when it holds
 * at least 4 non-overlapping windows of the longest protection interval after its first 28 days:
 * - `empirical` for intermittent and lumpy series: demand over n days = forecast sum + one of the
 *   history's n-day errors, equally likely, at least 0 (skewed, with mass at zero: no normal
 *   approximation);
 * - `normal` otherwise: mean = forecast sum, sd = the history's n-day error sd; with a shorter
 *   history the forecast's own sd of the n-day sum error (`leadTimeSd`, from the backtest, or the
 *   Poisson-floored cold-start sd), for intermittent and lumpy series too (`spread` says which);
 * - `none` for a series without sales: every level 0.
 *
 * A segment's calibrated safety factor shift Δ (pipelines/replenish/replay/calibrate.ts) moves S by
 * Δ·sd(D_P) before the safety stock floor.
 */
import type { DemandClass } from '../forecast/classify.js';
import { arrivalDay, type DeliverySchedule } from './delivery.js';
import { HistorySpread, mixture, normalCdf, normalExcess, pmfCdf, pmfExcess, pmfMean, pmfSd, type Pmf } from './demand-distribution.js';
import { demandSum, type DemandForecast } from './demand-forecast.js';
import type { ServiceType } from './inputs/items.js';
import { maxOf } from '../stats.js';

/** How one series is bought. */
export interface ServicePolicy {
  /** Supplier lead time, whole days >= 0. */
  readonly leadTimeDays: number;
  /** Standard deviation of the lead time, days (0 = fixed). */
  readonly leadTimeSdDays: number;
  /** Days between reviews, whole days >= 1. */
  readonly reviewPeriodDays: number;
  /** Target, strictly between 0 and 1. */
  readonly serviceTarget: number;
  readonly serviceType: ServiceType;
  /** Orders are whole multiples of this (units >= 1). */
  readonly packSize: number;
  /** Smallest order, units >= 0. */
  readonly minOrderQty: number;
  readonly schedule: DeliverySchedule;
}

/** Which demand distribution a policy used. */
export type PolicyMethod = 'normal' | 'empirical' | 'none';

/** Where the spread of demand came from: the year of sales, the forecast's backtest, or nowhere (no sales). */
export type SpreadSource = 'history' | 'backtest' | 'none';

/** The levels of one series at one order day (units unless said). */
export interface PolicyLevels {
  readonly method: PolicyMethod;
  readonly spread: SpreadSource;
  /** Day an order placed on the order day arrives (at the mean lead time). */
  readonly arrival: number;
  /** Effective lead time Le = arrival - order day, days. */
  readonly leadDays: number;
  /** Protection interval P, days. */
  readonly protectionDays: number;
  /** E[D_Le]. */
  readonly leadTimeDemand: number;
  /** E[D_P]. */
  readonly protectionDemand: number;
  /** Q, expected units per order. */
  readonly cycleDemand: number;
  /** sd(D_P), the unit of the safety factor. */
  readonly sd: number;
  readonly safetyStock: number;
  /** The level meeting the target, before the shift and the safety stock floor. */
  readonly targetLevel: number;
  /** SS / sd (NaN when sd is 0). */
  readonly safetyFactor: number;
  readonly reorderPoint: number;
  readonly orderUpTo: number;
}

const SKEWED: readonly DemandClass[] = ['intermittent', 'lumpy'];

/** The distribution and spread source for a forecast whose longest protection interval is `maxDays` (module comment). */
export function policyMethod(f: DemandForecast, spread: HistorySpread, maxDays: number): { method: PolicyMethod; spread: SpreadSource } {
  if (f.demandClass === 'none') return { method: 'none', spread: 'none' };
  if (!spread.covers(maxDays)) return { method: 'normal', spread: 'backtest' };
  return { method: SKEWED.includes(f.demandClass) ? 'empirical' : 'normal', spread: 'history' };
}

/** Whole lead times and their weights: L alone, or the whole days of L ± 3σ_L (at least 0) with the normal mass within half a day of each, the tails at the ends (module comment). */
export function leadTimeOutcomes(lead: number, sd: number): { days: number; weight: number }[] {
  if (!(sd > 0)) return [{ days: lead, weight: 1 }];
  const lo = Math.max(0, Math.floor(lead - 3 * sd));
  const hi = Math.ceil(lead + 3 * sd);
  const out: { days: number; weight: number }[] = [];
  let total = 0;
  for (let d = lo; d <= hi; d++) {
    // each whole day takes the normal mass within half a day of it; the tails go to the end days
    const w = (d === hi ? 1 : normalCdf((d + 0.5 - lead) / sd)) - (d === lo ? 0 : normalCdf((d - 0.5 - lead) / sd));
    if (w > 0) {
      out.push({ days: d, weight: w });
      total += w;
    }
  }
  return out.map((o) => ({ days: o.days, weight: o.weight / total }));
}

/** One lead-time outcome's intervals and demand. */
interface Outcome {
  readonly weight: number;
  readonly le: number;
  readonly p: number;
  readonly meanLe: number;
  readonly meanP: number;
  readonly sdLe: number;
  readonly sdP: number;
}

/** The service measure of a level S: its cycle service or fill rate. */
type Service = (s: number) => number;

function checkPolicy(p: ServicePolicy): void {
  const bad = (what: string, v: number) => new Error(`policyLevels needs ${what}, got ${v}`);
  if (!Number.isInteger(p.leadTimeDays) || p.leadTimeDays < 0) throw bad('a lead time of whole days >= 0', p.leadTimeDays);
  if (!(p.leadTimeSdDays >= 0)) throw bad('a lead-time sd >= 0', p.leadTimeSdDays);
  if (!Number.isInteger(p.reviewPeriodDays) || p.reviewPeriodDays < 1) throw bad('a review period of whole days >= 1', p.reviewPeriodDays);
  if (!(p.serviceTarget > 0 && p.serviceTarget < 1)) throw bad('a service target strictly between 0 and 1', p.serviceTarget);
  if (!Number.isInteger(p.packSize) || p.packSize < 1) throw bad('a pack size of whole units >= 1', p.packSize);
  if (!(p.minOrderQty >= 0)) throw bad('a minimum order quantity >= 0', p.minOrderQty);
}

/**
 * The policy levels of one series for an order placed on `orderDay` (rules in the module
 * comment).
 *
 * @param f The forecast in days; index 0 = `orderDay`.
 * @param policy How the series is bought.
 * @param orderDay Day number of the order.
 * @param shift Safety factor shift Δ of the series' segment (0 = none).
 * @param history The spread of `f.history`: a caller pricing many order days from one forecast
 *   (the replay) passes one, whose n-day errors are then measured once.
 * @throws when a policy setting is out of range.
 */
export function policyLevels(f: DemandForecast, policy: ServicePolicy, orderDay: number, shift = 0, history?: HistorySpread): PolicyLevels {
  checkPolicy(policy);
  const { reviewPeriodDays: R, schedule } = policy;
  history ??= new HistorySpread(f.history);
  const lead = leadTimeOutcomes(policy.leadTimeDays, policy.leadTimeSdDays).map(({ days, weight }) => ({
    weight,
    le: arrivalDay(orderDay, days, schedule) - orderDay,
    p: arrivalDay(orderDay + R, days, schedule) - orderDay,
  }));
  const maxP = maxOf(lead.map((o) => o.p));
  const { method, spread } = policyMethod(f, history, maxP);
  const sdOver = (days: number, modelSd: number) => (days === 0 ? 0 : spread === 'history' ? history.sd(days) : modelSd);
  const outcomes: Outcome[] = lead.map(({ weight, le, p }) => {
    const a = demandSum(f, le);
    const b = demandSum(f, p);
    return { weight, le, p, meanLe: a.demand, meanP: b.demand, sdLe: sdOver(le, a.sd), sdP: sdOver(p, b.sd) };
  });
  const mean = (g: (o: Outcome) => number) => outcomes.reduce((s, o) => s + o.weight * g(o), 0);
  const meanLe = mean((o) => o.meanLe);
  const meanP = mean((o) => o.meanP);
  const cycleDemand = Math.max(meanP - meanLe, policy.minOrderQty, policy.packSize);
  const arrival = arrivalDay(orderDay, policy.leadTimeDays, schedule);
  const base = {
    method,
    spread,
    arrival,
    leadDays: arrival - orderDay,
    protectionDays: arrivalDay(orderDay + R, policy.leadTimeDays, schedule) - orderDay,
    leadTimeDemand: meanLe,
    protectionDemand: meanP,
    cycleDemand,
  };
  if (method === 'none' || meanP <= 0) {
    return { ...base, sd: 0, targetLevel: 0, safetyStock: 0, safetyFactor: NaN, reorderPoint: 0, orderUpTo: 0 };
  }
  if (method === 'empirical') {
    const step = history.gridStep(maxP);
    const dP: Pmf = mixture(outcomes.map((o) => ({ weight: o.weight, pmf: history.demandOver(o.p, o.meanP, step) })));
    const dLe: Pmf = mixture(outcomes.map((o) => ({ weight: o.weight, pmf: o.le === 0 ? { offset: 0, step, p: Float64Array.of(1) } : history.demandOver(o.le, o.meanLe, step) })));
    const service: Service = policy.serviceType === 'cycle' ? (s) => pmfCdf(dP, s) : (s) => 1 - (pmfExcess(dP, s) - pmfExcess(dLe, s)) / cycleDemand;
    // the distribution's own mean (clipping at zero lifts it a little) is the expected demand
    return finish(base, policy.serviceTarget, service, pmfSd(dP), dP.offset + (dP.p.length - 1) * dP.step, step, pmfMean(dP), shift);
  }
  const sd = Math.sqrt(mean((o) => o.sdP * o.sdP + (o.meanP - meanP) ** 2));
  const service: Service =
    policy.serviceType === 'cycle'
      ? (s) => mean((o) => (o.sdP > 0 ? normalCdf((s - o.meanP) / o.sdP) : s >= o.meanP ? 1 : 0))
      : (s) => 1 - mean((o) => normalExcess(o.meanP, o.sdP, s) - normalExcess(o.meanLe, o.sdLe, s)) / cycleDemand;
  const hi = maxOf(outcomes.map((o) => o.meanP + 10 * o.sdP)) + cycleDemand;
  return finish(base, policy.serviceTarget, service, sd, hi, 0, meanP, shift);
}

/** Solve for S, apply the shift and the floor, and derive SS and ROP. */
function finish(
  base: Omit<PolicyLevels, 'sd' | 'targetLevel' | 'safetyStock' | 'safetyFactor' | 'reorderPoint' | 'orderUpTo'>,
  target: number,
  service: Service,
  sd: number,
  hi: number,
  grid: number,
  expected: number,
  shift: number,
): PolicyLevels {
  let s: number;
  if (grid > 0) {
    // discrete: the smallest grid value meeting the target
    s = 0;
    while (s < hi && service(s) < target) s += grid;
  } else {
    let lo = 0;
    let up = Math.max(hi, 1);
    if (service(lo) >= target) up = lo;
    for (let it = 0; it < 100 && up - lo > 1e-6 * Math.max(1, up); it++) {
      const mid = 0.5 * (lo + up);
      if (service(mid) >= target) up = mid;
      else lo = mid;
    }
    s = up;
  }
  const shifted = s + shift * sd;
  const safetyStock = Math.max(0, shifted - expected);
  const orderUpTo = expected + safetyStock;
  return {
    ...base,
    protectionDemand: expected,
    sd,
    targetLevel: s,
    safetyStock,
    safetyFactor: sd > 0 ? safetyStock / sd : NaN,
    reorderPoint: base.leadTimeDemand + safetyStock,
    orderUpTo,
  };
}
