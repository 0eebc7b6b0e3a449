import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedWindow } from '../../../pipelines/prepare/sorted-window.js';

/** Reference: median and MAD by sorting copies. */
function reference(xs: number[]): { med: number; mad: number } {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const med = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  const d = xs.map((x) => Math.abs(x - med)).sort((a, b) => a - b);
  const mad = n % 2 ? d[(n - 1) / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
  return { med, mad };
}

describe('SortedWindow', () => {
  it('gives the median and MAD of a hand-computed window', () => {
    const w = new SortedWindow(8);
    for (const x of [1, 2, 2, 3, 10]) w.insert(x);
    // sorted 1 2 2 3 10: median 2; deviations 1 0 0 1 8 -> sorted 0 0 1 1 8: MAD 1
    expect(w.median()).toBe(2);
    expect(w.mad(2)).toBe(1);
    w.remove(10);
    // 1 2 2 3: median 2; deviations 1 0 0 1 -> 0 0 1 1: MAD 0.5
    expect(w.median()).toBe(2);
    expect(w.mad(2)).toBe(0.5);
  });

  it('refuses to remove a value it does not hold and to overflow', () => {
    const w = new SortedWindow(2);
    w.insert(1);
    expect(() => w.remove(2)).toThrow(/not in the window/);
    w.insert(1);
    expect(() => w.insert(3)).toThrow(/capacity/);
  });

  it('equals a sort-based median and MAD while sliding over random series (ties included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 1, max: 6 }), fc.double({ min: 0.01, max: 1000, noNaN: true })), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 15 }),
        (xs, W) => {
          const w = new SortedWindow(2 * W + 1);
          for (let u = 0; u <= Math.min(xs.length - 1, W); u++) w.insert(xs[u]);
          for (let t = 0; t < xs.length; t++) {
            if (t > 0) {
              if (t - W - 1 >= 0) w.remove(xs[t - W - 1]);
              if (t + W < xs.length) w.insert(xs[t + W]);
            }
            const ref = reference(xs.slice(Math.max(0, t - W), Math.min(xs.length, t + W + 1)));
            const med = w.median();
            expect(med).toBe(ref.med);
            expect(w.mad(med)).toBe(ref.mad);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
