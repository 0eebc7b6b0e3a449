/**
 * The blend of the pooled model's forecasts (pipelines/forecast/pooled-stage.ts) into a run's:
 * each bottom series' mean becomes (1 − w) · chosen + w · pooled, day by day (mean' = mean +
 * delta), w one weight for all or one per series (pipelines/forecast/pooled-weights.ts). Its interval bounds and quantiles stay those of its chosen model, calibrated on that
 * model's backtest errors, a bound widened only where the new mean leaves it (on the M5 slice,
 * moving them with the mean put the 80% interval over its nominal coverage, and moving a count
 * series' zero lower bounds up took it to 53%: README). Every aggregate node of the levels
 * stage gets the sum of its bottom series' deltas on its mean, bounds and quantiles (floored at
 * 0), so the bottom forecasts summed to any level still equal the node's (the levels stage's
 * coherence), except a lower bound or quantile at 0: there 0 is where demand ends (count data's
 * one-sided interval, intervals.ts step 4a; a bound or quantile clipped at 0), not a quantile of
 * the errors, and lifting it by the delta would put both levels' lower bounds at the delta
 * (lo_95 = lo_80) above the days the node sells nothing or little, as it did for the items'.
 * Bounds stay nested and quantiles monotone.
 *
 * Written once for the product (both shells, after the levels stage) and the bench.
 */
import { sumToNodes } from '../hierarchy/aggregate.js';
import { nodeCount, type Hierarchy } from '../hierarchy/levels.js';

/** What the blend moves: a point forecast and its interval bounds keyed by level (`'80'`). */
export interface Blendable {
  mean: number[];
  lo: Record<string, number[]>;
  hi: Record<string, number[]>;
}

/** Bottom forecasts, their quantiles (one array per probability, or none) and the aggregate nodes, in the levels stage's flat order. */
export interface PooledTarget<B extends Blendable, N extends Blendable & { quantiles: number[][] }> {
  forecasts: readonly B[];
  /** Per bottom series, one array of days per probability ([] when no quantiles). */
  quantiles: readonly (readonly number[][])[];
  nodes: readonly N[];
}

/** Values moved by delta[offset + j], floored at 0. */
function shift(xs: readonly number[], delta: Float64Array, offset: number): number[] {
  return xs.map((x, j) => Math.max(0, x + delta[offset + j]));
}

/** Lower bounds or quantiles moved as {@link shift}, those at 0 kept there (where demand ends: module comment). */
function shiftAboveZero(xs: readonly number[], delta: Float64Array, offset: number): number[] {
  return xs.map((x, j) => (x > 0 ? Math.max(0, x + delta[offset + j]) : x));
}

/** A node's mean and bounds moved by delta[offset..] (the same addition for all, so their order holds; lower bounds at 0 kept). */
function moved<T extends Blendable>(d: T, delta: Float64Array, offset: number): T {
  const bounds = (r: Record<string, number[]>, move: typeof shift) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, move(v, delta, offset)]));
  return { ...d, mean: shift(d.mean, delta, offset), lo: bounds(d.lo, shiftAboveZero), hi: bounds(d.hi, shift) };
}

/** Bounds kept, widened to contain the moved mean where it left them (so they stay nested around it). */
function enclosing(xs: readonly number[], mean: readonly number[], moved: readonly number[], upper: boolean): number[] {
  return xs.map((x, j) => (moved[j] === mean[j] ? x : upper ? Math.max(x, moved[j]) : Math.min(x, moved[j])));
}

/** A bottom series with its mean blended; its bounds kept ({@link enclosing}). */
function reCentred<T extends Blendable>(d: T, delta: Float64Array, offset: number): T {
  const mean = shift(d.mean, delta, offset);
  const bounds = (r: Record<string, number[]>, upper: boolean) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, enclosing(v, d.mean, mean, upper)]));
  return { ...d, mean, lo: bounds(d.lo, false), hi: bounds(d.hi, true) };
}

/**
 * Blend the pooled forecasts into the bottom forecasts and move the aggregate nodes with them.
 *
 * @param target Bottom forecasts (mean, lo, hi over H days), their quantiles, the aggregate nodes.
 * @param h The hierarchy of the nodes (null or nodes empty: no aggregate).
 * @param pooled Per bottom series its pooled forecast (H values) or null (left as it is).
 * @param weight The pooled forecast's weight, in [0, 1], for all or per bottom series; 0 leaves a series as it is.
 * @returns new forecasts, quantiles and nodes (the inputs are not changed).
 * @throws when the weight is outside [0, 1], or the shapes do not match.
 */
export function applyPooled<B extends Blendable, N extends Blendable & { quantiles: number[][] }>(
  target: PooledTarget<B, N>,
  h: Hierarchy | null,
  pooled: readonly (Float64Array | null)[],
  weight: number | ArrayLike<number>,
): { forecasts: B[]; quantiles: number[][][]; nodes: N[] } {
  const { forecasts, quantiles, nodes } = target;
  const nb = forecasts.length;
  const w = weightOf(weight, nb);
  if (pooled.length !== nb) throw new Error(`applyPooled: ${pooled.length} pooled forecasts for ${nb} bottom series`);
  if (nodes.length && (!h || nodeCount(h) !== nodes.length || h.bottom.length !== nb)) throw new Error(`applyPooled: ${nodes.length} nodes and ${nb} bottom series do not match the hierarchy`);
  const H = nb ? forecasts[0].mean.length : 0;
  const delta = new Float64Array(nb * H);
  forecasts.forEach((f, b) => blendDelta(f.mean, pooled[b], w(b), delta, b * H));
  const out = forecasts.map((f, b) => reCentred(f, delta, b * H));
  const q = quantiles.map((qs) => qs.map((x) => [...x]));
  if (!nodes.length) return { forecasts: out, quantiles: q, nodes: [...nodes] };
  const sums = sumToNodes(h!, delta, H);
  const movedNodes = nodes.map((n, k) => ({ ...moved(n, sums, k * H), quantiles: n.quantiles.map((x) => shiftAboveZero(x, sums, k * H)) }));
  return { forecasts: out, quantiles: q, nodes: movedNodes };
}

/** The weight of bottom series b, checked to lie in [0, 1] (one per series when given as a list). */
function weightOf(weight: number | ArrayLike<number>, nb: number): (b: number) => number {
  const ws = typeof weight === 'number' ? [weight] : weight;
  if (typeof weight !== 'number' && ws.length !== nb) throw new Error(`applyPooled: ${ws.length} weights for ${nb} bottom series`);
  for (let k = 0; k < ws.length; k++) if (!(ws[k] >= 0 && ws[k] <= 1)) throw new Error(`applyPooled: weight must lie in [0, 1], got ${ws[k]}`);
  return typeof weight === 'number' ? () => weight : (b) => ws[b];
}

/** Write to delta[offset..] the change from the mean to (1 − w) · mean + w · pooled (none without a pooled forecast). */
function blendDelta(mean: readonly number[], pooled: Float64Array | null, weight: number, delta: Float64Array, offset: number): void {
  if (!pooled || weight === 0) return;
  if (pooled.length !== mean.length) throw new Error(`applyPooled: ${pooled.length} pooled days for a forecast of ${mean.length}`);
  for (let j = 0; j < mean.length; j++) delta[offset + j] = (1 - weight) * mean[j] + weight * pooled[j] - mean[j];
}
