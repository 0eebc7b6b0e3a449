import { describe, expect, it } from 'vitest';
import { applyCleaning, cleanedWindow, demandPatch } from '../../../pipelines/prepare/cleaning-patch.js';
import type { SeriesData } from '../../../pipelines/types.js';

function series(demand: number[], cleaning?: SeriesData['cleaning']): SeriesData {
  const n = demand.length;
  return {
    key: 'S\u0000A',
    store: 'S',
    sku: 'A',
    start: 100,
    demand: Float64Array.from(demand),
    returns: new Float64Array(n),
    price: new Float64Array(n).fill(NaN),
    observed: new Uint8Array(n).fill(1),
    issues: {},
    acceptedRows: n,
    ...(cleaning ? { cleaning } : {}),
  };
}

describe('demandPatch', () => {
  it('keeps only the changed days, in order; NaN equals NaN, 0 differs from -0', () => {
    const p = demandPatch(Float64Array.from([1, 2, NaN, 4, 0]), Float64Array.from([1, 9, NaN, 3, -0]));
    expect(Array.from(p.index)).toEqual([1, 3, 4]);
    expect(Array.from(p.value)).toEqual([9, 3, -0]);
    expect(demandPatch(Float64Array.from([1, 2]), Float64Array.from([1, 2])).index.length).toBe(0);
  });
});

describe('applyCleaning', () => {
  it('returns a series without a patch as it is', () => {
    const s = series([1, 2, 3]);
    expect(applyCleaning(s)).toBe(s);
  });

  it('gives the cleaned demand, keeps the recorded demand apart and leaves the input alone', () => {
    const recorded = [5, 0, 0, 40, 6];
    const cleaned = [5, 6, 6, 12, 6];
    const s = series(recorded, demandPatch(Float64Array.from(recorded), Float64Array.from(cleaned)));
    const c = applyCleaning(s);
    expect(Array.from(c.demand)).toEqual(cleaned);
    expect(Array.from(c.recorded!)).toEqual(recorded);
    expect(c.cleaning).toBeUndefined();
    expect(Array.from(s.demand)).toEqual(recorded);
    expect(applyCleaning(c)).toBe(c); // applied once
  });
});

describe('cleanedWindow', () => {
  it('gives days [from, to) of the cleaned demand as a copy', () => {
    const recorded = [5, 0, 0, 40, 6];
    const s = series(recorded, demandPatch(Float64Array.from(recorded), Float64Array.from([5, 6, 6, 12, 6])));
    const w = cleanedWindow(s, 2, 5);
    expect(Array.from(w)).toEqual([6, 12, 6]);
    w[0] = 99;
    expect(Array.from(s.demand)).toEqual(recorded);
    expect(Array.from(cleanedWindow(series([1, 2, 3]), 1, 3))).toEqual([2, 3]);
  });
});
