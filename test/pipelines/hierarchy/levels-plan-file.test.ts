import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLevelsPlan, planOfRecord, planRecord, saveLevelsPlan } from '../../../pipelines/hierarchy/levels-plan-file.js';
import { finishRunLevels, planLevels } from '../../../pipelines/hierarchy/run-levels.js';
import type { SeriesData } from '../../../pipelines/types.js';

function series(store: string, sku: string, units: number, price: number): SeriesData {
  const n = 40;
  return {
    key: `${store}\u0000${sku}`, store, sku, start: 100,
    demand: new Float64Array(n).fill(units), returns: new Float64Array(n), price: new Float64Array(n).fill(price),
    observed: new Uint8Array(n).fill(1), issues: {}, acceptedRows: n,
  };
}

const bottom = [series('S1', 'A', 3, 0.1), series('S1', 'B', 1, 1 / 3), series('S2', 'A', 2, 0.7)];
const items = new Map([['A', { category: 'FOOD' }], ['B', { category: 'TOYS' }]]);

describe('levels plan file', () => {
  it('reads back the hierarchy and bit-identical weights, without the aggregate histories', async () => {
    const plan = planLevels(bottom, { levels: ['total', 'store', 'category'] }, items);
    // revenue over the last 28 days: 28 × units × price
    [28 * 3 * 0.1, 28 * 1 * (1 / 3), 28 * 2 * 0.7].forEach((w, b) => expect(plan.weights[b]).toBeCloseTo(w, 9));
    const dir = await mkdtemp(join(tmpdir(), 'levels-plan-'));
    await saveLevelsPlan(dir, plan);
    const back = (await loadLevelsPlan(dir))!;
    expect(back.names).toEqual(plan.names);
    expect(back.aggregates).toEqual([]);
    expect(back.weights).toEqual(plan.weights);
    expect(back.h!.levels.map((l) => [l.name, l.keys, Array.from(l.nodeOf)])).toEqual([
      ['total', ['total'], [0, 0, 0]],
      ['store', ['S1', 'S2'], [0, 0, 1]],
      ['category', ['FOOD', 'TOYS'], [0, 1, 0]],
    ]);
    expect(Array.from(back.h!.offsets)).toEqual([0, 1, 3, 5]);
  });

  it('is absent for a run without levels or quantiles, and keeps a quantiles-only plan without hierarchy', async () => {
    expect(await loadLevelsPlan(await mkdtemp(join(tmpdir(), 'levels-plan-')))).toBeNull();
    const plan = planOfRecord(JSON.parse(JSON.stringify(planRecord(planLevels(bottom, { levels: [] })))));
    expect(plan.h).toBeNull();
  });

  it('refuses a record of another shape', () => {
    expect(() => planOfRecord({ version: 2 } as never)).toThrow(/version-1/);
    expect(() => planOfRecord({ version: 1, names: [], bottom: [], weights: [null] } as never)).toThrow(/finite/);
  });

  it('finishRunLevels refuses forecasts that do not match the plan (bottom then aggregates)', () => {
    const plan = planLevels(bottom, { levels: ['total'] }, items);
    expect(() => finishRunLevels([], { quantiles: [], intervals: { levels: [80] } } as never, plan)).toThrow(/expected 3 bottom and 1 aggregate forecasts, got 0/);
  });
});
