/**
 * Gradient-based one-side sampling (GOSS; Ke et al. 2017, "LightGBM"), a row sample for one tree
 * of models/gbdt.ts instead of a uniform one: the rows of the largest |residual| (a share `top` of
 * all rows) are all taken, of the others a uniform share `other` of all rows, weighted
 * (1 - top) / other so that the sample's gradient sums estimate the full data's. The weights are
 * scaled so that they sum to the number of rows taken (counts then read as rows of the sample, as
 * `minLeaf` does for a uniform sample); the leaf values, ratios of weighted sums, do not change.
 * The top share's threshold is the quantile of |residual| in a uniform sample of 4,096 rows (a
 * sort of all rows every tree would cost more than the tree's histograms save).
 */
import { mulberry32Step } from './random.js';

const PROBE = 4096;

/**
 * The GOSS sample of n rows into idx[0, m) (the rest into idx[m, n)), their weights into weight,
 * residual · weight into gradient; returns m.
 */
export function gossRows(idx: Int32Array, residual: Float64Array, weight: Float64Array, gradient: Float64Array, n: number, top: number, other: number, random: Uint32Array): number {
  const cut = largeCut(residual, n, top, random);
  const keep = Math.min(1, other / Math.max(1e-12, 1 - top)); // chance of a small row
  const small = (1 - top) / other;
  let m = 0;
  let out = n;
  let total = 0;
  for (let r = 0; r < n; r++) {
    const large = Math.abs(residual[r]) >= cut;
    if (large || mulberry32Step(random) < keep) {
      idx[m++] = r;
      weight[r] = large ? 1 : small;
      total += weight[r];
    } else idx[--out] = r;
  }
  const scale = m / total;
  for (let i = 0; i < m; i++) {
    const r = idx[i];
    weight[r] *= scale;
    gradient[r] = weight[r] * residual[r];
  }
  return m;
}

/** |residual| above which a row is among the top share: that quantile of a uniform probe of the rows (Infinity when top is 0). */
function largeCut(residual: Float64Array, n: number, top: number, random: Uint32Array): number {
  if (top <= 0) return Infinity;
  const k = Math.min(n, PROBE);
  const probe = new Float64Array(k);
  for (let i = 0; i < k; i++) probe[i] = Math.abs(residual[k === n ? i : Math.floor(mulberry32Step(random) * n)]);
  probe.sort();
  return probe[Math.min(k - 1, Math.floor((1 - top) * k))];
}
