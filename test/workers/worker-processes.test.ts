/**
 * Real worker processes (`node dist/bin/forecast.js worker`) sharing runs through one Redis:
 * two processes complete a run with the in-process run's forecasts.csv; a worker killed with
 * SIGKILL mid-run loses its batch to the other, and the output is still identical.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { runPipeline } from '../../pipelines/run/run.js';
import { queueOptions, redisConnection } from '../../workers/connection.js';
import { QUEUES } from '../../workers/queues.js';
import { enqueueRun, waitForRun } from '../../workers/run-queue.js';
import { ensureBuilt, spawnWorker } from './build.js';
import { cleanup, testConfig, waitFor } from './helpers.js';
import { dailyCsv } from './fixtures.js';

let config: Config | null = null;
let procs: ChildProcess[] = [];

beforeAll(() => ensureBuilt(), 300_000);
afterEach(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  procs = [];
  if (config) await cleanup(config);
  config = null;
});

/** Start `forecast worker` with a config file; resolves once it logged "worker ready". */
async function startWorker(cfg: Config, name: string): Promise<ChildProcess> {
  const file = join(cfg.dataDir, `worker-${name}.json`);
  writeFileSync(file, JSON.stringify(cfg));
  const { child } = await spawnWorker(file, { redisUrl: cfg.queue.redisUrl, dataDir: cfg.dataDir }, name);
  procs.push(child);
  return child;
}

function exited(p: ChildProcess): Promise<void> {
  return new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));
}

async function localForecasts(cfg: Config, input: string, runDate: string): Promise<string> {
  const local = await runPipeline({ input, outDir: join(cfg.dataDir, 'inproc'), config: parseConfig({ ...cfg, runDate }) });
  return readFileSync(join(local.runDir, 'forecasts.csv'), 'utf8');
}

function setup(overrides: Parameters<typeof testConfig>[0]) {
  const cfg = (config = testConfig(overrides));
  mkdirSync(join(cfg.dataDir, 'exports'), { recursive: true });
  writeFileSync(join(cfg.dataDir, 'exports', 'sales.csv'), dailyCsv({ stores: 3, skus: 6, days: 120 }));
  return { cfg, input: 'exports/sales.csv' };
}

describe('worker processes', () => {
  it('two worker processes share a run and publish the in-process forecasts', async () => {
    const { cfg, input } = setup({ queue: { batchSize: 2 } });
    await Promise.all([startWorker(cfg, 'w1'), startWorker(cfg, 'w2')]);
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    const train = new Queue(QUEUES.train, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-04-30' });
      const done = await waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 100_000 });
      const queued = readFileSync(join(cfg.dataDir, done.runDir, 'forecasts.csv'), 'utf8');
      expect(queued).toBe(await localForecasts(cfg, join(cfg.dataDir, input), '2024-04-30'));
      const jobs = await train.getCompleted();
      expect(jobs).toHaveLength(9);
      expect(new Set(jobs.map((j) => j.processedBy))).toEqual(new Set(['w1', 'w2']));
    } finally {
      await Promise.all([q.close(), train.close()]);
    }
  }, 180_000);

  it('a worker killed with SIGKILL mid-run: the other takes over its batch and the output is identical', async () => {
    // a 3 s lock: the victim's batch is retaken within about 4 s of the kill, with room for a loaded
    // machine (with 1 s locks one dry run of CI at a load of 4+ was not published within 100 s, most
    // likely the survivor's own jobs taken for stalled: maxStalledCount 2)
    const { cfg, input } = setup({ queue: { batchSize: 1, lockDurationMs: 3_000, stalledIntervalMs: 1_000 } });
    const [victim] = await Promise.all([startWorker(cfg, 'victim'), startWorker(cfg, 'survivor')]);
    const q = new Queue(QUEUES.run, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    const train = new Queue(QUEUES.train, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    try {
      const { runId } = await enqueueRun(q, cfg, { mode: 'input', input, runDate: '2024-04-30' });
      // kill the victim while it holds a train-batch job
      const held = await waitFor(async () => (await train.getActive()).find((j) => j.processedBy === 'victim'), 60_000, 'an active batch on the victim');
      victim.kill('SIGKILL');
      await exited(victim);
      const done = await waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 100_000 });
      expect(done.degraded).toEqual([]);
      const queued = readFileSync(join(cfg.dataDir, done.runDir, 'forecasts.csv'), 'utf8');
      expect(queued).toBe(await localForecasts(cfg, join(cfg.dataDir, input), '2024-04-30'));
      const retaken = await train.getJob(held.id!);
      expect(await retaken!.getState()).toBe('completed');
      expect(retaken!.processedBy).toBe('survivor');
    } finally {
      await Promise.all([q.close(), train.close()]);
    }
  }, 180_000);

  it('stops gracefully on SIGTERM', async () => {
    const { cfg } = setup({ queue: { shutdownGraceMs: 5_000 } });
    const w = await startWorker(cfg, 'w');
    w.kill('SIGTERM');
    await exited(w);
    expect(w.exitCode).toBe(0);
  }, 60_000);
});
