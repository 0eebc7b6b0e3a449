/**
 * The pooled stage on its own worker thread (pipelines/forecast/pooled-runner.ts) against the
 * same stage inline: the same forecasts, byte for byte, whether the histories are in shared memory
 * or copied; a failure in the thread surfaces with the stage's own message; and a whole run
 * (`runPipeline`) publishes the same files either way. Loads dist/ (an integration test).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../../config/schema.js';
import { dayFromYmd, dayOfWeek } from '../../../pipelines/dates.js';
import { INLINE_POOLED, threadPooled } from '../../../pipelines/forecast/pooled-runner.js';
import type { PooledInput, PooledSeries, PooledStage } from '../../../pipelines/forecast/pooled-stage.js';
import type { Calendar } from '../../../pipelines/forecast/calendar.js';
import { ArraySlabs } from '../../../pipelines/ingest/array-slabs.js';
import { DAILY, periodGrid } from '../../../pipelines/periods.js';
import { runPipeline } from '../../../pipelines/run/run.js';
import { mulberry32 } from '../../../models/random.js';
import { dailyCsv } from '../../workers/fixtures.js';

const DAYS = 400;
const start = dayFromYmd(2015, 1, 5);
const end = start + DAYS - 1;
const profile = [1, 1, 1, 1, 2, 3, 0.5];

function config(pooled: Partial<Config['models']['pooled']> = {}): Config {
  const c = defaultConfig();
  return { ...c, models: { ...c.models, pooled: { ...c.models.pooled, ...pooled } } };
}

/**
 * 24 noisy series over DAYS days in three kinds of memory: a third in shared slabs (as the
 * ingest gives them to a threaded run), a third plain arrays, a third views into the middle
 * of a larger plain buffer (as the ingest gives them to an inline run).
 */
function panel(): PooledSeries[] {
  const next = mulberry32(11);
  const slabs = new ArraySlabs({ shared: true });
  const big = new ArrayBuffer(8 * 2 * DAYS * 10 + 8);
  return Array.from({ length: 24 }, (_, k) => {
    const kind = k % 3;
    const array = (j: number): Float64Array => {
      if (kind === 0) {
        const r = slabs.take(8 * DAYS);
        return new Float64Array(r.buffer, r.offset, DAYS);
      }
      return kind === 1 ? new Float64Array(DAYS) : new Float64Array(big, 8 + 8 * DAYS * (2 * Math.floor(k / 3) + j), DAYS);
    };
    const demand = array(0);
    const price = array(1);
    for (let i = 0; i < DAYS; i++) {
      demand[i] = Math.round((1 + (k % 5)) * profile[dayOfWeek(start + i)] * (0.3 + next()));
      price[i] = i % 50 === 0 ? NaN : 2 + (k % 4) * 0.25 + (i % 90 < 10 ? -0.5 : 0);
    }
    // every fourth series has a day the cleaning capped (the stage applies it: pooled-stage.ts cappedDemand)
    if (k % 4 === 0) demand[100 + k] = 500;
    const cleaning = k % 4 === 0 ? { index: Int32Array.of(100 + k), value: Float64Array.of(3) } : undefined;
    return { store: `CA_${k % 2}`, sku: `I${k}`, start, demand, price, cleaning };
  });
}

/** A calendar with two event types and SNAP days in CA. */
function calendar(): Calendar {
  const n = DAYS + 60;
  const flags = (f: (i: number) => boolean) => Array.from({ length: n }, (_, i) => (f(i) ? 1 : 0));
  return { start, event: flags((i) => i % 37 === 0 || i % 53 === 0), eventTypes: { cultural: flags((i) => i % 37 === 0), sporting: flags((i) => i % 53 === 0) }, snap: { CA: flags((i) => i % 30 < 10) } };
}

/** The bytes of every forecast, in hex (null kept), and the facts without the fit time. */
function bytesOf(stage: PooledStage) {
  const { fitMs: _, ...facts } = stage.facts;
  return { facts, forecasts: stage.forecasts.map((f) => (f ? Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('hex') : null)) };
}

const fast = config({ minRows: 1000, maxRows: 20_000 });

describe('the pooled stage on a worker thread', () => {
  it('gives the inline stage\'s forecasts byte for byte, from shared, plain and view arrays alike', { timeout: 120_000 }, async () => {
    const input: PooledInput = { series: panel(), calendar: calendar(), grid: DAILY, end, horizon: 28 };
    expect(input.series.filter((s) => s.demand.buffer instanceof SharedArrayBuffer)).toHaveLength(8);
    const inline = await INLINE_POOLED.start(input, fast).join();
    const threaded = await threadPooled(2).start(input, fast).join();
    expect(inline.threaded).toBe(false);
    expect(threaded.threaded).toBe(true);
    expect(inline.stage.facts.used).toBe(true);
    expect(inline.stage.forecasts.filter((f) => f !== null)).toHaveLength(24);
    expect(bytesOf(threaded.stage)).toEqual(bytesOf(inline.stage));
  });

  it('fails with the stage\'s own message when the stage throws in the thread', { timeout: 60_000 }, async () => {
    // a calendar without its SNAP table: the stage reads calendar.snap[state] and throws a TypeError
    const broken = { ...calendar(), snap: undefined } as unknown as Calendar;
    const input: PooledInput = { series: panel(), calendar: broken, grid: DAILY, end, horizon: 28 };
    const inline = await INLINE_POOLED.start(input, fast).join().then(
      () => null,
      (e: Error) => e.message,
    );
    expect(inline).toMatch(/undefined/);
    await expect(threadPooled(2).start(input, fast).join()).rejects.toThrow(`the pooled model's thread failed: ${inline}`);
  });

  it('stays inline with one thread, or when the stage is surely skipped (no thread to start)', async () => {
    expect(threadPooled(1)).toBe(INLINE_POOLED);
    const input: PooledInput = { series: panel(), calendar: calendar(), grid: DAILY, end, horizon: 28 };
    const weekly = await threadPooled(2).start({ ...input, grid: periodGrid('week') }, fast).join();
    expect(weekly).toMatchObject({ threaded: false, stage: { facts: { used: false } } });
    const few = await threadPooled(2).start({ ...input, series: input.series.slice(0, 9) }, fast).join();
    expect(few).toMatchObject({ threaded: false, stage: { facts: { used: false } } });
    expect(few.stage.facts.reason).toMatch(/minSeries/);
  });

  it('a cancelled thread rejects its join instead of hanging', { timeout: 60_000 }, async () => {
    const job = threadPooled(2).start({ series: panel(), calendar: calendar(), grid: DAILY, end, horizon: 28 }, fast);
    await job.cancel();
    await expect(job.join()).rejects.toThrow(/stopped \(exit code/);
  });
});

describe('runPipeline with the pooled stage on a thread', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pooled-runner-'));
    await writeFile(join(dir, 'sales.csv'), dailyCsv({ stores: 2, skus: 8, days: 200 }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes every file as the inline run does (run.json aside from its times)', { timeout: 180_000 }, async () => {
    const cfg = { ...config({ minRows: 500, minSeries: 1 }), levels: ['default'], quantiles: [0.1, 0.5, 0.9] };
    const req = { input: join(dir, 'sales.csv'), config: cfg, runDate: '2024-07-19' };
    const inline = await runPipeline({ ...req, outDir: join(dir, 'inline') });
    const threaded = await runPipeline({ ...req, outDir: join(dir, 'threaded'), pooled: threadPooled(2) });
    expect(inline.summary.pooled?.used).toBe(true);
    expect(threaded.summary.timingsMs.pooledWait).toBeGreaterThanOrEqual(0);
    expect(inline.summary.timingsMs.pooledWait).toBeUndefined();
    const { fitMs: _a, ...inlineFacts } = inline.summary.pooled!;
    const { fitMs: _b, ...threadedFacts } = threaded.summary.pooled!;
    expect(threadedFacts).toEqual(inlineFacts);
    const files = (await readdir(inline.runDir)).filter((f) => f !== 'run.json');
    expect(files).toEqual(expect.arrayContaining(['forecasts.csv', 'forecasts-levels.csv', 'quantiles.csv', 'report.html']));
    expect((await readdir(threaded.runDir)).filter((f) => f !== 'run.json').sort()).toEqual([...files].sort());
    for (const f of files) expect(await readFile(join(threaded.runDir, f), 'utf8'), f).toBe(await readFile(join(inline.runDir, f), 'utf8'));
  });
});
