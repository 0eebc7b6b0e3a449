import { describe, expect, it } from 'vitest';
import { ArraySlabs } from '../../../pipelines/ingest/array-slabs.js';

describe('ArraySlabs', () => {
  it('hands out zeroed, 8-aligned regions of one slab in order, none overlapping', () => {
    const slabs = new ArraySlabs({ firstSlabBytes: 1024, maxSlabBytes: 4096 });
    const a = slabs.take(17);
    const b = slabs.take(3);
    const c = slabs.take(0);
    const d = slabs.take(40);
    expect([a.offset, b.offset, c.offset, d.offset]).toEqual([0, 24, 32, 32]);
    expect(new Set([a.buffer, b.buffer, c.buffer, d.buffer]).size).toBe(1);
    expect(a.buffer.byteLength).toBe(1024);
    // a region written does not show through another
    new Uint8Array(a.buffer, a.offset, 17).fill(255);
    expect(Array.from(new Uint8Array(b.buffer, b.offset, 3))).toEqual([0, 0, 0]);
    expect(Array.from(new Float64Array(d.buffer, d.offset, 5))).toEqual([0, 0, 0, 0, 0]);
    expect(slabs.slabs).toBe(1);
  });

  it('starts a new slab when a region does not fit: each as large as all before it, up to the largest', () => {
    const slabs = new ArraySlabs({ firstSlabBytes: 1024, maxSlabBytes: 4096 });
    const sizes: number[] = [];
    let last: ArrayBuffer | SharedArrayBuffer | null = null;
    for (let i = 0; i < 40; i++) {
      const r = slabs.take(1000);
      if (r.buffer !== last) sizes.push(r.buffer.byteLength);
      last = r.buffer;
      expect(r.offset + 1000).toBeLessThanOrEqual(r.buffer.byteLength);
    }
    // 1 KB, 1 KB, 2 KB, 4 KB, then 4 KB slabs (4 regions of 1,000 bytes each: 1,000 rounds to 1,000)
    expect(sizes.slice(0, 6)).toEqual([1024, 1024, 2048, 4096, 4096, 4096]);
    expect(slabs.reservedBytes).toBe(sizes.reduce((a, b) => a + b, 0));
  });

  it('a region larger than a quarter of the largest slab gets a buffer of its own', () => {
    const slabs = new ArraySlabs({ firstSlabBytes: 1024, maxSlabBytes: 4096 });
    const small = slabs.take(8);
    const big = slabs.take(1025);
    expect(big.offset).toBe(0);
    expect(big.buffer.byteLength).toBe(1025);
    expect(big.buffer).not.toBe(small.buffer);
    expect(slabs.slabs).toBe(1);
    // the slab being filled is still used after it
    expect(slabs.take(8).buffer).toBe(small.buffer);
  });

  it('shared slabs are SharedArrayBuffers (own buffers too), zeroed; plain ones are not', () => {
    const shared = new ArraySlabs({ firstSlabBytes: 1024, maxSlabBytes: 4096, shared: true });
    const a = shared.take(16);
    const big = shared.take(2000);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(big.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(new Float64Array(a.buffer, a.offset, 2))).toEqual([0, 0]);
    expect(new ArraySlabs().take(16).buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('refuses a negative or fractional size and bad options', () => {
    const slabs = new ArraySlabs();
    expect(() => slabs.take(-1)).toThrow(RangeError);
    expect(() => slabs.take(1.5)).toThrow(RangeError);
    expect(() => new ArraySlabs({ firstSlabBytes: 4096, maxSlabBytes: 1024 })).toThrow(/firstSlabBytes/);
  });
});
