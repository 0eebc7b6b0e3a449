import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeriesBuilder } from '../../../pipelines/ingest/series-builder.js';
import type { InputKind, SeriesData } from '../../../pipelines/types.js';

/** An accepted row as the builder receives it. */
interface Row {
  store: string;
  sku: string;
  day: number;
  qty: number;
  price: number;
  isReturn: boolean;
}

function build(kind: InputKind, rows: readonly Row[]) {
  const b = new SeriesBuilder(kind);
  for (const r of rows) b.add(b.key(r.store, r.sku), r.day, r.qty, r.price, r.isReturn);
  return b.build();
}

/**
 * The expected series, computed the plain way: per key a map of day -> sums, each series from
 * its first day to the batch's last day; demand sums non-return rows, returns sum -qty of
 * return rows, price is the mean of the day's positive prices of non-return rows (daily totals:
 * the row's price), NaN without one.
 */
function expected(rows: readonly Row[]) {
  const end = Math.max(...rows.map((r) => r.day));
  const byKey = new Map<string, Row[]>();
  for (const r of rows) byKey.set(`${r.store}\u0000${r.sku}`, [...(byKey.get(`${r.store}\u0000${r.sku}`) ?? []), r]);
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, rs]) => {
      const start = Math.min(...rs.map((r) => r.day));
      const n = end - start + 1;
      const demand = new Array<number>(n).fill(0);
      const returns = new Array<number>(n).fill(0);
      const observed = new Array<number>(n).fill(0);
      const prices: number[][] = Array.from({ length: n }, () => []);
      for (const r of rs) {
        const i = r.day - start;
        observed[i] = 1;
        if (r.isReturn) returns[i] -= r.qty;
        else {
          demand[i] += r.qty;
          if (r.price > 0) prices[i].push(r.price);
        }
      }
      const price = prices.map((p) => (p.length ? p.reduce((a, b) => a + b, 0) / p.length : NaN));
      return { key, start, demand, returns, observed, price, acceptedRows: rs.length };
    });
}

function plain(s: SeriesData) {
  return {
    key: s.key,
    start: s.start,
    demand: Array.from(s.demand),
    returns: Array.from(s.returns),
    observed: Array.from(s.observed),
    price: Array.from(s.price),
    acceptedRows: s.acceptedRows,
  };
}

const BASE_DAY = 15_000; // 2011-01-27

const rowArb = (kind: InputKind) =>
  fc.record({
    store: fc.constantFrom('S1', 'S2'),
    sku: fc.constantFrom('A', 'K', 'LONG-SKU-NAME-0001'),
    // up to 360 days: series grow past their first allocation (256 days), in both directions,
    // and no silence is long enough to detach rows (validation.maxGapDays, 365)
    day: fc.integer({ min: BASE_DAY, max: BASE_DAY + 360 }),
    qty: fc.integer({ min: -5, max: 40 }),
    price: fc.constantFrom(0, 1.5, 2.25, NaN),
    isReturn: kind === 'daily' ? fc.constant(false) : fc.boolean(),
  });

describe('SeriesBuilder', () => {
  it('daily totals in any order of days and keys: one series per key, from its first day to the batch end', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(rowArb('daily'), { minLength: 1, maxLength: 120, selector: (r) => `${r.store}|${r.sku}|${r.day}` }),
        (rows) => {
          const built = build('daily', rows);
          // daily totals: the day's price as given (NaN or 0 stay no price: only positive prices count)
          expect(built.series.map(plain)).toEqual(expected(rows));
          expect(built.start).toBe(Math.min(...rows.map((r) => r.day)));
          expect(built.end).toBe(Math.max(...rows.map((r) => r.day)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('transaction lines: rows of a day are summed, returns kept apart, price the mean of positive prices', () => {
    fc.assert(
      fc.property(fc.array(rowArb('transactions'), { minLength: 1, maxLength: 150 }), (rows) => {
        expect(build('transactions', rows).series.map(plain)).toEqual(expected(rows));
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same series whatever the order of the rows', () => {
    fc.assert(
      fc.property(fc.array(rowArb('transactions'), { minLength: 1, maxLength: 80 }), fc.func(fc.integer()), (rows, order) => {
        const shuffled = rows.map((r, i) => ({ r, k: order(i) })).sort((a, b) => a.k - b.k).map((x) => x.r);
        expect(build('transactions', shuffled).series.map(plain)).toEqual(build('transactions', rows).series.map(plain));
      }),
      { numRuns: 100 },
    );
  });

  it('a worked example: two stores, a gap, a return, growth backwards', () => {
    const d = BASE_DAY;
    const built = build('transactions', [
      { store: 'S2', sku: 'B', day: d + 3, qty: 2, price: 1, isReturn: false },
      { store: 'S1', sku: 'A', day: d + 5, qty: 3, price: 2, isReturn: false },
      { store: 'S1', sku: 'A', day: d + 5, qty: 1, price: 4, isReturn: false },
      { store: 'S1', sku: 'A', day: d + 5, qty: -2, price: 4, isReturn: true },
      { store: 'S1', sku: 'A', day: d - 300, qty: 7, price: 0, isReturn: false }, // 300 days before the first 256 allocated: grows backwards
    ]);
    expect(built.start).toBe(d - 300);
    expect(built.end).toBe(d + 5);
    const [a, b] = built.series;
    expect(a.key).toBe('S1\u0000A');
    expect(a.start).toBe(d - 300);
    expect(a.demand.length).toBe(306);
    expect(a.demand[0]).toBe(7);
    expect(a.demand[305]).toBe(4);
    expect(a.returns[305]).toBe(2);
    expect(a.price[305]).toBe(3); // mean of 2 and 4; the return's price does not count
    expect(Number.isNaN(a.price[0])).toBe(true); // zero price: unknown
    expect(a.observed.reduce((s, x) => s + x, 0)).toBe(2);
    expect(a.acceptedRows).toBe(4);
    expect(b).toMatchObject({ key: 'S2\u0000B', start: d + 3 });
    expect(Array.from(b.demand)).toEqual([2, 0, 0]);
    // activity flags over [start, end] of the batch, in all and per store
    expect(built.allDays.length).toBe(306);
    expect([...built.allDays.keys()].filter((i) => built.allDays[i])).toEqual([0, 303, 305]);
    expect(Object.keys(built.storeDays)).toEqual(['S1', 'S2']);
    expect([...built.storeDays.S2.keys()].filter((i) => built.storeDays.S2[i])).toEqual([303]);
  });

  it('series without returns share one zero buffer', () => {
    const built = build('daily', [
      { store: '', sku: 'A', day: BASE_DAY, qty: 1, price: 1, isReturn: false },
      { store: '', sku: 'B', day: BASE_DAY + 1, qty: 1, price: 1, isReturn: false },
    ]);
    const [a, b] = built.series;
    expect(Array.from(a.returns)).toEqual([0, 0]);
    expect(Array.from(b.returns)).toEqual([0]);
    expect(a.returns.buffer).toBe(b.returns.buffer);
  });

  it('daily duplicates: 0 for a new day, 1 for the same quantity, 2 for another; the kept quantity', () => {
    const b = new SeriesBuilder('daily');
    const acc = b.key('S1', 'A');
    expect(b.dailyDuplicate(acc, BASE_DAY, 5)).toBe(0); // no arrays yet
    b.add(acc, BASE_DAY, 5, 1, false);
    expect(b.dailyDuplicate(acc, BASE_DAY, 5)).toBe(1);
    expect(b.dailyDuplicate(acc, BASE_DAY, 6)).toBe(2);
    expect(b.keptQuantity(acc, BASE_DAY)).toBe(5);
    expect(b.dailyDuplicate(acc, BASE_DAY + 1, 5)).toBe(0); // allocated, not observed
    expect(b.dailyDuplicate(acc, BASE_DAY - 1000, 5)).toBe(0); // outside the arrays
  });

  it('a key with rejected rows only is counted but gets no series; an empty batch has no days', () => {
    const b = new SeriesBuilder('daily');
    b.key('S1', 'REJECTED').rejectedRows++;
    expect(b.keys).toBe(1);
    const built = b.build();
    expect(built.series).toEqual([]);
    expect(built.start).toBeNaN();
    expect(built.end).toBeNaN();
    expect(built.allDays.length).toBe(0);
    expect(built.storeDays).toEqual({ S1: new Uint8Array(0) });
  });

  it('a series-ordered export: every series after the first gets room for the whole span at once, never grown', () => {
    // 3 series x 300 days, one series after the other (as the M5-scale bench file)
    const b = new SeriesBuilder('daily');
    const capacities: number[][] = [];
    for (const sku of ['A', 'B', 'C']) {
      const acc = b.key('S1', sku);
      const seen: number[] = [];
      for (let t = 0; t < 300; t++) {
        b.add(acc, BASE_DAY + t, t % 3, 1, false);
        if (!seen.includes(acc.capacity)) seen.push(acc.capacity);
      }
      capacities.push(seen);
    }
    // the first series grows from the 256-day floor; the others are sized from its 300 days
    expect(capacities[0]).toEqual([256, 512]);
    expect(capacities[1]).toEqual([300]);
    expect(capacities[2]).toEqual([300]);
    const series = b.build().series;
    expect(series.map((s) => s.demand.length)).toEqual([300, 300, 300]);
  });

  it('counts issues per series by code', () => {
    const b = new SeriesBuilder('daily');
    const acc = b.key('S1', 'A');
    acc.counts[0] = 2;
    b.add(acc, BASE_DAY, 1, 1, false);
    const [s] = b.build().series;
    expect(Object.values(s.issues)).toEqual([2]);
  });
});
