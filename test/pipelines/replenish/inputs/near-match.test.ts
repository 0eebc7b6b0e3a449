import { describe, expect, it } from 'vitest';
import { keyDistance, NearMatcher, nearThreshold, normaliseKey } from '../../../../pipelines/replenish/inputs/near-match.js';

describe('keyDistance (hand-computed)', () => {
  it('counts edits, with look-alike substitutions at half cost', () => {
    expect(keyDistance('kitten', 'sitting')).toBe(3); // the classic Levenshtein example
    expect(keyDistance('cal', 'ca1')).toBe(0.5); // l / 1
    expect(keyDistance('ca2', 'ca1')).toBe(1);
    expect(keyDistance('ca1', 'ac1')).toBe(1); // adjacent transposition
    expect(keyDistance('abc', 'abc')).toBe(0);
    expect(keyDistance('', 'abc')).toBe(3);
  });
  it('stops early past the limit', () => {
    expect(keyDistance('abcdef', 'uvwxyz', 1)).toBe(2);
    expect(keyDistance('a', 'abcdef', 2)).toBe(3);
  });
});

describe('NearMatcher', () => {
  const stores = new NearMatcher(['CA_1', 'CA_2', 'CA_3', 'TX_1', 'WI_1']);
  it('finds what a misspelt key meant', () => {
    expect(normaliseKey(' CA_l ')).toBe('cal');
    expect(stores.nearest('CA_l')[0]).toBe('CA_1');
    expect(stores.nearest('ca-1')).toEqual(['CA_1', 'CA_2', 'CA_3']); // equal after normalisation first
    expect(stores.nearest('TX 1')[0]).toBe('TX_1');
  });
  it('suggests nothing far away or for very short keys', () => {
    expect(stores.nearest('NY_9')).toEqual([]);
    expect(nearThreshold(2)).toBe(0);
    expect(new NearMatcher(['A', 'B']).nearest('C')).toEqual([]);
  });
  it('does not return the key itself', () => {
    expect(stores.nearest('CA_1')).not.toContain('CA_1');
  });
});
