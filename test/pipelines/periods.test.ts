import { describe, expect, it } from 'vitest';
import { dayFromYmd, formatDay } from '../../pipelines/dates.js';
import {
  DAILY,
  daysToPeriods,
  integerSeason,
  isPeriodStart,
  periodDays,
  periodFirstDay,
  periodGrid,
  periodLabel,
  periodOfDay,
  seasonCycles,
} from '../../pipelines/periods.js';

describe('periods: numbering', () => {
  it('numbers days as themselves', () => {
    expect(periodOfDay(DAILY, 15003)).toBe(15003);
    expect(periodFirstDay(DAILY, 15003)).toBe(15003);
    expect(periodDays(DAILY, 15003)).toBe(1);
  });
  it('numbers Monday weeks: week p starts on day 7p + 4 (1970-01-05 was the first Monday)', () => {
    const g = periodGrid('week', 0);
    // 2011-02-07 is day 15012 and a Monday: (15012 - 4) / 7 = 2144
    expect(periodOfDay(g, 15012)).toBe(2144);
    expect(periodOfDay(g, 15012 + 6)).toBe(2144); // Sunday 2011-02-13
    expect(periodOfDay(g, 15012 - 1)).toBe(2143); // Sunday 2011-02-06
    expect(periodFirstDay(g, 2144)).toBe(15012);
    expect(formatDay(periodFirstDay(g, 2144))).toBe('2011-02-07');
    expect(periodDays(g, 2144)).toBe(7);
    expect(periodOfDay(g, 4)).toBe(0);
    expect(periodOfDay(g, 3)).toBe(-1); // 1970-01-04, a Sunday
  });
  it('numbers Saturday weeks (M5 / Walmart weeks): 2011-01-29 (day 15003) starts week (15003 - 2) / 7 = 2143', () => {
    const g = periodGrid('week', 5);
    expect(periodOfDay(g, 15003)).toBe(2143);
    expect(periodFirstDay(g, 2143)).toBe(15003);
    expect(isPeriodStart(g, 15003)).toBe(true);
    expect(isPeriodStart(g, 15004)).toBe(false);
  });
  it('numbers months from January 1970 with their true lengths', () => {
    const g = periodGrid('month');
    // Feb 2016: 12 * 46 + 1 = 553; 2016-02-01 is day 16832, 2016-02-29 is day 16860, 2016-03-01 day 16861
    expect(periodOfDay(g, 16832)).toBe(553);
    expect(periodOfDay(g, 16860)).toBe(553);
    expect(periodOfDay(g, 16861)).toBe(554);
    expect(periodFirstDay(g, 553)).toBe(16832);
    expect(periodDays(g, 553)).toBe(29); // leap year
    expect(periodDays(g, 553 - 12)).toBe(28); // Feb 2015
    expect(periodDays(g, 554)).toBe(31);
    expect(periodDays(g, 555)).toBe(30); // April
    expect(periodOfDay(g, 0)).toBe(0);
    expect(periodOfDay(g, -1)).toBe(-1); // Dec 1969
    expect(periodFirstDay(g, -1)).toBe(-31);
  });
  it('round-trips every day of four years through its period', () => {
    for (const g of [DAILY, periodGrid('week', 0), periodGrid('week', 6), periodGrid('month')]) {
      const from = dayFromYmd(2014, 1, 1);
      for (let d = from; d < from + 4 * 366; d++) {
        const p = periodOfDay(g, d);
        const first = periodFirstDay(g, p);
        expect(first <= d && d < first + periodDays(g, p)).toBe(true);
        expect(periodFirstDay(g, p + 1)).toBe(first + periodDays(g, p));
      }
    }
  });
  it('labels periods for people', () => {
    expect(periodLabel(periodGrid('week', 0), 2144)).toBe('week of 2011-02-07');
    expect(periodLabel(periodGrid('month'), 553)).toBe('Feb 2016');
    expect(periodLabel(DAILY, 16860)).toBe('2016-02-29');
  });
  it('refuses an unknown frequency or weekday', () => {
    expect(() => periodGrid('year' as 'day')).toThrow(/frequency/);
    expect(() => periodGrid('week', 7)).toThrow(/weekStart/);
  });
});

describe('periods: seasons', () => {
  it('gives the cycles a history supports (two cycles at least)', () => {
    expect(seasonCycles('day', 730)).toEqual([7]);
    expect(seasonCycles('day', 731)).toEqual([7, 365.25]);
    expect(seasonCycles('day', 13)).toEqual([]);
    expect(seasonCycles('week', 104)).toEqual([]);
    expect(seasonCycles('week', 105)).toEqual([365.25 / 7]);
    expect(seasonCycles('week')[0]).toBeCloseTo(52.1786, 4);
    expect(seasonCycles('month', 23)).toEqual([]);
    expect(seasonCycles('month', 24)).toEqual([12]);
  });
  it('gives the integer seasons 7, 52 and 12', () => {
    expect([integerSeason('day'), integerSeason('week'), integerSeason('month')]).toEqual([7, 52, 12]);
  });
});

describe('periods: converting days', () => {
  it('converts spans of days to weeks and months and says how it rounded', () => {
    expect(daysToPeriods(28, 'week', 'up')).toEqual({ days: 28, exact: 4, periods: 4, rounding: 'none', note: '' });
    const lead = daysToPeriods(10, 'week', 'up');
    expect(lead.periods).toBe(2);
    expect(lead.exact).toBeCloseTo(10 / 7, 12);
    expect(lead.rounding).toBe('up');
    expect(lead.note).toBe('10 days = 1.43 weeks, rounded up to 2 weeks');
    expect(daysToPeriods(10, 'week', 'none')).toMatchObject({ periods: 10 / 7, rounding: 'none', note: '10 days = 1.43 weeks' });
    // a month is 365.25 / 12 = 30.4375 days: 728 days = 23.92 months, 364 days = 11.96
    expect(daysToPeriods(728, 'month', 'nearest')).toMatchObject({ periods: 24, rounding: 'nearest' });
    expect(daysToPeriods(364, 'month', 'down')).toMatchObject({ periods: 11, rounding: 'down' });
    expect(daysToPeriods(7, 'month', 'up', 1)).toMatchObject({ periods: 1, rounding: 'up', note: '7 days = 0.23 months, rounded up to 1 month' });
    expect(daysToPeriods(56, 'month', 'up', 11)).toMatchObject({ periods: 11, rounding: 'floor', note: '56 days = 1.84 months, raised to the minimum of 11 months' });
    expect(daysToPeriods(56, 'day', 'up')).toMatchObject({ periods: 56, rounding: 'none', note: '' });
    expect(() => daysToPeriods(-1, 'week', 'up')).toThrow(/daysToPeriods/);
  });
});
