import { describe, expect, it } from 'vitest';
import { spreadCodes, subsetOptions, subsetSeries } from '../../bench/m5-subset.js';
import type { SeriesData } from '../../pipelines/types.js';

function series(store: string, sku: string): SeriesData {
  return { key: `${store}\u0000${sku}`, store, sku, start: 0, demand: new Float64Array(1), returns: new Float64Array(1), price: new Float64Array(1), observed: new Uint8Array(1), issues: {}, acceptedRows: 1 };
}

describe('m5 subset', () => {
  it('spreads n codes evenly over the sorted distinct codes (indices floor((j + 0.5) m / n))', () => {
    const codes = ['J', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'A'];
    // m = 10 distinct, n = 3: indices 1, 5, 8
    expect(spreadCodes(codes, 3)).toEqual(['B', 'F', 'I']);
    expect(spreadCodes(codes, 0)).toHaveLength(10);
    expect(spreadCodes(codes, 12)).toHaveLength(10);
  });

  it('keeps the stores asked for, then the spread items among theirs, in the original order', () => {
    const all = [series('S1', 'c'), series('S2', 'a'), series('S1', 'a'), series('S1', 'b'), series('S2', 'd')];
    expect(subsetSeries(all, { stores: ['S1'], items: 0 }).map((s) => s.key)).toEqual([all[0].key, all[2].key, all[3].key]);
    // S1's items a, b, c; one item: index floor(0.5 × 3 / 1) = 1, b
    expect(subsetSeries(all, { stores: ['S1'], items: 1 }).map((s) => s.sku)).toEqual(['b']);
    // no store filter, two of a, b, c, d: indices 1 and 3, b and d
    expect(subsetSeries(all, { stores: [], items: 2 }).map((s) => `${s.store}/${s.sku}`)).toEqual(['S1/b', 'S2/d']);
    expect(() => subsetSeries(all, { stores: ['X'], items: 0 })).toThrow(/no series/);
  });

  it('parses --stores and --items, rejecting a count that is not a whole number', () => {
    const args: Record<string, string> = { stores: 'CA_1,TX_2', items: '10' };
    expect(subsetOptions((n) => args[n])).toEqual({ stores: ['CA_1', 'TX_2'], items: 10 });
    expect(subsetOptions(() => undefined)).toEqual({ stores: [], items: 0 });
    expect(() => subsetOptions((n) => (n === 'items' ? '2.5' : undefined))).toThrow(/--items/);
  });
});
