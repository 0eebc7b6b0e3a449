/**
 * The order list through the run (pipelines/run/run.ts publishRun, in-process): orders.csv and
 * orders-by-supplier.csv for every run, with and without a stock file; unmatched input rows as
 * run warnings naming the key and a near match; run.json's `orders` block.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { runPipeline } from '../../../pipelines/run/run.js';
import type { RunSummary } from '../../../pipelines/run/run-summary.js';
import { ORDERS_COLUMNS } from '../../../pipelines/replenish/orders/order-csv.js';
import { dailyCsv } from '../../workers/fixtures.js';
import { csvRecords } from '../../fixtures/csv-rows.js';

const records = csvRecords;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orders-run-'));
  writeFileSync(join(dir, 'sales.csv'), dailyCsv({ stores: 1, skus: 2, days: 90 }));
  writeFileSync(join(dir, 'stock.csv'), 'store,sku,on_hand\nS1,SKU1,0\nS1,SKU2,100000\ns1,SKU1,3\n');
  writeFileSync(join(dir, 'items.csv'), 'sku,supplier,pack_size,min_order_qty,unit_cost\nSKU1,ACME,6,12,2.5\nSKU2,ACME,1,0,4\nSKU7,ACME,1,0,1\n');
  writeFileSync(join(dir, 'suppliers.csv'), 'supplier,delivery_days,min_order_value\nACME,Tue/Fri,100000\n');
});

function published(runDir: string): { orders: Record<string, string>[]; suppliers: Record<string, string>[]; summary: RunSummary } {
  return {
    orders: records(readFileSync(join(runDir, 'orders.csv'), 'utf8')),
    suppliers: records(readFileSync(join(runDir, 'orders-by-supplier.csv'), 'utf8')),
    summary: JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunSummary,
  };
}

describe('publishRun: the order list', () => {
  it('without a stock file: one row per series with levels, blank quantities and the reason why', async () => {
    const config = parseConfig({ runDate: '2024-04-15', horizon: 14 });
    const res = await runPipeline({ input: join(dir, 'sales.csv'), outDir: join(dir, 'out-plain'), config });
    const { orders, suppliers, summary } = published(res.runDir);
    expect(Object.keys(orders[0])).toEqual([...ORDERS_COLUMNS]);
    expect(orders.map((r) => `${r.store}/${r.sku}`).sort()).toEqual(['S1/SKU1', 'S1/SKU2']);
    for (const r of orders) {
      expect(r.suggested_qty).toBe('');
      expect(r.reason).toContain('no stock file given');
      expect(Number(r.order_up_to)).toBeGreaterThan(Number(r.reorder_point) - 1e-9);
    }
    expect(suppliers).toHaveLength(1);
    expect(summary.files).toEqual(expect.arrayContaining(['orders.csv', 'orders-by-supplier.csv']));
    expect(summary.orders).toMatchObject({ series: 2, withStock: null, ordersDue: 0, units: 0, inputs: {} });
    expect(summary.orders!.notes.join(' ')).toContain('No stock file was given');
    // 90 days from 2024-01-01 end on 2024-03-30, 16 days before the run date: the forecasts and the
    // list start at the run date (pipelines/run/staleness.ts), and the gap is the stale_data warning
    expect(summary.orders!.orderDate).toBe('2024-04-15');
    expect(summary.warnings.map((w) => w.code)).toContain('stale_data');
    expect(summary.warnings.map((w) => w.code)).not.toContain('orders_from_old_sales');
    const html = readFileSync(join(res.runDir, 'report.html'), 'utf8');
    expect(html).toContain('No stock count was given, so this list cannot say how much to order');
    expect(html).toMatch(/<td>S1 \/ SKU1<\/td><td>not counted<\/td><td>–<\/td><td>up to [0-9.]+<\/td>/);
  });

  it('with stock, items and suppliers: whole packs by urgency, supplier totals, unmatched rows warned with a near match', async () => {
    const config = parseConfig({
      runDate: '2024-03-31',
      horizon: 14,
      replenishment: { stockFile: join(dir, 'stock.csv'), itemsFile: join(dir, 'items.csv'), suppliersFile: join(dir, 'suppliers.csv') },
    });
    const res = await runPipeline({ input: join(dir, 'sales.csv'), outDir: join(dir, 'out-stock'), config });
    const { orders, suppliers, summary } = published(res.runDir);
    // SKU1 has nothing on hand: it runs out first and is ordered in whole packs of 6, at least 12
    expect(orders.map((r) => r.sku)).toEqual(['SKU1', 'SKU2']);
    const [a, b] = orders;
    const qty = Number(a.suggested_qty);
    expect(qty % 6).toBe(0);
    expect(qty).toBeGreaterThanOrEqual(12);
    expect(qty).toBeGreaterThanOrEqual(Number(a.order_up_to));
    expect(qty - 6).toBeLessThan(Math.max(12, Number(a.order_up_to)));
    expect(a.supplier).toBe('ACME');
    expect(Number(a.order_value)).toBeCloseTo(qty * 2.5, 6);
    expect(a.reason).toMatch(/^stock 0 /);
    expect(b.suggested_qty).toBe('0');
    expect(b.expected_stockout_date).toBe('');
    // one supplier: ACME, under its minimum of 100000
    expect(suppliers).toEqual([expect.objectContaining({ supplier: 'ACME', items_to_order: '1', meets_minimum: 'no', delivery_days: 'Tue/Fri' })]);
    expect(Number(suppliers[0].order_value)).toBeCloseTo(qty * 2.5, 6);
    // run.json
    expect(summary.orders).toMatchObject({ series: 2, withStock: 2, ordersDue: 1, units: qty, value: qty * 2.5, suppliersUnderMinimum: ['ACME'] });
    expect(summary.orders!.inputs.stock).toMatchObject({ read: 3, used: 2, rejected: 1 });
    expect(summary.orders!.inputs.items).toMatchObject({ read: 3, used: 2, rejected: 1 });
    expect(summary.orders!.issues).toEqual({ unknown_series: 2 });
    // sales up to the day before the run date: no warning about old sales
    expect(summary.warnings.map((w) => w.code)).not.toContain('orders_from_old_sales');
    // every unmatched row is a warning naming the key and the near match
    const unmatched = summary.warnings.filter((w) => w.code === 'unmatched_input_rows').map((w) => w.message);
    expect(unmatched).toHaveLength(2);
    expect(unmatched.find((m) => m.includes('stock file'))).toMatch(/line 4: no series for store "s1" sku "SKU1".*did you mean store "S1"/);
    expect(unmatched.find((m) => m.includes('items file'))).toMatch(/line 4: no series for sku "SKU7".*did you mean sku "SKU1"/);
    // report.html opens with what to order, before the warnings and the data quality
    const html = readFileSync(join(res.runDir, 'report.html'), 'utf8');
    const at = (id: string) => html.indexOf(`<section id="${id}"`);
    expect(at('orders')).toBeGreaterThan(0);
    expect(at('orders')).toBeLessThan(at('warnings'));
    expect(at('warnings')).toBeLessThan(at('quality'));
    expect(html.indexOf('Appendix')).toBeGreaterThan(at('quality'));
    const section = html.slice(at('orders'), at('warnings'));
    expect(section).toContain('1 of 2 items need an order, ' + qty + ' units worth ' + (qty * 2.5).toFixed(2) + ' at cost');
    expect(section).toContain('<h3>ACME</h3>');
    expect(section).toContain('below the minimum order value of 100,000.00');
    expect(section).toContain('delivers Tue/Fri');
    // the urgent line, with its dates written with weekday and year
    expect(section).toContain('<td>S1 / SKU1</td><td>0</td>');
    expect(section).toMatch(new RegExp(`<td>(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${a.expected_stockout_date}</td><td>${qty}</td>`));
    expect(section).not.toContain('S1 / SKU2');
  });
});
