import { describe, expect, it } from 'vitest';
import { calendarWarnings, type CalendarRun } from '../../../pipelines/forecast/calendar-coverage.js';
import type { Calendar } from '../../../pipelines/forecast/calendar.js';
import { dayFromYmd } from '../../../pipelines/dates.js';
import { DAILY, periodGrid, periodOfDay } from '../../../pipelines/periods.js';

/** A calendar of `days` days from `first`, no events, SNAP columns for `states`. */
function calendar(first: number, days: number, states: string[] = []): Calendar {
  const zeros = () => new Array<number>(days).fill(0);
  return { start: first, event: zeros(), eventTypes: {}, snap: Object.fromEntries(states.map((s) => [s, zeros()])) };
}

// sales 2024-01-01 .. 2024-06-30 (182 days), 28 days forecast: to 2024-07-28
const first = dayFromYmd(2024, 1, 1);
const end = dayFromYmd(2024, 6, 30);
const run: CalendarRun = { grid: DAILY, first, end, horizon: 28, maxHistoryDays: 728, stores: ['CA_1', 'TX_2'] };
const codes = (c: Calendar, r: CalendarRun = run) => calendarWarnings(c, r).map((w) => w.code);

describe('calendarWarnings', () => {
  it('says nothing of a calendar covering the sales and the forecast days exactly', () => {
    expect(codes(calendar(first, end + 28 - first + 1, ['CA']))).toEqual([]);
  });
  it('warns when the calendar ends before the last forecast day, naming the first day forecast without it', () => {
    const w = calendarWarnings(calendar(first, end - first + 1 + 27), run);
    expect(w.map((x) => x.code)).toEqual(['calendar_short']);
    expect(w[0].message).toMatch(/covers 2024-01-01 to 2024-07-27, but the forecasts run to 2024-07-28: from 2024-07-28 on/);
    // one that ends with the sales: every forecast day
    expect(calendarWarnings(calendar(first, end - first + 1), run)[0].message).toMatch(/from 2024-07-01 on/);
  });
  it('warns when the calendar misses sales days the models learn from: a late start, an early end, no overlap', () => {
    expect(codes(calendar(first + 1, 400))).toEqual(['calendar_history']);
    const old = calendar(dayFromYmd(2018, 1, 1), 730);
    expect(codes(old)).toEqual(['calendar_short', 'calendar_history']);
    // only the last maxHistoryDays days count: a calendar from day 2 is enough for a one-day window
    expect(codes(calendar(first + 1, 400), { ...run, maxHistoryDays: 181 })).toEqual([]);
    expect(codes(calendar(first + 1, 400), { ...run, maxHistoryDays: 182 })).toEqual(['calendar_history']);
  });
  it('warns when no store matches a SNAP column, not when one does', () => {
    const c = calendar(first, 300, ['NY', 'NJ']);
    const w = calendarWarnings(c, run);
    expect(w.map((x) => x.code)).toEqual(['calendar_snap_unmatched']);
    expect(w[0].message).toMatch(/snap_NY, snap_NJ/);
    expect(codes(c, { ...run, stores: ['NY_1', 'Berlin'] })).toEqual([]);
  });
  it('counts weeks in days: the last forecast week ends on its Sunday', () => {
    const week = periodGrid('week');
    const w0 = periodOfDay(week, first); // the week of Monday 2024-01-01
    const weekly: CalendarRun = { ...run, grid: week, first: w0, end: w0 + 25, horizon: 13 };
    const lastDay = first + 7 * 39 - 1; // the Sunday ending week 39
    expect(codes(calendar(first, lastDay - first + 1), weekly)).toEqual([]);
    expect(codes(calendar(first, lastDay - first), weekly)).toEqual(['calendar_short']);
  });
});
