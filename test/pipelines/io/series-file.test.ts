import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSeriesFile, writeSeriesFile } from '../../../pipelines/io/series-file.js';
import type { SeriesData } from '../../../pipelines/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'series-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A series of n days whose arrays are views into a larger buffer (as ingest makes them). */
function series(i: number, n: number, extra: Partial<SeriesData> = {}): SeriesData {
  const big = new Float64Array(3 * n + 5);
  const demand = big.subarray(2, 2 + n);
  for (let t = 0; t < n; t++) demand[t] = (i * 7 + t) % 5;
  const price = new Float64Array(n).fill(NaN);
  price[n - 1] = 1.25 + i;
  const observed = new Uint8Array(n + 3).subarray(1, 1 + n);
  for (let t = 0; t < n; t += 2) observed[t] = 1;
  return {
    key: `S\u0000K${i}`,
    store: 'S',
    sku: `K${i}`,
    start: 19000 - n,
    demand,
    returns: new Float64Array(n),
    price,
    observed,
    issues: i % 2 ? { missing_price: n - 1 } : {},
    acceptedRows: n,
    rejectedRows: i,
    ...extra,
  };
}

describe('series file', () => {
  it('round-trips series with and without returns, recorded demand and a cleaning patch, whole and by range', async () => {
    const returns = new Float64Array(5);
    returns[3] = 2;
    const all: SeriesData[] = [
      series(0, 3),
      series(1, 5, { returns }),
      series(2, 9, { recorded: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) }),
      series(3, 6, { cleaning: { index: Int32Array.from([1, 4, 5]), value: Float64Array.from([2.5, NaN, 3]) } }),
      series(4, 1),
    ];
    const path = join(dir, 'a.bin');
    await writeSeriesFile(path, { runId: 'r1', n: 5 }, all);
    const whole = await readSeriesFile<{ runId: string; n: number }>(path);
    expect(whole.meta).toEqual({ runId: 'r1', n: 5 });
    expect(whole.count).toBe(5);
    expect(whole.series).toEqual(all);
    const part = await readSeriesFile(path, { from: 1, to: 4 });
    expect(part.count).toBe(5);
    expect(part.series).toEqual(all.slice(1, 4));
    expect((await readSeriesFile(path, { from: 2, to: 2 })).series).toEqual([]);
    // a series without returns reads back all-zero returns of its own length
    expect(Array.from(part.series[1].returns)).toEqual(new Array(9).fill(0));
  });

  it('refuses a file that is not a series file, and arrays of different lengths', async () => {
    const bad = join(dir, 'bad.bin');
    await writeSeriesFile(bad, {}, []);
    await expect(readSeriesFile(join(dir, 'missing.bin'))).rejects.toThrow(/ENOENT/);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(bad, 'date,sku,qty\n');
    await expect(readSeriesFile(bad)).rejects.toThrow(/not a series file/);
    await expect(writeSeriesFile(join(dir, 'c.bin'), {}, [{ ...series(0, 4), price: new Float64Array(3) }])).rejects.toThrow(/differ in length/);
  });
});
