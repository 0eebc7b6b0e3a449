/**
 * The demand of a forecast over a span of days, as the order list reads it
 * (pipelines/replenish/demand-forecast.ts), the series key, and the parsers of the older per-sku
 * files (`replenishment.overridesFile`: store, sku, lead_time_days, service_level;
 * `replenishment.onHandFile`: store, sku, on_hand), which are checked when a run starts and read
 * as the items and stock files of the order list (pipelines/replenish/orders/order-stage.ts).
 * (They used to feed replenishment.csv, a second reorder policy beside orders.csv, removed: one
 * home for the reorder rule.)
 *
 * For a span of L days:
 * - demand D_L = Σ_{i<L} f_i (days past the horizon repeat the mean of the last min(7, h) daily
 *   forecasts);
 * - σ_L, the standard deviation of the L-day demand sum: the forecast's `leadTimeSd[L-1]`
 *   (the root mean square of backtest errors of L-day sums, see forecast-series.ts) when
 *   present; otherwise from the interval widths, σ_i = (hi_i - lo_i) / (2·z_level) at the
 *   widest level, summed as independent days, σ_L = sqrt(Σ_{i<L} σ_i²). Past the length of
 *   `leadTimeSd` it grows as sqrt(L / length); past the horizon the last 7 days' mean variance
 *   is repeated.
 */
import Papa from 'papaparse';
import { normalQuantile } from '../forecast/intervals.js';
import { InputError, quoteInput } from '../errors.js';
import { readSideFile } from '../io/side-file.js';

/** Per-series override of the replenishment settings. */
export interface ReplenishmentOverride {
  readonly leadTimeDays?: number;
  readonly serviceLevel?: number;
}

/** What a replenishment row is computed from (a subset of a SeriesForecast). */
export interface ReplenishInput {
  readonly store: string;
  readonly sku: string;
  /** Daily point forecasts, units. */
  readonly mean: readonly number[];
  /** Interval bounds by level key (`'80'`, `'95'`). */
  readonly lo: Record<string, readonly number[]>;
  readonly hi: Record<string, readonly number[]>;
  /** Standard deviation of the L-day demand sum error, index L-1. */
  readonly leadTimeSd?: readonly number[];
}

/** Key of a store × sku pair, as in SeriesData.key. */
export function seriesKey(store: string, sku: string): string {
  return `${store}\u0000${sku}`;
}

function parseCsv(text: string, source: string, fn: string, required: readonly string[]): { header: string[]; rows: string[][] } {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' });
  const rows = parsed.data;
  if (rows.length === 0) throw new Error(`${fn} needs a header row in ${source}`);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const missing = required.filter((c) => !header.includes(c));
  // the first line is not quoted: the file may be anything (its contents stay out of messages)
  if (missing.length) throw new Error(`${fn} needs column(s) ${missing.join(', ')} in ${source}; its first line has ${header.length} field(s) without them`);
  return { header, rows: rows.slice(1) };
}

/**
 * Parse a per-sku override CSV: `store,sku,lead_time_days,service_level` (header required; an
 * empty value keeps the default; `store` may be empty for inputs without stores).
 *
 * @param text CSV text.
 * @param source Name for error messages.
 * @returns overrides keyed by {@link seriesKey}.
 * @throws on a missing column, a lead time that is not a positive integer, a service level
 *   not strictly between 0 and 1, or a store × sku listed twice (message names the line).
 */
export function parseOverrides(text: string, source = 'overrides'): Map<string, ReplenishmentOverride> {
  const { header, rows } = parseCsv(text, source, 'parseOverrides', ['store', 'sku', 'lead_time_days', 'service_level']);
  const [cs, ck, cl, cp] = ['store', 'sku', 'lead_time_days', 'service_level'].map((c) => header.indexOf(c));
  const out = new Map<string, ReplenishmentOverride>();
  rows.forEach((row, i) => {
    const line = i + 2;
    const store = (row[cs] ?? '').trim();
    const sku = (row[ck] ?? '').trim();
    if (!sku) throw new Error(`parseOverrides: empty sku on line ${line} of ${source}`);
    const lt = (row[cl] ?? '').trim();
    const sl = (row[cp] ?? '').trim();
    const o: { leadTimeDays?: number; serviceLevel?: number } = {};
    if (lt) {
      const v = Number(lt);
      if (!Number.isInteger(v) || v < 1) throw new Error(`parseOverrides: lead_time_days must be a positive integer, got ${quoteInput(lt, 40)} on line ${line} of ${source}`);
      o.leadTimeDays = v;
    }
    if (sl) {
      const v = Number(sl);
      if (!(v > 0 && v < 1)) throw new Error(`parseOverrides: service_level must be strictly between 0 and 1, got ${quoteInput(sl, 40)} on line ${line} of ${source}`);
      o.serviceLevel = v;
    }
    const key = seriesKey(store, sku);
    if (out.has(key)) throw new Error(`parseOverrides: store ${quoteInput(store, 60)} sku ${quoteInput(sku, 60)} listed twice (line ${line} of ${source})`);
    out.set(key, o);
  });
  return out;
}

/**
 * Parse an on-hand stock CSV: `store,sku,on_hand` (header required, on_hand >= 0).
 *
 * @returns on-hand units keyed by {@link seriesKey}.
 * @throws on a missing column, an on_hand that is not a finite non-negative number, or a
 *   store × sku listed twice (message names the line).
 */
export function parseOnHand(text: string, source = 'on-hand'): Map<string, number> {
  const { header, rows } = parseCsv(text, source, 'parseOnHand', ['store', 'sku', 'on_hand']);
  const [cs, ck, co] = ['store', 'sku', 'on_hand'].map((c) => header.indexOf(c));
  const out = new Map<string, number>();
  rows.forEach((row, i) => {
    const line = i + 2;
    const store = (row[cs] ?? '').trim();
    const sku = (row[ck] ?? '').trim();
    const raw = (row[co] ?? '').trim();
    const v = Number(raw);
    if (!sku) throw new Error(`parseOnHand: empty sku on line ${line} of ${source}`);
    if (raw === '' || !Number.isFinite(v) || v < 0) throw new Error(`parseOnHand: on_hand must be a number >= 0, got ${quoteInput(raw, 40)} on line ${line} of ${source}`);
    const key = seriesKey(store, sku);
    if (out.has(key)) throw new Error(`parseOnHand: store ${quoteInput(store, 60)} sku ${quoteInput(sku, 60)} listed twice (line ${line} of ${source})`);
    out.set(key, v);
  });
  return out;
}

/** Read a side CSV (pipelines/io/side-file.ts checks) and parse it; any problem is an InputError naming the file, never quoting its lines. */
function loadSideCsv<T>(path: string, what: string, maxBytes: number, parse: (text: string, source: string) => T): T {
  const text = readSideFile(path, what, maxBytes).toString('utf8');
  try {
    return parse(text, quoteInput(path));
  } catch (e) {
    throw new InputError(`${what} ${quoteInput(path)}: ${(e as Error).message}`);
  }
}

/**
 * Read and parse an override CSV file: a regular file of at most `maxBytes` bytes.
 * @param maxBytes config `validation.maxSideFileBytes`. @defaultValue 64 MiB
 * @throws InputError when it is unreadable, refused, or {@link parseOverrides} rejects it.
 */
export function loadOverrides(path: string, maxBytes = 64 * 1024 * 1024): Map<string, ReplenishmentOverride> {
  return loadSideCsv(path, 'overrides file', maxBytes, parseOverrides);
}

/**
 * Read and parse an on-hand CSV file: a regular file of at most `maxBytes` bytes.
 * @param maxBytes config `validation.maxSideFileBytes`. @defaultValue 64 MiB
 * @throws InputError when it is unreadable, refused, or {@link parseOnHand} rejects it.
 */
export function loadOnHand(path: string, maxBytes = 64 * 1024 * 1024): Map<string, number> {
  return loadSideCsv(path, 'on-hand stock file', maxBytes, parseOnHand);
}

/** Daily forecast sd implied by the widest interval level: (hi - lo) / (2·z). */
function dailySds(f: ReplenishInput): number[] {
  const keys = Object.keys(f.lo).filter((k) => f.hi[k] && Number(k) > 0 && Number(k) < 100);
  if (keys.length === 0) return f.mean.map(() => 0);
  const key = keys.sort((a, b) => Number(b) - Number(a))[0];
  const z = normalQuantile(1 - (1 - Number(key) / 100) / 2);
  return f.mean.map((_, i) => Math.max(0, (f.hi[key][i] - f.lo[key][i]) / (2 * z)));
}

/** Mean of the last min(7, n) values. */
function tailMean(a: readonly number[]): number {
  const k = Math.min(7, a.length);
  let s = 0;
  for (let i = a.length - k; i < a.length; i++) s += a[i];
  return k > 0 ? s / k : 0;
}

/**
 * Demand over the next `days` days and the sd of that sum (rules in the module comment).
 *
 * @param f The forecast.
 * @param days Number of days, >= 1.
 * @throws when days is not a positive integer or the forecast is empty.
 */
export function demandOver(f: ReplenishInput, days: number): { demand: number; sd: number } {
  if (!Number.isInteger(days) || days < 1) throw new Error(`demandOver needs a positive integer number of days, got ${days}`);
  const h = f.mean.length;
  if (h === 0) throw new Error(`demandOver needs a forecast of at least 1 day for ${f.store}/${f.sku}`);
  let demand = 0;
  for (let i = 0; i < Math.min(days, h); i++) demand += f.mean[i];
  if (days > h) demand += (days - h) * tailMean(f.mean);
  let sd: number;
  const lt = f.leadTimeSd;
  if (lt && lt.length > 0) {
    sd = days <= lt.length ? lt[days - 1] : lt[lt.length - 1] * Math.sqrt(days / lt.length);
  } else {
    const sds = dailySds(f);
    let v = 0;
    for (let i = 0; i < Math.min(days, h); i++) v += sds[i] * sds[i];
    if (days > h) v += (days - h) * tailMean(sds.map((s) => s * s));
    sd = Math.sqrt(v);
  }
  return { demand, sd: Number.isFinite(sd) && sd > 0 ? sd : 0 };
}
