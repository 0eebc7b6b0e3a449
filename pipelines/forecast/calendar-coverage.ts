/**
 * Whether a calendar fits the run it is given to. A day outside the calendar's dates counts as a
 * day without events or SNAP (calendar.ts), and a SNAP column counts only for stores whose id
 * starts with its state: a calendar that ends before the last forecast day forecasts its events
 * as ordinary days (`calendar_short`), one that misses sales days the models learn from reads their
 * events as ordinary days (`calendar_history`), and SNAP columns of no store's state are not used at all (`calendar_snap_unmatched`). Each is a run
 * warning (stderr, run.json, report): the forecasts are made, but not with the calendar the
 * buyer meant.
 */
import { formatDay } from '../dates.js';
import { periodFirstDay, type PeriodGrid } from '../periods.js';
import type { RunWarning } from '../run/warnings.js';
import { stateOfStore, type Calendar } from './calendar.js';

/** What the check reads of a run, in its periods. */
export interface CalendarRun {
  grid: PeriodGrid;
  /** First period of the earliest series. */
  first: number;
  /** The data's last period (the forecast origin). */
  end: number;
  /** Periods forecast after `end` (the horizon plus any lead to the run date). */
  horizon: number;
  /** Days of history the models learn from at most (config `models.maxHistory`; 0: all). */
  maxHistoryDays: number;
  /** Store ids of the series. */
  stores: readonly string[];
}

/** The warnings of a calendar given to a run: none when it covers the days the run uses. */
export function calendarWarnings(calendar: Calendar, run: CalendarRun): RunWarning[] {
  const out: RunWarning[] = [];
  const calFirst = calendar.start;
  const calLast = calendar.start + calendar.event.length - 1;
  const lastDataDay = periodFirstDay(run.grid, run.end + 1) - 1;
  const lastForecastDay = periodFirstDay(run.grid, run.end + run.horizon + 1) - 1;
  const firstDataDay = periodFirstDay(run.grid, run.first);
  const learnFrom = run.maxHistoryDays > 0 ? Math.max(firstDataDay, lastDataDay - run.maxHistoryDays + 1) : firstDataDay;
  const span = `the calendar covers ${formatDay(calFirst)} to ${formatDay(calLast)}`;
  if (calLast < lastForecastDay) {
    const from = formatDay(Math.max(calLast + 1, lastDataDay + 1));
    out.push({ code: 'calendar_short', message: `${span}, but the forecasts run to ${formatDay(lastForecastDay)}: from ${from} on, every day is forecast as a day without events or SNAP; extend the calendar past the forecast days` });
  }
  if (calFirst > learnFrom || calLast < lastDataDay) {
    out.push({ code: 'calendar_history', message: `${span}, but the models learn from the sales of ${formatDay(learnFrom)} to ${formatDay(lastDataDay)}: their days outside it are read as days without events or SNAP, which biases the event effects; give the calendar from the first day of sales` });
  }
  const states = Object.keys(calendar.snap);
  const storeStates = new Set(run.stores.map(stateOfStore));
  if (states.length > 0 && !states.some((s) => storeStates.has(s))) {
    out.push({ code: 'calendar_snap_unmatched', message: `the calendar's SNAP columns (snap_${states.join(', snap_')}) match no store (a store's state is its id before the first "_", e.g. CA for CA_1), so SNAP days are not used` });
  }
  return out;
}
