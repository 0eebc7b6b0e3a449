/** Seeded uniform random numbers: the one generator of the code base (row sampling, defect injection). */

/**
 * Mulberry32, a 32-bit generator with a 2^32 period: ample for picking rows.
 * Source: Tommy Ettinger's Mulberry32 (public domain), as used in many seeded-PRNG libraries.
 * @returns a function giving uniform numbers in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  const state = Uint32Array.of(seed >>> 0);
  return () => mulberry32Step(state);
}

/**
 * The next number of the Mulberry32 stream whose state is state[0] (the seed to start with), and
 * the state moved on: what a hot loop calls directly (a typed array's slot is about three times
 * as fast as the closure's variable, models/gbdt.ts row sampling).
 */
export function mulberry32Step(state: Uint32Array): number {
  const a = (state[0] + 0x6d2b79f5) >>> 0;
  state[0] = a;
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
