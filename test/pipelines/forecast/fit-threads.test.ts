import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/schema.js';
import { parseConfig } from '../../../config/load.js';
import { forecastBatch, forecastContext, prepareRun, type PreparedRun } from '../../../pipelines/run/run.js';
import { fitThreads, fitWorkOf, threadCount, threadForecaster } from '../../../pipelines/forecast/fit-threads.js';
import { THREADED_FIT_MIN_WORK } from '../../../pipelines/forecast/threads.js';
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
    const threaded = await threadForecaster(2, { batchSize: 4, force: true })(prep.series, ctx, (d) => (progress = d));
    expect(threaded).toEqual(serial);
    expect(progress).toBe(prep.series.length);
  });

  it('reports a failing batch instead of hanging', { timeout: 120_000 }, async () => {
    const ctx = forecastContext(prep, config);
    // an end day past the series' last day makes forecastSeries throw inside the thread
    await expect(threadForecaster(2, { batchSize: 4, force: true })(prep.series, { ...ctx, end: ctx.end + 5 })).rejects.toThrow(/fitting thread, batch \d+: .*past the last period/);
  });

  it('fits a small run on the calling thread unless forced (a thread error names its batch)', async () => {
    const ctx = forecastContext(prep, config);
    // 21 series of 150 days is far under the threshold: the error comes from this thread
    const inline = threadForecaster(2, { batchSize: 4 })(prep.series, { ...ctx, end: ctx.end + 5 });
    await expect(inline).rejects.toThrow(/past the last period/);
    await expect(inline).rejects.not.toThrow(/fitting thread/);
  });

  it('counts each history up to the final fit window as the run\'s work (nothing when degraded)', () => {
    const ctx = forecastContext(prep, config);
    const lengths = prep.series.map((s) => s.demand.length);
    expect(Math.max(...lengths)).toBeLessThan(728); // under the default window: whole histories count
    expect(fitWorkOf(prep.series, ctx)).toEqual({ series: 21, periods: lengths.reduce((a, b) => a + b, 0) });
    const capped = { ...ctx, config: parseConfig({ models: { maxHistory: 100 } }) };
    expect(fitWorkOf(prep.series, capped).periods).toBe(lengths.reduce((a, b) => a + Math.min(b, 100), 0));
    expect(fitWorkOf(prep.series, { ...ctx, degraded: true }).periods).toBe(0);
  });

  it('uses one thread per core for 0, at most 8', () => {
    expect(threadCount(3)).toBe(3);
    expect(threadCount(0)).toBeGreaterThanOrEqual(1);
    expect(threadCount(0)).toBeLessThanOrEqual(8);
  });
});

describe('when a run fits on threads (fitThreads)', () => {
  const big = { series: 10_000, periods: THREADED_FIT_MIN_WORK };
  const small = { series: 10_000, periods: THREADED_FIT_MIN_WORK - 1 };
  const batch = { batchSize: 64 };

  it('fits a run under the work threshold on the calling thread, whatever the setting', () => {
    for (const setting of [0, 2, 8, 64]) expect(fitThreads(setting, small, batch)).toBe(1);
  });

  it('fits a run at the threshold on as many threads as the setting allows (an upper bound)', () => {
    expect(fitThreads(2, big, batch)).toBe(2);
    expect(fitThreads(5, big, batch)).toBe(5);
    expect(fitThreads(0, big, batch)).toBe(threadCount(0));
  });

  it('never starts more threads than the run has batches, nor threads for fewer than two batches', () => {
    // 200 series of 64: 4 batches; 127 series: under two batches
    expect(fitThreads(8, { series: 200, periods: THREADED_FIT_MIN_WORK }, batch)).toBe(4);
    expect(fitThreads(8, { series: 127, periods: THREADED_FIT_MIN_WORK }, batch)).toBe(1);
    expect(fitThreads(8, { series: 127, periods: 1 }, { batchSize: 64, force: true })).toBe(1);
  });

  it('keeps one thread for the setting 1, forced or not', () => {
    expect(fitThreads(1, big, batch)).toBe(1);
    expect(fitThreads(1, small, { ...batch, force: true })).toBe(1);
  });

  it('threads a small run when forced', () => {
    expect(fitThreads(2, small, { ...batch, force: true })).toBe(2);
    expect(fitThreads(3, { series: 21, periods: 21 * 150 }, { batchSize: 4, force: true })).toBe(3);
  });
});
