/**
 * Matching the rows of the replenishment input files to the forecast series (store × sku), and
 * reporting every row that matches none with its key and a near match.
 *
 * Rules:
 * - a row with a store matches the series of that store and sku (exact text, after trimming);
 * - a stock or on-order row without a store (no store column, or an empty cell) matches the
 *   sku's series without a store, else the sku's only series; a sku sold in several stores is
 *   `ambiguous_store` (rejected: the stock of which store?);
 * - an items row without a store applies to every series of the sku; a row with a store
 *   overrides it for that store, field by field;
 * - a row that matches no series is `unknown_series` (rejected), its message naming the key and
 *   what was probably meant (pipelines/replenish/inputs/near-match.ts): a near store, a near
 *   sku, the sku a number stood for before a spreadsheet dropped its leading zeros (`123` for
 *   `00123`), or the stores that do sell the sku. Near matches are searched for the first
 *   {@link MAX_NEAR_SEARCHES} unmatched rows of a file (a wholly wrong file would otherwise cost
 *   rows × series comparisons); later ones say so;
 * - an item naming a supplier missing from a given suppliers file is `unknown_supplier` (a
 *   warning: the item is used, ordering any day without a minimum order value).
 */
import { seriesKey } from '../replenish.js';
import type { InputFile, InputIssue } from './input-issue.js';
import type { ItemRow } from './items.js';
import { NearMatcher } from './near-match.js';
import type { OnOrderRow } from './on-order.js';
import type { InputRows, StockRow } from './stock.js';
import type { SupplierRow } from './suppliers.js';

/** What a series is known by. */
export interface SeriesRef {
  readonly store: string;
  readonly sku: string;
}

/** Unmatched rows per file for which near matches are searched. */
export const MAX_NEAR_SEARCHES = 1000;

/** The series of a run, indexed for matching and near matches. */
export class SeriesIndex {
  private readonly keys = new Set<string>();
  private readonly storesBySku = new Map<string, string[]>();
  private readonly stores = new Set<string>();
  private storeMatcher: NearMatcher | null = null;
  private skuMatcher: NearMatcher | null = null;
  /** Numeric skus by their digits without leading zeros (built on first need). */
  private unpadded: Map<string, string> | null = null;

  constructor(series: Iterable<SeriesRef>) {
    for (const s of series) {
      this.keys.add(seriesKey(s.store, s.sku));
      this.stores.add(s.store);
      const list = this.storesBySku.get(s.sku);
      if (list) list.push(s.store);
      else this.storesBySku.set(s.sku, [s.store]);
    }
  }

  /** True when the store × sku is a series. */
  has(store: string, sku: string): boolean {
    return this.keys.has(seriesKey(store, sku));
  }

  /** Stores whose series include the sku (empty when none). */
  storesOf(sku: string): readonly string[] {
    return this.storesBySku.get(sku) ?? [];
  }

  /** A sales sku that is the same number as `sku` with leading zeros (`123` → `00123`), if any. */
  private samePaddedNumber(sku: string): string | undefined {
    if (!/^\d+$/.test(sku)) return undefined;
    if (this.unpadded === null) {
      this.unpadded = new Map();
      for (const k of this.storesBySku.keys()) if (/^0\d*$/.test(k) && !this.unpadded.has(unpad(k))) this.unpadded.set(unpad(k), k);
    }
    const padded = this.unpadded.get(unpad(sku));
    return padded !== sku ? padded : undefined;
  }

  /**
   * Why store × sku is not a series, with what was probably meant; `search` false skips the
   * near-match search (the message says so).
   */
  describeMiss(store: string, sku: string, search = true): string {
    const key = store ? `store "${store}" sku "${sku}"` : `sku "${sku}"`;
    const skuStores = this.storesOf(sku);
    if (store && !this.stores.has(store)) {
      if (!search) return `no series for ${key}: store "${store}" is not in the sales (near matches not searched past the first ${MAX_NEAR_SEARCHES} unmatched rows)`;
      this.storeMatcher ??= new NearMatcher(this.stores);
      const near = this.storeMatcher.nearest(store);
      const sellsIt = near.filter((s) => this.has(s, sku));
      const hint = sellsIt.length ? `; did you mean store "${sellsIt[0]}" (it sells this sku)?` : near.length ? `; did you mean store "${near[0]}"?` : '';
      return `no series for ${key}: store "${store}" is not in the sales${hint}`;
    }
    if (skuStores.length > 0) return `no series for ${key}: the sku is sold only in store(s) ${skuStores.slice(0, 5).map((s) => `"${s}"`).join(', ')}${skuStores.length > 5 ? ', ...' : ''}`;
    if (!search) return `no series for ${key}: sku "${sku}" is not in the sales (near matches not searched past the first ${MAX_NEAR_SEARCHES} unmatched rows)`;
    const padded = this.samePaddedNumber(sku);
    if (padded !== undefined) return `no series for ${key}: sku "${sku}" is not in the sales; did you mean sku "${padded}" (the same number with its leading zeros, which a spreadsheet may have dropped)?`;
    this.skuMatcher ??= new NearMatcher(this.storesBySku.keys());
    const near = this.skuMatcher.nearest(sku);
    const inStore = store ? near.filter((k) => this.has(store, k)) : near;
    const best = inStore[0] ?? near[0];
    return `no series for ${key}: sku "${sku}" is not in the sales${best !== undefined ? `; did you mean sku "${best}"?` : ''}`;
  }
}

/** Digits without their leading zeros (`00123` → `123`, `000` → `0`). */
function unpad(digits: string): string {
  const s = digits.replace(/^0+/, '');
  return s === '' ? '0' : s;
}

/** The replenishment input files, parsed (each optional). */
export interface ParsedInputs {
  readonly stock?: InputRows<StockRow>;
  readonly onOrder?: InputRows<OnOrderRow>;
  readonly items?: InputRows<ItemRow>;
  readonly suppliers?: InputRows<SupplierRow>;
}

/** Row counts of one file: read = used + rejected. */
export interface FileCounts {
  read: number;
  used: number;
  rejected: number;
}

/** The input rows matched to series. */
export interface MatchedInputs {
  /** Stock per series key; null when no stock file was given. */
  readonly stock: ReadonlyMap<string, StockRow> | null;
  /** Open orders per series key. */
  readonly onOrder: ReadonlyMap<string, readonly OnOrderRow[]>;
  /** Item settings per series key (a store row merged over the sku's row). */
  readonly items: ReadonlyMap<string, ItemRow>;
  readonly suppliers: ReadonlyMap<string, SupplierRow>;
  /** Every problem: parsing and matching, in file then line order. */
  readonly issues: InputIssue[];
  /** Row counts per file given. */
  readonly counts: Partial<Record<InputFile, FileCounts>>;
}

/** Resolve the series a stock or on-order row belongs to, or the issue why none. */
function resolveStoreRow(index: SeriesIndex, file: InputFile, row: { line: number; store: string; sku: string }, search: () => boolean): { key: string } | { issue: InputIssue } {
  if (row.store !== '' || index.has('', row.sku)) {
    if (index.has(row.store, row.sku)) return { key: seriesKey(row.store, row.sku) };
    return { issue: { file, line: row.line, code: 'unknown_series', severity: 'reject', message: index.describeMiss(row.store, row.sku, search()) } };
  }
  const stores = index.storesOf(row.sku);
  if (stores.length === 1) return { key: seriesKey(stores[0], row.sku) };
  if (stores.length > 1) {
    return {
      issue: {
        file,
        line: row.line,
        code: 'ambiguous_store',
        severity: 'reject',
        field: 'store',
        message: `sku "${row.sku}" is sold in ${stores.length} stores; the row needs a store`,
      },
    };
  }
  return { issue: { file, line: row.line, code: 'unknown_series', severity: 'reject', message: index.describeMiss('', row.sku, search()) } };
}

/** Merge a store row's settings over the sku row's. */
function mergeItem(base: ItemRow | undefined, over: ItemRow): ItemRow {
  if (!base) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = v;
  return out as unknown as ItemRow;
}

/**
 * Match parsed input files to the series (rules in the module comment).
 *
 * @param series The run's series (store '' when the sales have no store).
 * @param parsed The files given.
 */
export function matchInputs(series: readonly SeriesRef[], parsed: ParsedInputs): MatchedInputs {
  const index = new SeriesIndex(series);
  const issues: InputIssue[] = [];
  const counts: Partial<Record<InputFile, FileCounts>> = {};
  let stock: Map<string, StockRow> | null = null;
  if (parsed.stock) {
    const got = (stock = new Map());
    counts.stock = resolveStoreRows(index, 'stock', parsed.stock, issues, (key, row) => {
      const first = got.get(key);
      if (!first) {
        got.set(key, row);
        return null;
      }
      return { file: 'stock', line: row.line, code: 'duplicate_key', severity: 'reject', message: `store "${first.store || row.store}" sku "${row.sku}" is already given on line ${first.line}; this row is not used` };
    });
  }
  const onOrder = new Map<string, OnOrderRow[]>();
  if (parsed.onOrder) {
    counts['on-order'] = resolveStoreRows(index, 'on-order', parsed.onOrder, issues, (key, row) => {
      const list = onOrder.get(key);
      if (list) list.push(row);
      else onOrder.set(key, [row]);
      return null;
    });
  }

  const suppliers = new Map<string, SupplierRow>();
  if (parsed.suppliers) {
    for (const x of parsed.suppliers.issues) issues.push(x);
    for (const s of parsed.suppliers.rows) suppliers.set(s.supplier, s);
    counts.suppliers = { read: parsed.suppliers.read, used: parsed.suppliers.rows.length, rejected: parsed.suppliers.rejected };
  }

  const items = new Map<string, ItemRow>();
  if (parsed.items) counts.items = matchItems(index, parsed.items, parsed.suppliers ? suppliers : null, items, issues);
  const fileOrder: InputFile[] = ['stock', 'on-order', 'items', 'suppliers'];
  issues.sort((a, b) => fileOrder.indexOf(a.file) - fileOrder.indexOf(b.file) || a.line - b.line);
  return { stock, onOrder, items, suppliers, issues, counts };
}

/** A budget of {@link MAX_NEAR_SEARCHES} near-match searches for one file: true while some are left. */
function searchBudget(): () => boolean {
  let searches = MAX_NEAR_SEARCHES;
  return () => searches-- > 0;
}

/**
 * Resolve the rows of a file keyed by store and sku (stock, open orders: a row without a store
 * names a sku sold in one store), handing each matched row to `add`, which may refuse it.
 * @returns the file's row counts; its problems go to `issues`.
 */
function resolveStoreRows<T extends { line: number; store: string; sku: string }>(
  index: SeriesIndex,
  file: InputFile,
  input: InputRows<T>,
  issues: InputIssue[],
  add: (key: string, row: T) => InputIssue | null,
): FileCounts {
  for (const x of input.issues) issues.push(x);
  const search = searchBudget();
  let rejected = input.rejected;
  for (const row of input.rows) {
    const r = resolveStoreRow(index, file, row, search);
    const problem = 'issue' in r ? r.issue : add(r.key, row);
    if (problem) {
      issues.push(problem);
      rejected++;
    }
  }
  return { read: input.read, used: input.read - rejected, rejected };
}

/**
 * Match the items file: sku rows apply to every store selling the sku, then store rows over
 * them; an unknown supplier is a warning (the item is ordered as if it delivered any day).
 * @param suppliers the suppliers file's rows, or null without a suppliers file.
 * @returns the file's row counts; matched items go to `items`, problems to `issues`.
 */
function matchItems(index: SeriesIndex, it: InputRows<ItemRow>, suppliers: ReadonlyMap<string, SupplierRow> | null, items: Map<string, ItemRow>, issues: InputIssue[]): FileCounts {
  for (const x of it.issues) issues.push(x);
  const search = searchBudget();
  let rejected = it.rejected;
  const supplierMatcher = suppliers ? new NearMatcher(suppliers.keys()) : null;
  // sku rows first, then store rows over them
  const ordered = [...it.rows.filter((r) => r.store === ''), ...it.rows.filter((r) => r.store !== '')];
  for (const row of ordered) {
    const stores = row.store === '' ? index.storesOf(row.sku) : index.has(row.store, row.sku) ? [row.store] : [];
    if (stores.length === 0) {
      issues.push({ file: 'items', line: row.line, code: 'unknown_series', severity: 'reject', message: index.describeMiss(row.store, row.sku, search()) });
      rejected++;
      continue;
    }
    if (supplierMatcher && suppliers && row.supplier !== undefined && !suppliers.has(row.supplier)) {
      const near = supplierMatcher.nearest(row.supplier);
      issues.push({
        file: 'items',
        line: row.line,
        code: 'unknown_supplier',
        severity: 'warning',
        field: 'supplier',
        message: `supplier "${row.supplier}" is not in the suppliers file${near.length ? ` (did you mean "${near[0]}"?)` : ''}; its items are ordered as if it delivered any day, with no minimum order value`,
      });
    }
    for (const store of stores) {
      const key = seriesKey(store, row.sku);
      items.set(key, mergeItem(items.get(key), row));
    }
  }
  return { read: it.read, used: it.read - rejected, rejected };
}
