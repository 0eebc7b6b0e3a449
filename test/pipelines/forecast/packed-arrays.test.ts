import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { packNumberArrays } from '../../../pipelines/forecast/packed-arrays.js';

describe('packNumberArrays', () => {
  it('gives back the same numbers, nested, after a structured clone', () => {
    const original = {
      store: 'CA_1',
      mean: [0.5, 1.25, 0, 3],
      lo: { '80': [0.1, NaN, -0], '95': [] as number[] },
      trace: { actuals: [[1, 2], [3.5, 4]], scales: [0.7, null], recent: [1e-300, 2.5] },
      recentSales: Float64Array.of(1.5, 2),
      model: 'ets',
    };
    const cloned = deserialize(serialize(original)) as typeof original;
    const packed = packNumberArrays(cloned);
    expect(packed).toBe(cloned); // objects repacked in place
    expect(packed).toStrictEqual(original);
    expect(Object.is(packed.lo['80'][2], -0)).toBe(true);
    expect(Number.isNaN(packed.lo['80'][1])).toBe(true);
    expect(packed.trace.scales).toEqual([0.7, null]);
    expect(packed.recentSales).toBeInstanceOf(Float64Array);
  });

  it('copies a number array given directly, walks arrays of other values without copying them', () => {
    const numbers = [1.5, 2.5];
    const copy = packNumberArrays(numbers);
    expect(copy).not.toBe(numbers);
    expect(copy).toEqual(numbers);
    const inner = [0.25];
    const mixed: unknown[] = ['a', inner, null];
    const out = packNumberArrays(mixed);
    expect(out).toBe(mixed);
    expect(out[1]).not.toBe(inner);
    expect(out[1]).toEqual([0.25]);
    expect(packNumberArrays(null)).toBeNull();
    expect(packNumberArrays(3)).toBe(3);
  });
});
