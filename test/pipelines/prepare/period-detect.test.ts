import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { dayFromYmd, dayOfWeek } from '../../../pipelines/dates.js';
import { InputError } from '../../../pipelines/errors.js';
import { decidePeriod, seriesSpacing } from '../../../pipelines/prepare/period-detect.js';

/** A series' rows as ingest marks them: observed on the given days. */
function rows(days: number[], sku = 'A', store = 'S1'): { start: number; observed: Uint8Array; store: string; sku: string } {
  const start = Math.min(...days);
  const observed = new Uint8Array(Math.max(...days) - start + 1);
  for (const d of days) observed[d - start] = 1;
  return { start, observed, store, sku };
}
const mondays = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + 7 * i);
const monthFirsts = (n: number) => Array.from({ length: n }, (_, i) => dayFromYmd(2015 + Math.floor(i / 12), (i % 12) + 1, 1));
const monthLasts = (n: number) => monthFirsts(n + 1).slice(1).map((d) => d - 1);
const settings = (over: Record<string, unknown> = {}) => parseConfig({ periods: over }).periods;
const MON = dayFromYmd(2016, 2, 22); // a Monday

describe('seriesSpacing', () => {
  it('tells days, weeks and months apart', () => {
    expect(dayOfWeek(MON)).toBe(0);
    expect(seriesSpacing(rows([MON, MON + 1, MON + 3]))?.frequency).toBe('day');
    expect(seriesSpacing(rows(mondays(MON, 5)))).toEqual({ frequency: 'week', weekday: 0, rows: 5 });
    // weeks with gaps (a slow seller whose zero weeks are not listed) are still weeks
    expect(seriesSpacing(rows([MON, MON + 21, MON + 70]))?.frequency).toBe('week');
    expect(seriesSpacing(rows(monthFirsts(6)))?.frequency).toBe('month');
    expect(seriesSpacing(rows(monthLasts(6)))?.frequency).toBe('month');
    // the 15th of each month: one row a month, at least 28 days apart
    expect(seriesSpacing(rows([1, 2, 3, 4].map((m) => dayFromYmd(2016, m, 15))))?.frequency).toBe('month');
    expect(seriesSpacing(rows([MON]))).toBeNull();
  });
});

describe('decidePeriod', () => {
  it('reads a file of Monday dates as weeks starting on Monday', () => {
    const d = decidePeriod({ kind: 'daily', series: [rows(mondays(MON, 8), 'A'), rows(mondays(MON, 8), 'B')], dateHeader: 'week' }, settings());
    expect(d.grid).toEqual({ frequency: 'week', weekStart: 0 });
    expect(d.source).toBe('detected');
    expect(d.weekDates).toBe('start');
    expect(d.reason).toMatch(/^Weekly periods, detected/);
    expect(d.warnings.map((w) => w.code)).toEqual(['non_daily_period']);
  });

  it('reads Sunday dates under a week-ending header as the last day of Monday-to-Sunday weeks', () => {
    const sundays = mondays(MON + 6, 8);
    const d = decidePeriod({ kind: 'daily', series: [rows(sundays)], dateHeader: 'Week Ending' }, settings());
    expect(d.grid).toEqual({ frequency: 'week', weekStart: 0 });
    expect(d.weekDates).toBe('end');
    // the same dates read as week starts: weeks from Sunday
    expect(decidePeriod({ kind: 'daily', series: [rows(sundays)], dateHeader: 'date' }, settings()).grid.weekStart).toBe(6);
    expect(decidePeriod({ kind: 'daily', series: [rows(sundays)], dateHeader: 'date' }, settings({ weekDates: 'end' })).grid.weekStart).toBe(0);
  });

  it('reads first-of-month and last-of-month dates as months', () => {
    for (const days of [monthFirsts(14), monthLasts(14)]) {
      const d = decidePeriod({ kind: 'daily', series: [rows(days)], dateHeader: 'date' }, settings());
      expect(d.grid.frequency).toBe('month');
    }
  });

  it('keeps a daily file daily when a few slow sellers happen to sell on one weekday', () => {
    const daily = Array.from({ length: 9 }, (_, i) => rows([MON, MON + 1, MON + 2, MON + 5], `D${i}`));
    const d = decidePeriod({ kind: 'daily', series: [...daily, rows(mondays(MON, 4), 'W')], dateHeader: 'date' }, settings());
    expect(d.grid.frequency).toBe('day');
    expect(d.warnings).toEqual([]);
  });

  it('names the series of a daily file that look like weekly or monthly totals beyond chance, and keeps the file daily', () => {
    const days = Array.from({ length: 140 }, (_, i) => MON + i);
    const daily = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6'].map((k) => rows(days, k));
    const slow = rows(mondays(MON, 7), 'SLOW'); // 7 rows on Mondays: still left alone as chance
    const roving = rows([1, 2, 3, 4, 5].map((m) => dayFromYmd(2016, m, 3 + 4 * m)), 'ROVING'); // once a month, any day
    const d = decidePeriod(
      { kind: 'daily', series: [...daily, rows(mondays(MON, 20), 'W1'), rows(mondays(MON + 6, 8), 'W2'), slow, rows(monthFirsts(5), 'M1'), roving], dateHeader: 'date' },
      settings(),
    );
    expect(d.grid.frequency).toBe('day');
    const odd = d.warnings.find((w) => w.code === 'inconsistent_period');
    expect(odd?.series).toEqual(['S1/M1', 'S1/W1', 'S1/W2']);
    expect(odd?.message).toMatch(/^3 series of this daily file have rows only on one weekday, .* never gap-filled/);
    expect(d.warnings.map((w) => w.code)).toEqual(['inconsistent_period']);
  });

  it('models a mix of weekly and monthly series by month and names the weekly ones', () => {
    const d = decidePeriod(
      { kind: 'daily', series: [rows(monthFirsts(12), 'M1'), rows(monthFirsts(12), 'M2'), rows(mondays(MON, 12), 'W1')], dateHeader: 'date' },
      settings(),
    );
    expect(d.grid.frequency).toBe('month');
    const odd = d.warnings.find((w) => w.code === 'inconsistent_period');
    expect(odd?.series).toEqual(['S1/W1']);
    expect(odd?.message).toMatch(/1 series have dates that do not fit monthly totals/);
  });

  it('names a weekly series with a stray mid-week row', () => {
    const stray = rows([...mondays(MON, 6), MON + 9], 'X');
    const d = decidePeriod({ kind: 'daily', series: [rows(mondays(MON, 6), 'A'), rows(mondays(MON, 6), 'B'), stray], dateHeader: 'date' }, settings());
    expect(d.grid.frequency).toBe('week');
    expect(d.warnings.find((w) => w.code === 'inconsistent_period')?.series).toEqual(['S1/X']);
  });

  it('obeys a configured period: weeks of daily data start on periods.weekStart; days of weekly data come with a warning', () => {
    const daily = [rows([MON, MON + 1, MON + 2, MON + 3])];
    const w = decidePeriod({ kind: 'daily', series: daily, dateHeader: 'date' }, settings({ frequency: 'week', weekStart: 'sunday' }));
    expect(w).toMatchObject({ grid: { frequency: 'week', weekStart: 6 }, source: 'configured', detected: 'day' });
    const forced = decidePeriod({ kind: 'daily', series: [rows(mondays(MON, 8))], dateHeader: 'date' }, settings({ frequency: 'day' }));
    expect(forced.grid.frequency).toBe('day');
    expect(forced.warnings.map((x) => x.code)).toEqual(['period_forced']);
  });

  it('sums weekly totals into months when asked, without calling every series inconsistent', () => {
    const d = decidePeriod({ kind: 'daily', series: [rows(mondays(MON, 12), 'A'), rows(mondays(MON, 12), 'B')], dateHeader: 'date' }, settings({ frequency: 'month' }));
    expect(d.grid.frequency).toBe('month');
    expect(d.reason).toMatch(/weekly rows summed into the calendar month of their date/);
    expect(d.warnings.map((w) => w.code)).toEqual(['non_daily_period']);
  });

  it('refuses to split monthly totals into weeks', () => {
    expect(() => decidePeriod({ kind: 'daily', series: [rows(monthFirsts(12))], dateHeader: 'date' }, settings({ frequency: 'week' }))).toThrow(InputError);
    expect(() => decidePeriod({ kind: 'daily', series: [rows(monthFirsts(12))], dateHeader: 'date' }, settings({ frequency: 'week' }))).toThrow(/cannot be split into weeks/);
  });

  it('reads transaction lines as daily, and too few dates as daily with a reason', () => {
    expect(decidePeriod({ kind: 'transactions', series: [rows(mondays(MON, 8))], dateHeader: 'InvoiceDate' }, settings()).grid.frequency).toBe('day');
    const few = decidePeriod({ kind: 'daily', series: [rows([MON, MON + 7])], dateHeader: 'date' }, settings());
    expect(few.detected).toBeNull();
    expect(few.reason).toMatch(/no series has enough dates to tell/);
  });
});

describe('decidePeriod with date labels', () => {
  it('takes ISO week and month labels as weeks and months, whatever the spacing', () => {
    // two rows a series: too few for the spacing to count, but the labels say weeks
    const w = decidePeriod({ kind: 'daily', series: [rows([MON, MON + 7])], dateHeader: 'week', labels: { kind: 'week' } }, settings());
    expect(w).toMatchObject({ grid: { frequency: 'week', weekStart: 0 }, detected: 'week', weekDates: 'start' });
    expect(w.reason).toMatch(/the dates are ISO week labels/);
    const m = decidePeriod({ kind: 'daily', series: [rows(monthFirsts(2))], dateHeader: 'month', labels: { kind: 'month' } }, settings());
    expect(m.grid.frequency).toBe('month');
    expect(m.reason).toMatch(/the dates are month labels/);
  });
});
