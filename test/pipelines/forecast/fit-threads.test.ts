import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/schema.js';
import { forecastBatch, forecastContext, prepareRun, type PreparedRun } from '../../../pipelines/run/run.js';
import { threadCount, threadForecaster } from '../../../pipelines/forecast/fit-threads.js';
import { dailyCsv } from '../../workers/fixtures.js';

let dir: string;
let prep: PreparedRun;
const config = defaultConfig();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fit-threads-'));
  const input = join(dir, 'sales.csv');
  // a spike now and then, so that cleaning changes some series (the patch must reach the threads)
  const lines = dailyCsv({ stores: 3, skus: 7, days: 150 }).split('\n');
  for (let i = 40; i < lines.length - 1; i += 97) lines[i] = lines[i].replace(/,(\d+),([\d.]+)$/, ',400,$2');
  await writeFile(input, lines.join('\n'));
  prep = await prepareRun({ input, outDir: join(dir, 'out'), config, runDate: '2024-06-30' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fitting on worker threads', () => {
  it('gives the same forecasts, in the same order, as fitting on the main thread', { timeout: 120_000 }, async () => {
    const ctx = forecastContext(prep, config);
    expect(prep.series.some((s) => s.cleaning !== undefined)).toBe(true); // the patch crosses to the threads too
    const serial = forecastBatch(prep.series, ctx);
    let progress = 0;
    const threaded = await threadForecaster(2, { batchSize: 4 })(prep.series, ctx, (d) => (progress = d));
    expect(threaded).toEqual(serial);
    expect(progress).toBe(prep.series.length);
  });

  it('reports a failing batch instead of hanging', { timeout: 120_000 }, async () => {
    const ctx = forecastContext(prep, config);
    // an end day past the series' last day makes forecastSeries throw inside the thread
    await expect(threadForecaster(2, { batchSize: 4 })(prep.series, { ...ctx, end: ctx.end + 5 })).rejects.toThrow(/fitting thread, batch \d+: .*past the last period/);
  });

  it('uses one thread per core for 0, at most 8', () => {
    expect(threadCount(3)).toBe(3);
    expect(threadCount(0)).toBeGreaterThanOrEqual(1);
    expect(threadCount(0)).toBeLessThanOrEqual(8);
  });
});
