/**
 * Reference values recorded from R for the model tests: r-reference.json is the output of
 * `Rscript bench/r/reference-values.R` (R 4.2.2 Patched (2022-11-10 r83330), forecast 8.20); each entry
 * carries the R call that produced it. Also small helpers to compare arrays.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

type Json = any;

/** The recorded reference values, keyed as in bench/r/reference-values.R. */
export const R: Json = JSON.parse(readFileSync(new URL('./r-reference.json', import.meta.url), 'utf8'));

/** A fixture series of the R script, as a Float64Array. */
export function fixture(name: 'LakeHuron' | 'BJsales' | 'AirPassengers' | 'w56' | 'w56z' | 'int40'): Float64Array {
  return Float64Array.from(R.fixtures[name] as number[]);
}

/** Assert |actual[i] - expected[i]| <= tol * max(1, |expected[i]|) for every i (and equal lengths). */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]));
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= tol * scale)) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol} x ${scale})`);
    }
  }
}
