/**
 * Histogram-based gradient-boosted regression trees (L2 loss), written out over typed arrays: the
 * kind of global model pooled over many series that won the M5 accuracy track (LightGBM there).
 *
 * - Features are binned once into at most 255 quantile bins (`binFeatures`); a split is "bin <= b"
 *   on the training rows and "value <= edge[b]" on new rows, the same test.
 * - Trees grow leaf-wise (best gain first) up to `maxLeaves` leaves and `maxDepth` levels, with at
 *   least `minLeaf` rows per leaf; a leaf's value is the shrunk, L2-regularised mean residual
 *   `learningRate · Σr / (n + lambda)`. Histograms of the larger child are the parent's minus the
 *   smaller child's.
 * - Each tree sees a row sample (`subsample`, seeded), the prediction starts at the mean target.
 *
 * Source: Friedman (2001) "Greedy function approximation: a gradient boosting machine"; Ke et al.
 * (2017) "LightGBM" (histograms, leaf-wise growth, histogram subtraction).
 *
 * Rows are row-major: feature f of row r is `x[r * p + f]`. Values must be finite.
 */
import { mulberry32 } from './random.js';

/** Training settings. */
export interface GbdtOptions {
  /** Number of trees. */
  trees: number;
  /** Shrinkage of each tree's leaf values. */
  learningRate: number;
  /** Largest number of leaves per tree. */
  maxLeaves: number;
  /** Largest depth (root = 0). */
  maxDepth: number;
  /** Fewest training rows in a leaf. */
  minLeaf: number;
  /** L2 penalty on leaf values (adds to each leaf's row count). */
  lambda: number;
  /** Share of rows each tree is fitted on (1: all). */
  subsample: number;
  /** Seed of the row sampler. */
  seed: number;
  /** Most bins per feature (<= 255). */
  maxBins: number;
}

export const GBDT_DEFAULTS: GbdtOptions = { trees: 200, learningRate: 0.05, maxLeaves: 31, maxDepth: 8, minLeaf: 100, lambda: 1, subsample: 0.5, seed: 1, maxBins: 255 };

/** Features binned for training: bin of feature f of row r at `bins[r * p + f]`. */
export interface BinnedFeatures {
  n: number;
  p: number;
  bins: Uint8Array;
  /** Per feature, the upper edge of each bin but the last (bin k holds edges[k-1] < x <= edges[k]). */
  edges: Float64Array[];
}

/** One tree as parallel arrays; node 0 is the root, a leaf has feature -1. */
export interface Tree {
  feature: Int32Array;
  bin: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/** A fitted model. */
export interface GbdtModel {
  p: number;
  base: number;
  trees: Tree[];
  edges: Float64Array[];
  /** Mean squared error on all training rows after each tree (index 0: the base alone). */
  trainLoss: Float64Array;
}

/** Bin edges of one feature: midpoints between distinct values, or between quantiles when there are more than maxBins of them. */
export function binEdges(column: Float64Array, maxBins: number): Float64Array {
  if (!(maxBins >= 2 && maxBins <= 255)) throw new Error(`binEdges needs 2 <= maxBins <= 255, got ${maxBins}`);
  const sorted = Float64Array.from(column).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (!Number.isFinite(sorted[i])) throw new Error(`binEdges: feature value ${sorted[i]} is not finite`);
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  }
  const edges: number[] = [];
  if (distinct.length <= maxBins) {
    for (let k = 0; k + 1 < distinct.length; k++) edges.push((distinct[k] + distinct[k + 1]) / 2);
    return Float64Array.from(edges);
  }
  // quantile cut points; a cut falling on a value already cut is skipped (heavy ties)
  const n = sorted.length;
  for (let k = 1; k < maxBins; k++) {
    const i = Math.min(n - 2, Math.floor((k * n) / maxBins) - 1);
    const e = (sorted[i] + sorted[i + 1]) / 2;
    if (sorted[i] !== sorted[i + 1] && (edges.length === 0 || e > edges[edges.length - 1])) edges.push(e);
  }
  return Float64Array.from(edges);
}

/** Bin of value x: the number of edges below x (binary search). */
export function binOf(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bin a row-major feature matrix; edges come from at most `sampleRows` rows spread evenly.
 * @throws when x's length is not n · p or a value is not finite.
 */
export function binFeatures(x: Float64Array, n: number, p: number, maxBins = 255, sampleRows = 200_000): BinnedFeatures {
  if (x.length !== n * p) throw new Error(`binFeatures: x has ${x.length} values, expected n * p = ${n * p}`);
  const step = Math.max(1, Math.floor(n / sampleRows));
  const m = Math.ceil(n / step);
  const edges: Float64Array[] = [];
  const col = new Float64Array(m);
  for (let f = 0; f < p; f++) {
    for (let i = 0; i < m; i++) col[i] = x[i * step * p + f];
    edges.push(binEdges(col, maxBins));
  }
  const bins = new Uint8Array(n * p);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < p; f++) {
      const v = x[r * p + f];
      if (!Number.isFinite(v)) throw new Error(`binFeatures: feature ${f} of row ${r} is ${v}, not finite`);
      bins[r * p + f] = binOf(edges[f], v);
    }
  }
  return { n, p, bins, edges };
}

/** Per-node gradient histograms: residual sum and row count per feature and bin (256 slots each). */
const SLOTS = 256;

/** Fill `sum`/`count` with the histogram of rows idx[from, to). */
function buildHistogram(data: BinnedFeatures, residual: Float64Array, idx: Int32Array, from: number, to: number, sum: Float64Array, count: Float64Array): void {
  sum.fill(0);
  count.fill(0);
  const { p, bins } = data;
  for (let i = from; i < to; i++) {
    const r = idx[i];
    const g = residual[r];
    const base = r * p;
    for (let f = 0; f < p; f++) {
      const slot = f * SLOTS + bins[base + f];
      sum[slot] += g;
      count[slot] += 1;
    }
  }
}

/** A leaf of the tree being grown, with its rows idx[from, to), histogram and best split. */
interface OpenLeaf {
  node: number;
  depth: number;
  from: number;
  to: number;
  sum: Float64Array;
  count: Float64Array;
  total: number;
  gain: number;
  feature: number;
  bin: number;
}

/** Best split of a leaf over every feature and bin; gain 0 and feature -1 when none is allowed. */
function bestSplit(leaf: OpenLeaf, p: number, o: GbdtOptions): void {
  const n = leaf.to - leaf.from;
  const parent = (leaf.total * leaf.total) / (n + o.lambda);
  leaf.gain = 0;
  leaf.feature = -1;
  leaf.bin = -1;
  if (n < 2 * o.minLeaf || leaf.depth >= o.maxDepth) return;
  for (let f = 0; f < p; f++) {
    let sl = 0;
    let nl = 0;
    for (let b = 0; b < SLOTS - 1; b++) {
      const c = leaf.count[f * SLOTS + b];
      if (c === 0) continue;
      sl += leaf.sum[f * SLOTS + b];
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

/** Growing tree: node arrays with room for 2 · maxLeaves nodes. */
function emptyTree(maxLeaves: number): Tree & { size: number } {
  const m = 2 * maxLeaves;
  return { feature: new Int32Array(m).fill(-1), bin: new Int32Array(m), threshold: new Float64Array(m), left: new Int32Array(m), right: new Int32Array(m), value: new Float64Array(m), size: 1 };
}

/** Partition idx[from, to) so rows with bin <= b of feature f come first; returns the split point. */
function partition(data: BinnedFeatures, idx: Int32Array, from: number, to: number, f: number, b: number): number {
  let i = from;
  let j = to - 1;
  const { p, bins } = data;
  while (i <= j) {
    if (bins[idx[i] * p + f] <= b) i++;
    else {
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      j--;
    }
  }
  return i;
}

/** Make an open leaf over idx[from, to) with the given histogram, and find its best split. */
function openLeaf(node: number, depth: number, from: number, to: number, sum: Float64Array, count: Float64Array, p: number, o: GbdtOptions): OpenLeaf {
  let total = 0;
  for (let b = 0; b < SLOTS; b++) total += sum[b]; // feature 0's bins hold every row once
  const leaf: OpenLeaf = { node, depth, from, to, sum, count, total, gain: 0, feature: -1, bin: -1 };
  bestSplit(leaf, p, o);
  return leaf;
}

/** Split an open leaf into two children (histogram of the smaller one built, the other by subtraction). */
function splitLeaf(leaf: OpenLeaf, tree: Tree & { size: number }, data: BinnedFeatures, residual: Float64Array, idx: Int32Array, edges: Float64Array[], o: GbdtOptions): [OpenLeaf, OpenLeaf] {
  const mid = partition(data, idx, leaf.from, leaf.to, leaf.feature, leaf.bin);
  const l = tree.size++;
  const r = tree.size++;
  const k = leaf.node;
  tree.feature[k] = leaf.feature;
  tree.bin[k] = leaf.bin;
  tree.threshold[k] = edges[leaf.feature][leaf.bin];
  tree.left[k] = l;
  tree.right[k] = r;
  const leftSmaller = mid - leaf.from <= leaf.to - mid;
  const smallSum = new Float64Array(data.p * SLOTS);
  const smallCount = new Float64Array(data.p * SLOTS);
  if (leftSmaller) buildHistogram(data, residual, idx, leaf.from, mid, smallSum, smallCount);
  else buildHistogram(data, residual, idx, mid, leaf.to, smallSum, smallCount);
  // the parent's histogram becomes the larger child's
  for (let i = 0; i < smallSum.length; i++) {
    leaf.sum[i] -= smallSum[i];
    leaf.count[i] -= smallCount[i];
  }
  const [ls, lc, rs, rc] = leftSmaller ? [smallSum, smallCount, leaf.sum, leaf.count] : [leaf.sum, leaf.count, smallSum, smallCount];
  const d = leaf.depth + 1;
  return [openLeaf(l, d, leaf.from, mid, ls, lc, data.p, o), openLeaf(r, d, mid, leaf.to, rs, rc, data.p, o)];
}

/** Grow one tree on the rows idx[0, m) by best gain first; leaf values set from the residuals. */
function growTree(data: BinnedFeatures, residual: Float64Array, idx: Int32Array, m: number, edges: Float64Array[], o: GbdtOptions): Tree {
  const tree = emptyTree(o.maxLeaves);
  const sum = new Float64Array(data.p * SLOTS);
  const count = new Float64Array(data.p * SLOTS);
  buildHistogram(data, residual, idx, 0, m, sum, count);
  const open: OpenLeaf[] = [openLeaf(0, 0, 0, m, sum, count, data.p, o)];
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
    for (const child of splitLeaf(leaf, tree, data, residual, idx, edges, o)) open.push(child);
  }
  for (const leaf of [...open, ...done]) tree.value[leaf.node] = (o.learningRate * leaf.total) / (leaf.to - leaf.from + o.lambda);
  const size = tree.size;
  return { feature: tree.feature.slice(0, size), bin: tree.bin.slice(0, size), threshold: tree.threshold.slice(0, size), left: tree.left.slice(0, size), right: tree.right.slice(0, size), value: tree.value.slice(0, size) };
}

/** Leaf value of a binned row. */
function treeValueBinned(t: Tree, bins: Uint8Array, base: number): number {
  let k = 0;
  while (t.feature[k] >= 0) k = bins[base + t.feature[k]] <= t.bin[k] ? t.left[k] : t.right[k];
  return t.value[k];
}

/** Leaf value of a raw row. */
function treeValue(t: Tree, x: Float64Array, base: number): number {
  let k = 0;
  while (t.feature[k] >= 0) k = x[base + t.feature[k]] <= t.threshold[k] ? t.left[k] : t.right[k];
  return t.value[k];
}

/** Rows of this tree's sample into idx; returns how many. */
function sampleRows(idx: Int32Array, n: number, share: number, next: () => number): number {
  let m = 0;
  for (let r = 0; r < n; r++) if (share >= 1 || next() < share) idx[m++] = r;
  return m;
}

/** Check the settings. */
function checkOptions(o: GbdtOptions): void {
  if (!(Number.isInteger(o.trees) && o.trees >= 0)) throw new Error(`fitGbdt needs trees >= 0, got ${o.trees}`);
  if (!(o.learningRate > 0 && o.learningRate <= 1)) throw new Error(`fitGbdt needs 0 < learningRate <= 1, got ${o.learningRate}`);
  if (!(Number.isInteger(o.maxLeaves) && o.maxLeaves >= 2)) throw new Error(`fitGbdt needs maxLeaves >= 2, got ${o.maxLeaves}`);
  if (!(o.minLeaf >= 1 && o.lambda >= 0 && o.maxDepth >= 1)) throw new Error(`fitGbdt needs minLeaf >= 1, lambda >= 0, maxDepth >= 1, got ${o.minLeaf}, ${o.lambda}, ${o.maxDepth}`);
  if (!(o.subsample > 0 && o.subsample <= 1)) throw new Error(`fitGbdt needs 0 < subsample <= 1, got ${o.subsample}`);
}

/**
 * Fit L2 gradient boosting on binned features and targets y (length n).
 * @throws on bad settings or when y's length differs from the rows'.
 */
export function fitGbdt(data: BinnedFeatures, y: Float64Array, options: Partial<GbdtOptions> = {}): GbdtModel {
  const o = { ...GBDT_DEFAULTS, ...options };
  checkOptions(o);
  const { n, p, bins } = data;
  if (y.length !== n || n === 0) throw new Error(`fitGbdt: y has ${y.length} values for ${n} rows`);
  let base = 0;
  for (let r = 0; r < n; r++) base += y[r];
  base /= n;
  const pred = new Float64Array(n).fill(base);
  const residual = new Float64Array(n);
  const idx = new Int32Array(n);
  const next = mulberry32(o.seed);
  const trees: Tree[] = [];
  const trainLoss = new Float64Array(o.trees + 1);
  trainLoss[0] = squaredError(y, pred, residual);
  for (let t = 0; t < o.trees; t++) {
    const m = sampleRows(idx, n, o.subsample, next);
    const tree = growTree(data, residual, idx, m, data.edges, o);
    trees.push(tree);
    for (let r = 0; r < n; r++) pred[r] += treeValueBinned(tree, bins, r * p);
    trainLoss[t + 1] = squaredError(y, pred, residual);
  }
  return { p, base, trees, edges: data.edges, trainLoss };
}

/** Mean squared error; writes the residuals y - pred. */
function squaredError(y: Float64Array, pred: Float64Array, residual: Float64Array): number {
  let s = 0;
  for (let r = 0; r < y.length; r++) {
    const e = y[r] - pred[r];
    residual[r] = e;
    s += e * e;
  }
  return s / y.length;
}

/** Predictions for n raw rows (row-major, model.p features each). */
export function predictGbdt(model: GbdtModel, x: Float64Array, n: number): Float64Array {
  if (x.length !== n * model.p) throw new Error(`predictGbdt: x has ${x.length} values, expected n * p = ${n * model.p}`);
  const out = new Float64Array(n).fill(model.base);
  for (const t of model.trees) for (let r = 0; r < n; r++) out[r] += treeValue(t, x, r * model.p);
  return out;
}
