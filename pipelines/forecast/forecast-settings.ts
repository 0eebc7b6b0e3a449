/**
 * The forecasting stage's settings in periods: the day-based settings of `config.models` (backtest
 * step, minimum history, fit windows) and the stage's own spans (cold-start window, shortest
 * backtest) converted to the series' period, with a record of every rounding so that run.json and
 * the report can say it.
 *
 * Daily data: the settings as configured (nothing converted; outputs as before periods existed).
 * Weekly and monthly data (pipelines/periods.ts `daysToPeriods`):
 * - backtest step: 7 days, rounded up, at least 1 period (1 week, 1 month);
 * - fit windows (`models.maxHistory`, `models.backtestMaxHistory`; 0 = all history): converted to
 *   the nearest whole period, then raised to three yearly cycles (157 weeks, 36 months). The caps
 *   exist to bound the cost of long daily series; a yearly cycle needs two cycles in the window to
 *   be estimated at all, and weekly or monthly series are 7 to 30 times shorter than daily ones of
 *   the same span, so three cycles cost less than the daily caps;
 * - shortest backtest horizon: the shortest calendar cycle shorter than the year: a week of days,
 *   a month of weeks (4), a quarter of months (3) (daily data: the season, 7, as before);
 * - shortest training window of a backtest origin: daily two seasons (14 days, as before); weekly
 *   and monthly 8 observations (a level, a slope and their smoothing parameters with a few
 *   degrees of freedom left);
 * - minimum history (`models.minHistory`, 56 days): rounded up, and at least the shortest
 *   history that can be backtested (training window + shortest backtest horizon: 12 weeks,
 *   11 months); a shorter history gets the cold-start forecast;
 * - cold-start window (28 days): the nearest whole number of periods, at least 3 (4 weeks,
 *   3 months) so that its standard deviation has two degrees of freedom.
 */
import type { Config } from '../../config/schema.js';
import { PERIOD_CANDIDATES, type DemandClass } from './classify.js';
import { DAILY, daysToPeriods, integerSeason, seasonCycles, YEAR_DAYS, type Frequency, type PeriodConversion, type PeriodGrid } from '../periods.js';

/** Days averaged by the cold-start forecast at most (daily data). */
export const COLD_START_DAYS = 28;

/** The forecasting stage's settings for one period grid. */
export interface ForecastSettings {
  readonly grid: PeriodGrid;
  /** Whole season (seasonal naive, Holt-Winters, seasonal dummies): 7, 52 or 12 (daily: `config.season`). */
  readonly season: number;
  /** Periods between backtest origins. */
  readonly backtestStep: number;
  /** Fewer periods since the first sale: cold start. */
  readonly minHistory: number;
  /** Final fit on at most this many periods (0 = all). */
  readonly maxHistory: number;
  /** Each backtest origin fits on at most this many periods (0 = all). */
  readonly backtestMaxHistory: number;
  /** Shortest training window of a backtest origin, periods. */
  readonly minTrain: number;
  /** Shortest backtest horizon, periods (capped by the horizon). */
  readonly shortestBacktest: number;
  /** Periods averaged by the cold-start forecast at most. */
  readonly coldStartWindow: number;
  /** How each day-based setting became periods (empty for daily data). */
  readonly conversions: Readonly<Record<string, PeriodConversion>>;
  /** The conversions that rounded, as plain sentences (`backtest step: 7 days = 0.23 months, rounded up to 1 month`). */
  readonly notes: readonly string[];
}

/** Shortest training window of a backtest origin for weekly and monthly data (module comment). */
export const MIN_TRAIN_PERIODS = 8;

/** Shortest backtest horizon per frequency (module comment); daily: the season. */
const SHORT_CYCLE: Readonly<Record<Exclude<Frequency, 'day'>, number>> = { week: 4, month: 3 };

/**
 * The settings of the forecasting stage for a period grid (rules in the module comment).
 *
 * @param config Settings (reads `season`, `models`).
 * @param grid The series' period grid. @defaultValue DAILY
 */
export function forecastSettings(config: Pick<Config, 'models' | 'season'>, grid: PeriodGrid = DAILY): ForecastSettings {
  const m = config.models;
  const f = grid.frequency;
  if (f === 'day') {
    return {
      grid,
      season: config.season,
      backtestStep: m.backtestStep,
      minHistory: m.minHistory,
      maxHistory: m.maxHistory,
      backtestMaxHistory: m.backtestMaxHistory === 0 ? m.maxHistory : m.maxHistory > 0 ? Math.min(m.maxHistory, m.backtestMaxHistory) : m.backtestMaxHistory,
      minTrain: 2 * config.season,
      shortestBacktest: config.season,
      coldStartWindow: COLD_START_DAYS,
      conversions: {},
      notes: [],
    };
  }
  const yearly = Math.ceil(3 * (f === 'week' ? YEAR_DAYS / 7 : 12));
  const window = (days: number): PeriodConversion => (days === 0 ? daysToPeriods(0, f, 'none') : daysToPeriods(days, f, 'nearest', yearly));
  const shortestBacktest = SHORT_CYCLE[f];
  const conversions: Record<string, PeriodConversion> = {
    backtestStep: daysToPeriods(m.backtestStep, f, 'up', 1),
    minHistory: daysToPeriods(m.minHistory, f, 'up', MIN_TRAIN_PERIODS + shortestBacktest),
    maxHistory: window(m.maxHistory),
    backtestMaxHistory: window(m.backtestMaxHistory),
    coldStartWindow: daysToPeriods(COLD_START_DAYS, f, 'nearest', 3),
  };
  const maxHistory = conversions.maxHistory.periods;
  const bt = conversions.backtestMaxHistory.periods;
  const labels: Record<string, string> = {
    backtestStep: 'models.backtestStep',
    minHistory: 'models.minHistory',
    maxHistory: 'models.maxHistory',
    backtestMaxHistory: 'models.backtestMaxHistory',
    coldStartWindow: 'cold-start window',
  };
  return {
    grid,
    season: integerSeason(f),
    backtestStep: conversions.backtestStep.periods,
    minHistory: conversions.minHistory.periods,
    maxHistory,
    backtestMaxHistory: bt === 0 ? maxHistory : maxHistory > 0 ? Math.min(maxHistory, bt) : bt,
    minTrain: MIN_TRAIN_PERIODS,
    shortestBacktest,
    coldStartWindow: conversions.coldStartWindow.periods,
    conversions,
    notes: Object.entries(conversions)
      .filter(([, c]) => c.note !== '')
      .map(([k, c]) => `${labels[k]}: ${c.note}`),
  };
}

/**
 * The cycles modelled for a series of n periods: those of its frequency that the history holds
 * twice (pipelines/periods.ts `seasonCycles`); for daily data the configured season and the year.
 */
export function cyclesFor(settings: Pick<ForecastSettings, 'grid' | 'season'>, n: number): number[] {
  if (settings.grid.frequency !== 'day') return seasonCycles(settings.grid.frequency, n);
  return [settings.season, YEAR_DAYS].filter((c) => c > 1 && n >= 2 * c);
}

/**
 * How many of the best backtested models are averaged for a series (select.ts): a monthly pool of
 * classify.ts (`PERIOD_CANDIDATES.month`, one per demand class) is averaged whole, its members
 * being chosen for a year ahead from a short history rather than picked by a backtest of 14
 * distinct months (reasons in classify.ts); weekly and daily series average `models.combineTop`.
 * A configured candidate list or `combineTop = 1` (combining switched off) keeps `combineTop`.
 *
 * @param config Settings (reads `models.candidates`, `models.combineTop`).
 * @param frequency The series' period.
 * @param demandClass The series' class.
 */
export function combineTopFor(config: Pick<Config, 'models'>, frequency: Frequency, demandClass: DemandClass): number {
  const k = config.models.combineTop;
  if (frequency !== 'month' || config.models.candidates !== 'auto' || k === 1) return k;
  return Math.max(k, PERIOD_CANDIDATES.month[demandClass].length);
}
