/**
 * Machines that fit share nothing but Redis (issue 19, item 1): one `forecast worker --queues
 * run,publish` holds the data directory; two `forecast worker --queues train --prefix ...`
 * processes, each with its own empty data directory, fit every batch from the series the run job
 * puts in Redis. The published forecasts are byte-identical to `forecast run`'s, the fit-only
 * data directories stay empty, the series in Redis never exceed `queue.maxInflightBytes` (beyond
 * one batch), and no fit key is left once the run is published.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { runPipeline } from '../../pipelines/run/run.js';
import { queueOptions, redisConnection } from '../../workers/connection.js';
import { QUEUES } from '../../workers/queues.js';
import { queueMetrics } from '../../workers/metrics.js';
import { enqueueRun, waitForRun } from '../../workers/run-queue.js';
import { CLI, ensureBuilt, spawnWorker } from './build.js';
import { cleanup, fitKeysLeft, testConfig, waitFor } from './helpers.js';
import { dailyCsv } from './fixtures.js';

let config: Config | null = null;
let procs: ChildProcess[] = [];
let dirs: string[] = [];

beforeAll(() => ensureBuilt(), 300_000);
afterEach(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  procs = [];
  if (config) await cleanup(config);
  config = null;
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** Start `forecast worker` with a config file outside its data directory; resolves once it is ready. */
async function startWorker(cfg: Config, name: string, args: string[]): Promise<ChildProcess> {
  const home = mkdtempSync(join(tmpdir(), 'fq-cfg-'));
  dirs.push(home);
  const file = join(home, `worker-${name}.json`);
  writeFileSync(file, JSON.stringify(cfg));
  const { child } = await spawnWorker(file, { redisUrl: cfg.queue.redisUrl, dataDir: cfg.dataDir }, name, args);
  procs.push(child);
  return child;
}

describe('fit-only workers', () => {
  it('two fit-only workers with empty data directories publish the in-process forecasts byte for byte', async () => {
    // 2 series a batch (about 6 kB of series each): at most about 3 batches in Redis at once
    const cfg = (config = testConfig({ queue: { batchSize: 2, maxInflightBytes: 16_000 } }));
    mkdirSync(join(cfg.dataDir, 'exports'), { recursive: true });
    writeFileSync(join(cfg.dataDir, 'exports', 'sales.csv'), dailyCsv({ stores: 3, skus: 6, days: 120 }));
    const input = 'exports/sales.csv';
    const prefix = cfg.queue.prefix!;
    const empty = [mkdtempSync(join(tmpdir(), 'fq-fit1-')), mkdtempSync(join(tmpdir(), 'fq-fit2-'))];
    dirs.push(...empty);
    // the fit-only workers' settings name another data directory and no prefix: --prefix gives it
    const fitCfg = (dataDir: string): Config => parseConfig({ ...cfg, dataDir, queue: { ...cfg.queue, prefix: undefined } });
    await Promise.all([
      startWorker(cfg, 'shop', ['--queues', 'run,publish']),
      startWorker(fitCfg(empty[0]), 'fit1', ['--queues', 'train', '--prefix', prefix]),
      startWorker(fitCfg(empty[1]), 'fit2', ['--queues', 'train', '--prefix', prefix]),
    ]);
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    const train = new Queue(QUEUES.train, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-04-30' });
      const done = await waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 120_000 });
      expect(done.degraded).toEqual([]);
      const local = await runPipeline({ input: join(cfg.dataDir, input), outDir: join(cfg.dataDir, 'inproc'), config: parseConfig({ ...cfg, runDate: '2024-04-30' }) });
      for (const f of ['forecasts.csv', 'accuracy.csv', 'orders.csv']) {
        expect(readFileSync(join(cfg.dataDir, done.runDir, f), 'utf8'), f).toBe(readFileSync(join(local.runDir, f), 'utf8'));
      }
      const jobs = await train.getCompleted();
      expect(jobs).toHaveLength(9);
      expect(new Set(jobs.map((j) => j.processedBy))).toEqual(new Set(['fit1', 'fit2']));
      // every batch's series went through Redis, and the fit-only machines wrote nothing
      for (const j of jobs) expect(j.returnvalue.bytesIn).toBeGreaterThan(0);
      for (const d of empty) expect(readdirSync(d)).toEqual([]);
      expect(await fitKeysLeft(cfg.queue.redisUrl, prefix)).toEqual([]);
      // the run job's feeder kept within the window (one batch may exceed it alone)
      const runJob = await q.getJob(runId);
      const logs = (await q.getJobLogs(runId)).logs.join('\n');
      const peak = Number(/at most (\d+) at once/.exec(logs)?.[1]);
      const largest = jobs.reduce((m, j) => Math.max(m, j.returnvalue.bytesIn as number), 0);
      expect(runJob).toBeDefined();
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(Math.max(16_000, largest));
      // the run's stage durations reach Prometheus, the queued fit among them
      const metrics = await queueMetrics(cfg);
      for (const stage of ['ingest', 'clean', 'fit', 'publish']) expect(metrics).toMatch(new RegExp(`forecast_run_stage_seconds\\{run_id="${runId}", stage="${stage}"[^}]*\\} \\d`));
    } finally {
      await Promise.all([q.close(), train.close()]);
    }
  }, 200_000);

  it('the run/publish worker SIGKILLed while feeding: another one resumes the feed and the output is identical', async () => {
    // one series a batch and a window of one batch: the run job feeds for the whole fit
    const cfg = (config = testConfig({ queue: { batchSize: 1, maxInflightBytes: 1, lockDurationMs: 1_000, stalledIntervalMs: 1_000 } }));
    mkdirSync(join(cfg.dataDir, 'exports'), { recursive: true });
    writeFileSync(join(cfg.dataDir, 'exports', 'sales.csv'), dailyCsv({ stores: 2, skus: 6, days: 120 }));
    const input = 'exports/sales.csv';
    const empty = mkdtempSync(join(tmpdir(), 'fq-fit1-'));
    dirs.push(empty);
    const fitCfg = parseConfig({ ...cfg, dataDir: empty, queue: { ...cfg.queue, prefix: undefined } });
    const [shop] = await Promise.all([startWorker(cfg, 'shop1', ['--queues', 'run,publish']), startWorker(fitCfg, 'fit1', ['--queues', 'train', '--prefix', cfg.queue.prefix!])]);
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    const train = new Queue(QUEUES.train, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-04-30' });
      await waitFor(async () => ((await train.getCompletedCount()) >= 3 ? true : undefined), 60_000, 'three fitted batches');
      shop.kill('SIGKILL');
      await new Promise<void>((r) => (shop.exitCode !== null || shop.signalCode !== null ? r() : shop.once('exit', () => r())));
      expect(await train.getCompletedCount()).toBeLessThan(12);
      await startWorker(cfg, 'shop2', ['--queues', 'run,publish']);
      const done = await waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 120_000 });
      expect(done.degraded).toEqual([]);
      const local = await runPipeline({ input: join(cfg.dataDir, input), outDir: join(cfg.dataDir, 'inproc'), config: parseConfig({ ...cfg, runDate: '2024-04-30' }) });
      expect(readFileSync(join(cfg.dataDir, done.runDir, 'forecasts.csv'), 'utf8')).toBe(readFileSync(join(local.runDir, 'forecasts.csv'), 'utf8'));
      expect(await train.getCompletedCount()).toBe(12);
      expect(await fitKeysLeft(cfg.queue.redisUrl, cfg.queue.prefix!)).toEqual([]);
      expect((await q.getJob(runId))?.processedBy).toBe('shop2');
    } finally {
      await Promise.all([q.close(), train.close()]);
    }
  }, 200_000);

  it('refuses to start a fit-only worker without the shop prefix', async () => {
    const cfg = (config = testConfig({}));
    const dataDir = mkdtempSync(join(tmpdir(), 'fq-fit-'));
    dirs.push(dataDir);
    const home = mkdtempSync(join(tmpdir(), 'fq-cfg-'));
    dirs.push(home);
    const file = join(home, 'w.json');
    writeFileSync(file, JSON.stringify({ dataDir, queue: { redisUrl: cfg.queue.redisUrl } }));
    const child = spawn(process.execPath, [CLI, 'worker', '--config', file, '--queues', 'train'], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(child);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/--prefix/);
  }, 60_000);
});
