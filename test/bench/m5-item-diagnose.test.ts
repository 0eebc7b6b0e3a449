import { describe, expect, it } from 'vitest';
import { profiled, spearman, volumeBand, weekdayProfile } from '../../bench/m5-item-diagnose.js';
import { ewmaLevel, groupSums, leaveOut, shapeOf, trailingMean } from '../../bench/m5-item-headroom.js';
import type { SeriesData } from '../../pipelines/types.js';

describe('m5-item-diagnose helpers', () => {
  it('puts mean daily sales in bands with the lower edge inclusive', () => {
    expect([0, 0.49, 0.5, 1.99, 2, 4.9, 5, 19.9, 20, 300].map(volumeBand)).toEqual([
      'a <0.5', 'a <0.5', 'b 0.5-2', 'b 0.5-2', 'c 2-5', 'c 2-5', 'd 5-20', 'd 5-20', 'e 20+', 'e 20+',
    ]);
  });

  it('computes Spearman rank correlation: 1 for the same order, -1 reversed, and a hand-computed middle case', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    // ranks x 0,1,2,3; y ranks 1,0,2,3: d² = 1+1 = 2; 1 - 6·2 / (4·15) = 0.8
    expect(spearman([1, 2, 3, 4], [0.2, 0.1, 0.3, 0.4])).toBeCloseTo(0.8, 12);
  });

  it('measures a weekday profile from a history whose next day is firstDow', () => {
    // 14 days ending the day before a Wednesday (2): the last day is a Tuesday (1).
    // Sales 7 on Mondays (0), 0 on other days: Monday's share 14 of 14 -> 7 × 14 / 14 = 7.
    const h = new Float64Array(14);
    h[12] = 7; // Monday: the day before the last (Tuesday)
    h[5] = 7; // a week earlier
    const p = weekdayProfile(h, 2);
    expect(Array.from(p)).toEqual([7, 0, 0, 0, 0, 0, 0]);
    // no sales: every weekday 1
    expect(Array.from(weekdayProfile(new Float64Array(7), 0))).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('puts a profile on a flat forecast only, from the weekday of its first day', () => {
    const p = Float64Array.of(2, 0.5, 1, 1, 1, 1, 0.5);
    expect(Array.from(profiled(Float64Array.of(3, 3, 3), p, 6))).toEqual([1.5, 6, 1.5]);
    const shaped = Float64Array.of(1, 2, 3);
    expect(profiled(shaped, p, 0)).toBe(shaped);
    expect(profiled(Float64Array.of(3, 3), null, 0)).toEqual(Float64Array.of(3, 3));
  });
});

describe('m5-item-headroom helpers', () => {
  it('averages the trailing window, shorter at the start', () => {
    const y = [1, 2, 3, 4, 5];
    expect(trailingMean(y, 4, 2)).toBe(4.5);
    expect(trailingMean(y, 1, 7)).toBe(1.5);
  });

  it('smooths exponentially from the first value', () => {
    // l = 0; after 4: 0 + 0.5·4 = 2; after 8: 2 + 0.5·6 = 5
    expect(ewmaLevel([0, 4, 8], 2, 0.5)).toBe(5);
  });

  it('scales values by their mean, and gives 1s when the mean is 0', () => {
    expect(Array.from(shapeOf([1, 3]))).toEqual([0.5, 1.5]);
    expect(Array.from(shapeOf([0, 0]))).toEqual([1, 1]);
  });

  it('sums groups and leaves a series out of its group', () => {
    const mk = (store: string, demand: number[]): SeriesData =>
      ({ store, sku: 'x', start: 0, demand: Float64Array.from(demand) }) as unknown as SeriesData;
    // end = 27: 28 training days (all 1 or 2), then 2 held-out days
    const a = mk('S1', [...new Array<number>(28).fill(1), 3, 5]);
    const b = mk('S1', [...new Array<number>(28).fill(2), 1, 1]);
    const c = mk('S2', [...new Array<number>(28).fill(1), 0, 4]);
    const g = groupSums([a, b, c], (s) => s.store, 27, 2);
    expect(Array.from(g.next.get('S1')!)).toEqual([4, 6]);
    expect(g.last.get('S1')).toBe(84);
    expect(g.last.get('S2')).toBe(28);
    const o = leaveOut(g, 'S1', a.demand.subarray(28, 30), 28);
    expect(Array.from(o.next)).toEqual([1, 1]);
    expect(o.last).toBe(56);
  });
});
