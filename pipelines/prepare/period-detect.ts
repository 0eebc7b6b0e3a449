/**
 * Which period a sales file is in: days, weeks or months, decided from the spacing of each
 * series' dates (or given by `--frequency` / `periods.frequency`), with a sentence saying how.
 *
 * Why: a file of weekly totals read as daily data has six days without a row a week; gap filling
 * then copies each week's total into them and the forecasts come out 6 to 8 times too high. The
 * period has to be known before quality, cleaning and models see the series.
 *
 * Spacing of one series (its days with a row, from ingest; at least 3 of them to count):
 * - `month`: every row on the first day of its month, or every row on the last day, or (dates
 *   anywhere in the month) no two rows in one month and no two rows less than 28 days apart;
 * - `week`: every row on the same weekday (7, 14, ... days apart): a week's first or last day;
 * - `day`: anything else (two rows fewer than 7 days apart, or on different weekdays).
 *
 * The file's period: daily when at least half of the series that count are daily (a daily file
 * whose zero days are not listed has a few slow sellers whose sales happen to fall on one weekday);
 * otherwise the coarsest period among its series (a month of weekly series is a sum; a week of a
 * monthly series cannot be made up). Transaction lines are daily (or finer) by nature. Series that
 * do not fit the chosen period (two rows in one week or month, or week dates on another weekday)
 * are named in an `inconsistent_period` warning and summed into the chosen period like the rest.
 * So are, in a daily file, series that look like weekly or monthly totals beyond chance
 * ({@link periodicInDaily}): at least {@link MIN_ROWS_WEEKLY_IN_DAILY} rows all on one weekday, or
 * {@link MIN_ROWS_MONTHLY_IN_DAILY} on one day of the month. They stay daily (a shop may sell an
 * item on its market day only), and their days without a row are never gap-filled (clean.ts rule
 * 4): were they filled, a weekly total would be copied into the six days between and forecast 7
 * times too high; unfilled, the series sells its total on one day a week, right in sum over any
 * lead time whichever the rows are.
 *
 * A weekly file's date is read as the week's first day, unless `periods.weekDates` says `end` or
 * (`auto`) the date column's header says so (`week_ending`, `Week End`): then the week is the
 * seven days that end on it. Either way each week is published under its first day.
 *
 * Pure: reads the ingest's series, never a file.
 */
import type { Config } from '../../config/schema.js';
import { dayOfWeek, formatDay } from '../dates.js';
import { InputError } from '../errors.js';
import { periodGrid, periodOfDay, WEEKDAYS, type Frequency, type PeriodGrid } from '../periods.js';
import type { RunWarning } from '../run/warnings.js';
import { seriesWarning } from '../run/warnings.js';
import type { InputKind, SeriesData } from '../types.js';

/** Fewest rows a series needs for its spacing to count as evidence. */
export const MIN_ROWS_FOR_SPACING = 3;

/**
 * Rows on one weekday, whole weeks apart, from which a series of a daily file is named as
 * looking weekly: a daily seller's k selling days all fall on one weekday with probability
 * about 7 · (1/7)^k (below 1e-5 at k = 8; still below 1e-4 when that weekday holds a quarter
 * of the week's sales), while the existing rule leaves 3 to 7 such rows alone as chance.
 */
export const MIN_ROWS_WEEKLY_IN_DAILY = 8;

/** Rows on one day of the month from which a series of a daily file is named as looking monthly ((1/30)^3 by chance). */
export const MIN_ROWS_MONTHLY_IN_DAILY = 4;

/** Shortest distance in days between two rows of a monthly series dated anywhere in the month (February). */
const SHORTEST_MONTH_DAYS = 28;

/** Spacing of one series' rows: its period, the weekday of its first row, and its rows (a daily series' counted up to {@link MIN_ROWS_FOR_SPACING}). */
export type Spacing = { readonly frequency: Frequency; readonly weekday: number; readonly rows: number };

/** The period of a run and how it was decided (run.json `period`). */
export interface PeriodDecision {
  readonly grid: PeriodGrid;
  /** `detected` from the dates, or `configured` (`--frequency`, `periods.frequency`). */
  readonly source: 'detected' | 'configured';
  /** Period of the dates as found (null: too few dates in every series to tell). */
  readonly detected: Frequency | null;
  /** Weekly files: whether a date is its week's first or last day (null otherwise). */
  readonly weekDates: 'start' | 'end' | null;
  /** Series (with at least {@link MIN_ROWS_FOR_SPACING} rows) per spacing found. */
  readonly spacing: Readonly<Record<Frequency, number>>;
  /** One plain sentence: the period and how it was decided. */
  readonly reason: string;
  /** Warnings about the period (non-daily data, inconsistent series, a forced period). */
  readonly warnings: RunWarning[];
}

/** The run's period as run.json and the report show it: the decision and the settings it converted. */
export interface RunPeriod extends Omit<PeriodDecision, 'warnings'> {
  /** Settings in days converted to the period, as sentences (forecast settings, then replenishment). */
  notes: string[];
}

/**
 * The spacing of one series' rows (rules in the module comment); null with fewer than 2 rows.
 *
 * @param s A daily series from ingest (`observed` marks the days with a row).
 */
export function seriesSpacing(s: Pick<SeriesData, 'start' | 'observed'>): Spacing | null {
  let rows = 0;
  let prev = NaN;
  let weekday = -1;
  let sameWeekday = true;
  let allFirst = true;
  let allLast = true;
  let distinctMonths = true;
  let minGap = Infinity;
  let daily = false;
  const month = periodGrid('month');
  for (let t = 0; t < s.observed.length; t++) {
    if (!s.observed[t]) continue;
    const day = s.start + t;
    rows++;
    const wd = dayOfWeek(day);
    if (weekday < 0) weekday = wd;
    else if (wd !== weekday) sameWeekday = false;
    // a daily series needs no more than its first rows (one pass of 30,000 daily series stops early)
    if (daily) {
      if (rows >= MIN_ROWS_FOR_SPACING) break;
      continue;
    }
    if (!Number.isNaN(prev)) {
      // rows less than a week apart: daily, whatever follows (only rows are counted from here)
      if (day - prev < 7) {
        daily = true;
        continue;
      }
      minGap = Math.min(minGap, day - prev);
      if (periodOfDay(month, day) === periodOfDay(month, prev)) distinctMonths = false;
    }
    if (allFirst && !formatDay(day).endsWith('-01')) allFirst = false;
    if (allLast && !formatDay(day + 1).endsWith('-01')) allLast = false;
    prev = day;
  }
  if (rows < 2) return null;
  let frequency: Frequency = 'day';
  if (daily) return { frequency, weekday, rows };
  if (distinctMonths && (allFirst || allLast)) frequency = 'month';
  else if (sameWeekday) frequency = 'week';
  else if (distinctMonths && minGap >= SHORTEST_MONTH_DAYS) frequency = 'month';
  return { frequency, weekday, rows };
}

/** What {@link decidePeriod} reads of the ingest. */
export interface PeriodInput {
  readonly kind: InputKind;
  readonly series: readonly Pick<SeriesData, 'start' | 'observed' | 'store' | 'sku'>[];
  /** Header of the date column (for the `week_ending` hint), '' when unknown. */
  readonly dateHeader: string;
  /**
   * How ingest read the date cells (pipelines/ingest/validate.ts `DateLabels`): a file of ISO week
   * labels (`2016-W08`, read as the week's Monday) is weekly, of month labels (`2016-02`, `Feb 2016`,
   * read as the 1st) monthly, whatever the spacing of its rows. @defaultValue calendar dates
   */
  readonly labels?: { readonly kind: 'date' | 'week' | 'month' | 'mixed' };
}

/** Name of a series in messages: `store/sku`, or the sku alone. */
function nameOf(s: Pick<SeriesData, 'store' | 'sku'>): string {
  return s.store ? `${s.store}/${s.sku}` : s.sku;
}

const ADJECTIVE: Readonly<Record<Frequency, string>> = { day: 'daily', week: 'weekly', month: 'monthly' };

/**
 * Decide the period of a run (rules in the module comment).
 *
 * @param input The ingest's kind, series and date header.
 * @param settings `periods.frequency`, `periods.weekDates`, `periods.weekStart`.
 * @throws InputError when weeks are asked of monthly totals (a month cannot be split into weeks
 *   without making numbers up). Days asked of weekly or monthly dates are modelled as asked, with
 *   a `period_forced` warning (a shop open one day a week has daily rows a week apart).
 */
export function decidePeriod(input: PeriodInput, settings: Config['periods']): PeriodDecision {
  const spacing: Record<Frequency, number> = { day: 0, week: 0, month: 0 };
  const weekdays = new Array<number>(7).fill(0);
  const spaced: (Spacing | null)[] = input.series.map((s) => (input.kind === 'transactions' ? null : seriesSpacing(s)));
  for (const sp of spaced) {
    if (!sp || sp.rows < MIN_ROWS_FOR_SPACING) continue;
    spacing[sp.frequency]++;
    if (sp.frequency === 'week') weekdays[sp.weekday]++;
  }
  const counted = spacing.day + spacing.week + spacing.month;
  let detected: Frequency | null;
  if (input.kind === 'transactions') detected = 'day';
  else if (counted === 0) detected = null;
  else if (spacing.day >= counted / 2) detected = 'day';
  else detected = spacing.month > 0 ? 'month' : 'week';
  const labelled = input.kind !== 'transactions' && (input.labels?.kind === 'week' || input.labels?.kind === 'month') ? input.labels.kind : null;
  if (labelled) detected = labelled;

  let labelWeekday = 0;
  for (let d = 1; d < 7; d++) if (weekdays[d] > weekdays[labelWeekday]) labelWeekday = d;
  // ISO week labels name the week by its Monday: its first day
  const weekDates = labelled === 'week' ? 'start' : settings.weekDates === 'auto' ? (/end/i.test(input.dateHeader) ? 'end' : 'start') : settings.weekDates;
  const configured = settings.frequency !== 'auto' ? settings.frequency : null;
  const frequency: Frequency = configured ?? detected ?? 'day';
  const order: Frequency[] = ['day', 'week', 'month'];
  // days asked of weekly dates are allowed (a shop open one day a week), with a warning below
  if (configured && configured !== 'day' && detected && order.indexOf(configured) < order.indexOf(detected)) {
    throw new InputError(
      `the sales are ${ADJECTIVE[detected]} totals (${describeSpacing(spacing)}), so they cannot be modelled by ${configured} as periods.frequency / --frequency asks: a ${detected} cannot be split into ${configured}s without making numbers up; use --frequency ${detected} or auto`,
    );
  }
  // weeks laid on the file's own week dates; daily data summed into weeks starts them on periods.weekStart
  const weekStart =
    detected === 'week' ? (weekDates === 'end' ? (labelWeekday + 1) % 7 : labelWeekday) : WEEKDAYS.indexOf(settings.weekStart);
  const grid = periodGrid(frequency, frequency === 'week' ? weekStart : 0);
  const warnings: RunWarning[] = [];
  const reason = reasonOf(grid, configured !== null, detected, spacing, input.kind, weekDates, labelWeekday, labelled);
  if (frequency !== 'day') {
    warnings.push({
      code: 'non_daily_period',
      message: `${reason}; the horizon, forecasts.csv and the replenishment are in ${frequency}s, and lead times and review periods in days are converted to ${frequency}s`,
    });
  }
  if (configured === 'day' && detected && detected !== 'day') {
    warnings.push({
      code: 'period_forced',
      message: `the sales look ${ADJECTIVE[detected]} (${describeSpacing(spacing)}) but are modelled as daily as periods.frequency / --frequency asks: each ${detected}'s total is read as one day's sales, so forecasts per day will be far too high unless the file really is daily`,
    });
  }
  if (frequency === 'day' && detected === 'day') {
    const periodic = periodicInDaily(input.series, spaced);
    if (periodic.length > 0) {
      warnings.push(
        seriesWarning(
          'inconsistent_period',
          `${periodic.length} series of this daily file have rows only on one weekday, whole weeks apart (${MIN_ROWS_WEEKLY_IN_DAILY} rows or more), or only on one day of the month (${MIN_ROWS_MONTHLY_IN_DAILY} or more), like weekly or monthly totals; they are modelled as daily sales on those days and none on the others (their days without a row are never gap-filled), so a weekly total's forecast per day is a seventh of it on average, spread as the rows are: check them, and forecast true weekly or monthly totals from a file of their own (weekly and monthly totals are detected)`,
          periodic,
        ),
      );
    }
  }
  // series checked against the period their file is in (a period asked of the file sums it, as asked)
  if (detected !== null && detected !== 'day' && frequency === detected) {
    const odd = input.series.filter((s, i) => !fitsGrid(s, spaced[i], grid, detected === 'week' ? labelWeekday : -1)).map(nameOf);
    if (odd.length > 0) {
      warnings.push(
        seriesWarning(
          'inconsistent_period',
          `${odd.length} series have dates that do not fit ${ADJECTIVE[frequency]} totals (two rows in one ${frequency}, or dates on another weekday); their rows are summed into ${frequency}s like the rest, check them`,
          odd,
        ),
      );
    }
  }
  return { grid, source: configured ? 'configured' : 'detected', detected, weekDates: detected === 'week' ? weekDates : null, spacing, reason, warnings };
}

/**
 * Series of a daily file that look like weekly or monthly totals beyond chance (module comment):
 * week-spaced with at least {@link MIN_ROWS_WEEKLY_IN_DAILY} rows, or month-spaced with at least
 * {@link MIN_ROWS_MONTHLY_IN_DAILY} rows all on one day of the month (or all on its last day).
 * @returns their names (`store/sku`).
 */
export function periodicInDaily(series: readonly Pick<SeriesData, 'start' | 'observed' | 'store' | 'sku'>[], spaced: readonly (Spacing | null)[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < series.length; i++) if (periodicSpacing(series[i], spaced[i])) out.push(nameOf(series[i]));
  return out;
}

/**
 * True when one series of a daily file has rows only on one weekday, whole weeks apart (at least
 * {@link MIN_ROWS_WEEKLY_IN_DAILY}), or only on one day of the month (at least
 * {@link MIN_ROWS_MONTHLY_IN_DAILY}): weekly or monthly totals, or an item sold on a market day
 * only. Either way its days without a row are days without sales, not missing days to fill
 * (pipelines/prepare/clean.ts, rule 4).
 */
export function looksPeriodicInDaily(s: Pick<SeriesData, 'start' | 'observed'>): boolean {
  return periodicSpacing(s, seriesSpacing(s));
}

function periodicSpacing(s: Pick<SeriesData, 'start' | 'observed'>, sp: Spacing | null): boolean {
  if (!sp) return false;
  if (sp.frequency === 'week') return sp.rows >= MIN_ROWS_WEEKLY_IN_DAILY;
  return sp.frequency === 'month' && sp.rows >= MIN_ROWS_MONTHLY_IN_DAILY && oneDayOfMonth(s);
}

/** True when every row of a series lies on the same day of the month, or every one on a month's last day. */
function oneDayOfMonth(s: Pick<SeriesData, 'start' | 'observed'>): boolean {
  let dom = '';
  let same = true;
  let allLast = true;
  for (let t = 0; t < s.observed.length && (same || allLast); t++) {
    if (!s.observed[t]) continue;
    const d = formatDay(s.start + t).slice(8);
    if (dom === '') dom = d;
    else if (d !== dom) same = false;
    if (!formatDay(s.start + t + 1).endsWith('-01')) allLast = false;
  }
  return same || allLast;
}

/** True when a series' rows fit the grid: at most one row per period and, for week dates, all on the file's weekday. */
function fitsGrid(s: Pick<SeriesData, 'start' | 'observed'>, sp: Spacing | null, grid: PeriodGrid, weekday: number): boolean {
  if (!sp) return true;
  if (weekday >= 0 && sp.weekday !== weekday) return false;
  let prev = NaN;
  for (let t = 0; t < s.observed.length; t++) {
    if (!s.observed[t]) continue;
    const p = periodOfDay(grid, s.start + t);
    if (p === prev) return false;
    prev = p;
  }
  return true;
}

function describeSpacing(spacing: Readonly<Record<Frequency, number>>): string {
  const parts = (['day', 'week', 'month'] as const).filter((f) => spacing[f] > 0).map((f) => `${spacing[f]} series ${f === 'day' ? 'with rows days apart' : f === 'week' ? 'with rows a whole number of weeks apart' : 'with one row a month'}`);
  return parts.length ? parts.join(', ') : 'too few dates per series to tell';
}

/** The decision in one sentence. */
function reasonOf(
  grid: PeriodGrid,
  configured: boolean,
  detected: Frequency | null,
  spacing: Readonly<Record<Frequency, number>>,
  kind: InputKind,
  weekDates: 'start' | 'end',
  labelWeekday: number,
  labelled: 'week' | 'month' | null,
): string {
  const f = grid.frequency;
  const how = configured
    ? `as periods.frequency / --frequency asks`
    : kind === 'transactions'
      ? 'transaction lines are dated by the day'
      : labelled
        ? `the dates are ${labelled === 'week' ? 'ISO week labels (2016-W08)' : 'month labels (2016-02, Feb 2016)'}`
        : detected === null
        ? 'no series has enough dates to tell, so the rows are read as daily'
        : `detected from the spacing of the dates: ${describeSpacing(spacing)}`;
  let what = `${ADJECTIVE[f]} periods, ${how}`;
  if (f === 'week') {
    const first = WEEKDAYS[grid.weekStart];
    const label = capital(WEEKDAYS[labelWeekday] ?? first);
    what +=
      detected === 'week'
        ? `; each date (a ${label}) is read as the week's ${weekDates === 'end' ? 'last' : 'first'} day, so weeks run from ${capital(first)} (periods.weekDates)`
        : `; days summed into weeks from ${capital(first)} (periods.weekStart)`;
  }
  if (f === 'month' && detected === 'day') what += '; daily rows summed into calendar months';
  if (f === 'month' && detected === 'week') what += '; weekly rows summed into the calendar month of their date';
  return what.charAt(0).toUpperCase() + what.slice(1);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
