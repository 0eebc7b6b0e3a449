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
 *   A training row's prediction gets each tree's leaf value added in tree order, as predictGbdt's
 *   does on the raw row: `trainLoss` is the loss of predictGbdt on the training rows, bit for bit.
 *
 * - Research options, off by default (README, *Beyond budget cuts*): early stopping on the
 *   out-of-bag gain (`earlyStop`), GOSS row samples (`gossTop`, models/gbdt-goss.ts), quantized
 *   gradients (`gradientBits`, models/gbdt-quantized.ts).
 *
 * Growing a tree: models/gbdt-tree.ts; its histograms: models/gbdt-histogram.ts.
 *
 * Source: Friedman (2001) "Greedy function approximation: a gradient boosting machine"; Ke et al.
 * (2017) "LightGBM" (histograms, leaf-wise growth, histogram subtraction).
 *
 * Rows are row-major: feature f of row r is `x[r * p + f]`. Values must be finite.
 */
import { histogramLayouts, HistogramPool } from './gbdt-histogram.js';
import { growTree, type GrowContext } from './gbdt-tree.js';
import { quantize, quantizedFor } from './gbdt-quantized.js';
import { gossRows } from './gbdt-goss.js';
import { mulberry32Step } from './random.js';

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
  /** How cuts are placed when a feature has more distinct values than maxBins (`binEdges`). */
  binning: Binning;
  /**
   * Early stopping (0: off): stop once the out-of-bag gain (`GbdtModel.oobGain`) has not risen for
   * this many trees, and keep the trees up to its highest point (all `trees` when it never stops).
   * Needs a row sample (subsample < 1 or GOSS).
   */
  earlyStop: number;
  /** GOSS (0: off, models/gbdt-goss.ts): share of all rows of the largest |residual| each tree takes (instead of `subsample`). */
  gossTop: number;
  /** GOSS: share of all rows each tree takes at random among the others, weighted up. */
  gossOther: number;
  /** Quantized gradients (0: off): each tree's histograms of its residuals rounded stochastically to this many bits (2 to 16; models/gbdt-quantized.ts). */
  gradientBits: number;
}

/**
 * `quantile`: cuts at the sorted rows' quantiles, skipped where one falls inside a run of equal
 * values (a feature repeated over rows, such as a series' origin statistics on its 28 rows a
 * group, keeps a handful of bins). `equalCount`: bins of about equal counts filled value by value,
 * every cut between two values (research option, bench/pooled-settings.ts).
 */
export type Binning = 'quantile' | 'equalCount';

export const GBDT_DEFAULTS: GbdtOptions = { trees: 200, learningRate: 0.05, maxLeaves: 31, maxDepth: 8, minLeaf: 100, lambda: 1, subsample: 0.5, seed: 1, maxBins: 255, binning: 'quantile', earlyStop: 0, gossTop: 0, gossOther: 0.1, gradientBits: 0 };

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
  /**
   * Out-of-bag gain after each tree (index 0: 0): the running sum, tree by tree, of the fall in
   * mean squared error the tree gave the rows outside its sample (Friedman's OOB improvement, as
   * scikit-learn's `oob_improvement_`); all zeros without subsampling or without `earlyStop`. Its
   * highest point estimates the number of trees that generalises best.
   */
  oobGain: Float64Array;
}

/** Bin edges of one feature: midpoints between distinct values, or, when there are more than maxBins of them, cuts placed by `binning`. */
export function binEdges(column: Float64Array, maxBins: number, binning: Binning = 'quantile'): Float64Array {
  if (!(maxBins >= 2 && maxBins <= 255)) throw new Error(`binEdges needs 2 <= maxBins <= 255, got ${maxBins}`);
  const n = column.length;
  const { values, counts } = fewDistinct(column, 1024) ?? sortedDistinct(column);
  const d = values.length;
  if (d <= maxBins) {
    const edges = new Float64Array(Math.max(0, d - 1));
    for (let k = 0; k + 1 < d; k++) edges[k] = (values[k] + values[k + 1]) / 2;
    return edges;
  }
  return binning === 'equalCount' ? equalCountCuts(values, counts, n, maxBins) : quantileCuts(values, counts, n, maxBins);
}

/**
 * Distinct values of a column, ascending, and how many rows hold each, by sorting. A column of
 * long runs of equal neighbours (a series' origin statistics repeat on its group's rows) sorts
 * its runs' values only, each run's length added to its value's count (`runDistinct`); else every
 * row is sorted. The same values and counts either way. -0 counts as 0.
 * @throws on a value not finite.
 */
function sortedDistinct(column: Float64Array): { values: Float64Array; counts: Int32Array } {
  const n = column.length;
  const runs = new Float64Array(n);
  const lengths = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = column[i] + 0; // -0 + 0 is 0
    if (!Number.isFinite(v)) throw new Error(`binEdges: feature value ${v} is not finite`);
    if (m === 0 || v !== runs[m - 1]) runs[m++] = v;
    lengths[m - 1]++;
  }
  // a binary search a run costs more than sorting the rows when runs are short
  if (4 * m <= n) return runDistinct(runs.subarray(0, m), lengths, runs.slice(0, m).sort());
  const sorted = runs.subarray(0, n);
  for (let i = 0; i < n; i++) sorted[i] = column[i] + 0;
  sorted.sort();
  return runDistinct(sorted, lengths.fill(1), sorted);
}

/** Distinct values (ascending) of runs of values (`lengths` rows each; `sorted` the runs' values sorted) and the rows of each: each run counted at its value (binOf: the index of the value). */
function runDistinct(runs: Float64Array, lengths: Int32Array, sorted: Float64Array): { values: Float64Array; counts: Int32Array } {
  const m = runs.length;
  let d = 0;
  for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) d++;
  const values = new Float64Array(d);
  for (let i = 0, k = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) values[k++] = sorted[i];
  const counts = new Int32Array(d);
  for (let i = 0, k = 0; i < m; i++) {
    if (i === 0 || runs[i] !== runs[i - 1]) k = binOf(values, runs[i]);
    counts[k] += lengths[i];
  }
  return { values, counts };
}

/**
 * As sortedDistinct, by counting in a hash table instead of sorting the column (most features,
 * such as calendar fields or codes, have few values): null when there are more than `limit`
 * distinct values or one is not finite (sortedDistinct then does it, or throws). -0 counts as 0,
 * as in sorting, where they are equal; the edges come out the same (a midpoint with 0 or -0).
 */
function fewDistinct(column: Float64Array, limit: number): { values: Float64Array; counts: Int32Array } | null {
  const bitsOf = 31 - Math.clz32(4 * limit);
  const size = 1 << bitsOf;
  const keys = new Float64Array(size);
  const used = new Uint8Array(size);
  const tally = new Int32Array(size);
  const word = new Float64Array(1);
  const halves = new Int32Array(word.buffer);
  let d = 0;
  for (let i = 0; i < column.length; i++) {
    const v = column[i] + 0; // -0 + 0 is 0
    if (!Number.isFinite(v)) return null;
    word[0] = v;
    let h = Math.imul(halves[0] ^ Math.imul(halves[1], 0x9e3779b1), 0x85ebca6b) >>> (32 - bitsOf);
    while (used[h] && keys[h] !== v) h = (h + 1) & (size - 1);
    if (!used[h]) {
      if (++d > limit) return null;
      used[h] = 1;
      keys[h] = v;
    }
    tally[h]++;
  }
  const values = new Float64Array(d);
  for (let h = 0, k = 0; h < size; h++) if (used[h]) values[k++] = keys[h];
  values.sort();
  const order = new Map<number, number>();
  values.forEach((v, k) => order.set(v, k));
  const counts = new Int32Array(d);
  for (let h = 0; h < size; h++) if (used[h]) counts[order.get(keys[h])!] = tally[h];
  return { values, counts };
}

/**
 * Cuts at the sorted rows' quantiles (row i = min(n - 2, floor(k n / maxBins) - 1), the cut halfway
 * to row i + 1); a cut falling inside a run of equal values is skipped. Rows are the distinct
 * values repeated by their counts.
 */
function quantileCuts(values: Float64Array, counts: Int32Array, n: number, maxBins: number): Float64Array {
  const edges: number[] = [];
  let j = 0; // run holding row i: rows [end - counts[j], end)
  let end = counts[0];
  for (let k = 1; k < maxBins; k++) {
    const i = Math.min(n - 2, Math.floor((k * n) / maxBins) - 1);
    while (end <= i) end += counts[++j];
    if (i + 1 < end) continue; // row i + 1 holds the same value
    const e = (values[j] + values[j + 1]) / 2;
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  return Float64Array.from(edges);
}

/**
 * Bins of about equal counts over the distinct values (count of each in `counts`): the bin being
 * filled closes at the first value where it holds its share of the rows not yet binned (rows left
 * / bins left), so every cut lies between two values and a value heavier than a bin gets its own.
 */
function equalCountCuts(distinct: Float64Array, counts: Int32Array, n: number, maxBins: number): Float64Array {
  const edges: number[] = [];
  const d = distinct.length;
  for (let j = 0, left = n, bins = maxBins, inBin = 0; j + 1 < d && bins > 1; j++) {
    inBin += counts[j];
    if (inBin * bins < left) continue;
    edges.push((distinct[j] + distinct[j + 1]) / 2);
    left -= inBin;
    bins--;
    inBin = 0;
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
export function binFeatures(x: Float64Array, n: number, p: number, opts: { maxBins?: number; sampleRows?: number; binning?: Binning } = {}): BinnedFeatures {
  const { maxBins = 255, sampleRows = 200_000, binning = 'quantile' } = opts;
  if (x.length !== n * p) throw new Error(`binFeatures: x has ${x.length} values, expected n * p = ${n * p}`);
  const step = Math.max(1, Math.floor(n / sampleRows));
  const m = Math.ceil(n / step);
  const edges: Float64Array[] = [];
  const col = new Float64Array(m);
  for (let f = 0; f < p; f++) {
    for (let i = 0; i < m; i++) col[i] = x[i * step * p + f];
    edges.push(binEdges(col, maxBins, binning));
  }
  return { n, p, bins: binRows(x, n, p, edges), edges };
}

/**
 * Each value's bin (binOf). A value equal to the same feature's in the row before (a series'
 * origin statistics on its group's rows, calendar flags) takes that row's bin without a search.
 * @throws on a value not finite.
 */
function binRows(x: Float64Array, n: number, p: number, edges: readonly Float64Array[]): Uint8Array {
  const bins = new Uint8Array(n * p);
  const last = new Float64Array(p).fill(NaN); // never equal to a value
  const lastBin = new Uint8Array(p);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < p; f++) {
      const v = x[r * p + f];
      if (!Number.isFinite(v)) throw new Error(`binFeatures: feature ${f} of row ${r} is ${v}, not finite`);
      if (v !== last[f]) (last[f] = v), (lastBin[f] = binOf(edges[f], v));
      bins[r * p + f] = lastBin[f];
    }
  }
  return bins;
}

/**
 * A tree for walking binned rows without branches: node k's step is left[k] + (bin of feature
 * feat[k] > bin[k]) (a right child is its left one + 1, gbdt-tree.ts), coded `left << 8 | bin`;
 * a leaf steps to itself (feature 0, bin 255: never above), so every row takes `depth` steps.
 */
function walkCodes(t: Tree): { code: Int32Array; feat: Int32Array; depth: number } {
  const size = t.feature.length;
  const code = new Int32Array(size);
  const feat = new Int32Array(size);
  const level = new Int32Array(size);
  let depth = 0;
  for (let k = 0; k < size; k++) {
    if (t.feature[k] >= 0) {
      code[k] = (t.left[k] << 8) | t.bin[k];
      feat[k] = t.feature[k];
      level[t.left[k]] = level[t.right[k]] = level[k] + 1;
    } else {
      code[k] = (k << 8) | 255;
      depth = Math.max(depth, level[k]);
    }
  }
  return { code, feat, depth };
}

const codesOf = new WeakMap<Tree, ReturnType<typeof walkCodes>>();

/** walkCodes of a tree, built once (a model's trees predict many batches of rows). */
function treeCodes(t: Tree): ReturnType<typeof walkCodes> {
  let c = codesOf.get(t);
  if (!c) codesOf.set(t, (c = walkCodes(t)));
  return c;
}

/**
 * Add the tree's leaf value to pred of the binned rows idx[from, to). Eight rows walk the tree
 * at once, branch-free (a tree walk is a chain of dependent loads and a random branch a level;
 * eight independent chains keep the core busy), about twice as fast as one row at a time.
 * (Stopping once all eight sit at leaves measured no faster: 2026-12-05.)
 */
function addTreeToRows(t: Tree, data: BinnedFeatures, idx: Int32Array, from: number, to: number, pred: Float64Array): void {
  const { code, feat, depth } = treeCodes(t);
  const { p, bins } = data;
  const value = t.value;
  let i = from;
  for (; i + 7 < to; i += 8) {
    const a0 = idx[i] * p, a1 = idx[i + 1] * p, a2 = idx[i + 2] * p, a3 = idx[i + 3] * p;
    const a4 = idx[i + 4] * p, a5 = idx[i + 5] * p, a6 = idx[i + 6] * p, a7 = idx[i + 7] * p;
    let k0 = 0, k1 = 0, k2 = 0, k3 = 0, k4 = 0, k5 = 0, k6 = 0, k7 = 0;
    for (let l = 0; l < depth; l++) {
      const c0 = code[k0], c1 = code[k1], c2 = code[k2], c3 = code[k3], c4 = code[k4], c5 = code[k5], c6 = code[k6], c7 = code[k7];
      k0 = (c0 >>> 8) + (((c0 & 255) - bins[a0 + feat[k0]]) >>> 31);
      k1 = (c1 >>> 8) + (((c1 & 255) - bins[a1 + feat[k1]]) >>> 31);
      k2 = (c2 >>> 8) + (((c2 & 255) - bins[a2 + feat[k2]]) >>> 31);
      k3 = (c3 >>> 8) + (((c3 & 255) - bins[a3 + feat[k3]]) >>> 31);
      k4 = (c4 >>> 8) + (((c4 & 255) - bins[a4 + feat[k4]]) >>> 31);
      k5 = (c5 >>> 8) + (((c5 & 255) - bins[a5 + feat[k5]]) >>> 31);
      k6 = (c6 >>> 8) + (((c6 & 255) - bins[a6 + feat[k6]]) >>> 31);
      k7 = (c7 >>> 8) + (((c7 & 255) - bins[a7 + feat[k7]]) >>> 31);
    }
    pred[idx[i]] += value[k0];
    pred[idx[i + 1]] += value[k1];
    pred[idx[i + 2]] += value[k2];
    pred[idx[i + 3]] += value[k3];
    pred[idx[i + 4]] += value[k4];
    pred[idx[i + 5]] += value[k5];
    pred[idx[i + 6]] += value[k6];
    pred[idx[i + 7]] += value[k7];
  }
  for (; i < to; i++) {
    const a = idx[i] * p;
    let k = 0;
    for (let l = 0; l < depth; l++) k = (code[k] >>> 8) + (((code[k] & 255) - bins[a + feat[k]]) >>> 31);
    pred[idx[i]] += value[k];
  }
}

/** Rows of this tree's sample into idx[0, m) in order, the others into idx[m, n); returns m. */
function sampleRows(idx: Int32Array, n: number, share: number, random: Uint32Array): number {
  let m = 0;
  let out = n;
  for (let r = 0; r < n; r++) {
    // branch-free (a random branch mispredicts half the time): r is written at both ends, only
    // the end it belongs to moves on, the other write is overwritten later
    const k = Number(share >= 1 || mulberry32Step(random) < share);
    idx[m] = r;
    idx[out - 1] = r;
    m += k;
    out -= 1 - k;
  }
  return m;
}

/** Check the settings. */
function checkOptions(o: GbdtOptions): void {
  if (!(Number.isInteger(o.trees) && o.trees >= 0)) throw new Error(`fitGbdt needs trees >= 0, got ${o.trees}`);
  if (!(o.learningRate > 0 && o.learningRate <= 1)) throw new Error(`fitGbdt needs 0 < learningRate <= 1, got ${o.learningRate}`);
  // at most 2^22 leaves: node numbers fit in 23 bits (walkCodes)
  if (!(Number.isInteger(o.maxLeaves) && o.maxLeaves >= 2 && o.maxLeaves <= 2 ** 22)) throw new Error(`fitGbdt needs 2 <= maxLeaves <= 2^22, got ${o.maxLeaves}`);
  if (!(o.minLeaf >= 1 && o.lambda >= 0 && o.maxDepth >= 1)) throw new Error(`fitGbdt needs minLeaf >= 1, lambda >= 0, maxDepth >= 1, got ${o.minLeaf}, ${o.lambda}, ${o.maxDepth}`);
  if (!(o.subsample > 0 && o.subsample <= 1)) throw new Error(`fitGbdt needs 0 < subsample <= 1, got ${o.subsample}`);
  if (o.gossTop > 0 && !(o.gossTop < 1 && o.gossOther > 0 && o.gossTop + o.gossOther <= 1 && o.gradientBits === 0)) throw new Error(`fitGbdt: GOSS needs 0 < gossTop < 1, gossOther > 0, their sum <= 1 and no gradientBits, got ${o.gossTop}, ${o.gossOther}, ${o.gradientBits}`);
}

/**
 * Fit L2 gradient boosting on binned features and targets y (length n).
 * @throws on bad settings or when y's length differs from the rows'.
 */
export function fitGbdt(data: BinnedFeatures, y: Float64Array, options: Partial<GbdtOptions> = {}): GbdtModel {
  const o = { ...GBDT_DEFAULTS, ...options };
  checkOptions(o);
  const { n, p } = data;
  if (y.length !== n || n === 0) throw new Error(`fitGbdt: y has ${y.length} values for ${n} rows`);
  let base = 0;
  for (let r = 0; r < n; r++) base += y[r];
  base /= n;
  const pred = new Float64Array(n).fill(base);
  const residual = new Float64Array(n);
  const idx = new Int32Array(n);
  const random = Uint32Array.of(o.seed >>> 0); // mulberry32's state
  const layouts = histogramLayouts(data);
  const columns = new Uint8Array(n * p); // the bins feature-major, for the partition (gbdt-tree.ts)
  for (let r = 0; r < n; r++) for (let f = 0; f < p; f++) columns[f * n + r] = data.bins[r * p + f];
  const quant = o.gradientBits > 0 ? quantizedFor(n, o.gradientBits) : null;
  const rounding = Uint32Array.of((o.seed ^ 0x5bd1e995) >>> 0); // the stochastic rounding's own stream
  const weight = new Float64Array(n).fill(1);
  const gradient = o.gossTop > 0 ? new Float64Array(n) : residual;
  const context: GrowContext = { data, columns, residual, gradient, weight, idx, o, pool: new HistogramPool(layouts.search.slots), layouts, quant };
  const trees: Tree[] = [];
  const trainLoss = new Float64Array(o.trees + 1);
  const oobGain = new Float64Array(o.trees + 1);
  trainLoss[0] = squaredError(y, pred, residual);
  let best = 0; // trees at the highest oobGain so far
  let stopped = false;
  for (let t = 0; t < o.trees && !stopped; t++) {
    const m = o.gossTop > 0 ? gossRows(idx, residual, weight, gradient, n, o.gossTop, o.gossOther, random) : sampleRows(idx, n, o.subsample, random);
    if (quant) quantize(quant, residual, idx, 0, m, rounding);
    // growTree adds the tree to the predictions of the sampled rows (it knows their leaves)
    const tree = growTree(context, m, pred);
    trees.push(tree);
    addTreeToRows(tree, data, idx, m, n, pred);
    // the out-of-bag gain only when early stopping reads it (a pass over half the rows a tree)
    const oob = o.earlyStop > 0 && m < n;
    oobGain[t + 1] = oobGain[t] + (oob ? lossFall(y, pred, residual, idx, m, n) : 0);
    trainLoss[t + 1] = squaredError(y, pred, residual);
    if (oobGain[t + 1] > oobGain[best]) best = t + 1;
    else stopped = oob && t + 1 - best >= o.earlyStop;
  }
  // a stop keeps the trees up to the best one (the training loss is the loss with them)
  const kept = stopped ? best : trees.length;
  return { p, base, trees: trees.slice(0, kept), edges: data.edges, trainLoss: trainLoss.slice(0, kept + 1), oobGain: oobGain.slice(0, kept + 1) };
}

/** Mean fall in squared error of the rows idx[from, to): residual holds their errors before the tree, y - pred after. */
function lossFall(y: Float64Array, pred: Float64Array, residual: Float64Array, idx: Int32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) {
    const r = idx[i];
    const e = y[r] - pred[r];
    s += residual[r] * residual[r] - e * e;
  }
  return s / (to - from);
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

/**
 * Predictions for n raw rows (row-major, model.p features each). Each value is binned with the
 * model's edges (x <= edges[b] exactly when binOf(x) <= b: edges rise strictly; a value not a
 * number goes above every split, as "x <= threshold" is false for it), then the rows walk each
 * tree eight at a time (addTreeToRows), the trees' values added in tree order: the same sums as
 * walking the raw rows tree by tree.
 */
export function predictGbdt(model: GbdtModel, x: Float64Array, n: number): Float64Array {
  const { p, edges } = model;
  if (x.length !== n * p) throw new Error(`predictGbdt: x has ${x.length} values, expected n * p = ${n * p}`);
  const bins = new Uint8Array(n * p);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < p; f++) {
      const v = x[r * p + f];
      bins[r * p + f] = v === v ? binOf(edges[f], v) : edges[f].length;
    }
  }
  const data: BinnedFeatures = { n, p, bins, edges };
  const idx = new Int32Array(n);
  for (let r = 0; r < n; r++) idx[r] = r;
  const out = new Float64Array(n).fill(model.base);
  for (const t of model.trees) addTreeToRows(t, data, idx, 0, n, out);
  return out;
}
