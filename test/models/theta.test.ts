import { describe, expect, it } from 'vitest';
import { classicalDecomposition } from '../../models/decompose.js';
import { fitSes } from '../../models/ses.js';
import { fitTheta, isSeasonal, theta } from '../../models/theta.js';
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
