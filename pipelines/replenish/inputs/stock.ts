/**
 * The stock file (`--stock`): units on hand per store × sku, optionally with the date they were
 * counted.
 *
 * | column   | required | recognised headers (normalised)                                          |
 * |----------|----------|---------------------------------------------------------------------------|
 * | store    | no       | as in sales files (store, store_id, location, shop, branch, ...)          |
 * | sku      | yes      | as in sales files (sku, item_id, StockCode, product_id, item, ...)        |
 * | on_hand  | yes      | on_hand, stock, stock_on_hand, soh, qty_on_hand, inventory, available, quantity, qty, units, Bestand, Lagerbestand, Voorraad, Existencias, Inventario, Giacenza |
 * | as_of    | no       | as_of, as_of_date, date, stock_date, count_date, snapshot_date, counted_on, Stichtag, Datum, Inventurdatum, Fecha |
 *
 * A negative count (tills that sold more than was booked in) is read as 0 with a
 * `negative_stock` warning; a store × sku listed twice rejects the later row (`duplicate_key`).
 * Dates in the forms ingest reads (ISO, `DD/MM/YYYY` or `MM/DD/YYYY` decided per column).
 */
import { z } from 'zod';
import { seriesKey } from '../replenish.js';
import { byLine, type InputIssue } from './input-issue.js';
import { parseTable, rejectRepeats, SKU_NAMES, STORE_NAMES, type CsvTable, type TableSpec } from './table.js';

/** One stock row. */
export interface StockRow {
  readonly line: number;
  /** '' when the file has no store column or the cell is empty. */
  readonly store: string;
  readonly sku: string;
  /** Units on hand (>= 0). */
  readonly onHand: number;
  /** Day number the count was taken (end of that day); undefined when not given. */
  readonly asOf?: number;
}

/** Rows of an input file, with every problem and the row counts. */
export interface InputRows<T> {
  readonly rows: T[];
  readonly issues: InputIssue[];
  /** Data rows read (= rows.length + rejected). */
  readonly read: number;
  readonly rejected: number;
  /** The file has a store column. */
  readonly hasStore: boolean;
}

const SPEC: TableSpec<'store' | 'sku' | 'on_hand' | 'as_of'> = {
  file: 'stock',
  fields: {
    store: { names: STORE_NAMES, required: false, kind: 'text' },
    sku: { names: SKU_NAMES, required: true, kind: 'text' },
    on_hand: {
      // German, Dutch, Spanish, Italian stock words as the sales file reads its other headers in those languages
      names: ['onhand', 'stock', 'stockonhand', 'soh', 'qtyonhand', 'quantityonhand', 'onhandqty', 'inventory', 'stocklevel', 'available', 'availableqty', 'quantity', 'qty', 'units', 'bestand', 'lagerbestand', 'istbestand', 'voorraad', 'existencias', 'inventario', 'giacenza'],
      required: true,
      kind: 'number',
    },
    as_of: { names: ['asof', 'asofdate', 'date', 'stockdate', 'countdate', 'countedon', 'snapshotdate', 'inventorydate', 'stichtag', 'datum', 'inventurdatum', 'fecha'], required: false, kind: 'date' },
  },
};

/** Schema of a stock row's converted cells. */
export const stockRowSchema = z.object({
  store: z.string().optional(),
  sku: z.string(),
  on_hand: z.number(),
  as_of: z.number().int().optional(),
});

/**
 * Parse a stock table (module comment).
 * @returns the rows with their problems; never throws on content.
 */
export function parseStock(table: CsvTable): InputRows<StockRow> {
  const t = parseTable(table, SPEC, stockRowSchema);
  const unique = rejectRepeats(t.rows, 'stock', (r) => seriesKey(r.store ?? '', r.sku), (r) => `store "${r.store ?? ''}" sku "${r.sku}"`);
  const issues = [...t.issues, ...unique.issues];
  const rows = unique.kept.map((r): StockRow => {
    const store = r.store ?? '';
    let onHand = r.on_hand;
    if (onHand < 0) {
      issues.push({ file: 'stock', line: r.line, code: 'negative_stock', severity: 'warning', field: 'on_hand', message: `negative stock ${onHand} for store "${store}" sku "${r.sku}" is read as 0` });
      onHand = 0;
    }
    return { line: r.line, store, sku: r.sku, onHand, ...(r.as_of !== undefined ? { asOf: r.as_of } : {}) };
  });
  return { rows, issues: issues.sort(byLine), read: t.read, rejected: t.rejected + unique.issues.length, hasStore: t.columns.index.store >= 0 };
}
