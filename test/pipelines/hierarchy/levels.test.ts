import { describe, expect, it } from 'vitest';
import { buildHierarchy, defaultLevels, MISSING_VALUE, nodeAt, nodeCount, slashedKeyAttributes } from '../../../pipelines/hierarchy/levels.js';

const bottom = [
  { store: 'CA_1', sku: 'FOODS_1_001', state: 'CA', category: 'FOODS', department: 'FOODS_1' },
  { store: 'CA_1', sku: 'HOBBIES_1_001', state: 'CA', category: 'HOBBIES', department: 'HOBBIES_1' },
  { store: 'TX_1', sku: 'FOODS_1_001', state: 'TX', category: 'FOODS', department: 'FOODS_1' },
  { store: 'TX_1', sku: 'FOODS_2_001', state: 'TX', category: 'FOODS', department: 'FOODS_2' },
];

describe('defaultLevels', () => {
  it('lists the total, store attributes, store, item attributes and their crossings', () => {
    expect(defaultLevels(['category', 'department'], ['state'])).toEqual([
      'total', 'state', 'store', 'category', 'department', 'state/category', 'state/department', 'store/category', 'store/department',
    ]);
    expect(defaultLevels([])).toEqual(['total', 'store']);
  });
});

describe('buildHierarchy', () => {
  it('groups the bottom series per level, keys sorted, names as given', () => {
    const h = buildHierarchy(bottom, ['total', 'store', 'store/category', 'category']);
    expect(h.levels.map((l) => l.name)).toEqual(['total', 'store', 'store/category', 'category']);
    expect(h.levels[0].keys).toEqual(['total']);
    expect(Array.from(h.levels[0].nodeOf)).toEqual([0, 0, 0, 0]);
    expect(h.levels[2].keys).toEqual(['CA_1/FOODS', 'CA_1/HOBBIES', 'TX_1/FOODS']);
    expect(Array.from(h.levels[2].nodeOf)).toEqual([0, 1, 2, 2]);
    expect(Array.from(h.offsets)).toEqual([0, 1, 3, 6, 8]);
    expect(nodeCount(h)).toBe(8);
    expect(nodeAt(h, 4)).toMatchObject({ key: 'CA_1/HOBBIES' });
    expect(nodeAt(h, 4).level.name).toBe('store/category');
    expect(() => nodeAt(h, 8)).toThrow(/outside/);
  });
  it('drops a level that groups like an earlier one or like the bottom', () => {
    // state = store here (one store per state); store/department = store/sku (every pair its own department)
    const h = buildHierarchy(bottom, ['total', 'store', 'state', 'store/department', 'category']);
    expect(h.levels.map((l) => l.name)).toEqual(['total', 'store', 'category']);
  });
  it('groups series without an attribute value under (missing) and counts them', () => {
    const b = [...bottom.slice(0, 3), { store: 'TX_1', sku: 'X' }];
    const h = buildHierarchy(b, ['category']);
    expect(h.levels[0].keys).toEqual([MISSING_VALUE, 'FOODS', 'HOBBIES']);
    expect(h.missing).toEqual({ category: 1 });
  });
  it('refuses what it cannot build', () => {
    expect(() => buildHierarchy([], ['total'])).toThrow(/at least one bottom series/);
    expect(() => buildHierarchy([bottom[0], bottom[0]], ['total'])).toThrow(/appears twice/);
    expect(() => buildHierarchy(bottom, ['brand'])).toThrow(/no series has attribute "brand"/);
    expect(() => buildHierarchy(bottom, ['store//category'])).toThrow(/empty attribute/);
  });
});

describe('slashedKeyAttributes', () => {
  it('names an attribute with a "/" in a value that is not the last of a key (the store always: store/sku keys)', () => {
    const bottom = [
      { store: 'S1', sku: 'A/1', category: 'Food/Drink', department: 'D1' },
      { store: 'S2', sku: 'B', category: 'Toys', department: 'D2/x' },
      { store: 'S3', sku: 'C', category: 'Food/Drink', department: 'D1' },
    ];
    // last attribute of every key: harmless
    expect(slashedKeyAttributes(buildHierarchy(bottom, ['total', 'category', 'store/category']))).toEqual({});
    // category before department: Food/Drink/D1 cannot be split
    expect(slashedKeyAttributes(buildHierarchy(bottom, ['category/department']))).toEqual({ category: 'Food/Drink' });
    expect(slashedKeyAttributes(buildHierarchy([{ store: 'Berlin/Mitte', sku: 'A' }, { store: 'S2', sku: 'A' }], ['total']))).toEqual({ store: 'Berlin/Mitte' });
  });
});
