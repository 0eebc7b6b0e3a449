/**
 * Shutdown that always ends: a `forecast worker` whose Redis was killed (SIGKILL, nothing
 * listening any more) still ends on SIGTERM within `queue.shutdownGraceMs` plus the bounded
 * forced close (workers/shutdown.ts FORCE_WAIT_MS), and a second signal ends it at once. The
 * test's own redis-server, never the shared one.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FORCE_WAIT_MS } from '../../workers/shutdown.js';
import { CLI, ROOT } from '../workers/build.js';
import { freePort, waitFor } from '../workers/helpers.js';

const procs: ChildProcess[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  procs.push(child);
  await waitFor(() => {
    try {
      return execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).includes('PONG') ? true : undefined;
    } catch {
      return undefined;
    }
  }, 20_000, 'redis-server');
  return child;
}

/** A worker on its own Redis, ready; its exit awaited. */
async function readyWorker(graceMs: number): Promise<{ redis: ChildProcess; worker: ChildProcess; exited: Promise<number> }> {
  const port = await freePort();
  const redis = await startRedis(port);
  const dataDir = mkdtempSync(join(tmpdir(), 'shutdown-'));
  const config = join(dataDir, 'forecast.json');
  const url = `redis://127.0.0.1:${port}`;
  writeFileSync(config, JSON.stringify({ dataDir, queue: { redisUrl: url, prefix: 'shutdown', shutdownGraceMs: graceMs } }));
  const worker = spawn(process.execPath, [CLI, 'worker', '--config', config], { cwd: ROOT, env: { ...process.env, REDIS_URL: url }, stdio: ['ignore', 'ignore', 'pipe'] });
  procs.push(worker);
  let log = '';
  worker.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number>((r) => worker.on('exit', () => r(Date.now())));
  await waitFor(() => (/worker ready/.test(log) ? true : undefined), 30_000, 'worker ready');
  return { redis, worker, exited };
}

describe('a worker whose Redis is gone', () => {
  it('ends on SIGTERM within the grace period and the bounded forced close', async () => {
    const graceMs = 1_000;
    const { redis, worker, exited } = await readyWorker(graceMs);
    redis.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    worker.kill('SIGTERM');
    const at = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-1), 30_000))]);
    expect(at, 'still running 30 s after SIGTERM').toBeGreaterThan(0);
    expect(at - t0).toBeLessThan(graceMs + FORCE_WAIT_MS + 3_000);
  }, 90_000);

  it('a second signal ends it at once', async () => {
    const { redis, worker, exited } = await readyWorker(60_000);
    redis.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    worker.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    worker.kill('SIGINT');
    const at = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-1), 30_000))]);
    expect(at).toBeGreaterThan(0);
    expect(at - t0).toBeLessThan(3_000);
  }, 90_000);
});
