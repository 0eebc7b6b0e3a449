import { describe, expect, it } from 'vitest';
import { applyPooled, type Blendable } from '../../../pipelines/forecast/pooled-blend.js';
import { nodeDistribution } from '../../../pipelines/hierarchy/distribution.js';
import { buildHierarchy } from '../../../pipelines/hierarchy/levels.js';
import type { BacktestTrace } from '../../../pipelines/hierarchy/trace.js';

type Dist = Blendable & { quantiles: number[][] };

const h = buildHierarchy(
  [
    { store: 'S1', sku: 'A' },
    { store: 'S1', sku: 'B' },
    { store: 'S2', sku: 'A' },
  ],
  ['total', 'store'],
);

function dist(mean: number[], spread: number): Dist {
  const lo = (k: number) => mean.map((m) => Math.max(0, m - k * spread));
  const hi = (k: number) => mean.map((m) => m + k * spread);
  return { mean, lo: { '80': lo(1), '95': lo(2) }, hi: { '80': hi(1), '95': hi(2) }, quantiles: [lo(2), lo(1), mean, hi(1), hi(2)] };
}

const bottom = [
  { ...dist([2, 4], 1), store: 'S1', sku: 'A' },
  { ...dist([5, 5], 2), store: 'S1', sku: 'B' },
  { ...dist([1, 1], 0.5), store: 'S2', sku: 'A' },
];
// total, then the stores S1, S2 (flat order), each the sum of its bottom means
const nodes = [
  { ...dist([8, 10], 3), level: 'total', key: 'total' },
  { ...dist([7, 9], 2.5), level: 'store', key: 'S1' },
  { ...dist([1, 1], 0.5), level: 'store', key: 'S2' },
];
const target = { forecasts: bottom, quantiles: bottom.map((b) => b.quantiles), nodes };
const pooled = [Float64Array.from([4, 0]), null, Float64Array.from([1, 3])];

describe('applyPooled', () => {
  it('blends the means, keeps the bottom bounds (widened only to contain the new mean) and quantiles, moves the nodes (hand-computed)', () => {
    const r = applyPooled(target, h, pooled, 0.5);
    // series 0: mean (2 + 4) / 2 = 3, (4 + 0) / 2 = 2: delta +1, -2
    expect(r.forecasts[0].mean).toEqual([3, 2]);
    expect(r.forecasts[0].lo).toEqual({ '80': [1, 2], '95': [0, 2] }); // day 2: 3 > 2, lowered to the mean
    expect(r.forecasts[0].hi).toEqual({ '80': [3, 5], '95': [4, 6] }); // day 1: 3 = the mean, kept
    expect(r.quantiles[0]).toEqual(bottom[0].quantiles);
    expect(r.forecasts[0].store).toBe('S1');
    // series 1: no pooled forecast, unchanged; series 2: delta 0, +1 (its 80% upper bound 1.5 raised to the mean 2)
    expect(r.forecasts[1]).toEqual(bottom[1]);
    expect(r.forecasts[2].mean).toEqual([1, 2]);
    expect(r.forecasts[2].lo['80']).toEqual([0.5, 0.5]);
    expect(r.forecasts[2].hi['80']).toEqual([1.5, 2]);
    // nodes move by the sums of their bottoms' deltas: total +1, -1; S1 +1, -2; S2 0, +1
    expect(r.nodes.map((n) => n.mean)).toEqual([[9, 9], [8, 7], [1, 2]]);
    expect(r.nodes[1].hi['95']).toEqual([13, 12]);
    expect(r.nodes[0].quantiles[0]).toEqual([3, 3]); // max(0, 8 - 6) + 1, max(0, 10 - 6) - 1
  });

  it('keeps a count series\' zero lower bounds at zero when its mean rises', () => {
    const zero = { ...dist([0.2, 0], 1), store: 'S2', sku: 'A' };
    const r = applyPooled({ forecasts: [zero], quantiles: [zero.quantiles], nodes: [] }, null, [Float64Array.from([0.6, 0.4])], 0.5);
    expect(r.forecasts[0].mean[0]).toBeCloseTo(0.4, 12);
    expect(r.forecasts[0].mean[1]).toBeCloseTo(0.2, 12);
    expect(r.forecasts[0].lo['95']).toEqual([0, 0]);
    expect(r.quantiles[0][0]).toEqual([0, 0]);
    expect(r.forecasts[0].hi['80']).toEqual([1.2, 1]);
  });

  it('keeps the bottom summed to every node, bounds nested and quantiles monotone, at any weight', () => {
    for (const w of [0.1, 0.5, 0.9, 1]) {
      const r = applyPooled(target, h, pooled, w);
      const s1 = r.forecasts[0].mean.map((m, j) => m + r.forecasts[1].mean[j]);
      const total = s1.map((m, j) => m + r.forecasts[2].mean[j]);
      r.nodes[0].mean.forEach((m, j) => expect(m).toBeCloseTo(total[j], 12));
      r.nodes[1].mean.forEach((m, j) => expect(m).toBeCloseTo(s1[j], 12));
      for (const d of [...r.forecasts.map((f, b) => ({ ...f, quantiles: r.quantiles[b] })), ...r.nodes]) {
        for (let j = 0; j < 2; j++) {
          expect(d.lo['95'][j]).toBeLessThanOrEqual(d.lo['80'][j]);
          expect(d.lo['80'][j]).toBeLessThanOrEqual(d.mean[j]);
          expect(d.mean[j]).toBeLessThanOrEqual(d.hi['80'][j]);
          expect(d.hi['80'][j]).toBeLessThanOrEqual(d.hi['95'][j]);
          for (let q = 1; q < d.quantiles.length; q++) expect(d.quantiles[q][j]).toBeGreaterThanOrEqual(d.quantiles[q - 1][j]);
          expect(d.quantiles[0][j]).toBeGreaterThanOrEqual(0);
        }
      }
    }
    // weight 1: the pooled forecast itself
    expect(applyPooled(target, h, pooled, 1).forecasts[0].mean).toEqual([4, 0]);
  });

  it('leaves everything as it is at weight 0, and never changes its inputs', () => {
    const before = JSON.stringify(target);
    const r = applyPooled(target, h, pooled, 0);
    expect(r.forecasts).toEqual(bottom);
    expect(r.quantiles).toEqual(target.quantiles);
    expect(r.nodes).toEqual(nodes);
    applyPooled(target, h, pooled, 0.5);
    expect(JSON.stringify(target)).toBe(before);
  });

  it('takes one weight per bottom series (hand-computed), the nodes moved by the sums of the weighted changes', () => {
    // series 0 at 0.25: 2 + 0.25 · (4 - 2) = 2.5, 4 + 0.25 · (0 - 4) = 3 (delta +0.5, -1); series 2 at 1: the pooled 1, 3 (delta 0, +2)
    const r = applyPooled(target, h, pooled, [0.25, 0.9, 1]);
    expect(r.forecasts[0].mean).toEqual([2.5, 3]);
    expect(r.forecasts[1]).toEqual(bottom[1]);
    expect(r.forecasts[2].mean).toEqual([1, 3]);
    // total +0.5, +1; S1 +0.5, -1; S2 0, +2
    expect(r.nodes.map((n) => n.mean)).toEqual([[8.5, 11], [7.5, 8], [1, 3]]);
    // the same weight for all equals the single weight
    expect(applyPooled(target, h, pooled, [0.5, 0.5, 0.5])).toEqual(applyPooled(target, h, pooled, 0.5));
    expect(() => applyPooled(target, h, pooled, [0.5, 0.5])).toThrow(/2 weights for 3 bottom series/);
    expect(() => applyPooled(target, h, pooled, [0.5, -0.1, 0.5])).toThrow(/weight must lie in \[0, 1\], got -0.1/);
  });

  it('works without aggregates, and refuses a weight outside [0, 1] or shapes that do not match', () => {
    const r = applyPooled({ forecasts: bottom, quantiles: [], nodes: [] }, null, pooled, 0.5);
    expect(r.forecasts[2].mean).toEqual([1, 2]);
    expect(r.quantiles).toEqual([]);
    expect(() => applyPooled(target, h, pooled, 1.5)).toThrow(/weight must lie in \[0, 1\], got 1.5/);
    expect(() => applyPooled(target, h, pooled.slice(1), 0.5)).toThrow(/2 pooled forecasts for 3 bottom series/);
    expect(() => applyPooled(target, h, [Float64Array.from([1]), null, null], 0.5)).toThrow(/1 pooled days for a forecast of 2/);
    expect(() => applyPooled({ ...target, nodes: nodes.slice(1) }, h, pooled, 0.5)).toThrow(/do not match the hierarchy/);
  });
});

describe('applyPooled on a count node whose lower tail reaches zero', () => {
  // hand-made backtest of the total of two items: forecast 12 on 42 distinct days (3 windows of
  // 14), errors -10..+10 each twice (sales 2..22), the model's sd 3
  const H = 14;
  const errors = Array.from({ length: 3 * H }, (_, i) => -10 + (i % 21));
  const actuals = [0, 1, 2].map((o) => errors.slice(o * H, (o + 1) * H).map((e) => 12 + e));
  const t: BacktestTrace = {
    origins: [100, 114, 128], horizon: H, actuals, forecasts: actuals.map(() => new Array<number>(H).fill(12)), sds: actuals.map(() => new Array<number>(H).fill(3)),
    scales: [1, 1, 1], sd: new Array<number>(H).fill(3), discrete: true, recent: [0, 0, 0, 0],
  };
  const two = buildHierarchy([{ store: 'S1', sku: 'A' }, { store: 'S1', sku: 'B' }], ['total']);
  /** The total forecast `mean` a day (its items half each), blended with pooled forecasts that move it by `delta`. */
  function blended(mean: number, delta: number) {
    const node = { level: 'total', key: 'total', ...nodeDistribution(t, t.forecasts, new Array<number>(H).fill(mean), [80, 95], [0.005, 0.025, 0.5, 0.975], true) };
    const item = (sku: string) => ({ ...dist(new Array<number>(H).fill(mean / 2), 1), store: 'S1', sku });
    const bottom = [item('A'), item('B')];
    const pooledAt = Float64Array.from(new Array<number>(H).fill(mean / 2 + delta)); // weight 0.5: each item moves by delta / 2
    return { node, moved: applyPooled({ forecasts: bottom, quantiles: bottom.map((b) => b.quantiles), nodes: [node] }, two, [pooledAt, pooledAt], 0.5).nodes[0] };
  }

  it('keeps the interval reaching zero when the blend raises a forecast that under-forecasts of 10 would still take below zero', () => {
    // forecast 7 raised to 9: errors of -10 (1 day in 21, more than 2.5%) take 9 below zero, so
    // the 95% interval and the 0.5% quantile reach zero, as they did at 7
    const { node, moved } = blended(7, 2);
    expect(node.lo['95'][0]).toBe(0);
    expect(moved.mean[0]).toBeCloseTo(9, 12);
    for (let j = 0; j < H; j++) {
      expect(moved.lo['95'][j]).toBe(0);
      expect(moved.quantiles[0][j]).toBe(0);
      expect(moved.hi['95'][j]).toBeCloseTo(node.hi['95'][j] + 2, 12);
    }
  });

  it('gives a 95% lower bound strictly below the 80% one wherever the 80% one is above zero, for any forecast and change', () => {
    for (let mean = 0; mean <= 24; mean += 1) {
      for (const delta of [-4, -1, -0.3, 0, 0.3, 1, 2, 5]) {
        if (mean + delta < 0) continue;
        const { moved } = blended(mean, delta);
        for (let j = 0; j < H; j++) {
          const lo80 = moved.lo['80'][j];
          const lo95 = moved.lo['95'][j];
          expect(lo95).toBeGreaterThanOrEqual(0);
          if (lo80 > 0) expect(lo95, `forecast ${mean}, change ${delta}`).toBeLessThan(lo80);
          else expect(lo95).toBe(0);
          expect(lo80).toBeLessThanOrEqual(moved.mean[j]);
          for (let q = 1; q < moved.quantiles.length; q++) expect(moved.quantiles[q][j]).toBeGreaterThanOrEqual(moved.quantiles[q - 1][j]);
        }
      }
    }
  });
});
