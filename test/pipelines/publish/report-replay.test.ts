import { describe, expect, it } from 'vitest';
import { policyName, replaySection, segmentName } from '../../../pipelines/publish/report-replay.js';
import type { RunReplaySummary } from '../../../pipelines/replenish/replay/run-replay.js';

const REPLAYED: RunReplaySummary = {
  status: 'replayed',
  note: 'The proposed order policy was replayed day by day on the 13 weeks of sales from 2015-12-28 to 2016-03-27 (280 items).',
  weeks: 13,
  calibrationWeeks: 13,
  firstDate: '2015-12-28',
  lastDate: '2016-03-27',
  calibrationFirstDate: '2015-09-28',
  series: 280,
  seriesLeftOut: 0,
  policies: [
    { policy: 'proposed', fillRate: 0.9777, cycleService: 0.9604, lostUnits: 2686, stockoutDays: 276, avgStock: 15374.64, avgStockValue: 33708.33, orders: 2282 },
    { policy: 'proposed_uncalibrated', fillRate: 0.9817, cycleService: 0.9654, lostUnits: 2204, stockoutDays: 245, avgStock: 16417.46, avgStockValue: 35607.94, orders: 2284 },
    { policy: 'simple_3w', fillRate: 0.9574, cycleService: 0.919, lostUnits: 5140, stockoutDays: 640, avgStock: 15793.82, avgStockValue: 34455.3, orders: 2209 },
    { policy: 'simple_matched_32.05d', fillRate: 0.9777, cycleService: 0.9701, lostUnits: 2684, stockoutDays: 273, avgStock: 30931.89, avgStockValue: 65168.08, orders: 2039 },
  ],
  calibration: [{ segment: 'smooth/cycle', target: 0.95, before: 0.9684, after: 0.9608, shift: -0.2578, reached: true }],
  shifts: { 'smooth/cycle': -0.2578 },
};

describe('replaySection: "Would this policy have worked?"', () => {
  const html = replaySection(REPLAYED);
  const text = html.replace(/<[^>]+>/g, ' ');
  it('says in words what the policy achieved, with dates with weekday and year and rounded numbers', () => {
    expect(html).toContain('<h2>Would this policy have worked?</h2>');
    expect(text).toContain('Over the last 13 weeks (Mon 2015-12-28 to Sun 2016-03-27)');
    expect(text).toContain('served 97.8% of the units customers asked for');
    expect(text).toContain('96.0% of order cycles');
    expect(text).toContain('2,686 units would have been lost on 276 item-days');
    expect(text).toContain('averaged 15,375 units (33,708 in value)');
    expect(text).toContain('this list serves more with less stock');
    expect(text).toContain('ordering up to 3 weeks of average sales, would have served 95.7% holding 15,794 units');
    expect(text).toContain('that rule would need 32 days of average sales: 30,932 units on average');
  });
  it('shows the tuning of the safety stock before and after, in words', () => {
    expect(text).toContain('steady sellers, order cycles without running out');
    expect(text).toContain('96.8%');
    expect(text).toContain('−0.26 sd');
    expect(text).toContain('This order list uses the tuned safety stock');
  });
  it('says when a measured raise was not applied (a run replay applies only the lowering shifts)', () => {
    const raised: RunReplaySummary = {
      ...REPLAYED,
      calibration: [...REPLAYED.calibration!, { segment: 'intermittent/cycle', target: 0.95, before: 0.9084, after: 0.9505, shift: 1.5781, reached: true }],
      shifts: { 'smooth/cycle': -0.2578, 'intermittent/cycle': 0 },
    };
    const t = replaySection(raised).replace(/<[^>]+>/g, ' ');
    expect(t).toContain('+1.58 sd measured, not applied (see below)');
    expect(t).toContain('−0.26 sd');
    expect(t).not.toContain('−0.26 sd measured');
  });
  it('uses no camelCase key or raw policy code as a label', () => {
    expect(text).not.toMatch(/\b[a-z]+[A-Z][a-zA-Z]*\b/);
    expect(text).not.toMatch(/simple_|proposed_|fill_rate|smooth\/cycle/);
  });
  it('says why when there was no replay, and nothing for runs made before it existed', () => {
    const skipped = replaySection({ status: 'skipped', weeks: 13, note: 'The order policy was not replayed on past sales: the sales are weekly totals.' });
    expect(skipped).toContain('Would this policy have worked?');
    expect(skipped).toContain('the sales are weekly totals');
    expect(replaySection(undefined)).toBe('');
  });
  it('names policies and segments in words', () => {
    expect(policyName('simple_3w')).toBe('order up to 3 weeks of average sales (a simple rule)');
    expect(segmentName('lumpy/fill_rate')).toBe('occasional sellers in bursts, share of units served');
  });
});
