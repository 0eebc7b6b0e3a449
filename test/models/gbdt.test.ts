import { describe, expect, it } from 'vitest';
import { binEdges, binFeatures, binOf, fitGbdt, predictGbdt } from '../../models/gbdt.js';

/** One feature x = 0..9, y a step: 0 below 5, 10 from 5. */
const stepX = Float64Array.from({ length: 10 }, (_, i) => i);
const stepY = Float64Array.from({ length: 10 }, (_, i) => (i < 5 ? 0 : 10));
const oneSplit = { trees: 1, maxLeaves: 2, maxDepth: 1, minLeaf: 1, lambda: 0, subsample: 1, learningRate: 1 };

describe('gbdt binning', () => {
  it('few distinct values: one bin each, edges at the midpoints', () => {
    expect(Array.from(binEdges(Float64Array.from([3, 1, 2, 1, 3]), 255))).toEqual([1.5, 2.5]);
    const e = Float64Array.from([1.5, 2.5]);
    expect([binOf(e, 1), binOf(e, 1.5), binOf(e, 2), binOf(e, 3), binOf(e, 99)]).toEqual([0, 0, 1, 2, 2]);
  });

  it('many distinct values: at most maxBins bins of about equal counts', () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => i);
    const e = binEdges(x, 4);
    expect(Array.from(e)).toEqual([249.5, 499.5, 749.5]);
    const b = binFeatures(x, 1000, 1, 4);
    const counts = [0, 0, 0, 0];
    for (const v of b.bins) counts[v]++;
    expect(counts).toEqual([250, 250, 250, 250]);
  });

  it('refuses non-finite values', () => {
    expect(() => binFeatures(Float64Array.from([1, NaN]), 2, 1)).toThrow(/not finite/);
  });
});

describe('gbdt fit', () => {
  it('a single split on a step recovers the two means', () => {
    const m = fitGbdt(binFeatures(stepX, 10, 1), stepY, oneSplit);
    expect(m.base).toBe(5);
    expect(m.trees[0].threshold[0]).toBe(4.5);
    expect(Array.from(predictGbdt(m, Float64Array.from([0, 4, 4.6, 9]), 4))).toEqual([0, 0, 10, 10]);
    expect(m.trainLoss[1]).toBe(0);
  });

  it('learning rate shrinks the first tree: 5 -/+ 0.1 * 5', () => {
    const m = fitGbdt(binFeatures(stepX, 10, 1), stepY, { ...oneSplit, learningRate: 0.1 });
    const p = predictGbdt(m, Float64Array.from([2, 7]), 2);
    expect(p[0]).toBeCloseTo(4.5, 12);
    expect(p[1]).toBeCloseTo(5.5, 12);
    // loss: every row off by 4.5
    expect(m.trainLoss[1]).toBeCloseTo(20.25, 12);
  });

  it('lambda shrinks a leaf to sum / (n + lambda): 5 - 25 / 6', () => {
    const m = fitGbdt(binFeatures(stepX, 10, 1), stepY, { ...oneSplit, lambda: 1 });
    expect(predictGbdt(m, Float64Array.from([0]), 1)[0]).toBeCloseTo(5 - 25 / 6, 12);
  });

  it('minLeaf forbids splits leaving too few rows: with 6 the step cannot be split', () => {
    const m = fitGbdt(binFeatures(stepX, 10, 1), stepY, { ...oneSplit, minLeaf: 6 });
    expect(m.trees[0].feature[0]).toBe(-1);
    expect(predictGbdt(m, Float64Array.from([0]), 1)[0]).toBe(5);
  });

  it('picks the informative feature and grows leaf-wise to maxLeaves', () => {
    // feature 0 noise-free step of 3 levels, feature 1 constant
    const n = 30;
    const x = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i * 2] = i;
      x[i * 2 + 1] = 7;
      y[i] = i < 10 ? 1 : i < 20 ? 5 : 20;
    }
    const m = fitGbdt(binFeatures(x, n, 2), y, { ...oneSplit, maxLeaves: 3, maxDepth: 5 });
    expect(m.trees[0].feature[0]).toBe(0);
    expect(Array.from(predictGbdt(m, Float64Array.from([3, 7, 15, 7, 25, 7]), 3)).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 5, 20]);
  });

  it('property: training loss never rises over trees (all rows, shrinkage)', () => {
    const n = 2000;
    const p = 3;
    const x = new Float64Array(n * p);
    const y = new Float64Array(n);
    let s = 7;
    const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < p; f++) x[i * p + f] = rnd() * 10;
      y[i] = Math.sin(x[i * p]) * 3 + (x[i * p + 1] > 5 ? 2 : 0) + rnd();
    }
    const m = fitGbdt(binFeatures(x, n, p), y, { trees: 40, learningRate: 0.3, maxLeaves: 8, minLeaf: 20, lambda: 1, subsample: 1 });
    for (let t = 1; t < m.trainLoss.length; t++) expect(m.trainLoss[t]).toBeLessThanOrEqual(m.trainLoss[t - 1] + 1e-12);
    expect(m.trainLoss[40]).toBeLessThan(0.5 * m.trainLoss[0]);
    // row subsampling: the same seed gives the same model, another seed another one
    const sub = (seed: number) => fitGbdt(binFeatures(x, n, p), y, { trees: 10, learningRate: 0.3, maxLeaves: 8, minLeaf: 20, lambda: 1, subsample: 0.5, seed });
    expect(Array.from(sub(3).trainLoss)).toEqual(Array.from(sub(3).trainLoss));
    expect(sub(4).trainLoss[10]).not.toBe(sub(3).trainLoss[10]);
  });
});
