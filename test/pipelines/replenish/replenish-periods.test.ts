import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/schema.js';
import { demandOver, demandOverPeriods, replenishmentNotes, replenishmentRow, type ReplenishInput } from '../../../pipelines/replenish/replenish.js';

// weekly forecasts: 10, 20, 30 units; sd of the 1-, 2-, 3-week sums 3, 5, 6
const weekly: ReplenishInput = { store: 'S', sku: 'A', mean: [10, 20, 30], lo: {}, hi: {}, leadTimeSd: [3, 5, 6] };

describe('demandOverPeriods', () => {
  it('takes the share of a part-period: 1.5 weeks = week 1 + half of week 2, variance interpolated', () => {
    const r = demandOverPeriods(weekly, 1.5);
    expect(r.demand).toBeCloseTo(10 + 0.5 * 20, 12);
    // 3² + 0.5 (5² - 3²) = 9 + 8 = 17
    expect(r.sd).toBeCloseTo(Math.sqrt(17), 12);
    expect(demandOverPeriods(weekly, 0.25).demand).toBeCloseTo(2.5, 12);
    expect(demandOverPeriods(weekly, 0.25).sd).toBeCloseTo(Math.sqrt(0.25 * 9), 12);
    expect(demandOverPeriods(weekly, 2)).toEqual(demandOver(weekly, 2));
    expect(() => demandOverPeriods(weekly, 0)).toThrow(/positive span/);
  });
});

describe('replenishmentRow on weekly forecasts', () => {
  it('converts a 10-day lead time to 1.43 weeks without rounding it', () => {
    const settings = { leadTimeDays: 10, serviceLevel: 0.5, reviewPeriodDays: 0 };
    const row = replenishmentRow(weekly, settings, undefined, undefined, 'week');
    // z = 0 at 50%: the reorder point is the lead-time demand, 10 + (3/7)·20
    expect(row.leadTimeDays).toBe(10);
    expect(row.leadTimeDemand).toBeCloseTo(10 + (3 / 7) * 20, 9);
    expect(row.reorderPoint).toBeCloseTo(row.leadTimeDemand, 12);
  });

  it('says how each span was converted', () => {
    const r = defaultConfig().replenishment;
    expect(replenishmentNotes(r, 'day')).toEqual([]);
    expect(replenishmentNotes({ leadTimeDays: 10, reviewPeriodDays: 7 }, 'week')).toEqual([
      'lead time: 10 days = 1.43 weeks (not rounded: the demand of the part-week is that share of its forecast)',
      'review period: 7 days = 1 week',
    ]);
  });
});
