import { describe, expect, it } from 'vitest';
import { regression } from '../../models/regression.js';
import { R, expectAllClose } from './reference/r-reference.js';

const ref = R.regression;
const n = 42;
const y = Float64Array.from(ref.y as number[]);
const regs = (extra: Record<string, number[]> = {}) => {
  const names = ['snap', 'price', ...Object.keys(extra)];
  const values = [ref.snap as number[], ref.price as number[], ...Object.values(extra)].map((v) => Float64Array.from(v));
  return { names, values };
};

describe('regression against R lm (R 4.2.2)', () => {
  it('lm(y ~ trend + dow + snap + price): coefficients, forecasts, prediction sd and fitted values', () => {
    const inp = { y, season: 7, firstDow: ref.firstDow, regressors: regs() };
    const st = regression.fit(inp);
    expect(st.regressors).toEqual(['snap', 'price']);
    const w = Object.fromEntries(st.features.map((f, i) => [f, st.weights[i]]));
    expect(w.intercept).toBeCloseTo(ref.coef['(Intercept)'], 8);
    expect(w.trend).toBeCloseTo(ref.coef.trend, 8);
    for (let p = 1; p <= 6; p++) expect(w[`dow${p}`]).toBeCloseTo(ref.coef[`dow${p}`], 8);
    expect(w.snap).toBeCloseTo(ref.coef.snap, 8);
    expect(w.price).toBeCloseTo(ref.coef.price, 8);
    expect(st.sigma).toBeCloseTo(ref.sigma, 10);
    const fc = regression.forecast(st, 7, inp);
    expectAllClose(fc.mean, ref.mean, 1e-9);
    // sd = sqrt(se.fit^2 + sigma^2): R predict(fit, newdata, se.fit = TRUE)
    expectAllClose(fc.sd, ref.sd, 1e-9);
    expectAllClose(regression.fittedValues(st, inp).subarray(0, 5), ref.fitted, 1e-9);
  });

  it('without regressors: lm(y ~ trend + dow)', () => {
    const r0 = R.regression_plain;
    const inp = { y, season: 7, firstDow: ref.firstDow };
    const st = regression.fit(inp);
    expect(st.regressors).toEqual([]);
    expect(st.sigma).toBeCloseTo(r0.sigma, 10);
    const fc = regression.forecast(st, 7, inp);
    expectAllClose(fc.mean, r0.mean, 1e-9);
    expectAllClose(fc.sd, r0.sd, 1e-9);
  });
});

describe('regression preparation rules', () => {
  it('drops a regressor that never varies in the history and fills NaN from neighbours', () => {
    const event = new Array(49).fill(0);
    event[45] = 1; // only in the horizon: cannot be estimated
    const price = (ref.price as number[]).slice();
    price[0] = NaN; // back-filled with the first finite value (2.5), as the R fixture has
    price[30] = NaN; // forward-filled with 2.0
    const inp = { y, season: 7, firstDow: ref.firstDow, regressors: { names: ['snap', 'price', 'event'], values: [Float64Array.from(ref.snap), Float64Array.from(price), Float64Array.from(event)] } };
    const st = regression.fit(inp);
    expect(st.regressors).toEqual(['snap', 'price']);
    expectAllClose(regression.forecast(st, 7, inp).mean, ref.mean, 1e-9);
  });

  it('needs regressors covering the horizon, and for every day of the history', () => {
    const inp = { y, season: 7, firstDow: ref.firstDow, regressors: regs() };
    const st = regression.fit(inp);
    expect(() => regression.forecast(st, 8, inp)).toThrow('regression.forecast needs regressor "snap" for 50 days (history and horizon)');
    expect(() => regression.forecast(st, 3, { y, season: 7, firstDow: 2 })).toThrow(/needs the regressors it was fitted with: snap, price/);
    const short = { y, season: 7, firstDow: 2, regressors: { names: ['snap'], values: [new Float64Array(10)] } };
    expect(() => regression.fit(short)).toThrow('regression.fit needs regressor "snap" for every day of the history (42), got 10');
  });

  it('zeros, constants and trailing zeros: finite forecasts; fewer than 14 days throws', () => {
    for (const v of [new Array(30).fill(0), new Array(30).fill(4), [...new Array(20).fill(3), ...new Array(10).fill(0)]]) {
      const inp = { y: Float64Array.from(v), season: 7, firstDow: 0 };
      const st = regression.fit(inp);
      const fc = regression.forecast(st, 28, inp);
      for (let j = 0; j < 28; j++) expect(Number.isFinite(fc.mean[j]) && Number.isFinite(fc.sd[j])).toBe(true);
      const back = JSON.parse(JSON.stringify(st));
      expect(Array.from(regression.forecast(back, 28, inp).mean)).toEqual(Array.from(fc.mean));
    }
    const c = { y: new Float64Array(30).fill(4), season: 7, firstDow: 0 };
    expectAllClose(regression.forecast(regression.fit(c), 3, c).mean, [4, 4, 4], 1e-9);
    expect(() => regression.fit({ y: new Float64Array(13), season: 7, firstDow: 0 })).toThrow('regression.fit needs at least 14 observations, got 13');
  });
});

describe('regression with seasonal cycles (input.cycles)', () => {
  const P = 365.25 / 7;
  it('adds Fourier terms for a yearly cycle of weekly data and no seasonal dummies (season 52 > 31)', () => {
    const truth = (t: number) => 30 + 0.1 * t + 6 * Math.cos((2 * Math.PI * t) / P) + 3 * Math.sin((4 * Math.PI * t) / P);
    const n = 156;
    let seed = 17;
    const noise = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0), seed / 2 ** 32 - 0.5);
    const yy = Float64Array.from({ length: n }, (_, t) => truth(t) + noise());
    const inp = { y: yy, season: 52, cycles: [P], firstDow: 0, frequency: 'week' as const };
    const st = regression.fit(inp);
    expect(st.fourier).toEqual([{ period: P, harmonics: 2 }]);
    expect(st.features).toEqual(['trend', 'fourier52.18_cos1', 'fourier52.18_sin1', 'fourier52.18_cos2', 'fourier52.18_sin2', 'intercept']);
    const fc = regression.forecast(st, 10, inp);
    for (let j = 0; j < 10; j++) expect(Math.abs(fc.mean[j] - truth(n + j))).toBeLessThan(1);
  });
  it('uses seasonal dummies only with two seasons in the window (15 months: none)', () => {
    const yy = Float64Array.from({ length: 15 }, (_, t) => 10 + t + (t % 12 === 11 ? 20 : 0));
    const st = regression.fit({ y: yy, season: 12, cycles: [], firstDow: 0, frequency: 'month' });
    expect(st.features).toEqual(['trend', 'intercept']);
    const st2 = regression.fit({ y: Float64Array.from({ length: 24 }, (_, t) => 10 + t + (t % 12 === 11 ? 20 : 0)), season: 12, cycles: [12], firstDow: 0, frequency: 'month' });
    expect(st2.features).toContain('season11');
  });
});

describe('regression sums, to the last bit', () => {
  // the design by the feature names (trend, dow1..dow6, regressors, intercept) at day t
  const feature = (name: string, t: number, st: ReturnType<typeof regression.fit>, values: Record<string, Float64Array>): number => {
    if (name === 'intercept') return 1;
    if (name === 'trend') return (t - st.start) / st.span;
    if (name.startsWith('dow')) return (st.firstDow + t) % 7 === Number(name.slice(3)) ? 1 : 0;
    if (name.startsWith('season')) return t % st.season === Number(name.slice(6)) ? 1 : 0;
    return values[name][t];
  };
  it('sigma and forecast sd are those of the row-by-row definition (odd and even lengths and horizons)', () => {
    for (const [len, season] of [[42, 7], [41, 7], [41, 5]]) {
      const r = regs();
      const inp = { y: y.subarray(0, len), season, firstDow: ref.firstDow, regressors: r };
      const st = regression.fit(inp);
      const values = Object.fromEntries(r.names.map((name, j) => [name, r.values[j]]));
      const p = st.weights.length;
      expect(st.features[p - 1]).toBe('intercept');
      expect(st.features.filter((f) => f.startsWith(season === 7 ? 'dow' : 'season')).length).toBe(season - 1);
      let sse = 0;
      for (let t = 0; t < len; t++) {
        let mu = st.weights[p - 1];
        for (let a = 0; a < p - 1; a++) mu += st.weights[a] * feature(st.features[a], t, st, values);
        sse += (inp.y[t] - mu) ** 2;
      }
      expect(st.sigma).toBe(Math.sqrt(sse / (len - p)));
      const horizons = [1, 6, 7].filter((k) => len + k <= ref.snap.length);
      expect(horizons.length).toBeGreaterThan(1);
      for (const h of horizons) {
        const fc = regression.forecast(st, h, inp);
        for (let i = 0; i < h; i++) {
          const x = st.features.map((f) => feature(f, len + i, st, values));
          let mu = 0;
          let q = 0;
          for (let a = 0; a < p; a++) {
            mu += st.weights[a] * x[a];
            let s = 0;
            for (let b = 0; b < p; b++) s += st.covariance[a][b] * x[b];
            q += x[a] * s;
          }
          expect(fc.mean[i]).toBe(mu);
          expect(fc.sd[i]).toBe(Math.sqrt(st.sigma * st.sigma + Math.max(0, q)));
        }
      }
    }
  });
});
