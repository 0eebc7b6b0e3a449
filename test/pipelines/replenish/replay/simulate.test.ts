import { describe, expect, it } from 'vitest';
import { dayFromYmd } from '../../../../pipelines/dates.js';
import { ANY_DAY, parseWeekdays } from '../../../../pipelines/replenish/delivery.js';
import { simulate, totalReplay, type ReplaySeries } from '../../../../pipelines/replenish/replay/simulate.js';

const N = NaN;
const MON = dayFromYmd(2016, 3, 28);

/**
 * A 10-day toy replay, computed by hand (see the table in the test): reviews every 3 days with
 * order-up-to levels 10, 8, 9, 7; lead time 2; start stock 6.
 */
const TOY: ReplaySeries = {
  demand: [3, 2, 4, 0, 5, 1, 2, 3, 0, 4],
  orderUpTo: [10, N, N, 8, N, N, 9, N, N, 7],
  startStock: 6,
  leadTimeDays: 2,
  schedule: ANY_DAY,
  packSize: 1,
  minOrderQty: 0,
  unitValue: 2,
};

describe('simulate (a 10-day toy series by hand)', () => {
  it('replays orders, arrivals, sales and lost sales day by day', () => {
    // day: arrive | review: position -> order (arrives) | demand -> sold, lost | end stock
    // 0:   -      | 6 < 10 -> 4 (day 2)   | 3 -> 3      | 3
    // 1:   -      |                       | 2 -> 2      | 1
    // 2:   +4     |                       | 4 -> 4      | 1
    // 3:   -      | 1 < 8 -> 7 (day 5)    | 0           | 1
    // 4:   -      |                       | 5 -> 1, 4 lost | 0
    // 5:   +7     |                       | 1 -> 1      | 6
    // 6:   -      | 6 < 9 -> 3 (day 8)    | 2 -> 2      | 4
    // 7:   -      |                       | 3 -> 3      | 1
    // 8:   +3     |                       | 0           | 4
    // 9:   -      | 4 < 7 -> 3 (day 11: after the window) | 4 -> 4 | 0
    const daily = { sold: new Float64Array(10), lost: new Float64Array(10), endStock: new Float64Array(10) };
    const r = simulate(TOY, MON, daily);
    expect(Array.from(daily.endStock)).toEqual([3, 1, 1, 1, 0, 6, 4, 1, 4, 0]);
    expect(Array.from(daily.lost)).toEqual([0, 0, 0, 0, 4, 0, 0, 0, 0, 0]);
    expect(r).toMatchObject({ days: 10, demand: 24, sold: 20, lost: 4, stockoutDays: 1, cycles: 4, cyclesShort: 1, orders: 4, unitsOrdered: 17, endStock: 0, endOnOrder: 3 });
    expect(r.fillRate).toBeCloseTo(20 / 24, 12);
    expect(r.cycleService).toBeCloseTo(0.75, 12);
    expect(r.avgStock).toBeCloseTo(2.1, 12);
    expect(r.avgStockValue).toBeCloseTo(4.2, 12);
  });
  it('rounds orders to packs and the minimum', () => {
    // day 0: position 6, S 10 -> need 4, packs of 5 -> 5
    const r = simulate({ ...TOY, packSize: 5, minOrderQty: 0 }, MON);
    expect(r.unitsOrdered % 5).toBe(0);
    const first = simulate({ ...TOY, demand: [0, 0, 0], orderUpTo: [10, N, N], packSize: 5, minOrderQty: 7 }, MON);
    // need 4, at least 7 -> 10 (2 packs)
    expect(first).toMatchObject({ orders: 1, unitsOrdered: 10, endStock: 16, endOnOrder: 0 });
  });
  it('puts a same-day delivery (lead time 0) on the shelf before the sales', () => {
    const r = simulate({ ...TOY, demand: [5], orderUpTo: [5], startStock: 0, leadTimeDays: 0 }, MON);
    expect(r).toMatchObject({ sold: 5, lost: 0, orders: 1 });
  });
  it('delivers on the supplier weekdays', () => {
    // Monday order, lead 1, Friday deliveries only: the Tuesday demand is lost, Friday's is served
    const r = simulate(
      { ...TOY, demand: [0, 1, 0, 0, 1], orderUpTo: [2, N, N, N, N], startStock: 0, leadTimeDays: 1, schedule: { weekdays: parseWeekdays('Fri') } },
      MON,
    );
    expect(r).toMatchObject({ lost: 1, sold: 1, endStock: 1 });
  });
  it('totals pool units, so large sellers weigh more', () => {
    const a = simulate(TOY, MON);
    const b = simulate({ ...TOY, demand: new Array(10).fill(0), unitValue: NaN }, MON);
    const t = totalReplay([a, b]);
    expect(t).toMatchObject({ series: 2, valuedSeries: 1, demand: 24, sold: 20, cycles: 8, cyclesShort: 1 });
    expect(t.fillRate).toBeCloseTo(20 / 24, 12);
    expect(t.avgStockValue).toBeCloseTo(4.2, 12);
    expect(b.fillRate).toBe(1);
  });
  it('checks its input', () => {
    expect(() => simulate({ ...TOY, orderUpTo: [1] }, MON)).toThrow(/per day/);
    expect(() => simulate({ ...TOY, startStock: -1 }, MON)).toThrow(/start stock/);
    expect(() => simulate({ ...TOY, demand: [1, -1, 0, 0, 0, 0, 0, 0, 0, 0] }, MON)).toThrow(/demand/);
  });
});
