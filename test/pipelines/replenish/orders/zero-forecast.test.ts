import { describe, expect, it } from 'vitest';
import { dayFromYmd } from '../../../../pipelines/dates.js';
import { matchInputs } from '../../../../pipelines/replenish/inputs/match.js';
import { parseStock } from '../../../../pipelines/replenish/inputs/stock.js';
import { readTableText } from '../../../../pipelines/replenish/inputs/table.js';
import { buildOrders, type OrderOptions, type OrderSeries } from '../../../../pipelines/replenish/orders/orders.js';

// last sales day Sunday 2016-03-27; lead time 2, weekly review: protection interval P = 9 days
const RUN = dayFromYmd(2016, 3, 27);
const Z95 = 1.644853627; // qnorm(0.95)
const OPTIONS: OrderOptions = {
  runDay: RUN,
  defaults: { leadTimeDays: 2, leadTimeSdDays: 0, reviewPeriodDays: 7, serviceTarget: 0.95, serviceType: 'cycle', packSize: 1, minOrderQty: 0 },
};

/** `daily` a day; the 9-day sum has sd 3 (backtest spread, no history). */
function series(sku: string, daily: number): OrderSeries {
  const leadTimeSd = Array.from({ length: 28 }, (_, i) => 3 * Math.sqrt((i + 1) / 9));
  return { store: 'S1', sku, forecast: { mean: new Array(28).fill(daily), leadTimeSd, recentSales: [], demandClass: 'smooth' }, price: 5 };
}

async function plan(stock: string, all: OrderSeries[]) {
  return buildOrders(all, matchInputs(all, { stock: parseStock(await readTableText(stock)) }), OPTIONS).rows;
}

describe('orders for items forecast at (about) zero', () => {
  it('a forecast of exactly 0 gives no levels and no order, whatever the stock', async () => {
    const rows = await plan('store,sku,on_hand\nS1,Z,26\nS1,E,0\n', [series('Z', 0), series('E', 0)]);
    for (const r of rows) {
      expect(r).toMatchObject({ reorderPoint: 0, orderUpTo: 0, safetyStock: 0, suggestedQty: 0 });
      expect(r.reason).toContain('no order due: no sales expected');
    }
  });

  it('ample stock against a forecast of about 0: no order (S = 0.009 + 1.645·3 = 4.94 < 26)', async () => {
    const [r] = await plan('store,sku,on_hand\nS1,T,26\n', [series('T', 0.001)]);
    expect(r.orderUpTo).toBeCloseTo(0.009 + Z95 * 3, 3);
    expect(r.suggestedQty).toBe(0);
  });

  it('an order that only tops up the safety stock says so in the reason (2 on hand: order ceil(4.94 - 2) = 3)', async () => {
    const [r] = await plan('store,sku,on_hand\nS1,T,2\n', [series('T', 0.001)]);
    expect(r.suggestedQty).toBe(3);
    expect(r.reason).toContain(
      "order 3 to bring stock and orders to 4.9 although stock and orders cover the 0 expected to sell in the next 9 days: the order only tops up the safety stock of 4.9, set by the forecast's past errors for a 95% chance of not running out;",
    );
  });

  it('an order for expected sales has no such words (2 a day, 4 on hand: 18 expected over 9 days)', async () => {
    const [r] = await plan('store,sku,on_hand\nS1,A,4\n', [series('A', 2)]);
    expect(r.suggestedQty).toBe(19);
    expect(r.reason).not.toContain('tops up the safety stock');
  });
});
