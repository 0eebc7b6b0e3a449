import { describe, expect, it } from 'vitest';
import { aggregateSeries, sumOverNodes, sumToNodes } from '../../../pipelines/hierarchy/aggregate.js';
import { buildHierarchy } from '../../../pipelines/hierarchy/levels.js';
import type { SeriesData } from '../../../pipelines/types.js';

const attrs = [
  { store: 'CA_1', sku: 'A', category: 'FOODS' },
  { store: 'CA_1', sku: 'B', category: 'HOBBIES' },
  { store: 'TX_1', sku: 'A', category: 'FOODS' },
];
const h = buildHierarchy(attrs, ['total', 'store', 'category']);
// nodes: total | CA_1, TX_1 | FOODS, HOBBIES

function series(store: string, sku: string, start: number, demand: number[], extra: Partial<SeriesData> = {}): SeriesData {
  const n = demand.length;
  return {
    key: `${store}\u0000${sku}`, store, sku, start,
    demand: Float64Array.from(demand), returns: new Float64Array(n), price: new Float64Array(n).fill(2),
    observed: new Uint8Array(n).fill(1), issues: {}, acceptedRows: n, ...extra,
  };
}

describe('sumToNodes / sumOverNodes', () => {
  it('computes C·x and C\'·y (hand-computed)', () => {
    // bottom rows (2 steps): A@CA [1, 2], B@CA [10, 20], A@TX [100, 200]
    const x = Float64Array.of(1, 2, 10, 20, 100, 200);
    expect(Array.from(sumToNodes(h, x, 2))).toEqual([111, 222, 11, 22, 100, 200, 101, 202, 10, 20]);
    // y: one value per node: total 1, CA_1 2, TX_1 3, FOODS 4, HOBBIES 5
    const y = Float64Array.of(1, 2, 3, 4, 5);
    // A@CA: total + CA_1 + FOODS = 7; B@CA: 1 + 2 + 5 = 8; A@TX: 1 + 3 + 4 = 8
    expect(Array.from(sumOverNodes(h, y, 1))).toEqual([7, 8, 8]);
    expect(() => sumToNodes(h, x, 3)).toThrow(/3 × 3 bottom values/);
    expect(() => sumOverNodes(h, x, 1)).toThrow(/5 × 1 node values/);
  });
});

describe('aggregateSeries', () => {
  it('sums cleaned and recorded demand from the earliest member, with the store or state for SNAP', () => {
    const s = [
      // A@CA starts a day later; its cleaning patch turns day index 1 (0 recorded) into 4
      series('CA_1', 'A', 101, [1, 0, 3], { cleaning: { index: Int32Array.of(1), value: Float64Array.of(4) } }),
      series('CA_1', 'B', 100, [5, 6, 7, 8]),
      series('TX_1', 'A', 100, [1, 1, 1, 1]),
    ];
    const out = aggregateSeries(s, h);
    expect(out.map((x) => x.key)).toEqual(['total\u0000total', 'store\u0000CA_1', 'store\u0000TX_1', 'category\u0000FOODS', 'category\u0000HOBBIES']);
    const total = out[0];
    expect(total.start).toBe(100);
    expect(Array.from(total.demand)).toEqual([6, 8, 12, 12]); // 5+1, 6+1+1, 7+1+4 (cleaned), 8+1+3
    expect(Array.from(total.recorded!)).toEqual([6, 8, 8, 12]); // day 102 as recorded: 7+1+0
    expect(out[1].store).toBe('CA_1');
    expect(out[3].store).toBe(''); // a category spans stores
    expect(Array.from(out[3].demand)).toEqual([1, 2, 5, 4]);
    expect(Number.isNaN(total.price[0])).toBe(true);
    expect(total.acceptedRows).toBe(11);
  });
  it('needs the hierarchy\'s series, ending on one day', () => {
    const s = [series('CA_1', 'A', 100, [1]), series('CA_1', 'B', 100, [1]), series('TX_1', 'A', 100, [1, 2])];
    expect(() => aggregateSeries(s, h)).toThrow(/end on the same day/);
    expect(() => aggregateSeries(s.slice(0, 2), h)).toThrow(/3 bottom series/);
    expect(() => aggregateSeries([s[1], s[0], s[2]], h)).toThrow(/hierarchy has CA_1\/A/);
  });
});
