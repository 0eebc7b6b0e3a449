import { describe, expect, it } from 'vitest';
import { fitSes, ses, sesConcentratedSse, sesFilter, sesForecastSd, sesSse } from '../../models/ses.js';
import { R, expectAllClose, fixture } from './reference/r-reference.js';

const input = (y: ArrayLike<number>) => ({ y: Float64Array.from(y), season: 1, firstDow: 0 });

describe('ses: hand-computed cases', () => {
  it('filters y = [1, 2, 3] with alpha 0.5 from l0 = 1', () => {
    // l: 1 -> 1 -> 1.5 -> 2.25; errors 0, 1, 1.5; SSE 3.25
    const y = Float64Array.of(1, 2, 3);
    const fitted = new Float64Array(3);
    expect(sesFilter(y, 0.5, 1, fitted)).toBe(2.25);
    expect(Array.from(fitted)).toEqual([1, 1, 1.5]);
    expect(sesSse(y, 0.5, 1)).toBe(3.25);
  });

  it('chooses the least-squares initial level: y = [2, 4], alpha 0.5 gives l0 = 2.8, SSE 3.2', () => {
    // SSE(l0) = (2 - l0)^2 + (3 - l0 / 2)^2, minimised at l0 = 7 / 2.5 = 2.8: 0.64 + 2.56
    const out = new Float64Array(2);
    const sse = sesConcentratedSse(Float64Array.of(2, 4), 0.5, out);
    expect(sse).toBeCloseTo(3.2, 12);
    expect(out[0]).toBeCloseTo(2.8, 12);
    expect(out[1]).toBeCloseTo(2.8 + 0.5 * (2 - 2.8) + 0.5 * (4 - (2.8 + 0.5 * (2 - 2.8))), 12);
  });

  it('gives a per-step sd of sigma sqrt(1 + alpha^2 (h - 1))', () => {
    expect(Array.from(sesForecastSd(2, 0.5, 3))).toEqual([2, 2 * Math.sqrt(1.25), 2 * Math.sqrt(1.5)]);
  });
});

describe('ses against R forecast 8.20', () => {
  const lake = fixture('LakeHuron');

  it('optimised fit has an SSE no larger than R ses() and the same forecast', () => {
    // R: ses(LakeHuron, h = 3) -> alpha 0.9998999, l 580.3808, SSE 53.86642503, mean 579.959993
    const ref = R.ses_lake;
    const f = fitSes(lake);
    expect(f.sse).toBeLessThanOrEqual(ref.sse * (1 + 1e-12));
    expect(f.sse).toBeGreaterThan(ref.sse * (1 - 1e-4)); // the same optimum, not a different model
    const state = ses.fit(input(lake));
    const fc = ses.forecast(state, 3, input(lake));
    expectAllClose(fc.mean, ref.mean, 1e-6);
    expect(state.sigma ** 2).toBeCloseTo(ref.sigma2, 4); // sigma^2 = SSE / (n - 2), as ets
    expectAllClose(fc.sd, ref.sd, 1e-4);
  });

  it('at R fixed alpha 0.3 finds the least-squares l0 and matches mean and sd', () => {
    // R: ets(LakeHuron, "ANN", alpha = 0.3, opt.crit = "mse") -> l 580.83538, SSE 83.46370172
    const ref = R.ses_lake_a03;
    const f = fitSes(lake, { alpha: 0.3 });
    expect(f.sse).toBeLessThanOrEqual(ref.sse * (1 + 1e-12));
    expect(f.level0).toBeCloseTo(ref.par.l, 2);
    expectAllClose(new Float64Array(3).fill(f.level), ref.mean, 1e-9);
    const sigma = Math.sqrt(f.sse / (lake.length - 2));
    expectAllClose(sesForecastSd(sigma, 0.3, 3), ref.sd, 1e-6);
  });

  it('with initial = "simple" reproduces R fitted values, SSE, mean and sd exactly', () => {
    // R: ses(LakeHuron, alpha = 0.3, initial = "simple", h = 3); HoltWintersZZ sigma2 = mean(residuals^2)
    const ref = R.ses_lake_simple;
    const f = fitSes(lake, { alpha: 0.3, initial: 'simple' });
    expect(f.sse).toBeCloseTo(ref.sse, 9);
    const fitted = new Float64Array(lake.length);
    sesFilter(lake, 0.3, lake[0], fitted);
    expectAllClose(fitted.subarray(0, 5), ref.fitted, 1e-12);
    expectAllClose(new Float64Array(3).fill(f.level), ref.mean, 1e-12);
    expectAllClose(sesForecastSd(Math.sqrt(f.sse / lake.length), 0.3, 3), ref.sd, 1e-10);
  });
});

describe('ses model', () => {
  it('estimates alpha on the most recent window only', () => {
    const y = Float64Array.from({ length: 200 }, (_, t) => (t < 150 ? 10 : 10 + ((t * 7919) % 13) - 6));
    const full = fitSes(y, { window: 50 });
    const tail = fitSes(y.subarray(150));
    expect(full.alpha).toBeCloseTo(tail.alpha, 8);
  });

  it('fitted values are one-step forecasts that end in the forecast', () => {
    const y = Float64Array.of(3, 5, 4, 6, 8, 7, 9, 8);
    const st = ses.fit(input(y));
    const fv = ses.fittedValues(st, input(y));
    expect(fv[0]).toBeCloseTo(st.level0, 12);
    for (let t = 1; t < y.length; t++) expect(fv[t]).toBeCloseTo(fv[t - 1] + st.alpha * (y[t - 1] - fv[t - 1]), 12);
    const last = fv[y.length - 1] + st.alpha * (y[y.length - 1] - fv[y.length - 1]);
    expect(ses.forecast(st, 1, input(y)).mean[0]).toBeCloseTo(last, 12);
  });

  it('handles zeros, constants and trailing zeros without NaN', () => {
    const zeros = ses.fit(input(new Float64Array(30)));
    expect(Array.from(ses.forecast(zeros, 3, input(new Float64Array(30))).mean)).toEqual([0, 0, 0]);
    expect(zeros.sigma).toBe(0);
    const c = input(new Float64Array(20).fill(4));
    const cs = ses.fit(c);
    expectAllClose(ses.forecast(cs, 2, c).mean, [4, 4], 1e-12);
    const tz = input([5, 6, 5, 7, 6, 0, 0, 0, 0, 0, 0, 0]);
    const ts = ses.fit(tz);
    const fc = ses.forecast(ts, 5, tz);
    for (const v of [...fc.mean, ...fc.sd]) expect(Number.isFinite(v)).toBe(true);
    expect(fc.mean[0]).toBeLessThan(5);
    const two = ses.fit(input([3, 4]));
    expect(Number.isFinite(ses.forecast(two, 1, input([3, 4])).mean[0])).toBe(true);
  });

  it('rejects one observation, NaN and a bad horizon with clear messages', () => {
    expect(() => ses.fit(input([1]))).toThrow('ses.fit needs at least 2 observations, got 1');
    expect(() => ses.fit(input([1, NaN, 2]))).toThrow(/ses.fit needs finite observations, got NaN at index 1/);
    const st = ses.fit(input([1, 2, 3]));
    expect(() => ses.forecast(st, 0, input([1, 2, 3]))).toThrow(/ses.forecast needs a positive integer horizon/);
  });

  it('state survives a JSON round trip', () => {
    const y = input([3, 5, 4, 6, 8, 7, 9, 8]);
    const st = ses.fit(y);
    const back = JSON.parse(JSON.stringify(st));
    expect(Array.from(ses.forecast(back, 4, y).mean)).toEqual(Array.from(ses.forecast(st, 4, y).mean));
  });
});
