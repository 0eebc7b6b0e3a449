/**
 * Controlled defect injection into a copy of a sales export, for the data-quality experiment.
 *
 * The injector works on the CSV text itself, so that the damaged copy goes through the real
 * ingest, validation and cleaning path exactly as a retailer's broken export would. It never
 * touches a row dated on or after `protectFromDay` (the held-out days of the experiment), and
 * it is deterministic: the same text, defects and seed give the same bytes.
 *
 * | defect       | what happens                                                              | rate is a share of                    |
 * | ------------ | ------------------------------------------------------------------------- | ------------------------------------- |
 * | `missing`    | the row is deleted (a day the export lost)                                | eligible rows                         |
 * | `duplicates` | the row is written twice (an export that repeats lines)                   | eligible rows                         |
 * | `spikes`     | the quantity is multiplied by 10 (a keying or unit error)                 | eligible rows with quantity > 0       |
 * | `negatives`  | the quantity's sign is flipped, with no return marker                     | eligible rows with quantity > 0       |
 * | `truncated`  | the series' last `tailDays` days of rows are deleted (a stale/truncated tail) | series                            |
 * | `miskeyed`   | the sku is replaced by a typo of it (two adjacent characters swapped)     | eligible rows                         |
 *
 * "Eligible" rows are data rows with a parseable date (the first 10 characters as YYYY-MM-DD)
 * and quantity, dated before `protectFromDay`. Each defect picks exactly round(rate · pool)
 * items without replacement; defects apply in the order given, each from its own random stream
 * (derived from the seed and the defect's name), so adding a defect to a list does not move the
 * rows another defect picks unless the earlier one deleted them.
 *
 * Input limits: one record per physical line (no line breaks inside quoted fields), which is
 * how daily sales exports are written; a line whose quotes do not balance throws.
 */
import { parseIsoDay } from '../pipelines/dates.js';
import { mulberry32 } from '../models/random.js';

/** The kinds of defect the injector knows. */
export const DEFECT_TYPES = ['missing', 'duplicates', 'spikes', 'negatives', 'truncated', 'miskeyed'] as const;
/** A kind of injected defect. */
export type DefectType = (typeof DEFECT_TYPES)[number];

/** One defect at one rate. */
export interface DefectSpec {
  readonly type: DefectType;
  /** Share of the defect's pool (see the table above), in [0, 1]. */
  readonly rate: number;
}

/** Where the injector finds its columns: header names, or 0-based indices. */
export interface InjectColumns {
  readonly date: string | number;
  readonly sku: string | number;
  readonly quantity: string | number;
  /** Optional store column: series are store × sku when given. */
  readonly store?: string | number;
}

/** Options of {@link injectDefects}. */
export interface InjectOptions {
  /** Seed of the random streams (any integer). */
  readonly seed: number;
  /** Rows dated on or after this day number are never touched. @defaultValue no protection */
  readonly protectFromDay?: number;
  /** Column names or indices; auto-detected from the header when left out (see {@link detectInjectColumns}). */
  readonly columns?: InjectColumns;
  /** Days deleted at the end of a `truncated` series. @defaultValue 14 */
  readonly tailDays?: number;
}

/** What one defect did. */
export interface InjectionLog {
  readonly type: DefectType;
  readonly rate: number;
  /** Size of the pool the rate applies to (rows or series). */
  readonly pool: number;
  /** Lines deleted (every copy of a duplicated record), added or changed. */
  readonly rowsAffected: number;
  /** Series touched. */
  readonly seriesAffected: number;
}

/** The damaged copy and what was done to it. */
export interface InjectionResult {
  /** CSV text with the header first and one record per line (`\n` line ends). */
  readonly text: string;
  readonly log: InjectionLog[];
  /** Data rows read and written. */
  readonly rowsIn: number;
  readonly rowsOut: number;
}

const DATE_NAMES = ['date', 'day', 'invoicedate', 'orderdate', 'order_date', 'sale_date', 'sales_date', 'transaction_date'];
const SKU_NAMES = ['sku', 'item_id', 'item', 'stockcode', 'stock_code', 'product', 'product_id', 'article', 'itemcode'];
const QTY_NAMES = ['units', 'quantity', 'qty', 'sales', 'units_sold', 'demand'];
const STORE_NAMES = ['store', 'store_id', 'shop', 'location', 'store_code'];

/**
 * Find the date, sku, quantity and (optional) store columns of a header by common names
 * (case-insensitive): date/day/InvoiceDate, sku/item_id/StockCode, units/quantity/qty,
 * store/store_id/shop/location.
 * @throws when the date, sku or quantity column cannot be found.
 */
export function detectInjectColumns(header: readonly string[]): { date: number; sku: number; quantity: number; store?: number } {
  const lower = header.map((h) => h.trim().toLowerCase());
  const find = (names: string[]) => {
    for (const n of names) {
      const i = lower.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  const date = find(DATE_NAMES);
  const sku = find(SKU_NAMES);
  const quantity = find(QTY_NAMES);
  const store = find(STORE_NAMES);
  const missing = [date < 0 ? 'date' : '', sku < 0 ? 'sku' : '', quantity < 0 ? 'quantity' : ''].filter(Boolean);
  if (missing.length) throw new Error(`detectInjectColumns needs ${missing.join(', ')} column(s); header: ${header.join(',')}`);
  return store >= 0 ? { date, sku, quantity, store } : { date, sku, quantity };
}

/**
 * Parse `missing=0.1,duplicates=0.05` into defect specs.
 * @throws when a name is not a known defect or a rate is not a number in [0, 1].
 */
export function parseDefects(text: string): DefectSpec[] {
  const out: DefectSpec[] = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq <= 0) throw new Error(`parseDefects needs name=rate pairs, got "${p}"`);
    const name = p.slice(0, eq).trim();
    const rate = Number(p.slice(eq + 1).trim());
    if (!(DEFECT_TYPES as readonly string[]).includes(name)) {
      throw new Error(`parseDefects: unknown defect "${name}"; known: ${DEFECT_TYPES.join(', ')}`);
    }
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new Error(`parseDefects needs a rate in [0, 1] for ${name}, got "${p.slice(eq + 1)}"`);
    out.push({ type: name as DefectType, rate });
  }
  if (out.length === 0) throw new Error('parseDefects needs at least one name=rate pair, got none');
  return out;
}

export { mulberry32 };

/** FNV-1a hash of a string mixed with a seed: one independent stream per defect name. */
function streamSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed | 0)) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Choose k distinct entries of `pool` uniformly (partial Fisher–Yates; the pool is reordered).
 * @returns the first k entries of the shuffled pool.
 */
function sample(pool: Int32Array, k: number, rnd: () => number): Int32Array {
  const n = pool.length;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rnd() * (n - i));
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.subarray(0, k);
}

/**
 * Split one CSV record (one physical line) into fields, RFC 4180 quotes removed.
 * @returns the fields, or null when the quotes do not balance.
 */
export function splitCsvRecord(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34) {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        s += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
      if (i >= n) return out;
      if (line.charCodeAt(i) !== 44) return null;
      i++;
    } else {
      const c = line.indexOf(',', i);
      if (c < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, c));
      i = c + 1;
    }
  }
}

/** One field as CSV (quoted when it holds a comma, quote or line break). */
function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A typo of `sku`: two adjacent, different characters swapped at a random position; `X` appended when none differ. */
function typo(sku: string, rnd: () => number, taken: Set<string>): string {
  const positions: number[] = [];
  for (let i = 0; i + 1 < sku.length; i++) if (sku[i] !== sku[i + 1]) positions.push(i);
  for (let attempt = 0; attempt < positions.length; attempt++) {
    const p = positions[Math.floor(rnd() * positions.length)];
    const t = sku.slice(0, p) + sku[p + 1] + sku[p] + sku.slice(p + 2);
    if (!taken.has(t)) return t;
  }
  let t = `${sku}X`;
  while (taken.has(t)) t += 'X';
  return t;
}

function columnIndex(header: readonly string[], c: string | number, what: string): number {
  if (typeof c === 'number') {
    if (!Number.isInteger(c) || c < 0 || c >= header.length) throw new Error(`injectDefects: ${what} column index ${c} is outside the header (${header.length} columns)`);
    return c;
  }
  const i = header.findIndex((h) => h.trim().toLowerCase() === c.trim().toLowerCase());
  if (i < 0) throw new Error(`injectDefects: no ${what} column "${c}" in the header ${header.join(',')}`);
  return i;
}

/**
 * Inject defects into a copy of CSV sales data (see the module comment for each defect).
 *
 * @param text CSV text: a header line, then one record per line (`\n` or `\r\n`).
 * @param defects Defects and rates, applied in order.
 * @param options Seed, protected days, columns, tail length.
 * @returns the damaged text (untouched lines are copied byte for byte, minus `\r`) and a log.
 * @throws when the text has no header, a column is missing, a line's quotes do not balance,
 *   a rate is outside [0, 1] or the tail length is not a positive integer.
 */
export function injectDefects(text: string, defects: readonly DefectSpec[], options: InjectOptions): InjectionResult {
  const tailDays = options.tailDays ?? 14;
  if (!Number.isInteger(tailDays) || tailDays < 1) throw new Error(`injectDefects needs tailDays >= 1, got ${tailDays}`);
  for (const d of defects) {
    if (!(DEFECT_TYPES as readonly string[]).includes(d.type)) throw new Error(`injectDefects: unknown defect "${d.type}"`);
    if (!Number.isFinite(d.rate) || d.rate < 0 || d.rate > 1) throw new Error(`injectDefects needs rates in [0, 1], got ${d.rate} for ${d.type}`);
  }
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
  if (lines.length === 0) throw new Error('injectDefects needs a header line, got empty text');
  const header = splitCsvRecord(lines[0]);
  if (!header) throw new Error('injectDefects: unbalanced quotes in the header line');
  const cols: RowColumns = options.columns
    ? {
        date: columnIndex(header, options.columns.date, 'date'),
        sku: columnIndex(header, options.columns.sku, 'sku'),
        quantity: columnIndex(header, options.columns.quantity, 'quantity'),
        store: options.columns.store === undefined ? undefined : columnIndex(header, options.columns.store, 'store'),
      }
    : detectInjectColumns(header);
  const rows = indexRows(lines, cols, options.protectFromDay ?? Infinity);

  const log: InjectionLog[] = [];
  const typos = new Map<string, string>();
  for (const spec of defects) {
    const rnd = mulberry32(streamSeed(options.seed, spec.type));
    const hit = spec.type === 'truncated' ? truncateTails(rows, spec.rate, tailDays, rnd) : damageRows(rows, spec, cols, typos, rnd);
    log.push({ type: spec.type, rate: spec.rate, pool: hit.pool, rowsAffected: hit.affected, seriesAffected: hit.touched.size });
  }

  const out: string[] = [lines[0]];
  let rowsIn = 0;
  for (let r = 0; r < rows.n; r++) {
    const raw = lines[r + 1];
    if (raw === '') continue;
    rowsIn++;
    const line = rows.changed[r] ? (rows.fields[r] as string[]).map(field).join(',') : raw;
    for (let c = 0; c < rows.copies[r]; c++) out.push(line);
  }
  return { text: out.join('\n') + '\n', log, rowsIn, rowsOut: out.length - 1 };
}

type RowColumns = { date: number; sku: number; quantity: number; store?: number };

/**
 * The data rows as the injector sees them. A row is eligible for damage when its date and
 * quantity parse and its day is before the protected days; only eligible rows carry fields, a
 * day, a quantity and a series id (-1 otherwise).
 */
interface RowIndex {
  readonly n: number;
  readonly fields: (string[] | null)[];
  readonly day: Float64Array;
  readonly qty: Float64Array;
  readonly sid: Int32Array;
  /** Copies written of each row (0 = deleted). */
  readonly copies: Uint8Array;
  /** 1 when the row's fields changed (written from `fields`, else copied byte for byte). */
  readonly changed: Uint8Array;
  /** Sku of each series id. */
  readonly seriesSku: string[];
  /** Every sku in the file (typos must not collide with one). */
  readonly skus: Set<string>;
}

/** Parse the data rows (lines after the header). @throws on a line whose quotes do not balance */
function indexRows(lines: readonly string[], cols: RowColumns, protect: number): RowIndex {
  const n = lines.length - 1;
  const rows: RowIndex = {
    n,
    fields: new Array(n).fill(null),
    day: new Float64Array(n).fill(NaN),
    qty: new Float64Array(n).fill(NaN),
    sid: new Int32Array(n).fill(-1),
    copies: new Uint8Array(n).fill(1),
    changed: new Uint8Array(n),
    seriesSku: [],
    skus: new Set<string>(),
  };
  const seriesIds = new Map<string, number>();
  for (let r = 0; r < n; r++) {
    const line = lines[r + 1];
    if (line === '') continue;
    const f = splitCsvRecord(line);
    if (!f) throw new Error(`injectDefects: unbalanced quotes on line ${r + 2}`);
    const sku = f[cols.sku] ?? '';
    rows.skus.add(sku);
    const d = parseIsoDay((f[cols.date] ?? '').trim().slice(0, 10));
    const q = Number((f[cols.quantity] ?? '').trim());
    if (Number.isNaN(d) || d >= protect || (f[cols.quantity] ?? '').trim() === '' || !Number.isFinite(q)) continue;
    const key = `${cols.store === undefined ? '' : (f[cols.store] ?? '')}\u0000${sku}`;
    let id = seriesIds.get(key);
    if (id === undefined) {
      id = rows.seriesSku.length;
      seriesIds.set(key, id);
      rows.seriesSku.push(sku);
    }
    rows.fields[r] = f;
    rows.day[r] = d;
    rows.qty[r] = q;
    rows.sid[r] = id;
  }
  return rows;
}

/** What one defect did: the size of the pool it drew from, rows affected, series touched. */
interface Hit {
  pool: number;
  affected: number;
  touched: Set<number>;
}

/** `truncated`: a share of the series lose the rows of their last `tailDays` days. */
function truncateTails(rows: RowIndex, rate: number, tailDays: number, rnd: () => number): Hit {
  const { sid, copies, day } = rows;
  const lastDay = new Float64Array(rows.seriesSku.length).fill(-Infinity);
  for (let r = 0; r < rows.n; r++) if (sid[r] >= 0 && copies[r] > 0 && day[r] > lastDay[sid[r]]) lastDay[sid[r]] = day[r];
  const pool: number[] = [];
  for (let s = 0; s < rows.seriesSku.length; s++) if (lastDay[s] > -Infinity) pool.push(s);
  const picked = new Set(sample(Int32Array.from(pool), Math.round(rate * pool.length), rnd));
  const hit: Hit = { pool: pool.length, affected: 0, touched: new Set() };
  for (let r = 0; r < rows.n; r++) {
    const s = sid[r];
    if (s >= 0 && copies[r] > 0 && picked.has(s) && day[r] > lastDay[s] - tailDays) {
      hit.affected += copies[r];
      copies[r] = 0;
      hit.touched.add(s);
    }
  }
  return hit;
}

/** The row defects (missing, duplicates, spikes, negatives, miskeyed) on a share of the eligible rows. */
function damageRows(rows: RowIndex, spec: DefectSpec, cols: RowColumns, typos: Map<string, string>, rnd: () => number): Hit {
  const { sid, copies, qty, changed } = rows;
  const needsSale = spec.type === 'spikes' || spec.type === 'negatives';
  const pool: number[] = [];
  for (let r = 0; r < rows.n; r++) if (sid[r] >= 0 && copies[r] > 0 && (!needsSale || qty[r] > 0)) pool.push(r);
  const picked = sample(Int32Array.from(pool), Math.round(spec.rate * pool.length), rnd);
  const hit: Hit = { pool: pool.length, affected: 0, touched: new Set() };
  // apply in row order so that the random typo choices do not depend on the shuffle order
  for (const r of Int32Array.from(picked).sort()) {
    const f = rows.fields[r] as string[];
    hit.touched.add(sid[r]);
    hit.affected++;
    switch (spec.type) {
      case 'missing':
        hit.affected += copies[r] - 1; // a duplicated record loses every copy
        copies[r] = 0;
        break;
      case 'duplicates':
        copies[r] = Math.min(255, copies[r] + 1);
        break;
      case 'spikes':
        qty[r] *= 10;
        f[cols.quantity] = String(qty[r]);
        changed[r] = 1;
        break;
      case 'negatives':
        qty[r] = -qty[r];
        f[cols.quantity] = String(qty[r]);
        changed[r] = 1;
        break;
      case 'miskeyed': {
        const sku = f[cols.sku];
        let t = typos.get(sku);
        if (t === undefined) {
          t = typo(sku, rnd, rows.skus);
          typos.set(sku, t);
          rows.skus.add(t);
        }
        f[cols.sku] = t;
        changed[r] = 1;
        break;
      }
    }
  }
  return hit;
}
