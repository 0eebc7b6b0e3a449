/**
 * Gradient histograms of the tree learner (models/gbdt-tree.ts): per feature and bin, the sum of
 * the residuals and the count of the rows in it (the sum of their weights: 1 each but under GOSS,
 * models/gbdt-goss.ts), interleaved in one Float64Array (slot s of
 * feature f, bin b is offsets[f] + b; its sum at 2s, its count at 2s + 1, one cache line for both).
 * Features are packed one after the other, each with as many slots as it has bins (on the M5
 * slice 26 features have 780 bins: 12 KB a histogram, not 106 KB at 256 slots a feature); one
 * more slot at the end takes the padding of packed rows (`PackedRows`) and is never read.
 * Histograms are taken from and given back to a pool: a tree needs at most one per open leaf, and
 * a fit reuses the same few for every tree instead of allocating two per split.
 */
import type { BinnedFeatures } from './gbdt.js';

/** Reusable histograms of `slots` slots (a layout's `slots`); `take` gives one with undefined content. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];
  constructor(private readonly slots: number) {}

  take(): Float64Array {
    return this.free.pop() ?? new Float64Array(2 * (this.slots + 1));
  }

  give(h: Float64Array): void {
    this.free.push(h);
  }
}

/**
 * Which features a histogram holds and where: `features` the features built (feature 0 first,
 * always: its bins give the total), `bins[f]` the bin count of feature f, `offsets[f]` its first
 * slot, `slots` the number of slots (a histogram has slots + 1: the last one for padding). A
 * feature of one bin (the same value in every row) can never be split, so the learner leaves it
 * out (`histogramLayouts`) and gives it no slot. `packed`: the rows' bins of these features, four
 * to a word (`packRows`), when built.
 */
export interface HistogramLayout {
  features: Int32Array;
  bins: Int32Array;
  offsets: Int32Array;
  slots: number;
  packed?: PackedRows;
}

/**
 * The bins of a layout's features, row by row, four to a 32-bit word (byte j of word w holds
 * feature features[4w + j]'s bin; padding bytes 0): `width` words a row. `at[4w + j]` is twice
 * the slot of that byte's bin 0 (padding: the spare slot). One word load and shifts give four
 * bins: about a fifth faster histograms than a byte load a feature (bench/gbdt-speed.ts).
 */
export interface PackedRows {
  words: Uint32Array;
  width: number;
  at: Int32Array;
}

/** Pack the bins of the layout's features of every row (`PackedRows`). */
export function packRows(data: BinnedFeatures, layout: HistogramLayout): PackedRows {
  const { n, p, bins } = data;
  const q = layout.features.length;
  const width = Math.ceil(q / 4);
  const at = new Int32Array(4 * width).fill(2 * layout.slots);
  for (let j = 0; j < q; j++) at[j] = 2 * layout.offsets[layout.features[j]];
  const words = new Uint32Array(n * width);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < q; j++) words[r * width + (j >> 2)] |= bins[r * p + layout.features[j]] << (8 * (j & 3));
  }
  return { words, width, at };
}

/** The layouts a fit uses: `search` feature 0 and every feature of more than one bin, `total` feature 0 alone (a leaf that will not be searched); the same slots. */
export function histogramLayouts(data: BinnedFeatures): { search: HistogramLayout; total: HistogramLayout } {
  const bins = Int32Array.from(data.edges, (e) => e.length + 1);
  const offsets = new Int32Array(data.p);
  const features: number[] = [];
  let slots = 0;
  for (let f = 0; f < data.p; f++) {
    if (f > 0 && bins[f] <= 1) continue;
    features.push(f);
    offsets[f] = slots;
    slots += bins[f];
  }
  const search: HistogramLayout = { features: Int32Array.from(features), bins, offsets, slots };
  search.packed = packRows(data, search);
  return { search, total: { features: Int32Array.of(0), bins, offsets, slots } };
}

/** Zero the layout's slots of `hist`. */
function clearHistogram(hist: Float64Array, layout: HistogramLayout): void {
  const { features, bins, offsets } = layout;
  for (let k = 0; k < features.length; k++) hist.fill(0, 2 * offsets[features[k]], 2 * (offsets[features[k]] + bins[features[k]]));
}

/**
 * Fill the layout's features of `hist` with the histogram of rows idx[from, to) (the rest is
 * left as it was). Rows are added in idx order, so each slot's sum is the same floating-point sum
 * whatever else is computed. Four rows are taken at a time, feature by feature (row i's update
 * of a slot still comes before row i + 1's): independent updates in flight instead of one row's
 * chain, about twice as fast. From the layout's packed rows when it has them (`PackedRows`).
 */
export function buildHistogram(data: BinnedFeatures, residual: Float64Array, weight: Float64Array, idx: Int32Array, from: number, to: number, hist: Float64Array, layout: HistogramLayout): void {
  clearHistogram(hist, layout);
  if (layout.packed) addPackedRows(layout.packed, residual, weight, idx, from, to, hist);
  else addRows(data, residual, weight, idx, from, to, hist, layout);
}

/** buildHistogram's sums from the packed rows: four rows at a time, word by word, the four bytes of a word one after the other. */
function addPackedRows(packed: PackedRows, residual: Float64Array, weight: Float64Array, idx: Int32Array, from: number, to: number, hist: Float64Array): void {
  const { words, width, at } = packed;
  let i = from;
  for (; i + 3 < to; i += 4) {
    const r0 = idx[i], r1 = idx[i + 1], r2 = idx[i + 2], r3 = idx[i + 3];
    const a0 = r0 * width, a1 = r1 * width, a2 = r2 * width, a3 = r3 * width;
    const g0 = residual[r0], g1 = residual[r1], g2 = residual[r2], g3 = residual[r3];
    const h0 = weight[r0], h1 = weight[r1], h2 = weight[r2], h3 = weight[r3];
    for (let w = 0; w < width; w++) {
      const w0 = words[a0 + w], w1 = words[a1 + w], w2 = words[a2 + w], w3 = words[a3 + w];
      let o = at[4 * w];
      let s = o + 2 * (w0 & 255);
      hist[s] += g0;
      hist[s + 1] += h0;
      s = o + 2 * (w1 & 255);
      hist[s] += g1;
      hist[s + 1] += h1;
      s = o + 2 * (w2 & 255);
      hist[s] += g2;
      hist[s + 1] += h2;
      s = o + 2 * (w3 & 255);
      hist[s] += g3;
      hist[s + 1] += h3;
      o = at[4 * w + 1];
      s = o + 2 * ((w0 >>> 8) & 255);
      hist[s] += g0;
      hist[s + 1] += h0;
      s = o + 2 * ((w1 >>> 8) & 255);
      hist[s] += g1;
      hist[s + 1] += h1;
      s = o + 2 * ((w2 >>> 8) & 255);
      hist[s] += g2;
      hist[s + 1] += h2;
      s = o + 2 * ((w3 >>> 8) & 255);
      hist[s] += g3;
      hist[s + 1] += h3;
      o = at[4 * w + 2];
      s = o + 2 * ((w0 >>> 16) & 255);
      hist[s] += g0;
      hist[s + 1] += h0;
      s = o + 2 * ((w1 >>> 16) & 255);
      hist[s] += g1;
      hist[s + 1] += h1;
      s = o + 2 * ((w2 >>> 16) & 255);
      hist[s] += g2;
      hist[s + 1] += h2;
      s = o + 2 * ((w3 >>> 16) & 255);
      hist[s] += g3;
      hist[s + 1] += h3;
      o = at[4 * w + 3];
      s = o + 2 * (w0 >>> 24);
      hist[s] += g0;
      hist[s + 1] += h0;
      s = o + 2 * (w1 >>> 24);
      hist[s] += g1;
      hist[s + 1] += h1;
      s = o + 2 * (w2 >>> 24);
      hist[s] += g2;
      hist[s + 1] += h2;
      s = o + 2 * (w3 >>> 24);
      hist[s] += g3;
      hist[s + 1] += h3;
    }
  }
  for (; i < to; i++) {
    const a = idx[i] * width;
    const g = residual[idx[i]];
    const h = weight[idx[i]];
    for (let w = 0; w < width; w++) {
      for (let j = 0; j < 4; j++) {
        const s = at[4 * w + j] + 2 * ((words[a + w] >>> (8 * j)) & 255);
        hist[s] += g;
        hist[s + 1] += h;
      }
    }
  }
}

/** buildHistogram's sums from the row-major bins: four rows at a time, feature by feature. */
function addRows(data: BinnedFeatures, residual: Float64Array, weight: Float64Array, idx: Int32Array, from: number, to: number, hist: Float64Array, layout: HistogramLayout): void {
  const { p, bins } = data;
  const list = layout.features;
  const offsets = layout.offsets;
  const features = list.length;
  let i = from;
  for (; i + 3 < to; i += 4) {
    const a = idx[i] * p;
    const b = idx[i + 1] * p;
    const c = idx[i + 2] * p;
    const d = idx[i + 3] * p;
    const ga = residual[idx[i]];
    const gb = residual[idx[i + 1]];
    const gc = residual[idx[i + 2]];
    const gd = residual[idx[i + 3]];
    const wa = weight[idx[i]], wb = weight[idx[i + 1]], wc = weight[idx[i + 2]], wd = weight[idx[i + 3]];
    for (let k = 0; k < features; k++) {
      const f = list[k];
      const o = 2 * offsets[f];
      let s = o + 2 * bins[a + f];
      hist[s] += ga;
      hist[s + 1] += wa;
      s = o + 2 * bins[b + f];
      hist[s] += gb;
      hist[s + 1] += wb;
      s = o + 2 * bins[c + f];
      hist[s] += gc;
      hist[s + 1] += wc;
      s = o + 2 * bins[d + f];
      hist[s] += gd;
      hist[s + 1] += wd;
    }
  }
  for (; i < to; i++) {
    const r = idx[i] * p;
    const g = residual[idx[i]];
    const h = weight[idx[i]];
    for (let k = 0; k < features; k++) {
      const f = list[k];
      const s = 2 * (offsets[f] + bins[r + f]);
      hist[s] += g;
      hist[s + 1] += h;
    }
  }
}

/** parent -= child over the layout's slots: the parent's histogram becomes its other child's. */
export function subtractHistogram(parent: Float64Array, child: Float64Array, layout: HistogramLayout): void {
  const { features, bins, offsets } = layout;
  for (let k = 0; k < features.length; k++) {
    for (let i = 2 * offsets[features[k]], end = 2 * (offsets[features[k]] + bins[features[k]]); i < end; i++) parent[i] -= child[i];
  }
}

/** Sum of the weights of a histogram's rows (their count when every weight is 1): feature 0's bins hold every row once. */
export function histogramCount(hist: Float64Array, layout: HistogramLayout): number {
  let count = 0;
  for (let b = 0, s = layout.offsets[0]; b < layout.bins[0]; b++) count += hist[2 * (s + b) + 1];
  return count;
}

/** Sum of the residuals of a histogram's rows: feature 0's bins hold every row once. */
export function histogramTotal(hist: Float64Array, layout: HistogramLayout): number {
  let total = 0;
  for (let b = 0, s = layout.offsets[0]; b < layout.bins[0]; b++) total += hist[2 * (s + b)];
  return total;
}
