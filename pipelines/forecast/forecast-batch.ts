/**
 * Stage 2 of a run: forecast a batch of series (pure; the unit of fan-out for the fitting
 * threads, fit-threads.ts, and the queue's train workers). A module of its own so that a fitting
 * thread imports the models and not the whole pipeline (pipelines/run/run.ts re-exports it):
 * importing run.js cost a thread about 0.4 s, this module about half of that.
 */
import { forecastSeries, type ForecastContext, type SeriesForecast } from './forecast-series.js';
import type { SeriesData } from '../types.js';

/**
 * Forecast `series` in order, one {@link forecastSeries} each.
 * @param onSeries called after each series (progress).
 */
export function forecastBatch(series: readonly SeriesData[], ctx: ForecastContext, onSeries?: (done: number) => void): SeriesForecast[] {
  const out: SeriesForecast[] = new Array(series.length);
  for (let i = 0; i < series.length; i++) {
    out[i] = forecastSeries(series[i], ctx);
    onSeries?.(i + 1);
  }
  return out;
}
