/**
 * What the publish stage needs of a run's histories, taken at stage 1 so that publishing (on
 * another process in a queued run) never holds the histories again: per series the volume
 * control of the impact analysis and the units of the last 28 days (the report's ranking), and
 * the last 56 days of the report's top series. Computed on the cleaned demand (what the models
 * learned from), one series at a time.
 */
import { cleanedWindow } from '../prepare/cleaning-patch.js';
import type { SeriesData } from '../types.js';

/** Series charted in the report. */
export const DIGEST_TOP = 6;
/** Days of history shown before each charted forecast. */
export const DIGEST_HISTORY_DAYS = 56;
/** Days whose units rank the series for the report. */
export const DIGEST_RECENT_DAYS = 28;

/** See the module comment. Keys are `store\u0000sku`. */
export interface SeriesDigest {
  /** Mean daily demand from the first sale to the end of the series (impact's volume control). */
  readonly volume: Record<string, number>;
  /** Units of the last {@link DIGEST_RECENT_DAYS} days up to the run's last day. */
  readonly recent: Record<string, number>;
  /** The last {@link DIGEST_HISTORY_DAYS} days of the top {@link DIGEST_TOP} series by `recent`. */
  readonly history: Record<string, { readonly start: number; readonly values: number[] }>;
  /**
   * Last known selling price per series (the order list's unit value when the items file gives
   * no unit cost); absent for series without one, and in digests saved before it existed.
   */
  readonly price?: Record<string, number>;
  /**
   * The last {@link DIGEST_HISTORY_DAYS} days (periods) of every series, ending on the run's last
   * day, cleaned, rounded to 2 decimals: the report's drill-downs (pipelines/publish/report-drill.ts).
   * Absent in digests saved before it existed.
   */
  readonly tails?: Record<string, number[]>;
}

/** Mean daily cleaned demand from the first sale to the end (0 without a sale). */
export function seriesVolume(s: SeriesData): number {
  const d = s.demand;
  const n = d.length;
  // cleaning never changes the days before the first sale, nor turns a sale into no sale
  let first = 0;
  while (first < n && !(d[first] > 0)) first++;
  if (first >= n) return 0;
  // summed day by day in order, as the analysis always has (same floating-point result)
  const y = s.cleaning ? cleanedWindow(s, first, n) : d.subarray(first);
  let sum = 0;
  for (let t = 0; t < y.length; t++) sum += y[t];
  return sum / (n - first);
}

/** The last days of a series up to day `end`: [from index, cleaned values]. */
function tail(s: SeriesData, end: number, days: number): { from: number; values: Float64Array } {
  const endIdx = Math.min(s.demand.length - 1, end - s.start);
  if (endIdx < 0) return { from: 0, values: new Float64Array(0) };
  const from = Math.max(0, endIdx - days + 1);
  return { from, values: cleanedWindow(s, from, endIdx + 1) };
}

/** Ranking order of the report: most recent units first, then by store + sku. */
export function byRecent(a: { key: string; v: number; name: string }, b: { key: string; v: number; name: string }): number {
  return b.v - a.v || (a.name < b.name ? -1 : 1);
}

/** The digest of a run's series (see the module comment). @param end the run's last day. */
export function digestSeries(series: readonly SeriesData[], end: number): SeriesDigest {
  const volume: Record<string, number> = {};
  const recent: Record<string, number> = {};
  const price: Record<string, number> = {};
  const tails: Record<string, number[]> = {};
  const ranked: { key: string; v: number; name: string; s: SeriesData }[] = [];
  for (const s of series) {
    const key = `${s.store}\u0000${s.sku}`;
    volume[key] = seriesVolume(s);
    let v = 0;
    for (const x of tail(s, end, DIGEST_RECENT_DAYS).values) v += x;
    recent[key] = v;
    tails[key] = tailOf(s, end);
    const p = lastPrice(s, end);
    if (Number.isFinite(p)) price[key] = p;
    ranked.push({ key, v, name: s.store + s.sku, s });
  }
  ranked.sort(byRecent);
  const history: SeriesDigest['history'] = {};
  for (const { key, s } of ranked.slice(0, DIGEST_TOP)) {
    const t = tail(s, end, DIGEST_HISTORY_DAYS);
    history[key] = { start: s.start + t.from, values: Array.from(t.values) };
  }
  return { volume, recent, history, price, tails };
}

/** The last DIGEST_HISTORY_DAYS values up to `end`, zeros before the series' start, rounded to 2 decimals. */
function tailOf(s: SeriesData, end: number): number[] {
  const t = tail(s, end, DIGEST_HISTORY_DAYS);
  const out = new Array<number>(DIGEST_HISTORY_DAYS - t.values.length).fill(0);
  for (const x of t.values) out.push(Math.round(x * 100) / 100);
  return out;
}

/** The last finite price of a series at or before day `end`; NaN when none. */
function lastPrice(s: SeriesData, end: number): number {
  const p = s.price;
  if (!p) return NaN;
  for (let i = Math.min(p.length - 1, end - s.start); i >= 0; i--) if (Number.isFinite(p[i])) return p[i];
  return NaN;
}
