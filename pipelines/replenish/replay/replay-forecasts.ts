/**
 * Forecasts for the replay at a past origin, made as a run on that day would make them: every
 * series cut after the origin day (nothing later is visible: demand, returns, prices, the
 * observed flags), cleaned when the settings say so (pipelines/prepare/clean.ts, on the cut series
 * only), then forecast (pipelines/forecast/forecast-series.ts) with the run's settings and horizon. The
 * calendar (events, SNAP days) is known ahead, as it is in a run.
 */
import type { Config } from '../../../config/schema.js';
import type { Calendar } from '../../forecast/calendar.js';
import { cleanBatch } from '../../prepare/clean.js';
import { forecastSeries, type ForecastContext } from '../../forecast/forecast-series.js';
import type { InputKind, SeriesData } from '../../types.js';
import { horizonOf } from '../../periods.js';
import type { ForecastAt } from './replay.js';

/**
 * A series cut after day `end` (inclusive): its arrays end there and nothing derived from later
 * days (cleaning patch, recorded demand) is kept.
 * @throws when `end` is before the series' first day.
 */
export function seriesUpTo(s: SeriesData, end: number): SeriesData {
  const n = Math.min(end - s.start + 1, s.demand.length);
  if (n < 1) throw new Error(`seriesUpTo: day ${end} is before the start of ${s.store}/${s.sku}`);
  const { cleaning: _c, recorded: _r, ...rest } = s;
  return { ...rest, demand: s.demand.slice(0, n), returns: s.returns.slice(0, n), price: s.price.slice(0, n), observed: s.observed.slice(0, n) };
}

/** A series with one day and no sale on `end`: what a series not started by then forecasts from. */
function notStarted(s: SeriesData, end: number): SeriesData {
  const { cleaning: _c, recorded: _r, ...rest } = s;
  return { ...rest, start: end, demand: new Float64Array(1), returns: new Float64Array(1), price: Float64Array.of(NaN), observed: new Uint8Array(1) };
}

/**
 * What a run on day `end` would forecast (module comment): every series cut after `end`, cleaned
 * when the settings say so, in the given order; a series merged away by key reconciliation, or not
 * started yet, as one day without a sale (it forecasts zero).
 */
export function seriesAt(series: readonly SeriesData[], config: Config, kind: InputKind, end: number): SeriesData[] {
  const live = series.filter((s) => s.start <= end);
  const cut = live.map((s) => seriesUpTo(s, end));
  const prepared = config.cleaning.enabled ? cleanBatch(cut, config, { kind }).series : cut;
  const byKey = new Map(prepared.map((s) => [s.key, s]));
  return series.map((s) => byKey.get(s.key) ?? notStarted(s, end));
}

/** The forecast context of a run on day `end` (the run's settings and horizon, daily; only what the replay reads: no intervals). */
export function contextAt(config: Config, end: number, calendar?: Calendar): ForecastContext {
  return { config, end, horizon: horizonOf(config.horizon, 'day'), calendar, replenishmentOnly: true };
}

/**
 * The forecasts a run would have made on each origin day (module comment), for
 * pipelines/replenish/replay/replay.ts.
 *
 * @param series The series, in the replay's order (uncleaned: as ingest gives them).
 * @param config Run settings (cleaning, models, horizon).
 * @param kind Input layout (for cleaning).
 * @param calendar Optional calendar.
 */
export function forecastsAt(series: readonly SeriesData[], config: Config, kind: InputKind, calendar?: Calendar): ForecastAt {
  return (end: number) => {
    const ctx = contextAt(config, end, calendar);
    return seriesAt(series, config, kind, end).map((s) => forecastSeries(s, ctx));
  };
}
