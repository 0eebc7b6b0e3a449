import { describe, expect, it } from 'vitest';
import { countQuantiles } from '../../../pipelines/forecast/negative-binomial.js';
import { PRIOR_ERRORS, conformalIntervals, conformalQuantiles, countForecastQuantiles, forecastQuantiles, gaussianIntervals, normalQuantile, publishIntervals, studentQuantile } from '../../../pipelines/forecast/intervals.js';

const f64 = (...v: number[]) => Float64Array.from(v);

describe('normalQuantile', () => {
  it('matches published values', () => {
    // confirmed in R: > qnorm(c(0.5, 0.9, 0.95, 0.975, 0.001))
    // [1]  0.000000  1.281552  1.644854  1.959964 -3.090232
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815516, 6);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.9599640, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.0902323, 6);
    expect(normalQuantile(0.999)).toBeCloseTo(3.0902323, 6);
  });
  it('rejects probabilities outside (0, 1)', () => {
    expect(() => normalQuantile(0)).toThrow(/normalQuantile needs a probability strictly between 0 and 1/);
    expect(() => normalQuantile(1)).toThrow(/normalQuantile/);
  });
});

describe('studentQuantile', () => {
  it('matches R qt() (forecast 8.20 era R; values to 6 decimals)', () => {
    // R: qt(c(0.9, 0.975), df) for df = 1, 2, 3, 10, 27
    const cases: [number, number, number][] = [
      [0.975, 1, 12.706205], [0.9, 1, 3.077684],
      [0.975, 2, 4.302653], [0.9, 2, 1.885618],
      [0.975, 3, 3.182446], [0.9, 3, 1.637744],
      [0.975, 10, 2.228139], [0.9, 10, 1.372184],
      [0.975, 27, 2.051831], [0.9, 27, 1.313703],
    ];
    for (const [p, df, want] of cases) expect(studentQuantile(p, df)).toBeCloseTo(want, 5);
  });
  it('has the closed forms of 1 and 2 degrees of freedom and is symmetric', () => {
    // df 1: tan(π(p - 1/2)); df 2: (2p - 1) / sqrt(2p(1 - p))
    for (const p of [0.6, 0.8, 0.95, 0.995]) {
      expect(studentQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
      expect(studentQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 8);
      expect(studentQuantile(1 - p, 7)).toBeCloseTo(-studentQuantile(p, 7), 10);
    }
  });
  it('tends to the normal quantile and rejects bad input', () => {
    expect(studentQuantile(0.975, 5000)).toBeCloseTo(normalQuantile(0.975), 3);
    expect(studentQuantile(0.975, 20000)).toBe(normalQuantile(0.975));
    expect(() => studentQuantile(0.5, 0)).toThrow(/positive integer df/);
    expect(() => studentQuantile(1, 3)).toThrow(/strictly between 0 and 1/);
  });
  it('gives Student-t intervals when gaussianIntervals gets degrees of freedom', () => {
    const b = gaussianIntervals([10], [2], [95], 2);
    expect(b.hi['95'][0]).toBeCloseTo(10 + 2 * 4.302653, 5);
    expect(b.lo['95'][0]).toBeCloseTo(10 - 2 * 4.302653, 5);
  });
});

describe('gaussianIntervals', () => {
  it('is mean ± z·sd', () => {
    const g = gaussianIntervals([10, 20], [1, 2], [95]);
    expect(g.lo['95'][1]).toBeCloseTo(20 - 2 * 1.959964, 5);
    expect(g.hi['95'][0]).toBeCloseTo(10 + 1.959964, 5);
  });
});

describe('conformalIntervals', () => {
  it('blends conformal order statistics with the Gaussian interval (hand-computed)', () => {
    // one origin, 19 residuals 1..19 (actual - forecast), constant model sd -> scores 1..19
    const actuals = [Float64Array.from({ length: 19 }, (_, j) => j + 1)];
    const forecasts = [new Float64Array(19)];
    const sds = [new Float64Array(19).fill(3)];
    const b = conformalIntervals({ actuals, forecasts, sds, mean: [10, 10], sd: [1, 1], levels: [80, 95] });
    const w = 19 / (19 + PRIOR_ERRORS);
    const z80 = 1.2815516;
    // 80%: ranks floor(20 * 0.1) = 2 and ceil(20 * 0.9) = 18 -> q_lo = 2, q_hi = 18
    expect(b.lo['80'][0]).toBeCloseTo(10 + w * 2 - (1 - w) * z80, 5);
    expect(b.hi['80'][1]).toBeCloseTo(10 + w * 18 + (1 - w) * z80, 5);
    // 95%: ranks 0 and 20 fall outside 1..19 -> the Gaussian interval alone
    expect(b.lo['95'][0]).toBeCloseTo(10 - 1.959964, 5);
    expect(b.hi['95'][0]).toBeCloseTo(10 + 1.959964, 5);
  });
  it('scales scores by the model sd growth per step', () => {
    // residuals 2·r_j where the sd doubles at step 2: every score is 2
    const actuals = [f64(2, 4), f64(2, 4), f64(2, 4), f64(2, 4), f64(2, 4)];
    const forecasts = actuals.map(() => f64(0, 0));
    const sds = actuals.map(() => f64(1, 2));
    const b = conformalIntervals({ actuals, forecasts, sds, mean: [0, 0, 0], sd: [1, 2, 3], levels: [50] });
    const w = 10 / (10 + PRIOR_ERRORS);
    const z = normalQuantile(0.75);
    // every score is 2, so q_lo = q_hi = 2; final growth r = 1, 2, 3
    for (const [j, r] of [[0, 1], [1, 2], [2, 3]]) {
      expect(b.hi['50'][j]).toBeCloseTo(w * 2 * r + (1 - w) * z * r, 9);
      expect(b.lo['50'][j]).toBeCloseTo(w * 2 * r - (1 - w) * z * r, 9);
    }
  });
  it('is the Gaussian interval without backtest errors, and checks shapes', () => {
    const b = conformalIntervals({ actuals: [], forecasts: [], sds: [], mean: [5], sd: [2], levels: [95] });
    expect(b.hi['95'][0]).toBeCloseTo(5 + 2 * 1.959964, 5);
    expect(() => conformalIntervals({ actuals: [f64(1)], forecasts: [], sds: [], mean: [5], sd: [2], levels: [95] })).toThrow(/same origins/);
    expect(() => conformalIntervals({ actuals: [], forecasts: [], sds: [], mean: [5], sd: [2], levels: [100] })).toThrow(/levels in \(0, 100\)/);
  });
});

describe('publishIntervals', () => {
  it('clips at 0, contains the forecast, nests the levels and removes NaN', () => {
    const p = publishIntervals([2, NaN, -1], { lo: { '80': [3, -4, NaN], '95': [2.5, -9, -3] }, hi: { '80': [1, 5, 1], '95': [6, NaN, 0.5] } }, [95, 80]);
    expect(p.mean).toEqual([2, 0, 0]);
    expect(p.lo['80']).toEqual([2, 0, 0]); // 3 > forecast 2 -> 2
    expect(p.hi['80']).toEqual([2, 5, 1]); // 1 < forecast 2 -> 2
    expect(p.lo['95']).toEqual([2, 0, 0]); // 2.5 > lo80 2 -> 2
    expect(p.hi['95']).toEqual([6, 5, 1]); // NaN -> hi80; 0.5 < hi80 1 -> 1
  });
});

describe('conformalQuantiles', () => {
  // one origin, 19 residuals 1..19, constant model sd: scores 1..19 (as the interval test above)
  const actuals = [Float64Array.from({ length: 19 }, (_, j) => j + 1)];
  const forecasts = [new Float64Array(19)];
  const sds = [new Float64Array(19).fill(3)];
  const w = 19 / (19 + PRIOR_ERRORS);
  it('uses the split-conformal ranks of the intervals (hand-computed)', () => {
    const q = conformalQuantiles({ actuals, forecasts, sds, mean: [10], sd: [1] }, [0.1, 0.5, 0.9, 0.99]);
    // 0.1: rank floor(20 · 0.1) = 2 -> score 2; 0.5: rank ceil(20 · 0.5) = 10 -> 10; 0.9: ceil(18) = 18 -> 18
    expect(q[0][0]).toBeCloseTo(10 + w * 2 + (1 - w) * normalQuantile(0.1), 9);
    expect(q[1][0]).toBeCloseTo(10 + w * 10, 9);
    expect(q[2][0]).toBeCloseTo(10 + w * 18 + (1 - w) * normalQuantile(0.9), 9);
    // 0.99: rank ceil(19.8) = 20 > 19 -> the largest score, 19, carried out along a normal tail
    // from Φ⁻¹(19/20) to Φ⁻¹(0.99) at the scores' rms sqrt(Σ k², k = 1..19 / 19) = sqrt(130)
    const tail = 19 + (normalQuantile(0.99) - normalQuantile(19 / 20)) * Math.sqrt(130);
    expect(q[3][0]).toBeCloseTo(10 + w * tail + (1 - w) * normalQuantile(0.99), 9);
  });
  it('gives the interval bounds at α/2 and 1 - α/2 for continuous data', () => {
    const input = { actuals, forecasts, sds, mean: [10, 12], sd: [1, 1.5] };
    const b = conformalIntervals({ ...input, levels: [80] });
    const q = conformalQuantiles(input, [0.1, 0.9]);
    expect(q[0]).toEqual(b.lo['80']);
    expect(q[1]).toEqual(b.hi['80']);
  });
  it('clips at zero and never crosses', () => {
    // a forecast of 0.2 with scores -3..3: low quantiles are 0; sorted per step
    const a = [Float64Array.of(-3, -2, -1, 0, 1, 2, 3)];
    const q = conformalQuantiles({ actuals: a, forecasts: [new Float64Array(7)], sds: [new Float64Array(7).fill(1)], mean: [0.2, 0.2], sd: [5, 0.1], discrete: true }, [0.005, 0.025, 0.25, 0.5, 0.75, 0.975, 0.995]);
    for (let j = 0; j < 2; j++) {
      for (let k = 0; k < q.length; k++) {
        expect(q[k][j]).toBeGreaterThanOrEqual(0);
        if (k > 0) expect(q[k][j]).toBeGreaterThanOrEqual(q[k - 1][j]);
      }
    }
    expect(q[0][0]).toBe(0);
  });
  it('checks the probabilities', () => {
    const input = { actuals: [], forecasts: [], sds: [], mean: [1], sd: [1] };
    expect(() => conformalQuantiles(input, [0.5, 0.25])).toThrow(/ascending/);
    expect(() => conformalQuantiles(input, [0, 0.5])).toThrow(/strictly between 0 and 1/);
    expect(() => conformalQuantiles(input, [])).toThrow(/at least one probability/);
  });
});

describe('countForecastQuantiles', () => {
  // one origin, errors -4..4 (M = N = 9, w = 9 / (9 + 9) = 1/2, rms² = 2·(1+4+9+16)/9 = 60/9),
  // final sd 1: variance v = 1/2·60/9 + 1/2·1 = 3.8333
  const input = {
    actuals: [Float64Array.from({ length: 9 }, (_, j) => j - 4)],
    forecasts: [new Float64Array(9)],
    sds: [new Float64Array(9).fill(1)],
    mean: [3, 0.5, 4],
    sd: [1, 1, 1],
    discrete: true,
  };
  const P = [0.025, 0.25, 0.5, 0.75, 0.975];
  it('is the negative binomial with the forecast as mean and the interval blend\'s variance', () => {
    expect(PRIOR_ERRORS).toBe(9);
    const q = countForecastQuantiles(input, P);
    // > nbinom.ppf(P, r, r / (r + mu)), r = mu² / (v - mu): mu 3 (r 10.8), mu 0.5 (r 0.075)
    expect(q.map((x) => x[0])).toEqual([0, 2, 3, 4, 7]);
    expect(q.map((x) => x[1])).toEqual([0, 0, 0, 0, 6]);
    // mean 4 > v: Poisson(4) > poisson.ppf(P, 4)
    expect(q.map((x) => x[2])).toEqual([1, 3, 4, 5, 8]);
  });
  it('is what forecastQuantiles publishes for count data; continuous data keep the conformal quantiles', () => {
    expect(forecastQuantiles(input, P)).toEqual(countForecastQuantiles(input, P));
    const continuous = { ...input, discrete: false };
    expect(forecastQuantiles(continuous, P)).toEqual(conformalQuantiles(continuous, P));
  });
  it('checks its input as the conformal quantiles do', () => {
    expect(() => countForecastQuantiles(input, [0.5, 0.25])).toThrow(/ascending/);
    expect(() => countForecastQuantiles({ ...input, sd: [1] }, P)).toThrow(/mean and sd of the same length/);
  });
});

describe('conformalIntervals of count data: type-6 ranks (step 3a) and the tail rule (step 3b)', () => {
  // one origin of M = N scores k - c (k = 0..M-1) with sd 1 at every step: the count scores spread
  // over ±0.5 form the uniform distribution on [-c - 0.5, M - c - 0.5], whose quantile at p is
  // -c - 0.5 + M·p; final sd 0, so every bound is f + w·q with w = M / (M + 9)
  const scores = (m: number, c: number) => ({
    actuals: [Float64Array.from({ length: m }, (_, k) => k - c)],
    forecasts: [new Float64Array(m)],
    sds: [new Float64Array(m).fill(1)],
    mean: [20],
    sd: [0],
    discrete: true,
  });
  it('reads an interior rank at the fractional rank (M+1)·tau itself, an extreme one at its outer end', () => {
    // M = 19, scores -9..9: 80% upper rank (M+1)·0.9 = 18 -> p = (18 - 0.5)/19, q = -9.5 + 17.5 = 8,
    // the 18th score (before: p = 18/19, q = 8.5); lower rank 20·0.1 = 2 -> q = -9.5 + 1.5 = -8;
    // 90% upper rank 20·0.95 = 19 = M, an extreme: p = 1, q = 9.5 (the largest score's outer end);
    // lower rank 20·0.05 = 1: p = 0, q = -9.5
    const w = 19 / 28;
    const b = conformalIntervals({ ...scores(19, 9), levels: [80, 90] });
    expect(b.hi['80'][0]).toBeCloseTo(20 + w * 8, 7);
    expect(b.lo['80'][0]).toBeCloseTo(20 - w * 8, 7);
    expect(b.hi['90'][0]).toBeCloseTo(20 + w * 9.5, 7);
    expect(b.lo['90'][0]).toBeCloseTo(20 - w * 9.5, 7);
  });
  it('interpolates between two scores at a fractional rank', () => {
    // M = 24, scores -12..11: 80% upper rank 25·0.9 = 22.5 -> p = 22/24, q = -12.5 + 22 = 9.5,
    // halfway between the 22nd and 23rd scores (9 and 10)
    const b = conformalIntervals({ ...scores(24, 12), levels: [80] });
    expect(b.hi['80'][0]).toBeCloseTo(20 + (24 / 33) * 9.5, 7);
  });
  it('carries the outer bound out by the long history\'s quantile spacing when that reaches further', () => {
    // M = 42, scores -20..21 (uniform on [-20.5, 21.5]): 80% upper at rank 43·0.9 = 38.7 ->
    // q = -20.5 + 38.2 = 17.7; 95% upper rank 42 = M -> q = 21.5 (the largest score's outer end).
    // A tail shape whose 0.975 quantile lies 5 above its 0.9 one carries the 95% bound to
    // 17.7 + 5 = 22.7; lower side: 80% at 43·0.1 = 4.3 -> q = -20.5 + 3.8 = -16.7, 95% rank 1 ->
    // -20.5; a spacing of 2 reaches -18.7, inside -20.5: unchanged
    const w = 42 / 51;
    const tail = { '0.025': -3, '0.05': -1, '0.1': -1, '0.2': -1, '0.5': 0, '0.8': 1, '0.9': 1, '0.95': 2, '0.975': 6 };
    const b = conformalIntervals({ ...scores(42, 20), levels: [80, 95], tail });
    expect(b.hi['80'][0]).toBeCloseTo(20 + w * 17.7, 7);
    expect(b.hi['95'][0]).toBeCloseTo(20 + w * 22.7, 7);
    expect(b.lo['95'][0]).toBeCloseTo(20 - w * 20.5, 7);
    // without a tail shape (or with a spacing inside the backtest's own) the 95% bound is the backtest's
    expect(conformalIntervals({ ...scores(42, 20), levels: [80, 95] }).hi['95'][0]).toBeCloseTo(20 + w * 21.5, 7);
    expect(conformalIntervals({ ...scores(42, 20), levels: [80, 95], tail: { ...tail, '0.975': 2 } }).hi['95'][0]).toBeCloseTo(20 + w * 21.5, 7);
  });
  it('applies the tail spacing to the one-sided bound of a count forecast near zero', () => {
    // forecast 1: the 80% lower bound 1 - w·16.7 < 0.5 -> one-sided [0, f + w·q] with q at tau = 0.8
    // (rank 43·0.8 = 34.4: q = -20.5 + 33.9 = 13.4) and at 0.95 (rank 40.85: q = -20.5 + 40.35 = 19.85);
    // a one-sided spacing Q(0.95) - Q(0.8) = 8 gives 13.4 + 8 = 21.4
    const w = 42 / 51;
    const tail = { '0.025': -1, '0.05': -1, '0.1': -1, '0.2': -1, '0.5': 0, '0.8': 1, '0.9': 1, '0.95': 9, '0.975': 1 };
    const b = conformalIntervals({ ...scores(42, 20), mean: [1], levels: [80, 95], tail });
    expect(b.lo['80'][0]).toBe(0);
    expect(b.hi['80'][0]).toBeCloseTo(1 + w * 13.4, 7);
    expect(b.hi['95'][0]).toBeCloseTo(1 + w * 21.4, 7);
  });
});

describe('an aggregate\'s level sd (step 4b)', () => {
  // one origin, errors -2..2 (M = N = 5, blended median 0), final sd 0: the backtest interval alone
  const base = {
    actuals: [f64(-2, -1, 0, 1, 2)],
    forecasts: [new Float64Array(5)],
    sds: [new Float64Array(5)],
    mean: [10, 10],
    sd: [0, 0],
    levels: [80, 95],
  };
  it('is the level\'s normal interval where the backtest has no spread (hand-computed)', () => {
    const flat = { ...base, actuals: [new Float64Array(5)], levelSd: [2, 4] };
    const b = conformalIntervals(flat);
    // Φ⁻¹(0.9) = 1.28155157, Φ⁻¹(0.975) = 1.95996398 (normalQuantile: relative error < 1.2e-9)
    expect(b.hi['80'][0]).toBeCloseTo(10 + 1.2815515655446004 * 2, 7);
    expect(b.lo['80'][1]).toBeCloseTo(10 - 1.2815515655446004 * 4, 7);
    expect(b.hi['95'][0]).toBeCloseTo(10 + 1.959963984540054 * 2, 7);
  });
  it('adds to the backtest\'s distance from the median in quadrature, and without it changes nothing', () => {
    const plain = conformalIntervals(base);
    expect(conformalIntervals({ ...base, levelSd: null })).toEqual(plain);
    const wide = conformalIntervals({ ...base, levelSd: [3, 0] });
    const z = { '80': normalQuantile(0.9), '95': normalQuantile(0.975) };
    for (const k of ['80', '95'] as const) {
      expect(wide.hi[k][0]).toBeCloseTo(10 + Math.hypot(plain.hi[k][0] - 10, z[k] * 3), 9);
      expect(wide.lo[k][0]).toBeCloseTo(10 - Math.hypot(10 - plain.lo[k][0], z[k] * 3), 9);
      // a step with no level sd keeps the backtest's bounds
      expect(wide.hi[k][1]).toBe(plain.hi[k][1]);
    }
  });
  it('adds its variance to the count quantiles\' negative binomial', () => {
    const input = { ...base, mean: [3, 3], sd: [1, 1], discrete: true };
    const P = [0.1, 0.5, 0.9];
    // w = 5 / 14, rms² = 2, sd 1: v = 5/14·2 + 9/14·1 = 19/14; plus 2² at step 0
    const q = countForecastQuantiles({ ...input, levelSd: [2, 0] }, P);
    const want0 = countQuantiles(3, 19 / 14 + 4, P);
    const want1 = countQuantiles(3, 19 / 14, P);
    expect(q.map((x) => x[0])).toEqual(want0);
    expect(q.map((x) => x[1])).toEqual(want1);
    expect(want0[2]).toBeGreaterThan(want1[2]);
  });
});
