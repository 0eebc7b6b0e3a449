import { describe, expect, it } from 'vitest';
import { mergeConflicts, seriesConflicts } from '../../../pipelines/hierarchy/attribute-conflicts.js';
import { itemAttributeConflicts, itemAttributes } from '../../../pipelines/hierarchy/item-attributes.js';
import { planLevels } from '../../../pipelines/hierarchy/run-levels.js';
import { planOfRecord, planRecord } from '../../../pipelines/hierarchy/levels-plan-file.js';
import type { SeriesData } from '../../../pipelines/types.js';
import type { SeriesAttributes } from '../../../pipelines/hierarchy/levels.js';

describe('seriesConflicts', () => {
  it('finds an item attribute with two values across the stores of one sku, and a region across the skus of one store', () => {
    const series: SeriesAttributes[] = [
      { store: 'S1', sku: 'A', category: 'FOOD', region: 'CA' },
      { store: 'S2', sku: 'A', category: 'TOYS', region: 'TX' },
      { store: 'S1', sku: 'B', category: 'TOYS', region: 'TX' },
      { store: 'S2', sku: 'B', category: 'TOYS' },
      { store: 'S3', sku: 'C', category: '' },
      { store: 'S3', sku: 'C2', category: 'FOOD' },
    ];
    expect(seriesConflicts(series, { category: 'sku', region: 'store' })).toEqual({
      category: { count: 1, example: 'sku "A": "FOOD" (store "S1") and "TOYS" (store "S2")' },
      region: { count: 1, example: 'store "S1": "CA" (sku "A") and "TX" (sku "B")' },
    });
    // one value per sku (an empty cell is no value): no conflict
    expect(seriesConflicts(series.slice(2), { category: 'sku' })).toEqual({});
  });
  it('adds the counts of two sources, keeping the first example', () => {
    expect(mergeConflicts({ category: { count: 1, example: 'x' } }, { category: { count: 2, example: 'y' }, department: { count: 1, example: 'z' } })).toEqual({
      category: { count: 3, example: 'x' }, department: { count: 1, example: 'z' },
    });
  });
});

describe('itemAttributeConflicts', () => {
  it('finds a sku whose items-file rows (a store-specific one included) disagree; the first value is the one used', () => {
    const rows = [
      { line: 2, sku: 'A', category: 'FOOD', department: 'D1' },
      { line: 3, sku: 'A', category: 'FRESH', department: 'D1' },
      { line: 4, sku: 'B', category: 'TOYS', department: '' },
      { line: 5, sku: 'B', category: '', department: 'D2' },
    ];
    expect(itemAttributeConflicts(rows)).toEqual({ category: { count: 1, example: 'sku "A" in the items file: "FOOD" (line 2) and "FRESH" (line 3)' } });
    expect(itemAttributes(rows).get('A')).toEqual({ category: 'FOOD', department: 'D1' });
  });
});

describe('planLevels conflicts', () => {
  const s = (store: string, sku: string, category: string): SeriesData => ({
    key: `${store}\u0000${sku}`, store, sku, start: 0, demand: Float64Array.of(1, 2), returns: new Float64Array(2),
    price: new Float64Array(2).fill(NaN), observed: new Uint8Array(2).fill(1), issues: {}, acceptedRows: 2, attributes: { category },
  });
  const series = [s('S1', 'A', 'FOOD'), s('S2', 'A', 'TOYS'), s('S1', 'B', 'TOYS')];
  it('records the sales file\'s conflicts of the attributes the levels use, and the items file\'s', () => {
    expect(planLevels(series, { levels: ['category'] }).conflicts).toEqual({ category: { count: 1, example: 'sku "A": "FOOD" (store "S1") and "TOYS" (store "S2")' } });
    // levels that do not group by the attribute: nothing to warn of
    expect(planLevels(series, { levels: ['store'] }).conflicts).toEqual({});
    // the items file gives A one category: the sales file's disagreement no longer matters, the file's own does
    const fromFile = { category: { count: 1, example: 'f' } };
    expect(planLevels(series, { levels: ['category'] }, new Map([['A', { category: 'FOOD' }]]), fromFile).conflicts).toEqual({ category: { count: 1, example: 'f' } });
    expect(planOfRecord(JSON.parse(JSON.stringify(planRecord(planLevels(series, { levels: ['category'] }))))).conflicts).toEqual({ category: { count: 1, example: 'sku "A": "FOOD" (store "S1") and "TOYS" (store "S2")' } });
  });
});
