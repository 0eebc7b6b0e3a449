/**
 * Silent stores (pipelines/run/silent-stores.ts): a store whose rows stop well before the data's
 * end while other stores' run on. Hand-made series: store, the periods with a row, the data's end.
 */
import { describe, expect, it } from 'vitest';
import { DAILY, periodGrid } from '../../../pipelines/periods.js';
import { markSilentOrders, MIN_SILENT_DAYS, silentStoreDays, silentStores, silentStoreWarnings } from '../../../pipelines/run/silent-stores.js';
import type { OrderRow } from '../../../pipelines/replenish/orders/orders.js';
import type { SeriesData } from '../../../pipelines/types.js';
import { dayFromYmd } from '../../../pipelines/dates.js';

/** A series from period `start` to `end` with a row on the periods `rowAt` says. */
function series(store: string, sku: string, start: number, end: number, rowAt: (t: number) => boolean): SeriesData {
  const n = end - start + 1;
  const observed = new Uint8Array(n);
  for (let i = 0; i < n; i++) observed[i] = rowAt(start + i) ? 1 : 0;
  const zeros = new Float64Array(n);
  return { key: `${store}\u0000${sku}`, store, sku, start, demand: zeros, returns: zeros, price: zeros, observed, issues: {}, acceptedRows: n };
}

const END = 1000;
const upTo = (last: number) => (t: number) => t <= last;

describe('silentStores', () => {
  it("finds the store whose every series' rows stop early, with its last day and its items", () => {
    const all = [series('A', 'x', 800, END, upTo(END)), series('B', 'x', 800, END, upTo(END)), series('C', 'x', 800, END, upTo(940)), series('C', 'y', 850, END, upTo(930))];
    expect(silentStores(all, END, DAILY)).toEqual([{ store: 'C', last: 940, silentPeriods: 60, series: 2 }]);
  });

  it('needs at least two weeks of silence', () => {
    const at = (gap: number) => silentStores([series('A', 'x', 800, END, upTo(END)), series('B', 'x', 800, END, upTo(END - gap))], END, DAILY);
    expect(at(MIN_SILENT_DAYS - 1)).toEqual([]);
    expect(at(MIN_SILENT_DAYS).map((s) => s.store)).toEqual(['B']);
  });

  it('is never a single store, nor rows without a store', () => {
    expect(silentStores([series('A', 'x', 800, END, upTo(END)), series('A', 'y', 800, END, upTo(900))], END, DAILY)).toEqual([]);
    expect(silentStores([series('', 'x', 800, END, upTo(END)), series('', 'y', 800, END, upTo(900))], END, DAILY)).toEqual([]);
    expect(silentStores([series('A', 'x', 800, END, upTo(END)), series('', 'y', 800, END, upTo(900))], END, DAILY)).toEqual([]);
  });

  it('leaves out a store seen for less than its silence (one order from a country, a pop-up)', () => {
    const all = [series('A', 'x', 800, END, upTo(END)), series('B', 'x', 900, END, upTo(901)), series('C', 'x', 900, END, upTo(950))];
    expect(silentStores(all, END, DAILY).map((s) => s.store)).toEqual(['C']);
  });

  it('leaves out an item that stopped selling in a store whose other items sell on', () => {
    const all = [series('A', 'x', 800, END, upTo(END)), series('B', 'x', 800, END, upTo(850)), series('B', 'y', 800, END, upTo(END))];
    expect(silentStores(all, END, DAILY)).toEqual([]);
  });

  it("weighs a sparse store's silence against how often it has rows", () => {
    // rows one day in ten: 30 silent days are ordinary, 200 are not
    const sparse = (last: number) => (t: number) => t <= last && t % 10 === 0;
    const at = (last: number) => silentStores([series('A', 'x', 0, END, upTo(END)), series('B', 'x', 0, END, sparse(last))], END, DAILY);
    expect(at(970)).toEqual([]);
    expect(at(800).map((s) => s.store)).toEqual(['B']);
  });

  it('counts weeks and months: two missing periods at least', () => {
    for (const grid of [periodGrid('week'), periodGrid('month')]) {
      const at = (gap: number) => silentStores([series('A', 'x', 0, 100, upTo(100)), series('B', 'x', 0, 100, upTo(100 - gap))], 100, grid);
      expect(at(1)).toEqual([]);
      expect(at(2)).toEqual([{ store: 'B', last: 98, silentPeriods: 2, series: 1 }]);
    }
  });

  it('needs a third missing week when the store has only 30 weeks of rows to judge by', () => {
    const at = (gap: number) => silentStores([series('A', 'x', 0, 29 + gap, upTo(29 + gap)), series('B', 'x', 0, 29 + gap, upTo(29))], 29 + gap, periodGrid('week'));
    expect(at(2)).toEqual([]);
    expect(at(3).map((s) => s.store)).toEqual(['B']);
  });
});

describe('silentStoreWarnings', () => {
  it('name the store, its last day, the data\'s and what it means for the buyer', () => {
    const end = dayFromYmd(2016, 3, 27);
    const [w] = silentStoreWarnings([{ store: 'CA_3', last: end - 56, silentPeriods: 56, series: 3 }], end, DAILY);
    expect(w.code).toBe('silent_store');
    expect(w.message).toContain("store CA_3 has no rows after 2016-01-31, 56 days before the data's last day, 2016-03-27");
    expect(w.message).toContain('its 3 items are forecast as if they sold nothing since');
    expect(w.message).toContain('check the export');
  });

  it('say weeks and months on a weekly or monthly grid', () => {
    const grid = periodGrid('month');
    const [w] = silentStoreWarnings([{ store: 'S', last: 3, silentPeriods: 2, series: 1 }], 5, grid);
    expect(w.message).toContain("has no rows after Apr 1970, 2 months before the data's last month (Jun 1970)");
  });
});

describe('markSilentOrders', () => {
  it("puts the store's silence first in the reason of its rows only", () => {
    const rows = [{ store: 'A', reason: 'order 3' }, { store: 'C', reason: 'order 0' }] as unknown as OrderRow[];
    markSilentOrders(rows, silentStoreDays([{ store: 'C', last: dayFromYmd(2016, 1, 31), silentPeriods: 56, series: 1 }], DAILY));
    expect(rows[0].reason).toBe('order 3');
    expect(rows[1].reason).toMatch(/^the sales file has no rows of store C after 2016-01-31 .*check the export before ordering; order 0$/);
  });
});
