/**
 * Gradient histograms of the tree learner (models/gbdt-tree.ts): per feature and bin, the sum of
 * the residuals and the count of the rows in it, interleaved in one Float64Array (slot s of
 * feature f, bin b is f · 256 + b; its sum at 2s, its count at 2s + 1, one cache line for both).
 * Histograms are taken from and given back to a pool: a tree needs at most one per open leaf, and
 * a fit reuses the same few for every tree instead of allocating two per split.
 */
import type { BinnedFeatures } from './gbdt.js';

/** Slots per feature: one per possible bin. */
export const SLOTS = 256;

/** Reusable histograms of p features; `take` gives one with undefined content. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];
  constructor(private readonly p: number) {}

  take(): Float64Array {
    return this.free.pop() ?? new Float64Array(2 * this.p * SLOTS);
  }

  give(h: Float64Array): void {
    this.free.push(h);
  }
}

/**
 * Fill the first `features` features of `hist` with the histogram of rows idx[from, to) (the
 * rest is left as it was). Rows are added in idx order, so each slot's sum is the same
 * floating-point sum whatever else is computed.
 */
export function buildHistogram(data: BinnedFeatures, residual: Float64Array, idx: Int32Array, from: number, to: number, hist: Float64Array, features: number): void {
  hist.fill(0, 0, 2 * features * SLOTS);
  const { p, bins } = data;
  for (let i = from; i < to; i++) {
    const r = idx[i];
    const g = residual[r];
    const base = r * p;
    for (let f = 0; f < features; f++) {
      const s = 2 * (f * SLOTS + bins[base + f]);
      hist[s] += g;
      hist[s + 1] += 1;
    }
  }
}

/** parent -= child over the first `features` features: the parent's histogram becomes its other child's. */
export function subtractHistogram(parent: Float64Array, child: Float64Array, features: number): void {
  for (let i = 0, end = 2 * features * SLOTS; i < end; i++) parent[i] -= child[i];
}

/** Sum of the residuals of a histogram's rows: feature 0's bins hold every row once. */
export function histogramTotal(hist: Float64Array): number {
  let total = 0;
  for (let b = 0; b < SLOTS; b++) total += hist[2 * b];
  return total;
}
