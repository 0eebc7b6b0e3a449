import { describe, expect, it } from 'vitest';
import { ANY_DAY } from '../../../../pipelines/replenish/delivery.js';
import type { StageForecast } from '../../../../pipelines/replenish/demand-forecast.js';
import type { ServicePolicy } from '../../../../pipelines/replenish/policy.js';
import { planReplay, proposedLevels, refitOrigin, runReplay, segmentFigures, simpleLevels, type ReplaySubject } from '../../../../pipelines/replenish/replay/replay.js';

const POLICY: ServicePolicy = { leadTimeDays: 2, leadTimeSdDays: 0, reviewPeriodDays: 7, serviceTarget: 0.95, serviceType: 'cycle', packSize: 1, minOrderQty: 0, schedule: ANY_DAY };
const START = 20000;
const subject = (policy = POLICY): ReplaySubject => ({ store: 'S', sku: 'A', start: START, demand: new Array(200).fill(3), policy, unitValue: 2 });

/** A forecast of c a day with no spread, where c counts the refits: 1 for the first origin, 2 for the next, ... */
function countingForecasts(first: number, calls: number[]) {
  return (end: number): StageForecast[] => {
    calls.push(end);
    const c = 1 + (end - (first - 1)) / 7;
    return [{ mean: new Array(28).fill(c), leadTimeSd: new Array(28).fill(0), recentSales: [], demandClass: 'smooth' }];
  };
}

describe('planReplay: rolling origin without leakage', () => {
  const first = START + 100;
  it('uses, at each review, a forecast made with the sales before it', () => {
    const calls: number[] = [];
    const plan = planReplay([subject()], { first, days: 14, refitDays: 7, bucketDays: 1 }, countingForecasts(first, calls));
    // weekly reviews on days 0 and 7, refits the evening before each
    expect(calls).toEqual([first - 1, first + 6]);
    expect(plan.origins).toEqual(calls);
    // no spread: S = mean · P, P = L + R = 9
    expect(plan.base[0][0]).toBeCloseTo(9, 9);
    expect(plan.base[0][7]).toBeCloseTo(18, 9);
    expect(Number.isNaN(plan.base[0][1])).toBe(true);
    expect(plan.segment[0]).toEqual(new Array(14).fill('smooth/cycle'));
  });
  it('refits weekly under a daily review, reading each forecast from the review day on', () => {
    const calls: number[] = [];
    const plan = planReplay([subject({ ...POLICY, reviewPeriodDays: 1 })], { first, days: 14, refitDays: 7, bucketDays: 1 }, countingForecasts(first, calls));
    expect(calls).toEqual([first - 1, first + 6]);
    expect(refitOrigin(first + 6, { first, refitDays: 7 })).toBe(first - 1);
    expect(refitOrigin(first + 7, { first, refitDays: 7 })).toBe(first + 6);
    // P = 2 + 1 = 3 days at 1 a day (first week), 2 a day (second week)
    expect(plan.base[0][6]).toBeCloseTo(3, 9);
    expect(plan.base[0][7]).toBeCloseTo(6, 9);
    for (const e of calls) expect(e).toBeLessThan(first + 13);
  });
  it('refuses sales that do not cover the window and the averaging days', () => {
    expect(() => planReplay([subject()], { first: START + 10, days: 14, refitDays: 7, bucketDays: 1 }, countingForecasts(START + 10, []))).toThrow(/sales of S\/A/);
  });
});

describe('levels and replay', () => {
  const first = START + 100;
  const plan = planReplay([subject()], { first, days: 14, refitDays: 7, bucketDays: 1 }, countingForecasts(first, []));
  it('shifts by the segment factor over the expected demand, never below it', () => {
    const fake = { ...plan, base: [Float64Array.of(10)], expected: [Float64Array.of(8)], sd: [Float64Array.of(2)], segment: [['smooth/cycle' as const]] };
    expect(proposedLevels(fake, { 'smooth/cycle': 0.5 })[0][0]).toBeCloseTo(11, 12);
    expect(proposedLevels(fake, { 'smooth/cycle': -2 })[0][0]).toBeCloseTo(8, 12);
    expect(proposedLevels(fake, {})[0][0]).toBeCloseTo(10, 12);
  });
  it('gives the simple policy N days of the average of the 28 days before', () => {
    expect(simpleLevels(plan, 14)[0][0]).toBeCloseTo(42, 12);
    expect(Number.isNaN(simpleLevels(plan, 14)[0][3])).toBe(true);
    expect(() => simpleLevels(plan, 0)).toThrow(/cover/);
  });
  it('starts at the first order-up-to level and replays', () => {
    // S = 9 then 18 with 3 sold a day, lead time 2: start 9, no order on day 0
    const o = runReplay(plan, proposedLevels(plan));
    expect(o.series[0].demand).toBe(42);
    // days 0-6: 9 units last 3 days, then empty until the day-7 order (position 0 -> 18) arrives on day 9
    expect(o.series[0].sold).toBe(9 + 15);
    expect(o.series[0].orders).toBe(1);
    const seg = segmentFigures(plan, o).get('smooth/cycle')!;
    expect(seg).toEqual({ demand: 42, sold: 24, cycles: 2, cyclesShort: 2 });
  });
  it('replays sales held in a typed array as it does a plain one', () => {
    const sales = Array.from({ length: 200 }, (_, t) => (t * 7) % 5);
    const plain = planReplay([{ ...subject(), demand: sales }], { first, days: 14, refitDays: 7, bucketDays: 1 }, countingForecasts(first, []));
    const typed = planReplay([{ ...subject(), demand: Float64Array.from(sales) }], { first, days: 14, refitDays: 7, bucketDays: 1 }, countingForecasts(first, []));
    const a = runReplay(plain, proposedLevels(plain));
    expect(runReplay(typed, proposedLevels(typed))).toEqual(a);
    expect(a.series[0].demand).toBe(sales.slice(100, 114).reduce((x, y) => x + y, 0));
  });
});
