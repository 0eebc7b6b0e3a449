/**
 * The one contract every forecasting model implements.
 *
 * Modelled on statsforecast's uniform model interface (Nixtla, `models.py`):
 * `fit` returns plain, JSON-serialisable state; `forecast` turns that state into
 * h point forecasts with a per-step standard deviation; `fittedValues` gives the
 * one-step-ahead in-sample fit. Models do no I/O, read no globals and never
 * mutate their input. Backtesting, model choice and the published (conformal)
 * intervals are written once, against this contract, in `pipelines/`.
 */

import type { Frequency } from '../pipelines/periods.js';

/** Regressors known for every period of the history and of the horizon. */
export interface Regressors {
  /** Column names, e.g. `['event', 'snap', 'price']`. */
  readonly names: readonly string[];
  /** `values[j][t]` is regressor j in period t of the series, t in [0, n + h). */
  readonly values: readonly Float64Array[];
}

/** What a model is fitted on. */
export interface SeriesInput {
  /** Demand per period (day, week or month), oldest first. Finite, no NaN (gaps are filled upstream). */
  readonly y: Float64Array;
  /** Season length in observations (7 for daily data with a weekly cycle, 52 for weekly, 12 for monthly data). */
  readonly season: number;
  /**
   * Seasonal cycles to model, in observations, possibly fractional (pipelines/periods.ts
   * `seasonCycles`: 7 and 365.25 for daily data, 52.18 for weekly, 12 for monthly). Models that
   * handle cycles (theta, regression) use a whole cycle of at most 24 (31 for the regression) as
   * a classical season and the others as Fourier terms, each only when the observations they are
   * fitted on hold two of it. Absent: `[season]`.
   */
  readonly cycles?: readonly number[];
  /** Day of week of `y[0]`, 0 = Monday (daily data: used by day-of-week regressors). */
  readonly firstDow: number;
  /**
   * Observations before `y` (the history outside the fit window, oldest first), for components
   * estimated over a longer span than the window: the yearly cycle of daily data (theta).
   */
  readonly before?: Float64Array;
  /** Period of one observation (pipelines/periods.ts). @defaultValue 'day' */
  readonly frequency?: Frequency;
  /** Optional calendar and price regressors, covering the history and the horizon. */
  readonly regressors?: Regressors;
}

/** Fitted state: plain data only, so it can cross a queue as JSON. */
export interface FittedState {
  /** Name of the model that produced this state. */
  readonly model: string;
  /** Number of observations fitted. */
  readonly n: number;
  /** Standard deviation of the one-step-ahead in-sample errors. */
  readonly sigma: number;
}

/** h-step forecast: point forecasts and the model's own per-step standard deviation. */
export interface PointForecast {
  readonly mean: Float64Array;
  /** Standard deviation of the h-step forecast error, from the model's own formula. */
  readonly sd: Float64Array;
}

/** A forecasting model. */
export interface Model<F extends FittedState = FittedState> {
  /** Short, stable identifier used in CSV outputs (`ses`, `holt-damped`, `croston`, ...). */
  readonly name: string;
  /** Shortest history `fit` accepts; shorter input throws. */
  readonly minLength: number;
  /** True when the model is meant for intermittent demand (many zero days). */
  readonly intermittent: boolean;
  /** True when the model uses `input.regressors`. */
  readonly usesRegressors: boolean;
  /** Fit on a series. Throws a message naming the model and what it needs on bad input. */
  fit(input: SeriesInput): F;
  /** Forecast h steps past the end of the fitted series. `input` is the series fitted (for regressors). */
  forecast(fitted: F, h: number, input: SeriesInput): PointForecast;
  /** One-step-ahead in-sample fitted values (NaN where the model has none yet). */
  fittedValues(fitted: F, input: SeriesInput): Float64Array;
}
