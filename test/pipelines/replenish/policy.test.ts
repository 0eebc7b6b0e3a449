import { describe, expect, it } from 'vitest';
import { dayFromYmd } from '../../../pipelines/dates.js';
import { ANY_DAY, parseWeekdays } from '../../../pipelines/replenish/delivery.js';
import { HistorySpread, LEVEL_DAYS, pmfCdf, pmfExcess } from '../../../pipelines/replenish/demand-distribution.js';
import type { DemandForecast } from '../../../pipelines/replenish/demand-forecast.js';
import { leadTimeOutcomes, policyLevels, type ServicePolicy } from '../../../pipelines/replenish/policy.js';

const MON = dayFromYmd(2016, 3, 28);

/** 10 a day; sd of the 7-day sum 14, of the 14-day sum 20; no history (the backtest sd is used). */
function smooth(): DemandForecast {
  const sumSd = Array.from({ length: 28 }, (_, i) => 20 * Math.sqrt((i + 1) / 14));
  sumSd[6] = 14;
  return { mean: new Array(28).fill(10), sumSd, history: [], demandClass: 'smooth' };
}

const POLICY: ServicePolicy = { leadTimeDays: 7, leadTimeSdDays: 0, reviewPeriodDays: 7, serviceTarget: 0.95, serviceType: 'fill_rate', packSize: 1, minOrderQty: 0, schedule: ANY_DAY };

describe('policyLevels, normal demand (hand-computed against R)', () => {
  it('meets a fill-rate target with the (R, S) formula', () => {
    // P = L + R = 14, Le = 7, Q = 70: 1 - (20 G((S-140)/20) - 14 G((S-70)/14)) / 70 = 0.95
    // R: G <- function(k) dnorm(k)-k*pnorm(-k); uniroot(function(S) 1-(20*G((S-140)/20)-14*G((S-70)/14))/70-0.95, c(100,200))$root  # 151.5449016
    const lv = policyLevels(smooth(), POLICY, MON);
    expect(lv).toMatchObject({ method: 'normal', spread: 'backtest', leadDays: 7, protectionDays: 14, arrival: MON + 7 });
    expect(lv.orderUpTo).toBeCloseTo(151.5449016, 3);
    expect(lv.protectionDemand).toBeCloseTo(140, 9);
    expect(lv.leadTimeDemand).toBeCloseTo(70, 9);
    expect(lv.safetyStock).toBeCloseTo(11.5449016, 3);
    expect(lv.reorderPoint).toBeCloseTo(81.5449016, 3);
    // the textbook's k: G(k) = (1 - 0.95)·70/20 = 0.175 -> k = 0.5772 (second term negligible here)
    expect(lv.safetyFactor).toBeCloseTo(0.5772450792, 3);
  });
  it('meets a cycle service target: S = mean + z·sd', () => {
    const lv = policyLevels(smooth(), { ...POLICY, serviceType: 'cycle' }, MON);
    // qnorm(0.95) = 1.644853627
    expect(lv.orderUpTo).toBeCloseTo(140 + 1.644853627 * 20, 3);
  });
  it('counts a minimum order quantity in the units per cycle', () => {
    // Q = 100: uniroot(function(S) 1-(20*G((S-140)/20)-14*G((S-70)/14))/100-0.95, c(100,200))$root  # 146.8973491
    expect(policyLevels(smooth(), { ...POLICY, minOrderQty: 100 }, MON).orderUpTo).toBeCloseTo(146.8973491, 3);
  });
  it('protects until the next order arrives on a delivery day', () => {
    // order Monday, lead 1, deliveries Tue/Fri: arrives Tuesday; the next order (Monday + 7) arrives Tuesday + 7
    const lv = policyLevels(smooth(), { ...POLICY, leadTimeDays: 1, schedule: { weekdays: parseWeekdays('Tue/Fri') } }, MON);
    expect(lv).toMatchObject({ leadDays: 1, protectionDays: 8, arrival: MON + 1 });
    expect(lv.protectionDemand).toBeCloseTo(80, 9);
  });
  it('counts lead-time variability', () => {
    const w = leadTimeOutcomes(7, 1);
    expect(w.map((o) => o.days)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(w.reduce((s, o) => s + o.weight, 0)).toBeCloseTo(1, 12);
    // pnorm(0.5) - pnorm(-0.5) = 0.3829249225; the end day 10 takes the upper tail, 1 - pnorm(2.5) = 0.0062096653
    expect(w[3].weight).toBeCloseTo(0.3829249225, 9);
    expect(w[6].weight).toBeCloseTo(0.0062096653, 9);
    const fixed = policyLevels(smooth(), POLICY, MON);
    const varying = policyLevels(smooth(), { ...POLICY, leadTimeSdDays: 1 }, MON);
    expect(varying.sd).toBeGreaterThan(fixed.sd);
    expect(varying.orderUpTo).toBeGreaterThan(fixed.orderUpTo);
  });
  it('shifts S by the segment factor and never offers a negative safety stock', () => {
    const base = policyLevels(smooth(), POLICY, MON);
    expect(policyLevels(smooth(), POLICY, MON, 0.5).orderUpTo).toBeCloseTo(base.orderUpTo + 0.5 * 20, 3);
    // a 50% fill rate with a minimum order of 1000: S below the expected demand, floored there
    const low = policyLevels(smooth(), { ...POLICY, serviceTarget: 0.5, minOrderQty: 1000 }, MON);
    expect(low.targetLevel).toBeLessThan(140);
    expect(low.safetyStock).toBe(0);
    expect(low.orderUpTo).toBeCloseTo(140, 9);
  });
  it('orders nothing for a series without sales', () => {
    const lv = policyLevels({ mean: new Array(28).fill(0), sumSd: new Array(28).fill(0), history: [], demandClass: 'none' }, POLICY, MON);
    expect(lv).toMatchObject({ method: 'none', orderUpTo: 0, reorderPoint: 0, safetyStock: 0 });
  });
  it('checks the policy', () => {
    expect(() => policyLevels(smooth(), { ...POLICY, reviewPeriodDays: 0 }, MON)).toThrow(/review period/);
    expect(() => policyLevels(smooth(), { ...POLICY, serviceTarget: 1 }, MON)).toThrow(/service target/);
    expect(() => policyLevels(smooth(), { ...POLICY, packSize: 0 }, MON)).toThrow(/pack size/);
  });
});

describe('policyLevels, intermittent demand (empirical distribution)', () => {
  // a year of intermittent sales: a sale of 1 or 3 on a fifth of the days
  const history: number[] = [];
  for (let d = 0; d < 392; d++) history.push(d % 5 === 0 ? (d % 3 === 0 ? 3 : 1) : 0);
  const f: DemandForecast = { mean: new Array(28).fill(0.33), sumSd: new Array(28).fill(1), history, demandClass: 'intermittent' };
  it('uses the history, not a normal approximation, and takes the smallest level meeting the target', () => {
    const lv = policyLevels(f, POLICY, MON);
    expect(lv).toMatchObject({ method: 'empirical', spread: 'history' });
    // brute force over whole units with the same distributions
    const h = new HistorySpread(history);
    const dP = h.demandOver(14, 0.33 * 14);
    const dL = h.demandOver(7, 0.33 * 7);
    const q = Math.max(0.33 * 7, 1);
    const fill = (s: number) => 1 - (pmfExcess(dP, s) - pmfExcess(dL, s)) / q;
    let s = 0;
    while (fill(s) < 0.95) s++;
    expect(lv.targetLevel).toBe(s);
    expect(lv.orderUpTo).toBe(s);
    const cyc = policyLevels(f, { ...POLICY, serviceType: 'cycle' }, MON);
    let c = 0;
    while (pmfCdf(dP, c) < 0.95) c++;
    expect(cyc.orderUpTo).toBe(c);
  });
  it('gives the same levels from a spread the caller made once and reuses (the replay)', () => {
    const shared = new HistorySpread(history);
    for (const day of [MON, MON + 1, MON + 7]) {
      for (const p of [POLICY, { ...POLICY, serviceType: 'cycle' as const }, { ...POLICY, leadTimeSdDays: 1.5 }]) {
        expect(policyLevels(f, p, day, 0.3, shared)).toEqual(policyLevels(f, p, day, 0.3));
      }
    }
  });
  it('falls back to the normal with the backtest sd on a short history', () => {
    const short = { ...f, history: history.slice(0, LEVEL_DAYS + 30) };
    expect(policyLevels(short, POLICY, MON)).toMatchObject({ method: 'normal', spread: 'backtest' });
  });
});
