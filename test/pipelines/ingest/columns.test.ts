import { describe, expect, it } from 'vitest';
import { detectColumns, mappingNames, normaliseColumnName } from '../../../pipelines/ingest/columns.js';
import { InputError } from '../../../pipelines/errors.js';

const M5 = ['date', 'store_id', 'item_id', 'dept_id', 'cat_id', 'units', 'sell_price'];
const RETAIL = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];

describe('detectColumns', () => {
  it('maps the M5 header', () => {
    const m = detectColumns(M5);
    expect(m).toEqual({ date: 0, store: 1, sku: 2, quantity: 5, price: 6, transaction: -1, description: -1, customer: -1 });
    expect(mappingNames(M5, m)).toEqual({ date: 'date', sku: 'item_id', store: 'store_id', quantity: 'units', price: 'sell_price' });
  });

  it('maps the online-retail header, description and customer included', () => {
    const m = detectColumns(RETAIL);
    expect(m).toEqual({ transaction: 0, sku: 1, description: 2, quantity: 3, date: 4, price: 5, customer: 6, store: -1 });
  });

  it('ignores case, spaces, underscores, hyphens and a BOM', () => {
    expect(normaliseColumnName('\uFEFF Order_Date ')).toBe('orderdate');
    const m = detectColumns(['Order Date', 'PRODUCT-ID', 'Location', 'QTY', 'Unit Price', 'Order ID']);
    expect(m).toMatchObject({ date: 0, sku: 1, store: 2, quantity: 3, price: 4, transaction: 5 });
  });

  it('prefers names in list order and gives a column to one field only', () => {
    // "quantity" beats "sales"; "sales" is then free for nothing else
    expect(detectColumns(['day', 'sku', 'sales', 'quantity']).quantity).toBe(3);
    // "item" is the sku; "product" is the next sku name but the sku is taken, so it stays unused
    expect(detectColumns(['date', 'item', 'product', 'units']).sku).toBe(1);
  });

  it('lets an explicit mapping override detection, matched exactly then normalised', () => {
    const header = ['Day', 'Article', 'Amount', 'units'];
    const m = detectColumns(header, { sku: 'Article', quantity: 'amount' });
    expect(m).toMatchObject({ date: 0, sku: 1, quantity: 2 });
    // units is left for nothing: quantity was given explicitly
    expect(Object.values(m)).not.toContain(3);
  });

  it('an explicit empty name drops an optional column', () => {
    expect(detectColumns(M5, { store: '' }).store).toBe(-1);
    expect(() => detectColumns(M5, { sku: '' })).toThrow(InputError);
  });

  it('throws InputError naming an explicit column that is not in the header', () => {
    expect(() => detectColumns(M5, { quantity: 'Qty' })).toThrow(/quantity="Qty" is not a column of the header "date,store_id/);
  });

  it('a recognised column named twice is an input error naming both; other repeated names are left alone', () => {
    expect(() => detectColumns(['date', 'sku', 'units', 'units'])).toThrow(/the header names a column more than once: "units" and "units" \(columns 3, 4\)/);
    expect(() => detectColumns(['Date', 'sku', 'qty', 'date'])).toThrow(/"Date" and "date" \(columns 1, 4\)/);
    expect(() => detectColumns(['Day', 'Article', 'Qty', 'Article'], { sku: 'Article', date: 'Day' })).toThrow(/"Article" and "Article"/);
    expect(() => detectColumns(['date', 'sku', 'qty', 'notes', 'notes', '', ''])).not.toThrow();
  });

  it('quotes a header in messages by at most 200 characters, escaped', () => {
    expect(() => detectColumns(['\u001b[2J' + 'h'.repeat(300), 'x'])).toThrow(/found in the header "\\u001b\[2Jh{196}…" \(306 characters\)/);
  });

  it('throws InputError naming the missing fields and the header found', () => {
    let err: unknown;
    try {
      detectColumns(['when', 'what', 'how many']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).toContain('no date, sku, quantity column found');
    expect(msg).toContain('"when,what,how many"');
    expect(() => detectColumns(['date', 'sku'])).toThrow(/no quantity column found/);
  });
});
