import { describe, expect, it } from 'vitest';
import { buildHierarchy } from '../../../pipelines/hierarchy/levels.js';
import { applicableMethods, checkMethod, reconcileBottom, type BaseForecasts } from '../../../pipelines/hierarchy/methods.js';
import { DEFAULT_METHODS } from '../../../pipelines/hierarchy/reconcile.js';
import { mintModel, mintReconcile } from '../../../pipelines/hierarchy/mint.js';

// total = b1 + b2 + b3; G1 = b1 + b2, G2 = b3 (flat nodes: total, G1, G2)
const h = buildHierarchy(
  [
    { store: 'S', sku: 'b1', group: 'G1' },
    { store: 'S', sku: 'b2', group: 'G1' },
    { store: 'S', sku: 'b3', group: 'G2' },
  ],
  ['total', 'group'],
);
const base = (a: number[], b: number[], recent: number[]): BaseForecasts => ({ a: Float64Array.from(a), b: Float64Array.from(b), width: a.length / 3, recent });
const close = (got: Float64Array, want: number[]): void => {
  expect(got.length).toBe(want.length);
  want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 9));
};

describe('reconcileBottom (hand-computed on a 2-level toy)', () => {
  // base: total 60, G1 40, G2 12; bottom 10, 20, 15; recent demand 1, 3, 4
  const x = base([60, 40, 12], [10, 20, 15], [1, 3, 4]);
  it('bottom-up keeps the bottom forecasts', () => {
    close(reconcileBottom(h, 'bottom-up', x), [10, 20, 15]);
  });
  it('top-down splits a level by historical proportions', () => {
    close(reconcileBottom(h, 'top-down:total', x), [60 / 8, (60 * 3) / 8, (60 * 4) / 8]); // 7.5, 22.5, 30
    close(reconcileBottom(h, 'top-down:group', x), [10, 30, 12]); // G1 40 as 1:3, G2 12 to b3
  });
  it('proportional splits a level by the bottom forecasts, per step', () => {
    close(reconcileBottom(h, 'proportional:total', x), [(60 * 10) / 45, (60 * 20) / 45, (60 * 15) / 45]);
    close(reconcileBottom(h, 'proportional:group', x), [(40 * 10) / 30, (40 * 20) / 30, 12]);
    // two steps: rows are per series, columns per step
    const two = base([60, 6, 40, 4, 12, 2], [10, 0, 20, 0, 15, 1], [1, 3, 4]);
    // step 2: bottom forecasts of G1 sum to 0 -> historical 1:3; total's bottom sum 1 -> all to b3
    close(reconcileBottom(h, 'proportional:total', two), [(60 * 10) / 45, 0, (60 * 20) / 45, 0, (60 * 15) / 45, 6]);
    close(reconcileBottom(h, 'proportional:group', two), [(40 * 10) / 30, 1, (40 * 20) / 30, 3, 12, 2]);
  });
  it('falls back to forecast proportions, then an even split, where a node sold nothing', () => {
    close(reconcileBottom(h, 'top-down:total', base([60, 40, 12], [10, 20, 15], [0, 0, 0])), [(60 * 10) / 45, (60 * 20) / 45, (60 * 15) / 45]);
    close(reconcileBottom(h, 'top-down:group', base([60, 40, 12], [0, 0, 15], [0, 0, 4])), [20, 20, 12]);
  });
  it('averages the members of a combination', () => {
    // bottom-up [10, 20, 15] and top-down:total [7.5, 22.5, 30]
    close(reconcileBottom(h, 'bottom-up+top-down:total', x), [8.75, 21.25, 22.5]);
  });
  it('sets negative MinT forecasts to zero and keeps the others', () => {
    const errorsA = Float64Array.of(1, -1, 2, -2, 0.5, -0.5, 0.3, 0.2, 0.1, -0.4, 0.3, -0.2, 0.5, -0.6, 0.2, 0.1, -0.3, 0.4);
    const errorsB = Float64Array.of(0.4, -0.2, 0.5, -0.4, 0.1, -0.3, 0.3, -0.5, 0.6, -0.7, 0.2, 0.1, 0.2, -0.1, 0.4, -0.6, 0.3, 0.2);
    const model = mintModel(h, errorsA, errorsB, 6);
    const y = base([0, 0, 0], [5, 0, 0], [1, 1, 1]);
    const raw = mintReconcile(h, model, y.a, y.b, 1);
    expect(Math.min(...raw)).toBeLessThan(0);
    const out = reconcileBottom(h, 'mint-shrink', y, { 'mint-shrink': model });
    raw.forEach((v, i) => expect(out[i]).toBe(v > 0 ? v : 0));
  });
  it('checks the method against the hierarchy', () => {
    expect(checkMethod(h, 'top-down:group')).toBe('top-down:group');
    expect(() => checkMethod(h, 'top-down:store')).toThrow(/no level "store"/);
    expect(() => checkMethod(h, 'middle-out')).toThrow(/unknown reconciliation method/);
    expect(() => checkMethod(h, 'bottom-up+top-down:store')).toThrow(/no level "store"/);
    expect(() => reconcileBottom(h, 'mint-shrink', x)).toThrow(/needs an error model/);
  });
});

describe('applicableMethods', () => {
  it('keeps every default candidate when the total is a level, and drops those naming it otherwise', () => {
    expect(applicableMethods(h, DEFAULT_METHODS)).toEqual([...DEFAULT_METHODS]);
    const noTotal = buildHierarchy(h.bottom, ['group']);
    expect(applicableMethods(noTotal, DEFAULT_METHODS)).toEqual(['bottom-up', 'mint-shrink', 'wls']);
    expect(applicableMethods(noTotal, ['proportional:group', 'wls+top-down:total'])).toEqual(['proportional:group']);
  });
});
