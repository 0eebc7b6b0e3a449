import { describe, expect, it } from 'vitest';
import { fitHoltDamped, holtDamped, holtDampedConcentratedSse, holtDampedFilter, holtDampedForecast } from '../../models/holt-damped.js';
import { R, expectAllClose, fixture } from './reference/r-reference.js';

const input = (y: ArrayLike<number>) => ({ y: Float64Array.from(y), season: 1, firstDow: 0 });

describe('holt-damped: hand-computed', () => {
  it('filters y = [10, 12, 13] from l0 = 9, b0 = 1 with alpha 0.5, beta 0.25, phi 0.8', () => {
    // t0: yhat = 9 + 0.8 = 9.8, e = 0.2, l = 9.9, b = 0.8 + 0.05 = 0.85
    // t1: yhat = 9.9 + 0.68 = 10.58, e = 1.42, l = 11.29, b = 0.68 + 0.355 = 1.035
    // t2: yhat = 11.29 + 0.828 = 12.118, e = 0.882, l = 12.559, b = 0.828 + 0.2205 = 1.0485
    const fitted = new Float64Array(3);
    const [sse, l, b] = holtDampedFilter(Float64Array.of(10, 12, 13), 0.5, 0.25, 0.8, 9, 1, fitted);
    expectAllClose(fitted, [9.8, 10.58, 12.118], 1e-12);
    expect(sse).toBeCloseTo(0.04 + 1.42 ** 2 + 0.882 ** 2, 12);
    expect(l).toBeCloseTo(12.559, 12);
    expect(b).toBeCloseTo(1.0485, 12);
    // forecast: l + (0.8 + 0.64) b; sd step 2 = sigma sqrt(1 + (alpha + beta phi)^2) = sqrt(1 + 0.7^2)
    const fc = holtDampedForecast(l, b, 0.5, 0.25, 0.8, 1, 2);
    expectAllClose(fc.mean, [12.559 + 0.8 * 1.0485, 12.559 + 1.44 * 1.0485], 1e-12);
    expectAllClose(fc.sd, [1, Math.sqrt(1.49)], 1e-12);
  });

  it('the concentrated SSE equals the filter SSE at the initial states it returns, and is minimal', () => {
    const y = Float64Array.of(5, 7, 6, 9, 11, 10, 13, 12, 15, 14);
    const out = new Float64Array(4);
    const sse = holtDampedConcentratedSse(y, 0.4, 0.1, 0.9, out);
    const [sse2, l, b] = holtDampedFilter(y, 0.4, 0.1, 0.9, out[0], out[1]);
    expect(sse).toBeCloseTo(sse2, 9);
    expect(l).toBeCloseTo(out[2], 9);
    expect(b).toBeCloseTo(out[3], 9);
    for (const [dl, db] of [
      [0.01, 0],
      [-0.01, 0],
      [0, 0.01],
      [0, -0.01],
    ]) {
      expect(holtDampedFilter(y, 0.4, 0.1, 0.9, out[0] + dl, out[1] + db)[0]).toBeGreaterThan(sse);
    }
  });
});

describe('holt-damped against R forecast 8.20', () => {
  const bj = fixture('BJsales');

  it('optimised SSE is no larger than R ets(BJsales, "AAN", damped = TRUE, opt.crit = "mse")', () => {
    const ref = R.holt_bj; // alpha 0.9638, beta 0.2966, phi 0.8735, SSE 264.230978
    const f = fitHoltDamped(bj);
    expect(f.sse).toBeLessThanOrEqual(ref.sse);
    expect(f.sse).toBeGreaterThan(ref.sse * (1 - 1e-3));
    expect(f.phi).toBeCloseTo(ref.par.phi, 2);
    const st = holtDamped.fit(input(bj));
    const fc = holtDamped.forecast(st, 5, input(bj));
    expectAllClose(fc.mean, ref.mean, 1e-4);
    expectAllClose(fc.sd, ref.sd, 2e-3);
    expect(st.sigma ** 2).toBeCloseTo(ref.sigma2, 3); // SSE / (n - 5)
  });

  it('at R fixed alpha 0.5, beta 0.2, phi 0.9: least-squares initial states, same forecasts and sd', () => {
    const ref = R.holt_bj_fixed; // ets(BJsales, "AAN", damped = TRUE, alpha = 0.5, beta = 0.2, phi = 0.9, opt.crit = "mse")
    const f = fitHoltDamped(bj, { params: { alpha: 0.5, beta: 0.2, phi: 0.9 } });
    expect(f.sse).toBeLessThanOrEqual(ref.sse);
    expect(f.level0).toBeCloseTo(ref.par.l, 2);
    expect(f.trend0).toBeCloseTo(ref.par.b, 2);
    const sigma = Math.sqrt(f.sse / (bj.length - 5));
    const fc = holtDampedForecast(f.level, f.trend, 0.5, 0.2, 0.9, sigma, 5);
    expectAllClose(fc.mean, ref.mean, 1e-7);
    expectAllClose(fc.sd, ref.sd, 1e-6);
  });
});

describe('holt-damped model edge cases', () => {
  it('zeros, constants, trailing zeros and short series give finite forecasts', () => {
    for (const y of [new Array(30).fill(0), new Array(30).fill(7), [5, 6, 7, 8, 0, 0, 0, 0, 0, 0], [1, 2, 3, 4]]) {
      const inp = input(y);
      const st = holtDamped.fit(inp);
      const fc = holtDamped.forecast(st, 28, inp);
      for (let j = 0; j < 28; j++) {
        expect(Number.isFinite(fc.mean[j])).toBe(true);
        expect(fc.sd[j]).toBeGreaterThanOrEqual(0);
      }
      expect(holtDamped.fittedValues(st, inp).every(Number.isFinite)).toBe(true);
    }
    const c = input(new Array(30).fill(7));
    expectAllClose(holtDamped.forecast(holtDamped.fit(c), 3, c).mean, [7, 7, 7], 1e-9);
  });

  it('rejects fewer than 4 observations', () => {
    expect(() => holtDamped.fit(input([1, 2, 3]))).toThrow('holt-damped.fit needs at least 4 observations, got 3');
  });
});
