import { describe, expect, it } from 'vitest';
import { dayFromYmd, formatDay } from '../../../../pipelines/dates.js';
import { parseItems } from '../../../../pipelines/replenish/inputs/items.js';
import { matchInputs, type ParsedInputs } from '../../../../pipelines/replenish/inputs/match.js';
import { parseOnOrder } from '../../../../pipelines/replenish/inputs/on-order.js';
import { parseStock } from '../../../../pipelines/replenish/inputs/stock.js';
import { parseSuppliers } from '../../../../pipelines/replenish/inputs/suppliers.js';
import { readTableText } from '../../../../pipelines/replenish/inputs/table.js';
import { ORDERS_COLUMNS, ordersCsv, SUPPLIER_COLUMNS, suppliersCsv } from '../../../../pipelines/replenish/orders/order-csv.js';
import { buildOrders, type OrderOptions, type OrderSeries } from '../../../../pipelines/replenish/orders/orders.js';
import { projectStock, rollStock } from '../../../../pipelines/replenish/orders/stock-position.js';

// the last sales day is Sunday 2016-03-27; orders are placed from Monday 2016-03-28
const RUN = dayFromYmd(2016, 3, 27);
const MON = RUN + 1;
const Z95 = 1.644853627; // qnorm(0.95)

/** 2 a day; the 9-day sum has sd 3; no history: the backtest sd is used. */
function series(sku: string): OrderSeries {
  const leadTimeSd = Array.from({ length: 28 }, (_, i) => 3 * Math.sqrt((i + 1) / 9));
  return { store: 'S1', sku, forecast: { mean: new Array(28).fill(2), leadTimeSd, recentSales: [], demandClass: 'smooth' }, price: 5 };
}

// lead time 2, weekly review, 95% cycle service: P = 9, S = 18 + 1.644853627·3 = 22.9346, SS = 4.9346, ROP = 4 + SS
const OPTIONS: OrderOptions = {
  runDay: RUN,
  defaults: { leadTimeDays: 2, leadTimeSdDays: 0, reviewPeriodDays: 7, serviceTarget: 0.95, serviceType: 'cycle', packSize: 1, minOrderQty: 0 },
};
const S = 18 + Z95 * 3;

async function inputs(files: { stock?: string; onOrder?: string; items?: string; suppliers?: string }): Promise<ParsedInputs> {
  return {
    ...(files.stock !== undefined ? { stock: parseStock(await readTableText(files.stock)) } : {}),
    ...(files.onOrder !== undefined ? { onOrder: parseOnOrder(await readTableText(files.onOrder)) } : {}),
    ...(files.items !== undefined ? { items: parseItems(await readTableText(files.items)) } : {}),
    ...(files.suppliers !== undefined ? { suppliers: parseSuppliers(await readTableText(files.suppliers)) } : {}),
  };
}

describe('buildOrders (hand-computed)', () => {
  const all = [series('C'), series('B'), series('A')];
  it('computes cover, stockout, levels, quantity, order-by date and the reason, sorted by urgency', async () => {
    const matched = matchInputs(all, await inputs({ stock: 'store,sku,on_hand\nS1,A,4\nS1,B,40\n' }));
    const plan = buildOrders(all, matched, OPTIONS);
    expect(plan.rows.map((r) => r.sku)).toEqual(['A', 'B', 'C']);
    const [a, b, c] = plan.rows;
    // A: 4 units at 2 a day last 2 days, out on Wednesday; position 4 < S -> 19 units; it must be ordered today
    expect(a).toMatchObject({ onHand: 4, onOrder: 0, daysOfCover: 2, expectedStockout: MON + 2, suggestedQty: 19, orderBy: MON, arrival: MON + 2 });
    expect(a.orderUpTo).toBeCloseTo(S, 3);
    expect(a.safetyStock).toBeCloseTo(Z95 * 3, 3);
    expect(a.reorderPoint).toBeCloseTo(4 + Z95 * 3, 3);
    expect(a.reason).toBe('stock 4 lasts 2 days (runs out Wed 2016-03-30); order 19 to bring stock and orders to 22.9; order today, arrives Wed 2016-03-30; lead time 2 days');
    // B: 40 units last 20 days; no order due; stock falls under SS on day 17 (40 - 36 = 4 < 4.93): order by day 15
    expect(b).toMatchObject({ daysOfCover: 20, expectedStockout: MON + 20, suggestedQty: 0, orderBy: MON + 15 });
    expect(b.reason).toContain(`no order due: stock and orders (40) reach the order-up-to level 22.9; next order by Tue ${formatDay(MON + 15)}`);
    // C: no stock row
    expect(c).toMatchObject({ onHand: null, suggestedQty: null, daysOfCover: null, expectedStockout: null, orderBy: null });
    expect(c.reason).toContain('no row for this item in the stock file');
    expect(plan.notes).toEqual(['1 of 3 series have no row in the stock file: their order quantities are blank.']);
  });
  it('says in plain words why quantities are blank without a stock file', async () => {
    const plan = buildOrders(all, matchInputs(all, {}), OPTIONS);
    expect(plan.rows.every((r) => r.suggestedQty === null)).toBe(true);
    expect(plan.notes[0]).toMatch(/^No stock file was given, so order quantities are blank/);
    expect(plan.rows[0].reason).toContain('no stock count (no stock file given)');
    expect(plan.rows[0].reason).toContain('order up to 22.9 once stock is known');
  });
  it('rounds to packs, honours the minimum and totals per supplier against its minimum order value', async () => {
    const files = await inputs({
      stock: 'store,sku,on_hand\nS1,A,4\nS1,B,40\nS1,C,0\n',
      items: 'sku,supplier,pack_size,min_order_qty,unit_cost\nA,ACME,6,30,2.5\nB,ACME,,,2.5\nC,Other,,,\n',
      suppliers: 'supplier,delivery_days,min_order_value\nACME,Tue/Fri,100\nOther,,\n',
    });
    const plan = buildOrders(all, matchInputs(all, files), OPTIONS);
    const a = plan.rows.find((r) => r.sku === 'A')!;
    // need 18.93, at least 30, packs of 6 -> 30 (5 packs); Monday + 2 = Wednesday -> Friday delivery
    expect(a).toMatchObject({ suggestedQty: 30, arrival: MON + 4, orderValue: 75, valueBasis: 'cost', supplier: 'ACME' });
    expect(a.reason).toContain('order 30 (5 packs of 6), the minimum order of 30');
    expect(a.reason).toContain('supplier ACME delivers Tue/Fri');
    // stock 4 runs out Wednesday, the first delivery is Friday
    expect(a.reason).toContain("even today's order arrives Fri 2016-04-01, after the expected stockout");
    const acme = plan.suppliers.find((s) => s.supplier === 'ACME')!;
    expect(acme).toMatchObject({ items: 1, units: 30, value: 75, minOrderValue: 100, meetsMinimum: false, nextDelivery: MON + 4 });
    expect(acme.note).toContain('below the minimum order value 100.00 by 25.00');
    const other = plan.suppliers.find((s) => s.supplier === 'Other')!;
    // C has no unit cost: its order value (and so the supplier's) is unknown
    expect(other).toMatchObject({ items: 1, itemsWithoutCost: 1, meetsMinimum: null });
    expect(other.value).toBeNaN();
  });
  it('counts open orders on their expected days and flags overdue ones', async () => {
    const one = [series('A')];
    const files = await inputs({ stock: 'store,sku,on_hand\nS1,A,4\n', onOrder: `store,sku,qty,expected\nS1,A,10,${formatDay(MON + 1)}\nS1,A,2,2016-03-01\n` });
    const plan = buildOrders(one, matchInputs(one, files), OPTIONS);
    const a = plan.rows[0];
    // 4 + 2 (overdue: assumed today) + 10 tomorrow = 16 units at 2 a day: 8 days
    expect(a).toMatchObject({ onOrder: 12, daysOfCover: 8, expectedStockout: MON + 8 });
    // position 16 < 22.93 -> 7 units
    expect(a.suggestedQty).toBe(7);
    expect(plan.issues.map((i) => i.code)).toEqual(['overdue_delivery']);
    expect(a.reason).toMatch(/^stock 4 \+ 12 on order \(2 arriving Mon 2016-03-28\) last 8 days/);
  });
  it('rolls an older stock count forward with the sales since, and flags it when stale', async () => {
    const s = series('A');
    const withSales: OrderSeries = { ...s, forecast: { ...s.forecast, recentSales: [5, 1, 2, 3] } };
    const files = await inputs({ stock: `store,sku,on_hand,as_of\nS1,A,10,${formatDay(RUN - 3)}\n` });
    const plan = buildOrders([withSales], matchInputs([withSales], files), { ...OPTIONS, staleStockDays: 2 });
    // sold 1 + 2 + 3 on the three days after the count
    expect(plan.rows[0].onHand).toBe(4);
    expect(plan.rows[0].reason).toContain('(counted 10 on 2016-03-24, 6 sold since)');
    expect(plan.issues.map((i) => i.code)).toEqual(['stale_stock']);
  });
  it('moves the order day past a supplier cut-off', async () => {
    const one = [series('A')];
    const files = await inputs({ stock: 'store,sku,on_hand\nS1,A,4\n', items: 'sku,supplier\nA,ACME\n', suppliers: 'supplier,cutoff\nACME,12:00\n' });
    const before = buildOrders(one, matchInputs(one, files), { ...OPTIONS, nowMinutes: 11 * 60 }).rows[0];
    const after = buildOrders(one, matchInputs(one, files), { ...OPTIONS, nowMinutes: 13 * 60 }).rows[0];
    expect(before.arrival).toBe(MON + 2);
    expect(after.arrival).toBe(MON + 3);
    expect(before.reason).toContain('order today before 12:00');
  });
});

describe('stock projection and roll-forward', () => {
  it('finds the cover, the stockout day and the need day', () => {
    const p = projectStock(5, new Map([[3, 4]]), () => 2, 1, 2);
    // day 0: 5 -> 3; day 1: 3 -> 1; day 2: 1 < 2 -> out after half a day (cover 2.5); day 3: +4 -> 4 - 2 = 2 ...
    expect(p.cover).toBeCloseTo(2.5, 12);
    expect(p.stockout).toBe(2);
    // end of day 1 stock 1 is not below SS 1; day 2 ends at -1 < 1
    expect(p.need).toBe(2);
    expect(p.shortBefore).toBe(0);
    expect(projectStock(0, new Map(), () => 0, 0, 1)).toMatchObject({ cover: null, stockout: null, need: null });
  });
  it('leaves a count dated on or after the last sales day as it is', () => {
    const row = { line: 2, store: 'S', sku: 'A', onHand: 7, asOf: RUN + 1 };
    expect(rollStock(row, [1, 1], RUN, 7)).toMatchObject({ onHand: 7, asOf: RUN + 1, soldSince: 0 });
    expect(rollStock({ ...row, asOf: RUN - 1 }, [3, 9], RUN, 7)).toMatchObject({ onHand: 0, soldSince: 9 });
  });
});

describe('orders.csv and orders-by-supplier.csv', () => {
  it('writes the issue columns first, empty cells for unknowns', async () => {
    const all = [series('A'), series('C')];
    const plan = buildOrders(all, matchInputs(all, await inputs({ stock: 'store,sku,on_hand\nS1,A,4\n' })), OPTIONS);
    const lines = ordersCsv(plan.rows).split('\r\n');
    expect(lines[0]).toBe(ORDERS_COLUMNS.join(','));
    expect(lines[0].startsWith('store,sku,supplier,on_hand,on_order,days_of_cover,expected_stockout_date,reorder_point,order_up_to,suggested_qty,order_by_date,reason')).toBe(true);
    expect(lines[1].startsWith('S1,A,,4,0,2,2016-03-30,8.9,22.9,19,2016-03-28,"stock 4 lasts 2 days')).toBe(true);
    expect(lines[2].startsWith('S1,C,,,0,,,8.9,22.9,,,no row for this item')).toBe(true);
    expect(lines).toHaveLength(4);
    const sup = suppliersCsv(plan.suppliers).split('\r\n');
    expect(sup[0]).toBe(SUPPLIER_COLUMNS.join(','));
    expect(sup[1]).toBe(',1,19,,,,every day,,2016-03-30,1 ordered item(s) have no unit cost in the items file: order value unknown');
  });
});
