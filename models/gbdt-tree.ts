/**
 * One regression tree of models/gbdt.ts grown leaf-wise on binned rows: the open leaf of best gain
 * is split first, until `maxLeaves` leaves; a split's smaller child gets its histogram built, the
 * larger one the parent's minus it (Ke et al. 2017, LightGBM). A child that will never be searched
 * for a split (too few rows or too deep, or the tree is full) only needs its residual total:
 * its histogram is built for feature 0 alone, which gives the same total.
 */
import { buildHistogram, histogramCount, histogramTotal, subtractHistogram, type HistogramLayout, type HistogramPool } from './gbdt-histogram.js';
import type { BinnedFeatures, GbdtOptions, Tree } from './gbdt.js';
import { buildCodeHistogram, codeTotal, countOf, subtractCodeHistogram, sumOf, type Quantized } from './gbdt-quantized.js';

/** A leaf of the tree being grown, with its rows idx[from, to), histogram and best split. */
interface OpenLeaf {
  node: number;
  depth: number;
  from: number;
  to: number;
  /** null once no split will be searched (given back to the pool). */
  hist: Float64Array | null;
  total: number;
  /** Its rows' weight (their count but under GOSS). */
  count: number;
  gain: number;
  feature: number;
  bin: number;
}

/** What growing a tree reads: the rows, their residuals, the row order, settings and histograms. */
export interface GrowContext {
  /** The bins feature-major: feature f of row r at columns[f * n + r] (the partition reads one feature of scattered rows). */
  columns: Uint8Array;
  data: BinnedFeatures;
  residual: Float64Array;
  /** What the histograms sum: the residuals, or under GOSS (gbdt-goss.ts) the residuals times the weights. */
  gradient: Float64Array;
  /** Each row's weight in the histograms' counts (1 but under GOSS). */
  weight: Float64Array;
  idx: Int32Array;
  o: GbdtOptions;
  pool: HistogramPool;
  /** The histograms' features: `search` for a leaf that may be split, `total` for one that will not (gbdt-histogram.ts `histogramLayouts`). */
  layouts: { search: HistogramLayout; total: HistogramLayout };
  /** Quantized gradients (`gradientBits`, gbdt-quantized.ts): the histograms sum this tree's codes; null: the residuals. */
  quant: Quantized | null;
}

/** The histogram of rows idx[from, to) over the layout's features: of the residuals, or of the quantized codes. */
function histogramOf(c: GrowContext, from: number, to: number, hist: Float64Array, layout: HistogramLayout): void {
  if (c.quant) buildCodeHistogram(c.data, c.quant, c.idx, from, to, hist, layout);
  else buildHistogram(c.data, c.gradient, c.weight, c.idx, from, to, hist, layout);
}

/** Whether a leaf of n rows at this depth may be split at all. */
function splittable(n: number, depth: number, o: GbdtOptions): boolean {
  return n >= 2 * o.minLeaf && depth < o.maxDepth;
}

/** Best split of a leaf over the layout's features and their bins; gain 0 and feature -1 when none is allowed. */
function bestSplit(leaf: OpenLeaf, hist: Float64Array, layout: HistogramLayout, o: GbdtOptions, q: Quantized | null): void {
  const n = leaf.count;
  const parent = (leaf.total * leaf.total) / (n + o.lambda);
  for (let k = 0; k < layout.features.length; k++) {
    const f = layout.features[k];
    let sl = 0;
    let nl = 0;
    for (let b = 0, last = layout.bins[f] - 1; b < last; b++) {
      // a slot's sum and count: interleaved, or one quantized code sum (gbdt-quantized.ts)
      const s = q ? layout.offsets[f] + b : 2 * (layout.offsets[f] + b);
      const c = q ? countOf(hist[s], q) : hist[s + 1];
      if (c === 0) continue;
      sl += q ? sumOf(hist[s], c, q) : hist[s];
      nl += c;
      const nr = n - nl;
      if (nr < o.minLeaf) break;
      if (nl < o.minLeaf) continue;
      const sr = leaf.total - sl;
      const gain = (sl * sl) / (nl + o.lambda) + (sr * sr) / (nr + o.lambda) - parent;
      if (gain > leaf.gain + 1e-12) {
        leaf.gain = gain;
        leaf.feature = f;
        leaf.bin = b;
      }
    }
  }
}

/** Make an open leaf over idx[from, to) with its histogram; when `search`, find its best split, else (or when none) give the histogram back. */
function openLeaf(node: number, depth: number, from: number, to: number, hist: Float64Array, search: boolean, c: GrowContext): OpenLeaf {
  const total = c.quant ? codeTotal(hist, c.layouts.total, c.quant) : histogramTotal(hist, c.layouts.total);
  const count = c.quant ? to - from : histogramCount(hist, c.layouts.total);
  const leaf: OpenLeaf = { node, depth, from, to, hist, total, count, gain: 0, feature: -1, bin: -1 };
  if (search && splittable(to - from, depth, c.o)) bestSplit(leaf, hist, c.layouts.search, c.o, c.quant);
  if (leaf.feature < 0) {
    c.pool.give(hist);
    leaf.hist = null;
  }
  return leaf;
}

/** Growing tree: node arrays with room for 2 · maxLeaves nodes. */
function emptyTree(maxLeaves: number): Tree & { size: number } {
  const m = 2 * maxLeaves;
  return { feature: new Int32Array(m).fill(-1), bin: new Int32Array(m), threshold: new Float64Array(m), left: new Int32Array(m), right: new Int32Array(m), value: new Float64Array(m), size: 1 };
}

/**
 * Partition idx[from, to) so rows with bin <= b of feature f come first; returns the split point.
 * Hoare's swaps: the order they leave is the order the children's histograms sum in. Reads the
 * feature's column (n bytes, stays in cache) rather than a byte of each scattered row-major row:
 * about a fifth less partition time on the slice (profiles of the fit; a branch-free version of
 * the same swaps was slower).
 */
function partition(columns: Uint8Array, n: number, idx: Int32Array, from: number, to: number, f: number, b: number): number {
  let i = from;
  let j = to - 1;
  const base = f * n;
  while (i <= j) {
    if (columns[base + idx[i]] <= b) i++;
    else {
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      j--;
    }
  }
  return i;
}

/** Split an open leaf into two children; `last` when the tree is full after it (the children are not searched). */
function splitLeaf(leaf: OpenLeaf, tree: Tree & { size: number }, last: boolean, c: GrowContext): [OpenLeaf, OpenLeaf] {
  const { data, idx, o } = c;
  const mid = partition(c.columns, data.n, idx, leaf.from, leaf.to, leaf.feature, leaf.bin);
  // the right child is the left one + 1 (gbdt.ts walkCodes relies on it)
  const l = tree.size++;
  const r = tree.size++;
  const k = leaf.node;
  tree.feature[k] = leaf.feature;
  tree.bin[k] = leaf.bin;
  tree.threshold[k] = data.edges[leaf.feature][leaf.bin];
  tree.left[k] = l;
  tree.right[k] = r;
  const leftSmaller = mid - leaf.from <= leaf.to - mid;
  const d = leaf.depth + 1;
  // the larger child decides: if it will not be searched, neither will the smaller one
  const search = !last && splittable(Math.max(mid - leaf.from, leaf.to - mid), d, o);
  const features = search ? c.layouts.search : c.layouts.total;
  const small = c.pool.take();
  if (leftSmaller) histogramOf(c, leaf.from, mid, small, features);
  else histogramOf(c, mid, leaf.to, small, features);
  // the parent's histogram becomes the larger child's
  const large = leaf.hist!;
  if (c.quant) subtractCodeHistogram(large, small, features);
  else subtractHistogram(large, small, features);
  const [lh, rh] = leftSmaller ? [small, large] : [large, small];
  return [openLeaf(l, d, leaf.from, mid, lh, search, c), openLeaf(r, d, mid, leaf.to, rh, search, c)];
}

/** Sum of the residuals of rows idx[from, to). */
function residualSum(c: GrowContext, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += c.residual[c.idx[i]];
  return s;
}

/**
 * Grow one tree on the rows idx[0, m) by best gain first (idx[0, m) is reordered, leaf by leaf);
 * leaf values `learningRate · Σr / (n + lambda)`, added to `pred` of the rows in each leaf.
 */
export function growTree(c: GrowContext, m: number, pred: Float64Array): Tree {
  const { data, o } = c;
  const tree = emptyTree(o.maxLeaves);
  const search = splittable(m, 0, o);
  const root = c.pool.take();
  histogramOf(c, 0, m, root, search ? c.layouts.search : c.layouts.total);
  const open: OpenLeaf[] = [openLeaf(0, 0, 0, m, root, search, c)];
  const done: OpenLeaf[] = [];
  while (open.length > 0 && open.length + done.length < o.maxLeaves) {
    let best = 0;
    for (let i = 1; i < open.length; i++) if (open[i].gain > open[best].gain) best = i;
    const leaf = open[best];
    open.splice(best, 1);
    if (leaf.feature < 0) {
      done.push(leaf);
      continue;
    }
    const last = open.length + done.length + 2 >= o.maxLeaves;
    for (const child of splitLeaf(leaf, tree, last, c)) open.push(child);
  }
  for (const leaf of open) if (leaf.hist) c.pool.give(leaf.hist);
  for (const leaf of [...open, ...done]) {
    // quantized: the leaf's value from its rows' true residuals, not the codes
    const v = (o.learningRate * (c.quant ? residualSum(c, leaf.from, leaf.to) : leaf.total)) / (leaf.count + o.lambda);
    tree.value[leaf.node] = v;
    for (let i = leaf.from; i < leaf.to; i++) pred[c.idx[i]] += v;
  }
  const size = tree.size;
  return { feature: tree.feature.slice(0, size), bin: tree.bin.slice(0, size), threshold: tree.threshold.slice(0, size), left: tree.left.slice(0, size), right: tree.right.slice(0, size), value: tree.value.slice(0, size) };
}
