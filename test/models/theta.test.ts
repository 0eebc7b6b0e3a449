import { describe, expect, it } from 'vitest';
import { classicalDecomposition } from '../../models/decompose.js';
import { fitSes } from '../../models/ses.js';
import { fitTheta, isSeasonal, splitCycles, theta } from '../../models/theta.js';
import { R, expectAllClose, fixture } from './reference/r-reference.js';

const input = (y: ArrayLike<number>, season: number) => ({ y: Float64Array.from(y), season, firstDow: 0 });

describe('theta against R forecast 8.20 thetaf', () => {
  it('thetaf(LakeHuron, h = 5): no seasonality, SES with drift', () => {
    const ref = R.theta_lake;
    const inp = input(fixture('LakeHuron'), 1);
    const st = theta.fit(inp);
    expect(st.seasonal).toBe('none');
    expect(st.drift).toBeCloseTo(ref.drift, 12); // half the least-squares slope
    const fc = theta.forecast(st, 5, inp);
    expectAllClose(fc.mean, ref.mean, 1e-6);
    expectAllClose(fc.sd, ref.sd, 1e-4);
  });

  it('thetaf(AirPassengers, h = 14): multiplicative seasonal adjustment (m = 12)', () => {
    const ref = R.theta_air;
    const inp = input(fixture('AirPassengers'), 12);
    const st = theta.fit(inp);
    expect(st.seasonal).toBe('multiplicative');
    expect(st.alpha).toBeCloseTo(ref.alpha, 3);
    expect(st.drift).toBeCloseTo(ref.drift, 10);
    // at R's alpha the formulas agree to rounding (the initial level is forgotten: 0.16^144)
    const atR = fitTheta(inp.y, 12, { alpha: ref.alpha });
    const fcR = theta.forecast(atR, 14, inp);
    expectAllClose(fcR.mean, ref.mean, 1e-10);
    expect(atR.sigma).toBeLessThanOrEqual(ref.sd[0] * (1 + 1e-9)); // sd[0] is R sigma; our l0 is least squares
    expectAllClose(theta.fittedValues(atR, inp).subarray(2, 5), ref.fitted.slice(2), 1e-3);
    // with our own alpha (SSE no larger than at R's alpha) the forecasts differ by R's optimiser tolerance
    const fc = theta.forecast(st, 14, inp);
    expectAllClose(fc.mean, ref.mean, 1e-5);
    expectAllClose(fc.sd, ref.sd, 3e-4);
  });

  it('thetaf(ts(w56, frequency = 7), h = 10): weekly season, positive series', () => {
    const ref = R.theta_w56;
    const inp = input(fixture('w56'), 7);
    const st = theta.fit(inp);
    expect(st.seasonal).toBe('multiplicative');
    expect(st.alpha).toBeCloseTo(ref.alpha, 3);
    const fc = theta.forecast(st, 10, inp);
    expectAllClose(fc.mean, ref.mean, 1e-5);
    expectAllClose(fc.sd, ref.sd, 1e-4);
  });

  it('series with zero days: additive adjustment, as thetaf steps with decompose(type = "additive")', () => {
    const ref = R.theta_w56z_additive;
    const y = fixture('w56z');
    expect(ref.seasonalStat).toBeGreaterThan(1.6448536269514722);
    expect(isSeasonal(y, 7)).toBe(true);
    expectAllClose(classicalDecomposition(y, 7, 'additive').figure, ref.figure, 1e-12);
    const inp = input(y, 7);
    const st = theta.fit(inp);
    expect(st.seasonal).toBe('additive');
    expect(st.drift).toBeCloseTo(ref.drift, 10);
    // SES on the adjusted series: our optimum is at least as good as R's alpha
    const x = Float64Array.from(y, (v, t) => v - ref.figure[t % 7]);
    expect(fitSes(x).sse).toBeLessThanOrEqual(fitSes(x, { alpha: ref.alpha }).sse);
    const fc = theta.forecast(st, 10, inp);
    expectAllClose(fc.mean, ref.mean, 5e-5);
    expectAllClose(fc.sd, ref.sd, 1e-4);
    const fcR = theta.forecast(fitTheta(y, 7, { alpha: ref.alpha }), 10, inp);
    expectAllClose(fcR.mean, ref.mean, 1e-5);
  });
});

describe('theta model', () => {
  it('no seasonal adjustment for short, constant or aseasonal series', () => {
    expect(isSeasonal(new Float64Array(14).fill(1), 7)).toBe(false); // n <= 2m
    expect(isSeasonal(new Float64Array(60).fill(3), 7)).toBe(false); // constant
    const noise = Float64Array.from({ length: 70 }, (_, t) => ((t * 7919) % 101) / 10);
    expect(fitTheta(noise, 7).seasonal).toBe(isSeasonal(noise, 7) ? 'multiplicative' : 'none');
  });

  it('zeros, constants and trailing zeros give finite forecasts; constants forecast themselves', () => {
    for (const y of [new Array(40).fill(0), new Array(40).fill(6), [...new Array(30).fill(2), ...new Array(10).fill(0)], [1, 2, 3]]) {
      const inp = input(y, 7);
      const st = theta.fit(inp);
      const fc = theta.forecast(st, 28, inp);
      for (let j = 0; j < 28; j++) {
        expect(Number.isFinite(fc.mean[j])).toBe(true);
        expect(Number.isFinite(fc.sd[j])).toBe(true);
      }
    }
    const c = input(new Array(40).fill(6), 7);
    expectAllClose(theta.forecast(theta.fit(c), 3, c).mean, [6, 6, 6], 1e-9);
  });

  it('rejects fewer than 3 observations', () => {
    expect(() => theta.fit(input([1, 2], 7))).toThrow('theta.fit needs at least 3 observations, got 2');
  });
});

describe('theta with seasonal cycles (input.cycles)', () => {
  const P = 365.25 / 7;
  /** Deterministic noise in [-0.5, 0.5). */
  const noise = (seed: number) => {
    let s = seed >>> 0;
    return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32 - 0.5);
  };
  it('splits cycles into the classical season (whole, <= 24) and Fourier cycles', () => {
    expect(splitCycles([7, 365.25], 24)).toEqual({ m: 7, fourier: [365.25] });
    expect(splitCycles([P], 24)).toEqual({ m: 1, fourier: [P] });
    expect(splitCycles([12], 24)).toEqual({ m: 12, fourier: [] });
    expect(splitCycles([], 24)).toEqual({ m: 1, fourier: [] });
  });
  it('with cycles [7] is thetaf with season 7, exactly', () => {
    const y = Float64Array.from({ length: 120 }, (_, t) => 10 + (t % 7) * 2 + ((t * 37) % 5));
    expect(theta.fit({ y, season: 7, cycles: [7], firstDow: 0 })).toEqual(theta.fit({ y, season: 7, firstDow: 0 }));
  });
  it('removes and forecasts a yearly cycle of 52.18 weeks by Fourier terms', () => {
    const r = noise(9);
    const truth = (t: number) => 50 + 0.05 * t + 8 * Math.sin((2 * Math.PI * t) / P);
    const n = 160;
    const y = Float64Array.from({ length: n }, (_, t) => truth(t) + r());
    const inp = { y, season: 52, cycles: [P], firstDow: 0, frequency: 'week' as const };
    const st = theta.fit(inp);
    expect(st.seasonal).toBe('none');
    expect(st.fourier).toHaveLength(1);
    expect(st.fourier[0].harmonics).toBeGreaterThanOrEqual(1);
    const fc = theta.forecast(st, 13, inp);
    for (let j = 0; j < 13; j++) expect(Math.abs(fc.mean[j] - truth(n + j))).toBeLessThan(1.5);
    // fitted values carry the season too
    const fit = theta.fittedValues(st, inp);
    expect(Math.abs(fit[100] - truth(100))).toBeLessThan(2);
    // without the cycle the forecast cannot follow it
    const flat = theta.forecast(theta.fit({ ...inp, cycles: [] }), 13, inp);
    let worst = 0;
    for (let j = 0; j < 13; j++) worst = Math.max(worst, Math.abs(flat.mean[j] - truth(n + j)));
    expect(worst).toBeGreaterThan(5);
  });
});
