import { describe, expect, it } from 'vitest';
import {
  HistorySpread,
  LEVEL_DAYS,
  mixture,
  normalCdf,
  normalExcess,
  normalLoss,
  pmfCdf,
  pmfExcess,
  pmfFromSamples,
  pmfMean,
  pmfSd,
  shiftClipAtZero,
} from '../../../pipelines/replenish/demand-distribution.js';

describe('normalCdf and normalLoss against R', () => {
  it('matches pnorm', () => {
    // R: pnorm(c(-3,-1.2,0,0.5,1.6448536,2.5,6))
    const want = [0.001349898032, 0.115069670222, 0.5, 0.691462461274, 0.94999999722, 0.993790334674, 0.999999999013];
    [-3, -1.2, 0, 0.5, 1.6448536, 2.5, 6].forEach((x, i) => expect(normalCdf(x)).toBeCloseTo(want[i], 11));
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(9)).toBeCloseTo(1, 15);
  });
  it('gives the textbook standard normal loss function G(k)', () => {
    // R: k <- c(0,0.5,1,1.5,2,2.5,3); dnorm(k) - k * pnorm(-k)
    // (Silver, Pyke & Thomas, App. B: G(0) = .3989, G(1) = .0833, G(2) = .008491)
    const want = [0.398942280401, 0.197796557401, 0.083315470588, 0.029306793763, 0.008490702617, 0.002004137179, 0.000382154317];
    [0, 0.5, 1, 1.5, 2, 2.5, 3].forEach((k, i) => expect(normalLoss(k)).toBeCloseTo(want[i], 10));
    // G(-k) = G(k) + k
    expect(normalLoss(-1)).toBeCloseTo(0.083315470588 + 1, 10);
    expect(normalLoss(12)).toBeGreaterThanOrEqual(0);
  });
  it('turns G into the expected excess of any normal', () => {
    // X ~ N(100, 20): E[(X - 120)+] = 20 G(1)
    expect(normalExcess(100, 20, 120)).toBeCloseTo(20 * 0.083315470588, 9);
    expect(normalExcess(100, 0, 90)).toBe(10);
    expect(normalExcess(100, 0, 110)).toBe(0);
  });
});

describe('discrete distributions (hand-computed)', () => {
  it('splits samples between grid neighbours, keeping the mean', () => {
    // 0.5 -> half at 0, half at 1; 2 -> at 2; each sample weighs 1/2
    const d = pmfFromSamples([0.5, 2], 1);
    expect(d.offset).toBe(0);
    expect(Array.from(d.p)).toEqual([0.25, 0.25, 0.5]);
    expect(pmfMean(d)).toBeCloseTo(1.25, 12);
    expect(pmfCdf(d, 1)).toBeCloseTo(0.5, 12);
    // E[(X - 1)+] = 0.5 * (2 - 1)
    expect(pmfExcess(d, 1)).toBeCloseTo(0.5, 12);
    expect(pmfExcess(d, 0.5)).toBeCloseTo(0.25 * 0.5 + 0.5 * 1.5, 12);
    // variance: E[X^2] - mean^2 = (0.25 + 2) - 1.5625
    expect(pmfSd(d)).toBeCloseTo(Math.sqrt(2.25 - 1.5625), 12);
  });
  it('shifts and puts the mass below zero at zero', () => {
    const d = shiftClipAtZero(pmfFromSamples([-3, -1, 2], 1), 1.5);
    // values -1.5 -> 0, 0.5 -> half at 0 and 1, 3.5 -> half at 3 and 4
    expect(Array.from(d.p).map((x) => Math.round(x * 1e12) / 1e12)).toEqual([0.5, 1 / 6, 0, 1 / 6, 1 / 6].map((x) => Math.round(x * 1e12) / 1e12));
    expect(pmfMean(d)).toBeCloseTo((0 + 0.5 + 3.5) / 3, 12);
  });
  it('mixes distributions on the same grid', () => {
    const a = shiftClipAtZero(pmfFromSamples([0], 1), 1);
    const b = shiftClipAtZero(pmfFromSamples([0], 1), 3);
    const m = mixture([
      { weight: 3, pmf: a },
      { weight: 1, pmf: b },
    ]);
    expect(pmfMean(m)).toBeCloseTo(0.75 * 1 + 0.25 * 3, 12);
    expect(() => mixture([{ weight: 1, pmf: pmfFromSamples([-1], 1) }, { weight: 1, pmf: a }])).toThrow(/grid/);
  });
});

describe('HistorySpread (hand-computed)', () => {
  // 28 days selling 1, then 3, 0, 2, 1
  const sales = [...new Array<number>(LEVEL_DAYS).fill(1), 3, 0, 2, 1];
  const h = new HistorySpread(sales);
  // errors of 1-day sums against the mean of the 28 days before:
  // 3 - 1; 0 - 30/28; 2 - 29/28; 1 - 30/28 (then centred)
  const raw = [2, -30 / 28, 2 - 29 / 28, 1 - 30 / 28];
  const mean = raw.reduce((a, b) => a + b, 0) / 4;
  it('measures the errors of n-day sums against the level before them, centred', () => {
    expect(h.covers(1)).toBe(true);
    expect(h.covers(2)).toBe(false); // 4 days after the level days hold only 2 two-day windows
    const e = Array.from(h.errors(1));
    raw.forEach((r, i) => expect(e[i]).toBeCloseTo(r - mean, 12));
    expect(h.sd(1)).toBeCloseTo(Math.sqrt(raw.reduce((s, r) => s + (r - mean) ** 2, 0) / 4), 12);
    expect(() => h.errors(2)).toThrow(/too few/);
  });
  it('gives the demand distribution as forecast + error, at least 0', () => {
    const d = h.demandOver(1, 1);
    const values = raw.map((r) => Math.max(0, 1 + r - mean));
    expect(pmfMean(d)).toBeCloseTo(values.reduce((a, b) => a + b, 0) / 4, 12);
    expect(pmfExcess(d, 1)).toBeCloseTo(values.reduce((s, v) => s + Math.max(0, v - 1), 0) / 4, 12);
    expect(h.gridStep(1)).toBe(1);
  });
  it('gives the same distributions from a spread asked many times as from a fresh one', () => {
    const sales = Array.from({ length: 200 }, (_, i) => (i * 37) % 11 === 0 ? 4 : i % 3);
    const shared = new HistorySpread(sales);
    for (const [days, sum, step] of [[7, 5.5, 1], [7, 2, 1], [14, 9.25, 2], [7, 0.3, 1], [14, 1, 2]] as const) {
      expect(shared.demandOver(days, sum, step)).toEqual(new HistorySpread(sales).demandOver(days, sum, step));
    }
  });
  it('refuses sales that are not finite', () => {
    expect(() => new HistorySpread([1, NaN])).toThrow(/finite/);
  });
});
