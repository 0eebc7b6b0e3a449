import { describe, expect, it } from 'vitest';
import { fitTsb, tsb, tsbInitial, tsbSse } from '../../models/tsb.js';
import { expectAllClose, fixture } from './reference/r-reference.js';

const input = (y: ArrayLike<number>) => ({ y: Float64Array.from(y), season: 7, firstDow: 0 });

describe('tsb: hand-computed (Teunter, Syntetos & Babai 2011 recursions)', () => {
  it('y = [0, 2, 0, 4], alpha = beta = 0.5, z0 = 3, p0 = 0.5', () => {
    // t0: f = 1.5; no demand: p = 0.25           t1: f = 0.75; demand 2: p = 0.625, z = 2.5
    // t2: f = 1.5625; no demand: p = 0.3125      t3: f = 0.78125; demand 4: p = 0.65625, z = 3.25
    const y = Float64Array.of(0, 2, 0, 4);
    expect(tsbInitial(y)).toEqual([3, 0.5]);
    const fitted = new Float64Array(4);
    const final = new Float64Array(2);
    const sse = tsbSse(y, 0.5, 0.5, 3, 0.5, fitted, final);
    expect(Array.from(fitted)).toEqual([1.5, 0.75, 1.5625, 0.78125]);
    expect(Array.from(final)).toEqual([3.25, 0.65625]);
    expect(sse).toBeCloseTo(1.5 ** 2 + 1.25 ** 2 + 1.5625 ** 2 + 3.21875 ** 2, 12);
    const f = fitTsb(y, { alpha: 0.5, beta: 0.5 });
    expect(f.p * f.z).toBe(2.1328125);
  });
});

describe('tsb model', () => {
  it('optimised (alpha, beta) has an SSE no larger than every point of a 0.01 grid over [0.01, 0.3]^2', () => {
    const y = fixture('int40');
    const f = fitTsb(y);
    const [z0, p0] = tsbInitial(y);
    for (let a = 0.01; a <= 0.3 + 1e-9; a += 0.01) {
      for (let b = 0.01; b <= 0.3 + 1e-9; b += 0.01) expect(f.sse).toBeLessThanOrEqual(tsbSse(y, a, b, z0, p0) * (1 + 1e-4));
    }
  });

  it('decays its forecast through a long run of zeros (obsolescence), unlike Croston', () => {
    const active = Array.from({ length: 60 }, (_, t) => (t % 3 === 0 ? 4 : 0));
    const dead = [...active, ...new Array(40).fill(0)];
    const a = tsb.forecast(tsb.fit(input(active)), 1, input(active)).mean[0];
    const d = tsb.forecast(tsb.fit(input(dead)), 1, input(dead)).mean[0];
    expect(d).toBeLessThan(a / 2);
    expect(d).toBeGreaterThanOrEqual(0);
  });

  it('handles no demand, demand every day, one observation, trailing zeros; never negative', () => {
    for (const y of [new Array(20).fill(0), new Array(20).fill(3), [5], [0, 0, 2, 0, 0, 0, 0, 0, 0, 0]]) {
      const st = tsb.fit(input(y));
      const fc = tsb.forecast(st, 28, input(y));
      for (let j = 0; j < 28; j++) {
        expect(fc.mean[j]).toBeGreaterThanOrEqual(0);
        expect(Number.isFinite(fc.sd[j])).toBe(true);
      }
      expect(tsb.fittedValues(st, input(y)).every(Number.isFinite)).toBe(true);
    }
    expect(tsb.forecast(tsb.fit(input(new Array(20).fill(0))), 1, input([0])).mean[0]).toBe(0);
    expectAllClose(tsb.forecast(tsb.fit(input(new Array(20).fill(3))), 2, input([3])).mean, [3, 3], 1e-12);
    expect(() => tsb.fit(input([0, -2]))).toThrow('tsb.fit needs non-negative demand, got -2 at index 1');
  });
});
