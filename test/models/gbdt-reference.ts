/**
 * A straightforward reference of models/gbdt.ts's fitGbdt, written for clarity, not speed: the
 * same algorithm step by step (row sample, histograms summed row by row in the leaf's row order,
 * the larger child's as the parent's minus the smaller's, leaf-wise growth, Hoare partition),
 * but every training row's prediction gets each tree's value by walking the tree, one row at a
 * time. The optimised fitGbdt must give the same trees and trainLoss, bit for bit
 * (test/models/gbdt-exact.test.ts).
 */
import type { BinnedFeatures, GbdtModel, GbdtOptions, Tree } from '../../models/gbdt.js';
import { GBDT_DEFAULTS } from '../../models/gbdt.js';
import { mulberry32 } from '../../models/random.js';

interface Leaf {
  node: number;
  depth: number;
  rows: number[];
  /** Per feature, sums and counts per bin. */
  sums: Float64Array[];
  counts: Float64Array[];
  total: number;
  gain: number;
  feature: number;
  bin: number;
}

/** Histogram of the rows, in their order. */
function histogram(d: BinnedFeatures, residual: Float64Array, rows: number[]): { sums: Float64Array[]; counts: Float64Array[] } {
  const sums = d.edges.map((e) => new Float64Array(e.length + 1));
  const counts = d.edges.map((e) => new Float64Array(e.length + 1));
  for (const r of rows) {
    for (let f = 0; f < d.p; f++) {
      sums[f][d.bins[r * d.p + f]] += residual[r];
      counts[f][d.bins[r * d.p + f]] += 1;
    }
  }
  return { sums, counts };
}

function makeLeaf(node: number, depth: number, rows: number[], h: { sums: Float64Array[]; counts: Float64Array[] }, search: boolean, o: GbdtOptions): Leaf {
  let total = 0;
  for (const s of h.sums[0]) total += s;
  const leaf: Leaf = { node, depth, rows, ...h, total, gain: 0, feature: -1, bin: -1 };
  const n = rows.length;
  if (!search || n < 2 * o.minLeaf || depth >= o.maxDepth) return leaf;
  const parent = (total * total) / (n + o.lambda);
  for (let f = 0; f < h.sums.length; f++) {
    let sl = 0;
    let nl = 0;
    for (let b = 0; b + 1 < h.sums[f].length; b++) {
      if (h.counts[f][b] === 0) continue;
      sl += h.sums[f][b];
      nl += h.counts[f][b];
      const nr = n - nl;
      if (nr < o.minLeaf) break;
      if (nl < o.minLeaf) continue;
      const sr = total - sl;
      const gain = (sl * sl) / (nl + o.lambda) + (sr * sr) / (nr + o.lambda) - parent;
      if (gain > leaf.gain + 1e-12) Object.assign(leaf, { gain, feature: f, bin: b });
    }
  }
  return leaf;
}

/** Hoare partition as fitGbdt does it: rows with bin <= b first; the order matters for the sums. */
function partition(d: BinnedFeatures, rows: number[], f: number, b: number): [number[], number[]] {
  const a = rows.slice();
  let i = 0;
  let j = a.length - 1;
  while (i <= j) {
    if (d.bins[a[i] * d.p + f] <= b) i++;
    else [a[i], a[j]] = [a[j], a[i]], j--;
  }
  return [a.slice(0, i), a.slice(i)];
}

function growReference(d: BinnedFeatures, residual: Float64Array, rows: number[], o: GbdtOptions): Tree {
  const t = { feature: [0], bin: [0], threshold: [0], left: [0], right: [0], value: [0] };
  t.feature[0] = -1;
  const ok = (n: number, depth: number): boolean => n >= 2 * o.minLeaf && depth < o.maxDepth;
  const open = [makeLeaf(0, 0, rows, histogram(d, residual, rows), true, o)];
  const done: Leaf[] = [];
  while (open.length > 0 && open.length + done.length < o.maxLeaves) {
    let best = 0;
    for (let i = 1; i < open.length; i++) if (open[i].gain > open[best].gain) best = i;
    const leaf = open.splice(best, 1)[0];
    if (leaf.feature < 0) {
      done.push(leaf);
      continue;
    }
    const last = open.length + done.length + 2 >= o.maxLeaves;
    const [lr, rr] = partition(d, leaf.rows, leaf.feature, leaf.bin);
    const [l, r] = [t.feature.length, t.feature.length + 1];
    for (const arr of [t.feature, t.bin, t.left, t.right]) arr.push(0, 0);
    t.threshold.push(0, 0);
    t.value.push(0, 0);
    t.feature[l] = t.feature[r] = -1;
    t.feature[leaf.node] = leaf.feature;
    t.bin[leaf.node] = leaf.bin;
    t.threshold[leaf.node] = d.edges[leaf.feature][leaf.bin];
    t.left[leaf.node] = l;
    t.right[leaf.node] = r;
    const search = !last && ok(Math.max(lr.length, rr.length), leaf.depth + 1);
    const smallRows = lr.length <= rr.length ? lr : rr;
    const small = histogram(d, residual, smallRows);
    const large = { sums: leaf.sums.map((s, f) => s.map((v, b) => v - small.sums[f][b])), counts: leaf.counts.map((c, f) => c.map((v, b) => v - small.counts[f][b])) };
    const [lh, rh] = lr.length <= rr.length ? [small, large] : [large, small];
    open.push(makeLeaf(l, leaf.depth + 1, lr, lh, search, o), makeLeaf(r, leaf.depth + 1, rr, rh, search, o));
  }
  for (const leaf of [...open, ...done]) t.value[leaf.node] = (o.learningRate * leaf.total) / (leaf.rows.length + o.lambda);
  return { feature: Int32Array.from(t.feature), bin: Int32Array.from(t.bin), threshold: Float64Array.from(t.threshold), left: Int32Array.from(t.left), right: Int32Array.from(t.right), value: Float64Array.from(t.value) };
}

/** Reference fit: each tree's value added to every row's prediction by walking the tree. */
export function fitReference(d: BinnedFeatures, y: Float64Array, options: Partial<GbdtOptions> = {}): GbdtModel {
  const o = { ...GBDT_DEFAULTS, ...options };
  const n = d.n;
  let base = 0;
  for (let r = 0; r < n; r++) base += y[r];
  base /= n;
  const pred = new Float64Array(n).fill(base);
  const residual = new Float64Array(n);
  const loss = (): number => {
    let s = 0;
    for (let r = 0; r < n; r++) (residual[r] = y[r] - pred[r]), (s += residual[r] * residual[r]);
    return s / n;
  };
  const trainLoss = [loss()];
  const oobGain = [0]; // the running sum of each tree's fall in squared error on the rows outside its sample
  const next = mulberry32(o.seed);
  const trees: Tree[] = [];
  for (let k = 0; k < o.trees; k++) {
    const rows: number[] = [];
    for (let r = 0; r < n; r++) if (o.subsample >= 1 || next() < o.subsample) rows.push(r);
    const t = growReference(d, residual, rows, o);
    trees.push(t);
    const inSample = new Uint8Array(n);
    for (const r of rows) inSample[r] = 1;
    let fall = 0;
    for (let r = 0; r < n; r++) {
      let j = 0;
      while (t.feature[j] >= 0) j = d.bins[r * d.p + t.feature[j]] <= t.bin[j] ? t.left[j] : t.right[j];
      pred[r] += t.value[j];
      if (!inSample[r]) fall += residual[r] ** 2 - (y[r] - pred[r]) ** 2;
    }
    oobGain.push(oobGain[k] + (rows.length < n ? fall / (n - rows.length) : 0));
    trainLoss.push(loss());
  }
  return { p: d.p, base, trees, edges: d.edges, trainLoss: Float64Array.from(trainLoss), oobGain: Float64Array.from(oobGain) };
}

/** Reference bin edges: the column sorted, cuts at its quantiles (or equal counts over its distinct values), as models/gbdt.ts's binEdges documents. */
export function binEdgesReference(column: Float64Array, maxBins: number, binning: 'quantile' | 'equalCount' = 'quantile'): Float64Array {
  const sorted = Float64Array.from(column).sort();
  const n = sorted.length;
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]), counts.push(0);
    counts[counts.length - 1]++;
  }
  const d = distinct.length;
  if (d <= maxBins) return Float64Array.from(distinct.slice(1), (v, k) => (distinct[k] + v) / 2);
  const edges: number[] = [];
  if (binning === 'quantile') {
    for (let k = 1; k < maxBins; k++) {
      const i = Math.min(n - 2, Math.floor((k * n) / maxBins) - 1);
      const e = (sorted[i] + sorted[i + 1]) / 2;
      if (sorted[i] !== sorted[i + 1] && (edges.length === 0 || e > edges[edges.length - 1])) edges.push(e);
    }
    return Float64Array.from(edges);
  }
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
