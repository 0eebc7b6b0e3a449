import { describe, expect, it } from 'vitest';
import { naive } from '../../models/naive.js';
import { seasonalNaive } from '../../models/seasonal-naive.js';
import { R, expectAllClose, fixture } from './reference/r-reference.js';

describe('naive and seasonal naive against R forecast 8.20', () => {
  it('naive(LakeHuron, h = 3): last value, sd sigma sqrt(h)', () => {
    const y = fixture('LakeHuron');
    const inp = { y, season: 1, firstDow: 0 };
    const fc = naive.forecast(naive.fit(inp), 3, inp);
    expectAllClose(fc.mean, R.naive_lake.mean, 1e-12);
    expectAllClose(fc.sd, R.naive_lake.sd, 1e-10);
  });

  it('snaive(ts(w56, frequency = 7), h = 9): last week repeated, sd grows per full season', () => {
    const y = fixture('w56');
    const inp = { y, season: 7, firstDow: 0 };
    const fc = seasonalNaive.forecast(seasonalNaive.fit(inp), 9, inp);
    expectAllClose(fc.mean, R.snaive_w56.mean, 1e-12);
    expectAllClose(fc.sd, R.snaive_w56.sd, 1e-10);
  });

  it('one observation: naive works, snaive asks for a full season', () => {
    const one = { y: Float64Array.of(4), season: 7, firstDow: 0 };
    const st = naive.fit(one);
    expect(naive.forecast(st, 2, one).mean[1]).toBe(4);
    expect(st.sigma).toBe(0);
    expect(() => seasonalNaive.fit(one)).toThrow(/snaive.fit needs at least one full season \(7 observations\), got 1/);
  });
});
