/**
 * The one rule for data older than the run date (issue 15): forecasts are published from the later
 * of the period after the data's last period and the period containing the run date. The periods in
 * between (the gap) are forecast too, so that the first published period is the run date's, but
 * not published as the future. A gap is a `stale_data` warning, adds to every series' staleness in
 * the quality profile, and stops the run (exit 3) when `validation.maxStaleDays` is set and the
 * data is more days old than that, and always past a year ({@link MAX_GAP_DAYS}). The backtest
 * scores the published window, after the gap (pipelines/forecast/backtest.ts `scoreFrom`).
 */
import { formatDay, parseIsoDay } from '../dates.js';
import { InputError } from '../errors.js';
import { periodFirstDay, periodLabel, periodOfDay, type PeriodGrid } from '../periods.js';
import type { RunWarning } from './warnings.js';

/** How far the data's end lies behind the run date. */
export interface DataGap {
  /** Whole periods between the data's last period and the run date's period (0: none). */
  periods: number;
  /** Days from the data's last day to the day before the run date (0: the data reaches the day before). */
  days: number;
  /** Last day of the data (day number). */
  lastDay: number;
}

/**
 * The gap between a run's data and its run date.
 * @param end last period of the data (NaN or infinite: no data).
 * @param runDay the run date (day number).
 */
export function dataGap(end: number, runDay: number, grid: PeriodGrid): DataGap {
  if (!Number.isFinite(end)) return { periods: 0, days: 0, lastDay: NaN };
  const lastDay = periodFirstDay(grid, end + 1) - 1;
  return { periods: Math.max(0, periodOfDay(grid, runDay) - end - 1), days: Math.max(0, runDay - lastDay - 1), lastDay };
}

/** The `stale_data` warning of a gap, or none when the first forecast period is the run date's (or later). */
export function staleWarning(gap: DataGap, end: number, grid: PeriodGrid, runDate: string): RunWarning[] {
  if (gap.periods === 0) return [];
  const unit = grid.frequency === 'day' ? 'day' : grid.frequency;
  const n = gap.periods;
  return [
    {
      code: 'stale_data',
      message:
        `the data ends on ${formatDay(gap.lastDay)}, ${gap.days} day${gap.days === 1 ? '' : 's'} before the run date ${runDate}: ` +
        `${n} ${unit}${n === 1 ? '' : 's'} of sales are missing, so forecasts.csv starts with ${periodLabel(grid, end + 1 + n)} (the run date's ${unit}) and the forecasts rest on data that old; ` +
        `export the missing sales, or pass --run-date to forecast from the data's end`,
    },
  ];
}

/**
 * The longest gap a run forecasts across, in days, whatever `maxStaleDays` says: a year. Past it,
 * forecasts for the run date's period would rest on sales more than a year old, through a gap as
 * long as the history a model sees in a season; they would look like any forecast and be no
 * better than a guess, so the run stops instead (and the model horizon, horizon + gap, stays
 * bounded).
 */
export const MAX_GAP_DAYS = 366;

/**
 * Stop a run whose data is more than `maxStaleDays` days older than the run date, or more than
 * {@link MAX_GAP_DAYS} when that is not set or larger.
 * @throws InputError (exit 3) naming the last date, the run date and what to do.
 */
export function checkStaleness(gap: DataGap, runDate: string, maxStaleDays: number | undefined): void {
  const ends = () => `the data ends on ${formatDay(gap.lastDay)}, ${gap.days} days before the run date ${runDate}`;
  if (maxStaleDays !== undefined && gap.days > maxStaleDays && maxStaleDays < MAX_GAP_DAYS) {
    throw new InputError(`${ends()}, more than --max-stale-days ${maxStaleDays} (validation.maxStaleDays) allows; export the missing sales, or raise --max-stale-days`);
  }
  if (gap.days > MAX_GAP_DAYS) {
    throw new InputError(
      `${ends()}: more than a year (${MAX_GAP_DAYS} days) of sales is missing, and forecasts that far past the data would rest on sales over a year old; ` +
        `export the missing sales, or forecast from the data's end (a run on one file without --run-date or config runDate takes the day after its data)`,
    );
  }
}

/**
 * Days a run date taken from the data (the day after its last date) may lie before today before
 * the run says so: a week, the longest routine between a shop's exports.
 */
export const OLD_DATA_DAYS = 7;

/**
 * The `old_data` warning of a run whose date is the day after its data (no `--run-date`) when that
 * lies more than {@link OLD_DATA_DAYS} days before today: its forecasts and orders start on that
 * day, which is past, and no `stale_data` warning comes since the data reaches the run date.
 * @param today today's date (YYYY-MM-DD, UTC).
 */
export function oldDataWarning(runDate: string, today: string): RunWarning[] {
  const days = parseIsoDay(today) - parseIsoDay(runDate);
  if (!(days > OLD_DATA_DAYS)) return [];
  return [
    {
      code: 'old_data',
      message:
        `no run date was given, so the run date is the day after the data, ${runDate}, ${days} days before today (${today}): ` +
        `the forecasts and the order list start on ${runDate}, not today; pass --run-date ${today} to forecast from today (the missing sales are then a stale_data warning)`,
    },
  ];
}
