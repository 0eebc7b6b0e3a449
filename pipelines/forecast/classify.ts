/**
 * Demand classification per series and the candidate models tried for each class.
 *
 * Source: Syntetos, A.A., Boylan, J.E. & Croston, J.D. (2005), "On the categorization of demand
 * patterns", Journal of the Operational Research Society 56(5), 495-503: the cut-offs
 * ADI = 1.32 and CV² = 0.49 split demand into smooth, erratic, intermittent and lumpy.
 */
import type { Config } from '../../config/schema.js';
import { CALENDAR_PREFIX } from '../../models/calendar-adjusted.js';
import { MODELS } from '../../models/index.js';
import type { Frequency } from '../periods.js';

/** Demand class; `none` is a series without a single sale. */
export type DemandClass = 'smooth' | 'erratic' | 'intermittent' | 'lumpy' | 'none';

/** Average inter-demand interval cut-off (periods). */
export const ADI_CUTOFF = 1.32;
/** Squared coefficient of variation of non-zero demand sizes cut-off. */
export const CV2_CUTOFF = 0.49;

/** Classification figures of one series. */
export interface DemandProfile {
  readonly demandClass: DemandClass;
  /** Average inter-demand interval: periods from the first sale to the end / periods with demand. Infinity with no sale. */
  readonly adi: number;
  /** Squared coefficient of variation of the non-zero demand sizes (population variance / mean²); 0 with fewer than 2 sales. */
  readonly cv2: number;
  /** Periods with demand > 0. */
  readonly nonZero: number;
  /** Periods from the first sale to the end. */
  readonly periods: number;
}

/**
 * Classify a demand series by ADI and CV² (Syntetos, Boylan & Croston 2005), counting from its
 * first sale (leading zeros before a product's launch are not demand history).
 *
 * - smooth: ADI < 1.32 and CV² < 0.49
 * - erratic: ADI < 1.32 and CV² >= 0.49
 * - intermittent: ADI >= 1.32 and CV² < 0.49
 * - lumpy: ADI >= 1.32 and CV² >= 0.49
 * - none: no sale at all
 *
 * ADI is computed as (periods from the first sale to the end) / (periods with demand), the
 * usual estimate of the mean interval between demands; CV² uses the population variance of the
 * non-zero sizes.
 *
 * @param y Demand per period in units, oldest first. Non-finite values throw.
 * @example classifyDemand(Float64Array.of(0, 3, 0, 3, 0, 3)) // intermittent: ADI 5/3, CV² 0
 * @throws when y contains a non-finite or negative value.
 */
export function classifyDemand(y: ArrayLike<number>): DemandProfile {
  let first = -1;
  let k = 0;
  let sum = 0;
  let sumSq = 0;
  for (let t = 0; t < y.length; t++) {
    const v = y[t];
    if (!Number.isFinite(v) || v < 0) throw new Error(`classifyDemand needs finite non-negative demand, got ${v} at index ${t}`);
    if (v > 0) {
      if (first < 0) first = t;
      k++;
      sum += v;
      sumSq += v * v;
    }
  }
  if (k === 0) return { demandClass: 'none', adi: Infinity, cv2: 0, nonZero: 0, periods: 0 };
  const periods = y.length - first;
  const adi = periods / k;
  const mean = sum / k;
  const variance = Math.max(0, sumSq / k - mean * mean);
  const cv2 = k > 1 ? variance / (mean * mean) : 0;
  const demandClass: DemandClass =
    adi < ADI_CUTOFF ? (cv2 < CV2_CUTOFF ? 'smooth' : 'erratic') : cv2 < CV2_CUTOFF ? 'intermittent' : 'lumpy';
  return { demandClass, adi, cv2, nonZero: k, periods };
}

/**
 * Candidate models per demand class (names in the model registry), tried in the backtest.
 *
 * | class        | candidates                                                                          |
 * | ------------ | ----------------------------------------------------------------------------------- |
 * | smooth       | snaive, ses, holt-winters, holt-winters-damped, theta, regression, moving-average   |
 * | erratic      | snaive, ses, holt-winters, holt-winters-damped, theta, regression, moving-average   |
 * | intermittent | sba, tsb, adida, imapa, ses, moving-average, snaive, regression                      |
 * | lumpy        | sba, tsb, adida, imapa, ses, moving-average, snaive, regression                      |
 * | none         | (none: the cold-start zero forecast)                                                |
 *
 * Why these: daily retail demand has a weekly cycle, so the smooth classes get the seasonal
 * exponential smoothing models (additive Holt-Winters, plain and damped) next to level-only ones
 * (ses, theta, moving average), seasonal naive, and the calendar regression (events, SNAP,
 * price); the intermittent classes get the intermittent-demand methods plus the same level-only
 * models, seasonal naive and the regression. Left out: Croston (SBA is its bias-corrected form,
 * Syntetos & Boylan 2005, and Croston never won a validation period) and the non-seasonal damped
 * Holt (the damped Holt-Winters covers the trend with the weekly cycle). The table was chosen on
 * three validation periods of the M5 slice that end 28, 56 and 84 days before the benchmark's
 * test period (bench/m5-accuracy.ts), never on the test period itself; each of those changes
 * lowered both mean RMSSE and WRMSSE there, at no extra cost per series.
 *
 * This is the daily table; weekly and monthly data use {@link PERIOD_CANDIDATES}. Names not (yet)
 * in the registry are skipped by {@link candidatesFor}.
 */
export const CLASS_CANDIDATES: Readonly<Record<DemandClass, readonly string[]>> = {
  smooth: ['snaive', 'ses', 'holt-winters', 'holt-winters-damped', 'theta', 'regression', 'moving-average'],
  erratic: ['snaive', 'ses', 'holt-winters', 'holt-winters-damped', 'theta', 'regression', 'moving-average'],
  intermittent: ['sba', 'tsb', 'adida', 'imapa', 'ses', 'moving-average', 'snaive', 'regression'],
  lumpy: ['sba', 'tsb', 'adida', 'imapa', 'ses', 'moving-average', 'snaive', 'regression'],
  none: [],
};

/**
 * Candidate models per demand class for weekly and monthly data.
 *
 * | frequency | smooth, erratic | intermittent, lumpy |
 * | --------- | --------------- | ------------------- |
 * | week  | snaive, ses, holt-damped, theta, regression, moving-average | as daily |
 * | month | snaive, sa:ses, sa:holt-damped, theta | sba, tsb, adida, imapa |
 *
 * (monthly rows are pools: all four averaged, forecast-settings.ts `combineTopFor`)
 *
 * Why: the yearly cycle of weekly data is 52.18 weeks, too long and fractional for the seasonal
 * states of Holt-Winters (R's `ets` refuses seasons over 24 for the same reason), so weekly data
 * gets the trend model without a season (damped Holt) and the yearly cycle through the models that
 * take Fourier terms (theta deseasonalised by a Fourier fit, the regression). Monthly data is short:
 * five years are 60 points, and a backtest of a year ahead from three origins a month apart sees
 * 14 distinct months, too few to tell several models apart (choosing the best of many noisy scores
 * is optimistic, select.ts). So monthly smooth and erratic series get a small fixed pool of robust,
 * different models (level: ses; damped trend: holt-damped; seasonal: snaive; Theta) whose plain
 * mean is published, the structure of the combination benchmarks that beat selection on the
 * monthly M3 and M4 series (Makridakis, Spiliotis & Assimakopoulos 2020, "The M4 Competition",
 * IJF 36(1), the SES/Holt/damped `Comb`); left out are the models with many parameters for 36 to 60
 * points (Holt-Winters' 12 seasonal states, the Fourier and calendar regression) and the moving
 * average (a second level model beside ses); ses and damped Holt are seasonally adjusted first
 * (models/seasonally-adjusted.ts), as in those benchmarks. Monthly intermittent and lumpy series
 * get the pool of the four intermittent-demand methods (SBA, TSB and the temporal aggregation of
 * ADIDA and IMAPA), averaged for the same reason (Petropoulos, F. & Kourentzes, N. (2015),
 * "Forecast combinations for intermittent demand", JORS 66(6), 914-924). Weekly intermittent rows
 * are the daily ones: those methods count periods, not days. Chosen on these principles; measured,
 * not tuned, in bench/period-accuracy.ts.
 */
export const PERIOD_CANDIDATES: Readonly<Record<Exclude<Frequency, 'day'>, Readonly<Record<DemandClass, readonly string[]>>>> = {
  week: {
    smooth: ['snaive', 'ses', 'holt-damped', 'theta', 'regression', 'moving-average'],
    erratic: ['snaive', 'ses', 'holt-damped', 'theta', 'regression', 'moving-average'],
    intermittent: CLASS_CANDIDATES.intermittent,
    lumpy: CLASS_CANDIDATES.lumpy,
    none: [],
  },
  month: {
    smooth: ['snaive', 'sa:ses', 'sa:holt-damped', 'theta'],
    erratic: ['snaive', 'sa:ses', 'sa:holt-damped', 'theta'],
    intermittent: ['sba', 'tsb', 'adida', 'imapa'],
    lumpy: ['sba', 'tsb', 'adida', 'imapa'],
    none: [],
  },
};

/**
 * The candidate model names for a demand class: `config.models.candidates` when it is a list
 * (the same list for every class), else the class's row of {@link CLASS_CANDIDATES} (daily) or
 * {@link PERIOD_CANDIDATES} (weekly, monthly) restricted to the models present in the registry,
 * in table order.
 *
 * @param demandClass The series' class.
 * @param config Settings (reads `models.candidates`).
 * @param frequency The series' period. @defaultValue 'day'
 * @param meanDemand Mean daily demand over the last year: daily smooth and erratic series selling
 *   {@link CALENDAR_MIN_DEMAND} or more get the calendar-adjusted twins of their candidates.
 * @throws when a configured candidate is not a registered model.
 */
export function candidatesFor(demandClass: DemandClass, config: Pick<Config, 'models'>, frequency: Frequency = 'day', meanDemand = 0): string[] {
  const set = config.models.candidates;
  if (set !== 'auto') {
    const unknown = set.filter((n) => !MODELS[n]);
    if (unknown.length) {
      throw new Error(`candidatesFor: unknown model(s) in models.candidates: ${unknown.join(', ')}; known: ${Object.keys(MODELS).join(', ')}`);
    }
    return [...new Set(set)];
  }
  const table = frequency === 'day' ? CLASS_CANDIDATES : PERIOD_CANDIDATES[frequency];
  const list = table[demandClass].filter((n) => MODELS[n] !== undefined);
  if (frequency === 'day' && (demandClass === 'smooth' || demandClass === 'erratic') && meanDemand >= CALENDAR_MIN_DEMAND) {
    const twins = list.map((n) => (MODELS[`${CALENDAR_PREFIX}${n}`] ? `${CALENDAR_PREFIX}${n}` : n));
    return twins.concat(CALENDAR_EXTRA.filter((n) => MODELS[n] !== undefined && !twins.includes(n)));
  }
  return list;
}

/**
 * Mean daily demand (units over the last year) from which a smooth or erratic series is
 * forecast by the calendar-adjusted twins of its candidates (models/calendar-adjusted.ts):
 * calendar effects are signal in a department's or a store's total and noise in one item's few
 * units a day. On four validation periods of the M5 slice a threshold of 20 lowered the 12-level
 * WRMSSE of the reconciled forecasts (0.8296 -> 0.8049 with `wls+top-down:total`) and moved the
 * item x store figures by under 0.1% (10 of the 280 items sell 20 a day or more); 5 was as good
 * at 12 levels and slightly worse for items, and adjusting every smooth item (0) made items worse
 * (bench/m5-hierarchy.ts, README).
 */
export const CALENDAR_MIN_DEMAND = 20;

/**
 * Extra candidates of the series forecast by calendar-adjusted models ({@link CALENDAR_MIN_DEMAND}):
 * the year-over-year model (models/year-over-year.ts: the same weekday a year before,
 * calendar-adjusted, times the growth since then), which brings the time of year's movement into
 * the aggregates' forecasts.
 */
export const CALENDAR_EXTRA: readonly string[] = ['cal:yoy'];

/**
 * Models kept in the combination whatever their backtest rank, when they ran (select.ts): the
 * backtest's windows lie in the last six weeks, where the time of year hardly moves, so they
 * cannot judge the model whose worth is the yearly movement. On the M5 slice's choosing periods
 * this lowered the 12-level WRMSSE below that of `cal:yoy` as one ranked candidate (README).
 */
export const ALWAYS_COMBINED: readonly string[] = ['cal:yoy'];
