/**
 * The period vocabulary: days, weeks and months as integer period numbers, their first days,
 * their seasonal cycles, and honest conversions of settings written in days to periods.
 *
 * A period number plays for weekly and monthly series the part a day number plays for daily
 * ones (pipelines/dates.ts): a series is an offset into a Float64Array of periods, and
 * consecutive periods have consecutive numbers.
 * - `day`: the period number is the day number.
 * - `week`: seven days from a first day on a fixed weekday (`weekStart`, 0 = Monday); a week is
 *   identified by its first day; week p starts on day 7p + offset, offset in 0..6.
 * - `month`: a calendar month, p = 12 (year - 1970) + (month - 1); it starts on day 1 of the
 *   month and lasts 28 to 31 days.
 *
 * Pure: no I/O, no globals, no Date objects but in dates.ts.
 */
import { dayFromYmd, dayOfWeek, formatDay } from './dates.js';

/** Period of a series. */
export type Frequency = 'day' | 'week' | 'month';

/** Every frequency, finest first. */
export const FREQUENCIES: readonly Frequency[] = ['day', 'week', 'month'];

/** Days in a year, for the yearly cycle (the Julian year: FPP3 §12.1 uses 365.25 for daily data). */
export const YEAR_DAYS = 365.25;

/** Mean length of a period in days: 1, 7, and 365.25 / 12 = 30.4375. */
export const MEAN_PERIOD_DAYS: Readonly<Record<Frequency, number>> = { day: 1, week: 7, month: YEAR_DAYS / 12 };

/** How periods are laid on the calendar. */
export interface PeriodGrid {
  readonly frequency: Frequency;
  /** Weekday of a week's first day, 0 = Monday ... 6 = Sunday (ISO 8601); 0 unless weekly. */
  readonly weekStart: number;
}

/**
 * A period grid, checked.
 *
 * @param frequency `day`, `week` or `month`.
 * @param weekStart Weekday a week starts on, 0 = Monday ... 6 = Sunday (weeks only). @defaultValue 0
 * @throws when the frequency is unknown or weekStart is not an integer in 0..6.
 * @example periodGrid('week', 5) // weeks from Saturday to Friday (M5's Walmart weeks)
 */
export function periodGrid(frequency: Frequency, weekStart = 0): PeriodGrid {
  if (!FREQUENCIES.includes(frequency)) throw new Error(`periodGrid needs a frequency of ${FREQUENCIES.join(', ')}, got ${String(frequency)}`);
  if (!Number.isInteger(weekStart) || weekStart < 0 || weekStart > 6) throw new Error(`periodGrid needs weekStart 0 (Monday) to 6 (Sunday), got ${weekStart}`);
  return { frequency, weekStart: frequency === 'week' ? weekStart : 0 };
}

/** The daily grid: period numbers are day numbers. */
export const DAILY: PeriodGrid = { frequency: 'day', weekStart: 0 };

/** Day number of the first week's first day of the grid at or after day 0 (0..6). */
function weekOffset(weekStart: number): number {
  // day d is weekday (d + 3) mod 7 (dates.ts: 1970-01-01 was a Thursday)
  return (((weekStart - 3) % 7) + 7) % 7;
}

/**
 * Number of the period that holds a day.
 *
 * @param grid The period grid.
 * @param day Day number (days since 1970-01-01 UTC).
 * @example periodOfDay(periodGrid('month'), dayFromYmd(2016, 2, 29)) // 553 = 12·46 + 1 (Feb 2016)
 */
export function periodOfDay(grid: PeriodGrid, day: number): number {
  switch (grid.frequency) {
    case 'day':
      return day;
    case 'week':
      return Math.floor((day - weekOffset(grid.weekStart)) / 7);
    case 'month': {
      const d = new Date(day * 86_400_000);
      return 12 * (d.getUTCFullYear() - 1970) + d.getUTCMonth();
    }
  }
}

/**
 * First day (day number) of a period.
 *
 * @example periodFirstDay(periodGrid('week', 0), 2144) // day 15012 = 2011-02-07, a Monday
 */
export function periodFirstDay(grid: PeriodGrid, period: number): number {
  switch (grid.frequency) {
    case 'day':
      return period;
    case 'week':
      return 7 * period + weekOffset(grid.weekStart);
    case 'month': {
      const year = 1970 + Math.floor(period / 12);
      const month = period - 12 * (year - 1970) + 1;
      return dayFromYmd(year, month, 1);
    }
  }
}

/** Days in a period: 1, 7, or the month's length (28 to 31). */
export function periodDays(grid: PeriodGrid, period: number): number {
  return periodFirstDay(grid, period + 1) - periodFirstDay(grid, period);
}

/**
 * Label of a period for people: `2016-02-22` (a day), `week of 2016-02-22`, `Feb 2016`.
 */
export function periodLabel(grid: PeriodGrid, period: number): string {
  const first = formatDay(periodFirstDay(grid, period));
  if (grid.frequency === 'day') return first;
  if (grid.frequency === 'week') return `week of ${first}`;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${months[Number(first.slice(5, 7)) - 1]} ${first.slice(0, 4)}`;
}

/** True when a day is the first day of its period. */
export function isPeriodStart(grid: PeriodGrid, day: number): boolean {
  return periodFirstDay(grid, periodOfDay(grid, day)) === day;
}

/** The weekday (0 = Monday) a day falls on, re-exported for callers that lay weeks. */
export { dayOfWeek };

/**
 * The seasonal cycles of a frequency, in periods (possibly fractional), that a history of
 * `periods` observations supports: a cycle is modelled only when the history holds at least two
 * of them (one cycle cannot tell a seasonal pattern from a trend or an accident).
 *
 * | frequency | cycles | 
 * | --------- | ------ |
 * | day       | 7 (the week); 365.25 (the year) with at least 730.5 days |
 * | week      | 365.25 / 7 = 52.18 (the year) with at least 104.4 weeks |
 * | month     | 12 (the year) with at least 24 months |
 *
 * @param frequency The series' period.
 * @param periods History length in periods; Infinity gives every cycle of the frequency.
 * @returns cycle lengths in periods, shortest first.
 * @throws when periods is negative or NaN.
 * @example seasonCycles('week', 156) // [52.178571428571431]
 */
export function seasonCycles(frequency: Frequency, periods = Infinity): number[] {
  if (!(periods >= 0)) throw new Error(`seasonCycles needs a history length >= 0, got ${periods}`);
  const all = CYCLES[frequency];
  return all.filter((c) => periods >= 2 * c);
}

const CYCLES: Readonly<Record<Frequency, readonly number[]>> = {
  day: [7, YEAR_DAYS],
  week: [YEAR_DAYS / 7],
  month: [12],
};

/**
 * The integer season of a frequency, used by the methods that need whole seasons (seasonal naive,
 * Holt-Winters, classical decomposition): 7 days, 52 weeks (R's `frequency = 52` convention for
 * weekly data), 12 months.
 */
export function integerSeason(frequency: Frequency): number {
  return frequency === 'day' ? 7 : frequency === 'week' ? 52 : 12;
}

/** How a span in days became a count of periods. */
export interface PeriodConversion {
  /** The span in days, as given. */
  readonly days: number;
  /** The span in periods before rounding: days / mean period length. */
  readonly exact: number;
  /** The count used. */
  readonly periods: number;
  /** `none` when the count is `exact` (a whole number, or a fraction kept), else the rule applied. */
  readonly rounding: 'none' | 'up' | 'down' | 'nearest' | 'floor';
  /** One plain sentence, e.g. `10 days = 1.43 weeks, rounded up to 2 weeks`; empty when exact. */
  readonly note: string;
}

/**
 * Convert a span in days to periods, saying how it was rounded.
 *
 * @param days The span in days (>= 0).
 * @param frequency The period.
 * @param rounding `up` (ceil: a window that must cover the span), `down` (floor: a cap not to
 *   exceed), `nearest`, or `none` (keep the fraction, e.g. a lead time of 1.43 weeks).
 * @param min Smallest count returned (a floor, recorded as rounding `floor` when it applies). @defaultValue 0
 * @throws when days is negative or not finite.
 * @example daysToPeriods(10, 'week', 'up') // { exact: 1.428..., periods: 2, rounding: 'up', note: '10 days = 1.43 weeks, rounded up to 2 weeks' }
 */
export function daysToPeriods(days: number, frequency: Frequency, rounding: 'up' | 'down' | 'nearest' | 'none', min = 0): PeriodConversion {
  if (!(days >= 0) || !Number.isFinite(days)) throw new Error(`daysToPeriods needs a finite span of days >= 0, got ${days}`);
  const exact = days / MEAN_PERIOD_DAYS[frequency];
  // 1e-9: 28 days are exactly 4 weeks, not 4.000000000000001
  const near = Math.abs(exact - Math.round(exact)) < 1e-9 ? Math.round(exact) : exact;
  let periods = rounding === 'up' ? Math.ceil(near) : rounding === 'down' ? Math.floor(near) : rounding === 'nearest' ? Math.round(near) : near;
  let rule: PeriodConversion['rounding'] = periods === near || rounding === 'none' ? 'none' : rounding;
  if (periods < min) {
    periods = min;
    rule = 'floor';
  }
  const unit = (k: number): string => `${fmt(k)} ${frequency}${k === 1 ? '' : 's'}`;
  let note = '';
  if (rule === 'floor') note = `${fmt(days)} days = ${unit(near)}, raised to the minimum of ${unit(periods)}`;
  else if (rule !== 'none') note = `${fmt(days)} days = ${unit(near)}, rounded ${rule === 'nearest' ? 'to the nearest,' : rule} to ${unit(periods)}`;
  else if (frequency !== 'day' && !Number.isInteger(periods)) note = `${fmt(days)} days = ${unit(periods)}`;
  return { days, exact, periods, rounding: rule, note };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/**
 * Forecast horizon when none is given, per frequency: 28 days (four weeks), 13 weeks (a quarter),
 * 12 months (a year). A horizon is a count of the data's periods (`config.horizon`, `--horizon`).
 */
export const DEFAULT_HORIZON: Readonly<Record<Frequency, number>> = { day: 28, week: 13, month: 12 };

/**
 * The run's horizon in periods: `config.horizon` when given, else {@link DEFAULT_HORIZON}.
 * @param horizon The configured horizon (periods), or undefined.
 */
export function horizonOf(horizon: number | undefined, frequency: Frequency): number {
  return horizon ?? DEFAULT_HORIZON[frequency];
}

/** Weekday names, index 0 = Monday (ISO 8601), as written in settings (`periods.weekStart`). */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** The unit of a frequency in plain words, singular or plural: `day`/`days`, `week`/`weeks`, `month`/`months`. */
export function periodUnit(frequency: Frequency, count = 2): string {
  return count === 1 ? frequency : `${frequency}s`;
}
