/**
 * Replenishment per series from its forecast: lead-time demand, safety stock, reorder point,
 * order-up-to level and, given on-hand stock, a recommended order quantity.
 *
 * For lead time L days, review period R days and cycle service level p, with z = Φ⁻¹(p):
 * - lead-time demand D_L = Σ_{i<L} f_i (days past the horizon repeat the mean of the last
 *   min(7, h) daily forecasts);
 * - σ_L, the standard deviation of the L-day demand sum: the forecast's `leadTimeSd[L-1]`
 *   (the root mean square of backtest errors of L-day sums, see forecast-series.ts) when
 *   present; otherwise from the interval widths, σ_i = (hi_i - lo_i) / (2·z_level) at the
 *   widest level, summed as independent days, σ_L = sqrt(Σ_{i<L} σ_i²). Past the length of
 *   `leadTimeSd` it grows as sqrt(L / length); past the horizon the last 7 days' mean variance
 *   is repeated;
 * - safety stock SS = z·σ_L; reorder point ROP = D_L + SS;
 * - order-up-to S = max(ROP, D_{L+R} + z·σ_{L+R}) (periodic review, covers lead time plus
 *   review period; never below the reorder point, so an order never leaves stock under it);
 * - with on-hand stock I: order quantity = max(0, S - I) when I <= ROP, else 0; without it, null.
 *
 * Weekly and monthly forecasts (one value per period): the lead time and review period stay
 * settings in days and are converted to periods without rounding (pipelines/periods.ts
 * `daysToPeriods`, `none`): 10 days over weekly forecasts are 1.43 weeks, whose demand is the
 * first week's plus 0.43 of the second's, and whose variance is interpolated the same way between
 * the 1- and 2-week sums (`demandOverPeriods`). {@link replenishmentNotes} says each conversion.
 *
 * Source: Silver, E.A., Pyke, D.F. & Thomas, D.J. (2017), *Inventory and Production Management
 * in Supply Chains* (4th ed.), §6.7 ((s, S) and (R, S) systems) and §6.7.1 (safety stock with
 * a specified cycle service level, k = Φ⁻¹(P1)).
 */
import Papa from 'papaparse';
import type { Config } from '../../config/schema.js';
import { normalQuantile } from '../forecast/intervals.js';
import { InputError, quoteInput } from '../errors.js';
import { readSideFile } from '../io/side-file.js';
import { daysToPeriods, type Frequency } from '../periods.js';

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

/** One output row; fields map in order to the replenishment.csv columns store, sku,
 * lead_time_days, service_level, lead_time_demand, safety_stock, reorder_point, order_up_to,
 * on_hand, order_qty. */
export interface ReplenishmentRow {
  store: string;
  sku: string;
  /** Lead time in days. */
  leadTimeDays: number;
  /** Cycle service level, a probability. */
  serviceLevel: number;
  /** Forecast demand over the lead time, units. */
  leadTimeDemand: number;
  /** z·σ_L, units. */
  safetyStock: number;
  /** Lead-time demand + safety stock, units. */
  reorderPoint: number;
  /** Stock to order up to, covering lead time + review period, units. */
  orderUpTo: number;
  /** Units on hand, null when unknown. */
  onHand: number | null;
  /** Recommended order, units; null when on-hand stock is unknown. */
  orderQty: number | null;
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

/**
 * Demand over a span of periods that may end part of the way into a period (module comment): the
 * sum over the whole periods plus the fraction of the next one; the variance of the sum
 * interpolated the same way between the whole-period sums on either side.
 *
 * @param f The forecast (one value per period).
 * @param periods Span in periods, > 0 (e.g. 1.43 weeks).
 * @throws when periods is not positive and finite.
 */
export function demandOverPeriods(f: ReplenishInput, periods: number): { demand: number; sd: number } {
  if (!(periods > 0) || !Number.isFinite(periods)) throw new Error(`demandOverPeriods needs a positive span of periods, got ${periods}`);
  const whole = Math.floor(periods);
  const frac = periods - whole;
  if (frac === 0) return demandOver(f, whole);
  const lo = whole > 0 ? demandOver(f, whole) : { demand: 0, sd: 0 };
  const hi = demandOver(f, whole + 1);
  const variance = lo.sd * lo.sd + frac * (hi.sd * hi.sd - lo.sd * lo.sd);
  return { demand: lo.demand + frac * (hi.demand - lo.demand), sd: Math.sqrt(Math.max(0, variance)) };
}

/**
 * The conversions of the run's lead time and review period to its periods, as sentences (empty
 * for daily data): `lead time: 10 days = 1.43 weeks`.
 */
export function replenishmentNotes(settings: Pick<Config['replenishment'], 'leadTimeDays' | 'reviewPeriodDays'>, frequency: Frequency, overrides = false): string[] {
  if (frequency === 'day') return [];
  const say = (what: string, days: number): string => {
    const c = daysToPeriods(days, frequency, 'none');
    const n = Number.isInteger(c.periods) ? String(c.periods) : c.periods.toFixed(2);
    const part = Number.isInteger(c.periods) ? '' : ` (not rounded: the demand of the part-${frequency} is that share of its forecast)`;
    return `${what}: ${days} days = ${n} ${frequency}${c.periods === 1 ? '' : 's'}${part}`;
  };
  const out = [say('lead time', settings.leadTimeDays)];
  if (settings.reviewPeriodDays > 0) out.push(say('review period', settings.reviewPeriodDays));
  if (overrides) out.push(`per-sku lead times (replenishment.overridesFile) are converted to ${frequency}s the same way`);
  return out;
}

/**
 * One replenishment row (rules in the module comment).
 *
 * @param f The series forecast.
 * @param settings Default lead time (days), service level and review period (days).
 * @param override Per-series lead time / service level, when listed.
 * @param onHand Units on hand, when known.
 * @throws when a setting is out of range.
 */
export function replenishmentRow(
  f: ReplenishInput,
  settings: Pick<Config['replenishment'], 'leadTimeDays' | 'serviceLevel' | 'reviewPeriodDays'>,
  override?: ReplenishmentOverride,
  onHand?: number,
  frequency: Frequency = 'day',
): ReplenishmentRow {
  const lead = override?.leadTimeDays ?? settings.leadTimeDays;
  const level = override?.serviceLevel ?? settings.serviceLevel;
  const review = settings.reviewPeriodDays;
  if (!Number.isInteger(lead) || lead < 1) throw new Error(`replenishmentRow needs a lead time of at least 1 day, got ${lead}`);
  if (!(level > 0 && level < 1)) throw new Error(`replenishmentRow needs a service level strictly between 0 and 1, got ${level}`);
  if (!Number.isInteger(review) || review < 0) throw new Error(`replenishmentRow needs a review period >= 0 days, got ${review}`);
  const z = normalQuantile(level);
  const over = (days: number) => (frequency === 'day' ? demandOver(f, days) : demandOverPeriods(f, daysToPeriods(days, frequency, 'none').periods));
  const lt = over(lead);
  const cover = over(lead + review);
  const safety = Math.max(0, z * lt.sd);
  const reorderPoint = lt.demand + safety;
  const orderUpTo = Math.max(reorderPoint, cover.demand + Math.max(0, z * cover.sd));
  const known = onHand !== undefined && Number.isFinite(onHand);
  return {
    store: f.store,
    sku: f.sku,
    leadTimeDays: lead,
    serviceLevel: level,
    leadTimeDemand: lt.demand,
    safetyStock: safety,
    reorderPoint,
    orderUpTo,
    onHand: known ? onHand : null,
    orderQty: known ? (onHand <= reorderPoint ? Math.max(0, orderUpTo - onHand) : 0) : null,
  };
}

/**
 * Replenishment rows for many series, in input order.
 *
 * @param forecasts Series forecasts.
 * @param config Settings (reads `replenishment`).
 * @param overrides Per-series overrides ({@link loadOverrides}), optional.
 * @param onHand On-hand stock ({@link loadOnHand}), optional.
 * @param frequency The forecasts' period (lead times in days converted: module comment). @defaultValue "day"
 * @throws when a setting or an override is out of range (see {@link replenishmentRow}).
 */
export function buildReplenishment(
  forecasts: readonly ReplenishInput[],
  config: Pick<Config, 'replenishment'>,
  overrides?: ReadonlyMap<string, ReplenishmentOverride>,
  onHand?: ReadonlyMap<string, number>,
  frequency: Frequency = 'day',
): ReplenishmentRow[] {
  return forecasts.map((f) => {
    const key = seriesKey(f.store, f.sku);
    return replenishmentRow(f, config.replenishment, overrides?.get(key), onHand?.get(key), frequency);
  });
}
