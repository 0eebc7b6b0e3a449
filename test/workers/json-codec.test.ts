import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeJson, encodeJson } from '../../workers/json-codec.js';

describe('json codec', () => {
  it('round-trips typed arrays, NaN, infinities and negative zero bit for bit', () => {
    const v = { a: Float64Array.from([1.1, NaN, -0, Infinity, -Infinity, 5e-324]), u: Uint8Array.from([0, 1, 255]), x: NaN, n: null, s: 'text', arr: [1, -0] };
    const back = decodeJson<typeof v>(encodeJson(v));
    expect(back.a).toBeInstanceOf(Float64Array);
    expect(Array.from(back.a)).toEqual([1.1, NaN, -0, Infinity, -Infinity, 5e-324]);
    expect(Object.is(back.a[2], -0)).toBe(true);
    expect(back.u).toEqual(Uint8Array.from([0, 1, 255]));
    expect(back.x).toBeNaN();
    expect(back.n).toBeNull();
    expect(Object.is(back.arr[1], -0)).toBe(true);
  });
  it('decodes every double to the identical double (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double()), (xs) => {
        const back = decodeJson<{ v: Float64Array; p: number[] }>(encodeJson({ v: Float64Array.from(xs), p: xs }));
        return xs.every((x, i) => Object.is(back.v[i], x) && Object.is(back.p[i], x));
      }),
    );
  });
});
