import { describe, expect, it } from 'vitest';
import { mulberry32, mulberry32Step } from '../../models/random.js';

describe('mulberry32', () => {
  it('gives the published Mulberry32 stream (seed 1 starts 0.6270739405881613, as in the reference C code / 2^32)', () => {
    const g = mulberry32(1);
    expect([g(), g(), g()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });

  it('mulberry32Step on a state array is the same stream as the closure, for any seed (2^32 - 1 wraps)', () => {
    for (const seed of [1, 42, 4294967295]) {
      const g = mulberry32(seed);
      const state = Uint32Array.of(seed);
      for (let k = 0; k < 1000; k++) expect(mulberry32Step(state)).toBe(g());
    }
    const state = Uint32Array.of(4294967295);
    expect([mulberry32Step(state), mulberry32Step(state)]).toEqual([0.8964226141106337, 0.189478256739676]);
  });
});
