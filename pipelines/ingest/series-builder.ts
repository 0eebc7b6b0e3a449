/**
 * Accumulate accepted rows into one daily series per store × sku, in growable typed arrays.
 *
 * Rows may arrive in any order of days and keys. Each series keeps its days in arrays indexed
 * from an origin day; a day outside the allocated range grows the arrays (at least doubling,
 * towards the side it fell on), so appending in either direction is amortised O(1) per row.
 * Memory per series and allocated day: 8 (demand) + 8 (price) + 1 (observed) bytes for daily
 * totals, + 4 (price count) for transaction lines, + 8 (returns) only once the series has a
 * return; nothing per row. A series' arrays (returns aside) are views of one region, allocated
 * at once, of large shared buffers (array-slabs.ts: so that the histories, let go together,
 * go back to the system). The finished series are views of these arrays (no copy); series
 * without returns share one read-only zero `returns` buffer. Days of several rows
 * (transaction lines) are summed; price is the mean of the rows' positive prices.
 *
 * A series exists once a row names its key (rejected rows are counted against it too) but
 * gets arrays only with its first accepted row; series without an accepted row are left out
 * of the result (their rejected rows count only in the batch totals).
 *
 * Stray rows (`validation.maxGapDays`, G): a series starts at its first row after its last
 * silence (days without a row of the series) longer than G days. Rows before such a silence are
 * *detached*: kept out of the series and counted (flag `detached`, run.json), so that one stray
 * row (a "no date" placeholder inside the plausible window, a code reused years later) neither
 * stretches the series, the gap filling and the memory over years nor drags the forecast towards
 * zero. Memory stays proportional to the rows whatever their order: the dense arrays of a series
 * never span a silence longer than G; a row more than G days from them is held by day in a small
 * map (`far`), and when the rows after the dense block outnumber it, the block moves to the
 * latest cluster of days (`recenter`, at most about log2(rows) times per series). The batch's
 * first and last days, and its days with trade, are those of the finished series.
 */
import type { InputKind, IssueCode, SeriesData } from '../types.js';
import { ISSUE_CODES } from './validate.js';
import type { AttributeColumn } from './columns.js';
import { ArraySlabs } from './array-slabs.js';

/** The rows of one day held outside a series' dense arrays (see the module comment), summed like them. */
interface FarDay {
  demand: number;
  returns: number;
  /** Daily totals: the day's price (NaN: none); transaction lines: the sum of the prices. */
  price: number;
  priceCount: number;
  /** Rows of the day (a dense block moved here carries all its rows on its first day). */
  rows: number;
}

/** Series that get at least 256 days of room with their first row (see `grow`). */
const FLOOR_SERIES = 16_384;

/** The default of `validation.maxGapDays`. */
export const DEFAULT_MAX_GAP_DAYS = 365;

/**
 * A copy of a string that shares no memory with the text it was cut from. V8 represents a
 * substring of 13 or more characters as a view of its parent, so a kept sku would keep the
 * whole chunk of input it came from alive; keys are kept for the whole run, chunks are not.
 */
function detach(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/**
 * Note the attribute values of an accepted row for its series (the first non-empty value per
 * attribute wins), each value kept once per batch (`interned`) and detached from the input text.
 * Allocates nothing once a series has all its values.
 * @param columns The sales file's attribute columns (columns.ts `detectAttributeColumns`).
 * @param row The row's fields (`field(i)`: '' when absent).
 */
export function noteAttributes(acc: SeriesAccumulator, columns: readonly AttributeColumn[], row: { field(i: number): string }, interned: Map<string, string>): void {
  let done = true;
  for (const { field, index } of columns) {
    if (acc.attributes !== null && acc.attributes[field] !== undefined) continue;
    const raw = row.field(index).trim();
    if (raw === '') {
      done = false;
      continue;
    }
    let v = interned.get(raw);
    if (v === undefined) {
      v = detach(raw);
      interned.set(v, v);
    }
    (acc.attributes ??= {})[field] = v;
  }
  acc.attributesDone = done;
}

/** New [lo, hi) covering `day`, growing [origin, origin + len) by at least its length. */
function grownRange(origin: number, len: number, day: number): [number, number] {
  let lo = origin;
  let hi = origin + len;
  if (day < lo) lo = Math.min(day, origin - Math.max(len, 64));
  else hi = Math.max(day + 1, hi + Math.max(len, 64));
  return [lo, hi];
}

/** One store × sku being accumulated. Fields are public for the ingest hot loop. */
export class SeriesAccumulator {
  /** 1 when the sku is not a product, 0 when it is, -1 not yet known (set by ingest). */
  nonProduct = -1;
  /** Issue counts of this series' rows, indexed like ISSUE_CODES. */
  readonly counts = new Int32Array(ISSUE_CODES.length);
  acceptedRows = 0;
  rejectedRows = 0;
  /** Accepted rows in the dense arrays (the others are in `far`). */
  denseRows = 0;
  /** First and last day of a row in the dense arrays. */
  first = Infinity;
  last = -Infinity;
  /** Rows more than maxGapDays from the dense arrays, by day (null: none). */
  far: Map<number, FarDay> | null = null;
  /** Rows in `far` dated after the dense arrays. */
  farLaterRows = 0;
  origin = 0;
  demand: Float64Array | null = null;
  returns: Float64Array | null = null;
  /** Daily totals: the day's price; transaction lines: the sum of the day's prices. */
  price: Float64Array | null = null;
  /** Transaction lines only: number of prices summed per day. */
  priceCount: Uint32Array | null = null;
  observed: Uint8Array | null = null;
  /** Attributes read from the sales file's attribute columns so far (null: none yet; set by ingest). */
  attributes: Record<string, string> | null = null;
  /** True once every attribute column gave this series a value (ingest stops reading them). */
  attributesDone = false;

  constructor(
    readonly store: string,
    readonly sku: string,
  ) {}

  /** Allocated days. */
  get capacity(): number {
    return this.observed === null ? 0 : this.observed.length;
  }
}

/** Rows kept out of their series because a silence of more than maxGapDays follows them. */
export interface DetachedRows {
  /** Series that lost rows so. */
  readonly series: number;
  readonly rows: number;
  /** Days with such rows, and their demand units. */
  readonly days: number;
  readonly units: number;
}

/** Result of {@link SeriesBuilder.build}. */
export interface BuiltSeries {
  /** Series sorted by store, then sku. */
  readonly series: SeriesData[];
  /** Rows before a silence longer than maxGapDays in their series, kept out of it. */
  readonly detached: DetachedRows;
  /** First and last day of the batch (NaN when no row was accepted). */
  readonly start: number;
  readonly end: number;
  /** 1 on days of [start, end] with at least one accepted row, in the whole batch. */
  readonly allDays: Uint8Array;
  /** Per store: 1 on days of [start, end] with at least one accepted row of that store. */
  readonly storeDays: Record<string, Uint8Array>;
}

/**
 * Builds the per-series daily arrays of one input.
 * `kind` decides whether a day can hold several rows (transaction lines: summed) or one (daily
 * totals: a second row is a duplicate, see {@link SeriesBuilder.dailyDuplicate}).
 */
export class SeriesBuilder {
  private readonly byStore = new Map<string, Map<string, SeriesAccumulator>>();
  private lastStore = '';
  private lastSku = '';
  private lastAcc: SeriesAccumulator | null = null;
  private lastSkus: Map<string, SeriesAccumulator> | undefined = undefined;
  /** Days spanned by rows added to series that already had rows: how much a new series allocates (a stray first row does not widen it). */
  private first = Infinity;
  private last = -Infinity;
  /** Last day of any accepted row: the batch's end. */
  private end = -Infinity;
  /** Series given arrays so far. */
  private allocated = 0;
  private readonly maxGap: number;
  /** Where the series' arrays are carved from (array-slabs.ts: large mapped buffers, not the C heap). */
  private readonly slabs: ArraySlabs;

  /**
   * @param kind daily totals (a second row of a day is a duplicate) or transaction lines (summed).
   * @param opts.maxGapDays `validation.maxGapDays` (see the module comment). @defaultValue 365
   * @param opts.sharedArrays the series' arrays in shared memory (array-slabs.ts `shared`). @defaultValue false
   */
  constructor(
    readonly kind: InputKind,
    opts: { maxGapDays?: number; sharedArrays?: boolean } = {},
  ) {
    this.slabs = new ArraySlabs({ shared: opts.sharedArrays ?? false });
    this.maxGap = opts.maxGapDays ?? DEFAULT_MAX_GAP_DAYS;
    if (!(this.maxGap >= 1)) throw new Error(`SeriesBuilder needs maxGapDays >= 1, got ${this.maxGap}`);
  }

  /** The accumulator of a store × sku, created on first use. */
  key(store: string, sku: string): SeriesAccumulator {
    if (this.lastAcc !== null && sku === this.lastSku && store === this.lastStore) return this.lastAcc;
    let skus = store === this.lastStore ? this.lastSkus : this.byStore.get(store);
    if (skus === undefined) {
      skus = new Map();
      this.byStore.set(detach(store), skus);
    }
    this.lastSkus = skus;
    let acc = skus.get(sku);
    if (acc === undefined) {
      acc = new SeriesAccumulator(detach(store), detach(sku));
      skus.set(acc.sku, acc);
    }
    this.lastStore = store;
    this.lastSku = sku;
    this.lastAcc = acc;
    return acc;
  }

  /** Number of keys seen (with or without accepted rows). */
  get keys(): number {
    let n = 0;
    for (const m of this.byStore.values()) n += m.size;
    return n;
  }

  /**
   * For daily totals: is there already an accepted row for this series and day?
   * @returns 0 when not; 1 when it had the same quantity (`duplicate_row`); 2 when it had a
   *   different one (`duplicate_key`).
   */
  dailyDuplicate(acc: SeriesAccumulator, day: number, quantity: number): 0 | 1 | 2 {
    const kept = this.keptQuantity(acc, day);
    if (kept !== kept) return 0;
    return kept === quantity ? 1 : 2;
  }

  /** The quantity kept for a day of a daily series; NaN when the day has no row yet. */
  keptQuantity(acc: SeriesAccumulator, day: number): number {
    const obs = acc.observed;
    if (obs !== null) {
      const i = day - acc.origin;
      if (i >= 0 && i < obs.length && obs[i] !== 0) return acc.demand![i] - (acc.returns === null ? 0 : acc.returns[i]);
    }
    const f = acc.far === null ? undefined : acc.far.get(day);
    return f === undefined ? NaN : f.demand - f.returns;
  }

  /**
   * Add an accepted row.
   * @param acc Its series.
   * @param day Day number.
   * @param quantity Units (negative for a return).
   * @param price Unit price, NaN when unknown.
   * @param isReturn Return or cancellation: `-quantity` goes to `returns`, not demand.
   */
  add(acc: SeriesAccumulator, day: number, quantity: number, price: number, isReturn: boolean): void {
    if (day > this.end) this.end = day;
    // more than maxGapDays from the dense arrays, or a day already held apart: by day, in `far`
    if ((acc.denseRows > 0 && (day < acc.first - this.maxGap || day > acc.last + this.maxGap)) || (acc.far !== null && acc.far.has(day))) {
      this.addFar(acc, day, quantity, price, isReturn);
      return;
    }
    let obs = acc.observed;
    if (obs === null || day < acc.origin || day >= acc.origin + obs.length) obs = this.grow(acc, day);
    const i = day - acc.origin;
    if (isReturn) {
      if (acc.returns === null) acc.returns = this.zeroReturns(obs.length);
      acc.returns[i] -= quantity;
    } else {
      acc.demand![i] += quantity;
      if (price > 0) {
        if (acc.priceCount === null) acc.price![i] = price;
        else {
          acc.price![i] += price;
          acc.priceCount[i]++;
        }
      }
    }
    obs[i] = 1;
    acc.acceptedRows++;
    // the batch's span, for sizing new series: the dense days of series with two rows or more
    // (their first row's day included: without it a series-ordered export sized every later
    // series one day short, and each then grew to twice its length)
    if (acc.denseRows++ > 0) this.widenSpan(day, acc.first);
    if (day < acc.first) acc.first = day;
    if (day > acc.last) acc.last = day;
  }

  /** Widen the span that sizes new series (`first`, `last`) to days `a` and `b`. */
  private widenSpan(a: number, b: number): void {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    if (lo < this.first) this.first = lo;
    if (hi > this.last) this.last = hi;
  }

  /** Add a row to a series' `far` days; move the dense arrays when the later far rows outnumber them. */
  private addFar(acc: SeriesAccumulator, day: number, quantity: number, price: number, isReturn: boolean): void {
    const far = (acc.far ??= new Map());
    let f = far.get(day);
    if (f === undefined) {
      f = { demand: 0, returns: 0, price: this.kind === 'daily' ? NaN : 0, priceCount: 0, rows: 0 };
      far.set(day, f);
    }
    if (isReturn) f.returns -= quantity;
    else {
      f.demand += quantity;
      if (price > 0) {
        if (this.kind === 'daily') f.price = price;
        else {
          f.price += price;
          f.priceCount++;
        }
      }
    }
    f.rows++;
    acc.acceptedRows++;
    if (day > acc.last) {
      acc.farLaterRows++;
      if (acc.farLaterRows > acc.denseRows) this.recenter(acc);
    }
  }

  /**
   * The days of a series (dense and far) as clusters separated by silences longer than
   * maxGapDays, oldest first: [first day, last day] of each.
   */
  private clusters(acc: SeriesAccumulator): Array<[number, number]> {
    const spans: Array<[number, number]> = [];
    if (acc.denseRows > 0) spans.push([acc.first, acc.last]);
    if (acc.far !== null) for (const d of acc.far.keys()) spans.push([d, d]);
    spans.sort((a, b) => a[0] - b[0]);
    const out: Array<[number, number]> = [];
    for (const [a, b] of spans) {
      const top = out.length ? out[out.length - 1] : null;
      if (top !== null && a - top[1] <= this.maxGap) top[1] = Math.max(top[1], b);
      else out.push([a, b]);
    }
    return out;
  }

  /**
   * Move a series' dense arrays to its latest cluster of days [lo, hi] (ending at `end` or
   * later when given): the dense days outside go to `far` (the block moves whole: its rows are
   * counted on its first day), the far days inside come in.
   */
  private recenter(acc: SeriesAccumulator, end = -Infinity): void {
    const cs = this.clusters(acc);
    const [lo, hiDay] = cs[cs.length - 1];
    const hi = Math.max(hiDay, end);
    const far = acc.far ?? new Map<number, FarDay>();
    acc.far = far;
    const denseIn = acc.denseRows > 0 && acc.first >= lo;
    if (acc.denseRows > 0 && !denseIn) {
      // the old block goes to `far`, day by day, its rows on its first day
      const obs = acc.observed!;
      let rows = acc.denseRows;
      for (let i = 0; i < obs.length; i++) {
        if (!obs[i]) continue;
        const c = acc.priceCount;
        far.set(acc.origin + i, {
          demand: acc.demand![i],
          returns: acc.returns === null ? 0 : acc.returns[i],
          price: acc.price![i],
          priceCount: c === null ? 0 : c[i],
          rows,
        });
        rows = 0;
      }
      acc.observed = acc.demand = acc.price = acc.returns = null;
      acc.priceCount = null;
      acc.denseRows = 0;
      acc.first = Infinity;
      acc.last = -Infinity;
    }
    // dense arrays over [lo, hi] (kept or new), then the far days inside come in
    if (acc.observed === null) {
      acc.origin = lo;
      this.allocate(acc, hi - lo + 1 + Math.max(64, (hi - lo + 1) >> 2));
    } else if (lo < acc.origin || hi >= acc.origin + acc.observed.length) {
      this.resize(acc, Math.min(lo, acc.origin), Math.max(hi + 1, acc.origin + acc.observed.length));
    }
    for (const [day, f] of far) {
      if (day < lo) continue;
      far.delete(day);
      const i = day - acc.origin;
      acc.demand![i] += f.demand;
      if (f.returns !== 0) {
        if (acc.returns === null) acc.returns = this.zeroReturns(acc.observed!.length);
        acc.returns[i] += f.returns;
      }
      if (acc.priceCount === null) {
        if (f.price === f.price) acc.price![i] = f.price;
      } else {
        acc.price![i] += f.price;
        acc.priceCount[i] += f.priceCount;
      }
      acc.observed![i] = 1;
      acc.denseRows += f.rows;
      if (day < acc.first) acc.first = day;
      if (day > acc.last) acc.last = day;
    }
    acc.farLaterRows = 0;
    if (far.size === 0) acc.far = null;
  }

  private grow(acc: SeriesAccumulator, day: number): Uint8Array {
    if (acc.observed === null) {
      // first rows: room for as many days as the batch spans so far (a series-ordered export
      // then allocates each later series once), at least 256: in a day-ordered export the
      // early series would otherwise grow 64 -> 128 -> 256 (Online Retail: 9,734 allocations
      // of 1.41 M days in all, 4,066 of 0.94 M with 256; a series runs to the batch's last day,
      // and build() gives back room beyond a quarter). The floor costs 4 KB of room per series:
      // past FLOOR_SERIES series (an export of many short series) it drops to 32 days
      const floor = ++this.allocated <= FLOOR_SERIES ? 256 : 32;
      const n = Math.max(floor, Math.min(1 << 16, this.last - this.first + 1 || 0));
      acc.origin = day;
      this.allocate(acc, n);
      return acc.observed!;
    }
    const [lo, hi] = grownRange(acc.origin, acc.observed.length, day);
    this.resize(acc, lo, hi);
    return acc.observed!;
  }

  /**
   * Give a series fresh arrays for `n` days, all views of one new buffer (one allocation
   * instead of three or four: allocating typed arrays costs far more than viewing one).
   * Daily prices start as NaN (no price), summed transaction prices as 0.
   */
  private allocate(acc: SeriesAccumulator, n: number): void {
    const daily = this.kind === 'daily';
    const { buffer, offset } = this.slabs.take(n * (daily ? 17 : 21));
    acc.demand = new Float64Array(buffer, offset, n);
    acc.price = new Float64Array(buffer, offset + 8 * n, n);
    if (daily) acc.price.fill(NaN);
    else acc.priceCount = new Uint32Array(buffer, offset + 16 * n, n);
    acc.observed = new Uint8Array(buffer, offset + (daily ? 16 : 20) * n, n);
  }

  /** A zeroed `returns` array of `n` days (from the slabs, like the others). */
  private zeroReturns(n: number): Float64Array {
    const { buffer, offset } = this.slabs.take(8 * n);
    return new Float64Array(buffer, offset, n);
  }

  /**
   * Reallocate a series' arrays to cover days [lo, hi), keeping their contents on the days both
   * ranges share (the accepted days must lie inside [lo, hi)).
   */
  private resize(acc: SeriesAccumulator, lo: number, hi: number): void {
    const n = hi - lo;
    const { demand, price, priceCount, observed, returns } = acc;
    const len = observed!.length;
    // the old days [from, to) that survive, and where they go
    const from = Math.max(lo, acc.origin);
    const to = Math.min(hi, acc.origin + len);
    const src0 = from - acc.origin;
    const src1 = to - acc.origin;
    const at = from - lo;
    this.allocate(acc, n);
    acc.origin = lo;
    if (returns !== null) acc.returns = this.zeroReturns(n);
    if (to <= from) return;
    acc.demand!.set(demand!.subarray(src0, src1), at);
    acc.price!.set(price!.subarray(src0, src1), at);
    acc.observed!.set(observed!.subarray(src0, src1), at);
    if (priceCount !== null) acc.priceCount!.set(priceCount.subarray(src0, src1), at);
    if (returns !== null) acc.returns!.set(returns.subarray(src0, src1), at);
  }

  /**
   * The finished series: each from its first row after its last silence longer than
   * maxGapDays (its first accepted day, for nearly every series) to the batch's last day,
   * sorted by store then sku. Their arrays are views of the accumulators' arrays (no copy, unless
   * the growth room exceeds a quarter of the series' length: then they are copied to fit); the
   * all-zero `returns` of series without returns are views of one shared buffer. Rows before
   * the silence are counted in `detached` (and as the `detached` flag of the series).
   */
  build(): BuiltSeries {
    const end = this.end;
    const accs: SeriesAccumulator[] = [];
    for (const skus of this.byStore.values()) for (const acc of skus.values()) if (acc.acceptedRows > 0) accs.push(acc);
    accs.sort((a, b) => (a.store < b.store ? -1 : a.store > b.store ? 1 : a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    const detached = this.detachStrayRows(accs, end);
    // returns stay unallocated in most series: one read-only zero buffer, as long as the longest
    // such series, serves all of them (each gets a view of its first n days)
    let zeroDays = 0;
    for (const acc of accs) if (acc.returns === null) zeroDays = Math.max(zeroDays, end - acc.first + 1);
    const zeros = new Float64Array(zeroDays);
    let start = Infinity;
    const series: SeriesData[] = accs.map((acc) => {
      if (acc.first < start) start = acc.first;
      return this.seriesOf(acc, end, zeros);
    });
    // days with trade, from the series (rows held apart do not count)
    const ok = series.length > 0;
    // every store named by a row has its flags (all zero when none of its rows was accepted)
    const days = tradingDaysOf(series, ok ? start : NaN, end, this.byStore.keys());
    return {
      series,
      detached,
      start: ok ? start : NaN,
      end: ok ? end : NaN,
      allDays: days.all,
      storeDays: days.byStore,
    };
  }

  /** Series with rows held apart: drop what precedes their last silence, bring the rest in; what was dropped, counted. */
  private detachStrayRows(accs: readonly SeriesAccumulator[], end: number): DetachedRows {
    const detachedBit = ISSUE_CODES.indexOf('detached');
    let detached = { series: 0, rows: 0, days: 0, units: 0 };
    for (const acc of accs) {
      if (acc.far === null) continue;
      const before = acc.acceptedRows;
      const cs = this.clusters(acc);
      const lo = cs[cs.length - 1][0];
      this.recenter(acc, end);
      let rows = 0;
      let units = 0;
      for (const [day, f] of acc.far ?? []) {
        if (day >= lo) throw new Error(`SeriesBuilder: day ${day} of ${acc.store}/${acc.sku} left outside its series`);
        rows += f.rows;
        units += f.demand;
      }
      if (rows > 0) {
        detached = { series: detached.series + 1, rows: detached.rows + rows, days: detached.days + acc.far!.size, units: detached.units + units };
        acc.counts[detachedBit] += rows;
        acc.acceptedRows = before - rows;
      }
      acc.far = null;
    }
    return detached;
  }

  /**
   * The series of an accumulator, from its first day to `end`: its arrays become the series'
   * arrays (views, no copy); the accumulator lets go of them.
   */
  private seriesOf(acc: SeriesAccumulator, end: number, zeros: Float64Array): SeriesData {
    const s0 = acc.first;
    const n = end - s0 + 1;
    // make the arrays reach `end`; growth room beyond a quarter of the series' length is given
    // back (a day-ordered export grows every series by doubling)
    if (acc.origin > s0 || acc.origin + acc.observed!.length < end + 1 || acc.observed!.length > n + (n >> 2) + 64) this.resize(acc, s0, end + 1);
    const from = s0 - acc.origin;
    const demand = acc.demand!.subarray(from, from + n);
    const observed = acc.observed!.subarray(from, from + n);
    const price = acc.price!.subarray(from, from + n);
    const c = acc.priceCount;
    if (c !== null) for (let i = 0; i < n; i++) price[i] = c[from + i] > 0 ? price[i] / c[from + i] : NaN;
    const returns = acc.returns !== null ? acc.returns.subarray(from, from + n) : zeros.subarray(0, n);
    const issues: Partial<Record<IssueCode, number>> = {};
    for (let k = 0; k < ISSUE_CODES.length; k++) if (acc.counts[k] > 0) issues[ISSUE_CODES[k]] = acc.counts[k];
    acc.demand = acc.returns = acc.price = null;
    acc.priceCount = null;
    acc.observed = null;
    return {
      key: `${acc.store}\u0000${acc.sku}`,
      store: acc.store,
      sku: acc.sku,
      start: s0,
      demand,
      returns,
      price,
      observed,
      issues,
      acceptedRows: acc.acceptedRows,
      rejectedRows: acc.rejectedRows,
      ...(acc.attributes !== null ? { attributes: acc.attributes } : {}),
    };
  }
}

/**
 * Days with trade over [start, end], from the series: 1 on a day where a series (of that store,
 * or any) has an accepted row. Stores keyed in sorted order.
 * @param start first day (NaN: no day at all).
 * @param stores stores to list even without a series (their days all 0).
 */
export function tradingDaysOf(
  series: readonly SeriesData[],
  start: number,
  end: number,
  stores: Iterable<string> = [],
): { all: Uint8Array; byStore: Record<string, Uint8Array> } {
  const n = Number.isFinite(start) ? end - start + 1 : 0;
  const all = new Uint8Array(n);
  const byStore: Record<string, Uint8Array> = {};
  for (const s of stores) byStore[s] = new Uint8Array(n);
  for (const s of series) {
    const days = (byStore[s.store] ??= new Uint8Array(n));
    const at = s.start - start;
    const obs = s.observed;
    for (let t = 0; t < obs.length; t++) {
      if (obs[t] === 0) continue;
      days[at + t] = 1;
      all[at + t] = 1;
    }
  }
  const sorted: Record<string, Uint8Array> = {};
  for (const k of Object.keys(byStore).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) sorted[k] = byStore[k];
  return { all, byStore: sorted };
}
