import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../../../pipelines/forecast/intervals.js';
import { ANY_DAY } from '../../../../pipelines/replenish/delivery.js';
import type { StageForecast } from '../../../../pipelines/replenish/demand-forecast.js';
import type { ServicePolicy } from '../../../../pipelines/replenish/policy.js';
import { achieved, calibrateShifts, lowerBound, segmentPlan } from '../../../../pipelines/replenish/replay/calibrate.js';
import { planReplay, proposedLevels, runReplay, segmentSeries, sumSegment, type ReplaySubject } from '../../../../pipelines/replenish/replay/replay.js';

describe('lowerBound (ratio estimator, hand-computed)', () => {
  it('is R - z·se with se² = n/(n-1)·Σ(a - R·b)² / (Σb)²', () => {
    // sold 10 of 10 and 16 of 20: R = 26/30; residuals 10 - 8.667 = 1.333 and 16 - 17.333 = -1.333
    // se = sqrt(2 · 3.5556) / 30 = 0.088889; z(0.9) = 1.2815516
    const f = { demand: Float64Array.of(10, 20), sold: Float64Array.of(10, 16), cycles: Float64Array.of(0, 0), cyclesShort: Float64Array.of(0, 0) };
    expect(lowerBound('smooth/fill_rate', f, 0.9)).toBeCloseTo(26 / 30 - 1.2815516 * 0.0888889, 6);
    // no spread of the ratio between series: the bound is the ratio
    const even = { ...f, sold: Float64Array.of(9, 18) };
    expect(lowerBound('smooth/fill_rate', even, 0.9)).toBeCloseTo(0.9, 12);
    // cycle service: 3 of 4 and 4 of 4 cycles without a lost sale
    const cyc = { ...f, cycles: Float64Array.of(4, 4), cyclesShort: Float64Array.of(1, 0) };
    expect(lowerBound('smooth/cycle', cyc, 0.9)).toBeCloseTo(7 / 8 - normalQuantile(0.9) * Math.sqrt(2 * (0.5 ** 2 + 0.5 ** 2)) / 8, 9);
  });
});

/** Poisson(λ) counts from a small deterministic generator. */
function poissonSeries(n: number, lambda: number, seed: number): number[] {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    let k = 0;
    let p = Math.exp(-lambda);
    let c = p;
    const x = u();
    while (x > c) {
      k++;
      p *= lambda / k;
      c += p;
    }
    out.push(k);
  }
  return out;
}

const START = 10000;
const POLICY: ServicePolicy = { leadTimeDays: 3, leadTimeSdDays: 0, reviewPeriodDays: 7, serviceTarget: 0.95, serviceType: 'fill_rate', packSize: 1, minOrderQty: 0, schedule: ANY_DAY };
const subjects: ReplaySubject[] = Array.from({ length: 30 }, (_, i) => ({ store: 'S', sku: `A${i}`, start: START, demand: poissonSeries(600, 2 + (i % 5), 7 + i), policy: POLICY, unitValue: 1 }));

/** A trailing-mean forecast scaled by `bias`, with the year of sales before the origin. */
function biased(bias: number) {
  return (end: number): StageForecast[] =>
    subjects.map((s) => {
      const i = end - s.start;
      let m = 0;
      for (let d = i - 27; d <= i; d++) m += s.demand[d];
      m = (bias * m) / 28;
      return { mean: new Array(28).fill(m), leadTimeSd: Array.from({ length: 28 }, (_, k) => Math.sqrt((k + 1) * m)), recentSales: Array.from(s.demand).slice(i - 391, i + 1), demandClass: 'smooth' };
    });
}

describe('calibrateShifts', () => {
  const window = { first: START + 450, days: 91, refitDays: 7, bucketDays: 1 };
  it('raises the safety factor of a segment that misses its target until it meets it', () => {
    const plan = planReplay(subjects, window, biased(0.7));
    const cal = calibrateShifts(plan);
    const seg = cal.segments[0];
    expect(seg.segment).toBe('smooth/fill_rate');
    expect(seg.before).toBeLessThan(0.95);
    expect(cal.shifts['smooth/fill_rate']).toBeGreaterThan(0);
    expect(seg.after).toBeGreaterThanOrEqual(0.95);
    expect(seg.reached).toBe(true);
    // the same figure from a fresh replay with the shifts
    const f = segmentSeries(plan, runReplay(plan, proposedLevels(plan, cal.shifts))).get('smooth/fill_rate')!;
    let sold = 0;
    let demand = 0;
    for (let i = 0; i < f.demand.length; i++) (sold += f.sold[i]), (demand += f.demand[i]);
    expect(achieved('smooth/fill_rate', { demand, sold, cycles: 0, cyclesShort: 0 })).toBeCloseTo(seg.after, 12);
  });
  it('lowers an overshooting segment only as far as the target still holds with confidence', () => {
    const plan = planReplay(subjects, window, biased(1.5));
    const cal = calibrateShifts(plan);
    const seg = cal.segments[0];
    expect(seg.before).toBeGreaterThan(0.97);
    const shift = cal.shifts['smooth/fill_rate']!;
    expect(shift).toBeLessThan(0);
    const f = segmentSeries(plan, runReplay(plan, proposedLevels(plan, cal.shifts))).get('smooth/fill_rate')!;
    expect(lowerBound('smooth/fill_rate', f, 0.9)).toBeGreaterThanOrEqual(0.95);
    expect(seg.after).toBeGreaterThan(0.95);
  });
  it('checks its settings', () => {
    const plan = planReplay(subjects.slice(0, 2), window, (e) => biased(1)(e).slice(0, 2));
    expect(() => calibrateShifts(plan, { lo: 1 })).toThrow(/lo <= 0/);
    expect(() => calibrateShifts(plan, { confidence: 1 })).toThrow(/confidence/);
  });
});

describe('segmentPlan (the subjects of one segment, for its bisection)', () => {
  const window = { first: START + 450, days: 91, refitDays: 7, bucketDays: 1 };
  // a third of the series forecast as intermittent: two segments, each series in one
  const mixed = (end: number): StageForecast[] => biased(0.9)(end).map((f, i) => (i % 3 === 0 ? { ...f, demandClass: 'intermittent' } : f));
  it('keeps exactly the subjects with a day of the segment, in order', () => {
    const plan = planReplay(subjects, window, mixed);
    const sub = segmentPlan(plan, 'intermittent/fill_rate');
    expect(sub.subjects.map((s) => s.sku)).toEqual(subjects.filter((_, i) => i % 3 === 0).map((s) => s.sku));
    expect(sub.base).toEqual(plan.base.filter((_, i) => i % 3 === 0));
    expect(segmentPlan(plan, 'smooth/fill_rate').subjects).toHaveLength(20);
  });
  it('gives the segment the same figures and bound as the whole plan, to the last bit', () => {
    const plan = planReplay(subjects, window, mixed);
    for (const shifts of [{}, { 'smooth/fill_rate': 0.7, 'intermittent/fill_rate': -0.4 }]) {
      const whole = segmentSeries(plan, runReplay(plan, proposedLevels(plan, shifts)));
      for (const seg of ['smooth/fill_rate', 'intermittent/fill_rate'] as const) {
        const sub = segmentPlan(plan, seg);
        const part = segmentSeries(sub, runReplay(sub, proposedLevels(sub, shifts))).get(seg)!;
        expect(sumSegment(part)).toEqual(sumSegment(whole.get(seg)!));
        expect(lowerBound(seg, part, 0.9)).toBe(lowerBound(seg, whole.get(seg)!, 0.9));
      }
    }
  });
});
