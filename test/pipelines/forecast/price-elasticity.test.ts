import { describe, expect, it } from 'vitest';
import { depriceSeries, estimateElasticity, poolElasticities } from '../../../pipelines/forecast/price-elasticity.js';
import type { SeriesData } from '../../../pipelines/types.js';

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prices held for 3 to 6 weeks at a time among a few levels around p0, and demand 10·(p/p0)^e with log-normal noise. */
function priced(n: number, e: number, seed: number, p0 = 2): { demand: Float64Array; price: Float64Array } {
  const r = rng(seed);
  const levels = [1, 0.8, 1.2, 0.9, 1.1];
  const price = new Float64Array(n);
  const demand = new Float64Array(n);
  let t = 0;
  while (t < n) {
    const p = p0 * levels[Math.floor(r() * levels.length)];
    const len = 7 * (3 + Math.floor(r() * 4));
    for (let k = 0; k < len && t < n; k++, t++) price[t] = p;
  }
  for (let i = 0; i < n; i++) {
    const noise = Math.exp(0.2 * (r() + r() + r() - 1.5));
    demand[i] = 10 * (price[i] / p0) ** e * noise;
  }
  return { demand, price };
}

describe('estimateElasticity', () => {
  it('recovers a known log-log elasticity from price changes', () => {
    for (const seed of [1, 2, 3]) {
      const { demand, price } = priced(600, -1.5, seed);
      const est = estimateElasticity(demand, price);
      expect(est).toBeDefined();
      expect(est!.slope).toBeGreaterThan(-1.8);
      expect(est!.slope).toBeLessThan(-1.2);
      expect(est!.variance).toBeGreaterThan(0);
    }
  });

  it('gives no estimate at a constant price, nor without prices', () => {
    const { demand } = priced(600, -1.5, 4);
    expect(estimateElasticity(demand, new Float64Array(600).fill(2.5))).toBeUndefined();
    expect(estimateElasticity(demand, new Float64Array(600).fill(NaN))).toBeUndefined();
  });

  it('gives no estimate when the other price held only a few days', () => {
    const { demand } = priced(600, -1.5, 5);
    const price = new Float64Array(600).fill(2);
    for (let t = 300; t < 310; t++) price[t] = 1.5;
    expect(estimateElasticity(demand, price)).toBeUndefined();
  });
});

describe('poolElasticities', () => {
  it('shrinks noisy estimates toward their group and gives the group mean to series without one', () => {
    const est = [
      { slope: -1, variance: 0.01 },
      { slope: -1.2, variance: 0.01 },
      { slope: -0.8, variance: 0.01 },
      { slope: 3, variance: 100 },
      undefined,
    ];
    const e = poolElasticities(est, ['a', 'a', 'a', 'a', 'a']);
    expect(e[0]).toBeCloseTo(-1, 1);
    expect(e[3]).toBeLessThan(-0.5); // a noisy positive slope pulled to the group
    expect(e[4]).toBeCloseTo(-1, 1);
    expect(poolElasticities([undefined, undefined], ['a', 'b'])).toEqual([0, 0]);
  });

  it('clips to [-4, 0]', () => {
    const e = poolElasticities([{ slope: -9, variance: 1e-4 }, { slope: 2, variance: 1e-4 }], ['a', 'b']);
    expect(e[0]).toBe(-4);
    expect(e[1]).toBe(0);
  });
});

describe('depriceSeries', () => {
  it('scales each day to the last price', () => {
    const price = Float64Array.from({ length: 10 }, (_, t) => (t < 5 ? 2 : 1));
    const demand = Float64Array.from(price, (p) => 10 * (p / 2) ** -1.5);
    const s = { key: 'S\u0000A', store: 'S', sku: 'A', start: 100, demand, price, returns: new Float64Array(10), observed: new Uint8Array(10).fill(1), issues: {}, acceptedRows: 10 } satisfies SeriesData;
    const d = depriceSeries(s, -1.5, 109);
    for (let t = 0; t < 10; t++) expect(d.demand[t]).toBeCloseTo(10 * 2 ** 1.5, 6);
    expect(d.recorded![0]).toBeCloseTo(10 * 2 ** 1.5, 6);
    expect(depriceSeries(s, 0, 109).demand).toBe(demand);
  });
});
