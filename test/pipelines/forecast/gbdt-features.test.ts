import { describe, expect, it } from 'vitest';
import { dayFromYmd } from '../../../pipelines/dates.js';
import type { Calendar } from '../../../pipelines/forecast/calendar.js';
import { gbdtFeatureNames, gbdtRows, MISSING, type GbdtSeries } from '../../../pipelines/forecast/gbdt-features.js';

// a Monday; the series covers 400 days from it: 2 a day, 4 a day over its last 7 days
const start = dayFromYmd(2016, 1, 4);
const demand = Float64Array.from({ length: 400 }, (_, i) => (i >= 393 ? 4 : 2));
const price = Float64Array.from({ length: 400 }, (_, i) => (i === 399 ? 1.2 : 1));
const len = 500;
const national = new Array<number>(len).fill(0);
national[401] = 1; // the second day after the last
const snap = new Array<number>(len).fill(0);
snap[400] = 1;
const calendar: Calendar = { start, event: national, eventTypes: { national }, snap: { CA: snap } };
const series: GbdtSeries = { demand, price, start, snap, codes: [3, 1, 2] };
const names = gbdtFeatureNames(calendar);

describe('gbdt rows', () => {
  it('features at the last day, h = 1 and 2, by hand', () => {
    const r = gbdtRows([series], calendar, [start + 399], 2);
    expect(r.n).toBe(2);
    expect(r.p).toBe(names.length);
    const v = (row: number, name: string): number => r.x[row * r.p + names.indexOf(name)];
    const scale = (21 * 2 + 7 * 4) / 28; // 2.5
    expect(r.scale[0]).toBeCloseTo(scale, 12);
    expect([v(0, 'horizon'), v(1, 'horizon')]).toEqual([1, 2]);
    expect([v(0, 'weekday'), v(1, 'weekday')]).toEqual([400 % 7, 401 % 7]); // Monday = 0
    expect(v(0, 'day_of_month')).toBe(new Date(Date.UTC(2016, 0, 4 + 400)).getUTCDate());
    expect([v(0, 'event_national'), v(1, 'event_national')]).toEqual([0, 1]);
    expect([v(0, 'event_tomorrow'), v(1, 'event_tomorrow')]).toEqual([1, 0]);
    expect([v(0, 'snap'), v(1, 'snap')]).toEqual([1, 0]);
    expect(v(0, 'mean7')).toBeCloseTo(4 / scale, 12);
    expect(v(0, 'mean28')).toBeCloseTo(1, 12);
    expect(v(0, 'mean91')).toBeCloseTo((84 * 2 + 28) / 91 / scale, 12);
    // the same weekday as day 400: days 393 (4), 386, 379, 372 (2 each)
    expect(v(0, 'same_weekday4')).toBeCloseTo(10 / 4 / scale, 12);
    expect(v(0, 'lag364')).toBeCloseTo(2 / scale, 12);
    expect(v(0, 'zeros28')).toBe(0);
    expect(v(0, 'days_since_sale')).toBe(0);
    expect(v(0, 'price_rel28')).toBeCloseTo(1.2 / (28.2 / 28), 12);
    expect(v(0, 'log_level')).toBeCloseTo(Math.log1p(2.5), 12);
    expect([v(0, 'department'), v(0, 'category'), v(0, 'store')]).toEqual([3, 1, 2]);
    // a year before: days 8..35 and 36..63 sold 2 a day each
    expect(v(0, 'year_ago_ramp')).toBe(1);
    expect(v(0, 'same_date_last_year')).toBeCloseTo(2 / scale, 12);
    // targets beyond the data are NaN
    expect(Number.isNaN(r.y[0])).toBe(true);
  });

  it('an earlier origin: target = y / scale, zeros and days since the last sale', () => {
    const zeros = Float64Array.from(demand);
    zeros.fill(0, 380, 390); // 10 days without a sale up to day 389
    const r = gbdtRows([{ ...series, demand: zeros }], calendar, [start + 389], 3);
    const v = (row: number, name: string): number => r.x[row * r.p + names.indexOf(name)];
    const scale = (18 * 2) / 28;
    expect(r.scale[0]).toBeCloseTo(scale, 12);
    expect(v(0, 'zeros28')).toBeCloseTo(10 / 28, 12);
    expect(v(0, 'days_since_sale')).toBe(10);
    expect(r.y[0]).toBeCloseTo(2 / scale, 12); // day 390
    expect(r.y[2]).toBeCloseTo(2 / scale, 12); // day 392
  });

  it("diff scale: the root mean squared change over the year to the origin (the RMSSE's scale)", () => {
    const r = gbdtRows([series], calendar, [start + 399], 1, 0.1, 'diff');
    // days 36..399: one change of 2 (day 393), 364 days
    const scale = Math.sqrt(4 / 364);
    expect(r.scale[0]).toBeCloseTo(scale, 12);
    expect(r.x[names.indexOf('mean7')]).toBeCloseTo(4 / scale, 10);
    // a flat series has no change: the floor
    expect(gbdtRows([{ ...series, demand: new Float64Array(400).fill(3) }], calendar, [start + 399], 1, 0.25, 'diff').scale[0]).toBe(0.25);
  });

  it('a dead series: the scale is the floor', () => {
    const r = gbdtRows([{ ...series, demand: new Float64Array(400) }], calendar, [start + 300], 1, 0.5);
    expect(r.scale[0]).toBe(0.5);
    expect(r.x[names.indexOf('days_since_sale')]).toBe(301);
    // under 391 days of history: no ramp a year before, no value 364 days before day 301
    expect(r.x[names.indexOf('year_ago_ramp')]).toBe(MISSING);
    expect(r.x[names.indexOf('lag364')]).toBe(MISSING);
  });
});
