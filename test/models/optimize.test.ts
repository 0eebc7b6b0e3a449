import { describe, expect, it } from 'vitest';
import { minimize1d, nelderMead } from '../../models/optimize.js';

describe('minimize1d (Brent)', () => {
  it('finds the minimum of a parabola as R optimize does', () => {
    // R 4.2.2: optimize(function(x) (x - 1/3)^2, c(0, 1))$minimum  ->  0.3333333
    const r = minimize1d((x) => (x - 1 / 3) ** 2, 0, 1, { tol: 1e-8 });
    expect(r.x[0]).toBeCloseTo(1 / 3, 7);
    expect(r.fx).toBeLessThan(1e-14);
  });

  it('needs far fewer evaluations than golden section alone on a smooth function', () => {
    // golden section shrinks the bracket by 0.618 per evaluation: 1e-8 needs ~38 evaluations
    const r = minimize1d((x) => Math.cosh(x - 0.7), -3, 5, { tol: 1e-8 });
    expect(r.x[0]).toBeCloseTo(0.7, 6);
    expect(r.evaluations).toBeLessThan(20);
  });

  it('returns the bound itself when the minimum lies on it', () => {
    const r = minimize1d((x) => (x - 2) ** 2, 0, 1);
    expect(r.x[0]).toBe(1);
    expect(r.fx).toBe(1);
  });

  it('treats NaN as +Infinity and still finds the finite minimum', () => {
    const r = minimize1d((x) => (x < 0.2 ? NaN : (x - 0.5) ** 2), 0, 1, { tol: 1e-7 });
    expect(r.x[0]).toBeCloseTo(0.5, 5);
  });

  it('rejects an empty interval with a message naming the function', () => {
    expect(() => minimize1d((x) => x, 1, 1)).toThrow(/minimize1d needs finite bounds/);
  });
});

describe('nelderMead with bounds', () => {
  it('finds the Rosenbrock minimum (1, 1)', () => {
    // R 4.2.2: optim(c(-1.2, 1), fr)$par  ->  1.000260 1.000506 (unbounded Nelder-Mead)
    const rosen = (p: Float64Array): number => 100 * (p[1] - p[0] * p[0]) ** 2 + (1 - p[0]) ** 2;
    const r = nelderMead(rosen, [-1.2, 1], [-2, -2], [2, 2], { maxEvaluations: 2000, ftol: 1e-14, xtol: 1e-9 });
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });

  it('stops on a bound when the unconstrained minimum is outside the box', () => {
    // minimum of (x + 1)^2 + (y - 0.5)^2 over [0, 1]^2 is (0, 0.5)
    const r = nelderMead((p) => (p[0] + 1) ** 2 + (p[1] - 0.5) ** 2, [0.6, 0.9], [0, 0], [1, 1], { maxEvaluations: 500, ftol: 1e-14, xtol: 1e-10 });
    expect(r.x[0]).toBeCloseTo(0, 6);
    expect(r.x[1]).toBeCloseTo(0.5, 5);
    expect(r.fx).toBeCloseTo(1, 8);
  });

  it('never evaluates outside the bounds and respects the evaluation budget', () => {
    let outside = 0;
    let calls = 0;
    const f = (p: Float64Array): number => {
      calls++;
      for (let j = 0; j < p.length; j++) if (p[j] < 0.1 || p[j] > 0.3) outside++;
      return (p[0] - 5) ** 2 + (p[1] + 5) ** 2 + p[2] ** 2 + (p[3] - 0.2) ** 2;
    };
    const r = nelderMead(f, [0.2, 0.2, 0.2, 0.2], [0.1, 0.1, 0.1, 0.1], [0.3, 0.3, 0.3, 0.3], { maxEvaluations: 50 });
    expect(outside).toBe(0);
    expect(calls).toBe(r.evaluations);
    expect(r.evaluations).toBeLessThanOrEqual(50 + 4); // a shrink step may finish its n evaluations
    // 50 evaluations reach the corner to within the budget's precision
    expect(r.x[0]).toBeCloseTo(0.3, 3);
    expect(r.x[1]).toBeCloseTo(0.1, 3);
  });

  it('rejects mismatched bounds', () => {
    expect(() => nelderMead(() => 0, [0, 0], [0], [1, 1])).toThrow(/nelderMead needs 1-8 parameters with matching bounds/);
    expect(() => nelderMead(() => 0, [0], [1], [0])).toThrow(/nelderMead needs lower < upper/);
  });
});
