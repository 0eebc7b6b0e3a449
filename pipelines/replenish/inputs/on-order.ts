/**
 * The on-order file (`--on-order`): open purchase orders not yet received, per store × sku.
 *
 * | column   | required | recognised headers (normalised)                                          |
 * |----------|----------|---------------------------------------------------------------------------|
 * | store    | no       | as in sales files                                                         |
 * | sku      | yes      | as in sales files                                                         |
 * | qty      | yes      | qty, quantity, on_order, on_order_qty, ordered, ordered_qty, open_qty, order_qty, outstanding, units |
 * | expected | no       | expected, expected_date, expected_delivery, eta, due, due_date, arrival, arrival_date, delivery_date, date |
 *
 * A series may have several rows (several open orders). The quantity must be above 0. A missing
 * expected date is allowed (the order is then assumed to arrive after the lead time, with a
 * warning at matching, pipelines/replenish/inputs/match.ts).
 */
import { z } from 'zod';
import { parseTable, SKU_NAMES, STORE_NAMES, type CsvTable, type TableSpec } from './table.js';
import type { InputRows } from './stock.js';

/** One open order. */
export interface OnOrderRow {
  readonly line: number;
  readonly store: string;
  readonly sku: string;
  /** Units still to arrive (> 0). */
  readonly qty: number;
  /** Day number the delivery is expected; undefined when not given. */
  readonly expected?: number;
}

const SPEC: TableSpec<'store' | 'sku' | 'qty' | 'expected'> = {
  file: 'on-order',
  fields: {
    store: { names: STORE_NAMES, required: false, kind: 'text' },
    sku: { names: SKU_NAMES, required: true, kind: 'text' },
    qty: { names: ['qty', 'quantity', 'onorder', 'onorderqty', 'ordered', 'orderedqty', 'openqty', 'openquantity', 'orderqty', 'outstanding', 'units'], required: true, kind: 'number' },
    expected: {
      names: ['expected', 'expecteddate', 'expectedon', 'expecteddelivery', 'eta', 'due', 'duedate', 'arrival', 'arrivaldate', 'deliverydate', 'delivery', 'date'],
      required: false,
      kind: 'date',
    },
  },
};

/** Schema of an on-order row's converted cells. */
export const onOrderRowSchema = z.object({
  store: z.string().optional(),
  sku: z.string(),
  qty: z.number().gt(0, 'must be above 0'),
  expected: z.number().int().optional(),
});

/** Parse an on-order table (module comment); never throws on content. */
export function parseOnOrder(table: CsvTable): InputRows<OnOrderRow> {
  const t = parseTable(table, SPEC, onOrderRowSchema);
  const rows = t.rows.map((r): OnOrderRow => ({ line: r.line, store: r.store ?? '', sku: r.sku, qty: r.qty, ...(r.expected !== undefined ? { expected: r.expected } : {}) }));
  return { rows, issues: t.issues, read: t.read, rejected: t.rejected, hasStore: t.columns.index.store >= 0 };
}
