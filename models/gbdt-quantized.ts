/**
 * Quantized gradients for the tree learner (models/gbdt-tree.ts; Shi et al. 2022, "Quantized
 * Training of Gradient Boosting Decision Trees", LightGBM >= 4): each tree's sampled residuals are
 * rounded stochastically to integers in [-B, B] (B = 2^(bits-1) - 1, unbiased: E[q] = r / scale),
 * and a row adds one number to a histogram slot, its code `unit + B + q`: a slot of c rows holds
 * c · unit + Σ(B + q), exact in a float64 (every value an integer below 2^53) and decoded into
 * the count (floor(slot / unit), as Σ(B + q) <= 2B · c < unit) and the quantized sum. One add a
 * row and feature instead of two, histograms half the size; sums exact, so in any order. Splits
 * are chosen on the quantized sums; leaf values come from the true residuals (gbdt-tree.ts).
 */
import type { HistogramLayout, PackedRows } from './gbdt-histogram.js';
import type { BinnedFeatures } from './gbdt.js';
import { mulberry32Step } from './random.js';

/** The codes of this tree's rows (`codes[r]`), the unit (a power of two above 2B · n) and B. */
export interface Quantized {
  codes: Float64Array;
  unit: number;
  bias: number;
}

/**
 * Codes for n rows with `bits`-bit gradients.
 * @throws when bits is outside 2..16 or n rows could overflow 2^53.
 */
export function quantizedFor(n: number, bits: number): Quantized {
  if (!(Number.isInteger(bits) && bits >= 2 && bits <= 16)) throw new Error(`gradientBits must be 0 or 2..16, got ${bits}`);
  const bias = 2 ** (bits - 1) - 1;
  const unit = 2 ** Math.ceil(Math.log2(2 * bias * n + 1));
  if (n * unit + 2 * bias * n > 2 ** 53) throw new Error(`gradientBits ${bits}: ${n} rows would overflow a float64's integers`);
  return { codes: new Float64Array(n), unit, bias };
}

/** Codes of the rows idx[from, to): residual / scale rounded down or up at random (up with probability its fraction), scale = max |residual| / B. */
export function quantize(q: Quantized, residual: Float64Array, idx: Int32Array, from: number, to: number, random: Uint32Array): void {
  let most = 0;
  for (let i = from; i < to; i++) most = Math.max(most, Math.abs(residual[idx[i]]));
  const inv = most > 0 ? q.bias / most : 0;
  const { codes, unit, bias } = q;
  for (let i = from; i < to; i++) {
    const r = idx[i];
    // floor(x + u) with u uniform in [0, 1): up with probability frac(x); clamped against rounding at ±B
    const k = Math.min(bias, Math.max(-bias, Math.floor(residual[r] * inv + mulberry32Step(random))));
    codes[r] = unit + bias + k;
  }
}

/** A slot's row count. */
export function countOf(v: number, q: Quantized): number {
  return Math.floor(v / q.unit);
}

/** A slot's sum of quantized gradients, given its count. */
export function sumOf(v: number, count: number, q: Quantized): number {
  return v - count * q.unit - count * q.bias;
}

/** Fill the layout's features of `hist` (one slot a bin: slot s at hist[s]) with the codes' sums over rows idx[from, to). */
export function buildCodeHistogram(data: BinnedFeatures, q: Quantized, idx: Int32Array, from: number, to: number, hist: Float64Array, layout: HistogramLayout): void {
  const { features, bins, offsets } = layout;
  for (let k = 0; k < features.length; k++) hist.fill(0, offsets[features[k]], offsets[features[k]] + bins[features[k]]);
  if (layout.packed) addPackedCodes(layout.packed, q.codes, idx, from, to, hist);
  else addRowCodes(data, q.codes, idx, from, to, hist, layout);
}

/** buildCodeHistogram from packed rows: two rows at a time, word by word. */
function addPackedCodes(packed: PackedRows, codes: Float64Array, idx: Int32Array, from: number, to: number, hist: Float64Array): void {
  const { words, width, at } = packed;
  let i = from;
  for (; i + 1 < to; i += 2) {
    const r0 = idx[i], r1 = idx[i + 1];
    const a0 = r0 * width, a1 = r1 * width;
    const g0 = codes[r0], g1 = codes[r1];
    for (let w = 0; w < width; w++) {
      const w0 = words[a0 + w], w1 = words[a1 + w];
      const o0 = at[4 * w] >> 1, o1 = at[4 * w + 1] >> 1, o2 = at[4 * w + 2] >> 1, o3 = at[4 * w + 3] >> 1;
      hist[o0 + (w0 & 255)] += g0;
      hist[o0 + (w1 & 255)] += g1;
      hist[o1 + ((w0 >>> 8) & 255)] += g0;
      hist[o1 + ((w1 >>> 8) & 255)] += g1;
      hist[o2 + ((w0 >>> 16) & 255)] += g0;
      hist[o2 + ((w1 >>> 16) & 255)] += g1;
      hist[o3 + (w0 >>> 24)] += g0;
      hist[o3 + (w1 >>> 24)] += g1;
    }
  }
  for (; i < to; i++) {
    const a = idx[i] * width;
    const g = codes[idx[i]];
    for (let w = 0; w < width; w++) for (let j = 0; j < 4; j++) hist[(at[4 * w + j] >> 1) + ((words[a + w] >>> (8 * j)) & 255)] += g;
  }
}

/** buildCodeHistogram from the row-major bins. */
function addRowCodes(data: BinnedFeatures, codes: Float64Array, idx: Int32Array, from: number, to: number, hist: Float64Array, layout: HistogramLayout): void {
  const { p, bins } = data;
  const { features, offsets } = layout;
  for (let i = from; i < to; i++) {
    const a = idx[i] * p;
    const g = codes[idx[i]];
    for (let k = 0; k < features.length; k++) hist[offsets[features[k]] + bins[a + features[k]]] += g;
  }
}

/** parent -= child over the layout's slots (exact: integers). */
export function subtractCodeHistogram(parent: Float64Array, child: Float64Array, layout: HistogramLayout): void {
  const { features, bins, offsets } = layout;
  for (let k = 0; k < features.length; k++) for (let s = offsets[features[k]], end = s + bins[features[k]]; s < end; s++) parent[s] -= child[s];
}

/** The quantized sum of a histogram's rows (feature 0's bins hold every row once). */
export function codeTotal(hist: Float64Array, layout: HistogramLayout, q: Quantized): number {
  let v = 0;
  for (let b = 0, s = layout.offsets[0]; b < layout.bins[0]; b++) v += hist[s + b];
  return sumOf(v, countOf(v, q), q);
}
