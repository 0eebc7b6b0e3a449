import { describe, expect, it } from 'vitest';
import { bottomWeights, levelScores } from '../../../pipelines/hierarchy/level-scores.js';
import { buildHierarchy } from '../../../pipelines/hierarchy/levels.js';

describe('levelScores', () => {
  it('weights nodes by their items\' weights per level, then averages the levels (hand-computed)', () => {
    const h = buildHierarchy([{ store: 'A', sku: 'x' }, { store: 'A', sku: 'y' }, { store: 'B', sku: 'x' }], ['total', 'store']);
    // nodes: total | A, B; weights 1, 3, 4 -> A 4, B 4
    const r = levelScores(h, [0.5, 1, 3], [2, 1, 4], [1, 3, 4]);
    expect(r.levels).toEqual([
      { level: 'total', score: 0.5 },
      { level: 'store', score: (4 * 1 + 4 * 3) / 8 },
      { level: 'store/sku', score: (1 * 2 + 3 * 1 + 4 * 4) / 8 },
    ]);
    expect(r.mean).toBeCloseTo((0.5 + 2 + 21 / 8) / 3, 12);
    // an undefined score drops out of its level
    expect(levelScores(h, [NaN, 1, 3], [2, 1, 4], [1, 3, 4]).levels[0].score).toBeNaN();
    expect(() => levelScores(h, [1], [1, 1, 1], [1, 1, 1])).toThrow(/needs 3 aggregate/);
  });
});

describe('bottomWeights', () => {
  it('is revenue over the last days when every series has prices, else units', () => {
    const a = { demand: [1, 2, 3], price: [NaN, 2, 3] };
    const b = { demand: [0, 4, 1], price: [1, 1, 1] };
    expect(Array.from(bottomWeights([a, b], 2))).toEqual([2 * 2 + 3 * 3, 4 + 1]);
    expect(Array.from(bottomWeights([a, { ...b, price: [1, NaN, NaN] }], 2))).toEqual([5, 5]);
  });
});
