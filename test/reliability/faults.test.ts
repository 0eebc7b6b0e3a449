/**
 * Faults, each survived with nothing lost:
 * - the process killed (SIGKILL) at every step of publishing: `latest` still names the previous
 *   complete run, its files are byte-identical, no temporary file sits under a final name;
 * - a re-run of the same run id killed between moving the old directory away and moving the
 *   new one in: `latest` still resolves to a complete run;
 * - a full and a read-only output directory (a tiny tmpfs when the test may mount one, as root
 *   in CI; else a path under a regular file): exit 4 with a clear message, previous outputs kept;
 * - Redis killed and restarted mid-run (the test's own redis-server with an append-only file):
 *   the run completes with the same forecasts as an in-process run, and the same worker
 *   processes then serve a new run without being restarted.
 * (A worker SIGKILLed mid-batch is test/workers/worker-processes.test.ts.)
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { runPipeline } from '../../pipelines/run/run.js';
import { producerQueue, redisConnection } from '../../workers/connection.js';
import { QUEUES } from '../../workers/queues.js';
import { enqueueRun, waitForRun } from '../../workers/run-queue.js';
import { CLI, ROOT, spawnWorker } from '../workers/build.js';
import { dailyCsv } from '../workers/fixtures.js';
import { freePort, waitFor } from '../workers/helpers.js';

const execFileP = promisify(execFile);
const HOOK = join(ROOT, 'test', 'reliability', 'pause-hook.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'faults-'));
const procs: ChildProcess[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** name -> sha256 of every entry of a run directory. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, sha(join(dir, f))]));
}

function exited(p: ChildProcess): Promise<void> {
  return new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));
}

/** `forecast run` to completion. */
async function cliRun(input: string, out: string, runDate = '2024-04-30') {
  return execFileP(process.execPath, [CLI, 'run', '--input', input, '--out', out, '--run-date', runDate]).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

/** `forecast run` stopped by the pause hook at `point`, then SIGKILLed. */
async function killedRun(input: string, out: string, point: string): Promise<void> {
  const marker = join(tmp, `marker-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const child = spawn(process.execPath, ['--import', HOOK, CLI, 'run', '--input', input, '--out', out, '--run-date', '2024-04-30'], {
    env: { ...process.env, RELIABILITY_PAUSE_AT: point, RELIABILITY_PAUSE_MARKER: marker },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(child);
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor(() => (existsSync(marker) ? true : child.exitCode !== null ? Promise.reject(new Error(`run ended before ${point}: ${log}`)) : undefined), 60_000, `pause at ${point}`);
  child.kill('SIGKILL');
  await exited(child);
  expect(child.signalCode).toBe('SIGKILL');
}

/** Every published run directory is complete: run.json lists exactly its files, none temporary. */
function expectComplete(runDir: string): void {
  const names = readdirSync(runDir);
  expect(names.filter((n) => n.startsWith('.') || n.includes('.tmp-'))).toEqual([]);
  const summary = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { files: string[] };
  expect([...summary.files].sort()).toEqual([...names].sort());
}

describe('killed during publish', () => {
  it('at every step: latest still names the previous complete run, unchanged; no partial file under a final name', async () => {
    const out = join(tmp, 'publish-out');
    const a = join(tmp, 'a.csv');
    const b = join(tmp, 'b.csv');
    writeFileSync(a, dailyCsv({ stores: 2, skus: 4, days: 100, seed: 1 }));
    writeFileSync(b, dailyCsv({ stores: 2, skus: 4, days: 100, seed: 2 }));
    const first = await cliRun(a, out);
    expect(first.code).toBe(0);
    const target = readlinkSync(join(out, 'latest'));
    const firstDir = join(out, target);
    expectComplete(firstDir);
    const before = snapshot(firstDir);

    for (const point of ['file:rejected.csv', 'file:forecasts.csv', 'file:report.html', 'file:run.json', 'promote', 'latest']) {
      await killedRun(b, out, point);
      expect(readlinkSync(join(out, 'latest')), point).toBe(target);
      expect(snapshot(join(out, 'latest')), point).toEqual(before);
      const visible = readdirSync(join(out, 'runs')).filter((n) => !n.startsWith('.'));
      if (point === 'latest') {
        // the new run was moved into place whole; only the switch of `latest` was lost
        expect(visible.length, point).toBe(2);
        for (const v of visible) expectComplete(join(out, 'runs', v));
        rmSync(join(out, 'runs', visible.find((v) => join('runs', v) !== target)!), { recursive: true });
      } else {
        expect(visible, point).toEqual([target.replace(/^runs\//, '')]);
      }
    }
    // a run after all the crashes publishes normally
    const again = await cliRun(b, out);
    expect(again.code).toBe(0);
    expect(readlinkSync(join(out, 'latest'))).not.toBe(target);
    expectComplete(join(out, 'latest'));
  }, 240_000);

  it('re-running the same run id, killed while the old directory is moved aside: latest still resolves to a complete run', async () => {
    const out = join(tmp, 'rerun-out');
    const a = join(tmp, 'a2.csv');
    writeFileSync(a, dailyCsv({ stores: 2, skus: 3, days: 100, seed: 3 }));
    expect((await cliRun(a, out)).code).toBe(0);
    const forecasts = sha(join(out, 'latest', 'forecasts.csv'));
    await killedRun(a, out, 'promote');
    expect(existsSync(join(out, 'latest', 'run.json'))).toBe(true);
    expectComplete(realpathSync(join(out, 'latest')));
    expect(sha(join(out, 'latest', 'forecasts.csv'))).toBe(forecasts);
    // and the next run repairs the layout: runs/<id> is back and latest names it
    expect((await cliRun(a, out)).code).toBe(0);
    expect(readlinkSync(join(out, 'latest'))).toMatch(/^runs\/2024-04-30-[0-9a-f]{12}$/);
    expectComplete(join(out, 'latest'));
  }, 120_000);
});

/** Mount a tmpfs of `size` at `dir`; false when this process may not mount. */
function tryMount(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('unwritable or full output directory', () => {
  const mnt = join(tmp, 'mnt');
  let mounted = false;
  afterAll(() => {
    if (mounted) execFileSync('umount', ['-l', mnt]);
  });

  it('full disk and read-only: exit 4 with a clear message; the previous outputs are kept', async () => {
    mkdirSync(mnt, { recursive: true });
    const a = join(tmp, 'disk-a.csv');
    const b = join(tmp, 'disk-b.csv');
    writeFileSync(a, dailyCsv({ stores: 1, skus: 3, days: 90, seed: 5 }));
    writeFileSync(b, dailyCsv({ stores: 2, skus: 6, days: 200, seed: 6 }));
    mounted = tryMount(mnt, '2m');
    if (!mounted) {
      // fallback (no mount permission): the output directory lies under a regular file
      writeFileSync(join(tmp, 'plain-file'), 'x');
      const r = await cliRun(a, join(tmp, 'plain-file', 'out'));
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/cannot create directory .*plain-file\/out/);
      console.warn('faults.test: no permission to mount a tmpfs; checked ENOTDIR only');
      return;
    }
    const out = join(mnt, 'out');
    expect((await cliRun(a, out)).code).toBe(0);
    const target = readlinkSync(join(out, 'latest'));
    const before = snapshot(join(out, 'latest'));

    // fill the file system to the last byte
    const fd = openSync(join(mnt, 'filler'), 'w');
    const block = Buffer.alloc(4096, 1);
    try {
      for (;;) writeSync(fd, block);
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    const full = await cliRun(b, out);
    expect(full.code).toBe(4);
    expect(full.stderr).toMatch(/\(disk full\)/);
    expect(full.stderr).not.toMatch(/unexpected error/);
    expect(readlinkSync(join(out, 'latest'))).toBe(target);
    expect(snapshot(join(out, 'latest'))).toEqual(before);
    expect(readdirSync(join(out, 'runs')).filter((n) => !n.startsWith('.'))).toEqual([target.replace(/^runs\//, '')]);
    // no temporary file is left behind to eat the space
    rmSync(join(mnt, 'filler'));

    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    const ro = await cliRun(b, out);
    expect(ro.code).toBe(4);
    expect(ro.stderr).toMatch(/\(read-only file system\)/);
    expect(readlinkSync(join(out, 'latest'))).toBe(target);
    expect(snapshot(join(out, 'latest'))).toEqual(before);
    execFileSync('mount', ['-o', 'remount,rw', mnt]);
    // with space again, the same run publishes
    expect((await cliRun(b, out)).code).toBe(0);
    expect(readlinkSync(join(out, 'latest'))).not.toBe(target);
  }, 180_000);
});

describe('Redis stopped and restarted mid-run', () => {
  const PASSWORD = 'rel-s3cret-Pw0rd';
  let redis: ChildProcess | null = null;
  let cfg: Config | null = null;
  afterAll(() => {
    if (redis && redis.exitCode === null) redis.kill('SIGKILL');
  });

  /** This test's own redis-server (never the shared one): append-only file, fsync on every write, a password. */
  async function startRedis(port: number, dir: string): Promise<ChildProcess> {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir, '--requirepass', PASSWORD], { stdio: 'ignore' });
    procs.push(child);
    await waitFor(() => {
      try {
        return execFileSync('redis-cli', ['-p', String(port), '-a', PASSWORD, '--no-auth-warning', 'ping'], { encoding: 'utf8' }).includes('PONG') ? true : undefined;
      } catch {
        return child.exitCode !== null ? Promise.reject(new Error('redis-server exited')) : undefined;
      }
    }, 20_000, 'redis-server');
    return child;
  }

  async function startWorker(c: Config, name: string): Promise<{ child: ChildProcess; log: () => string }> {
    const file = join(c.dataDir, `worker-${name}.json`);
    writeFileSync(file, JSON.stringify({ ...c, queue: { ...c.queue, redisUrl: undefined } }));
    const worker = await spawnWorker(file, { redisUrl: c.queue.redisUrl, dataDir: c.dataDir }, name);
    procs.push(worker.child);
    return worker;
  }

  it('the run completes with the in-process forecasts, the workers reconnect on their own and serve the next run; no password in logs or run.json', async () => {
    const port = await freePort();
    const redisDir = mkdtempSync(join(tmpdir(), 'faults-redis-'));
    redis = await startRedis(port, redisDir);
    const dataDir = mkdtempSync(join(tmpdir(), 'faults-data-'));
    cfg = parseConfig({ dataDir, queue: { redisUrl: `redis://:${PASSWORD}@127.0.0.1:${port}`, prefix: 'rel', batchSize: 1, backoffMs: 200, attempts: 5 } });
    mkdirSync(join(dataDir, 'exports'));
    writeFileSync(join(dataDir, 'exports', 'sales.csv'), dailyCsv({ stores: 3, skus: 6, days: 120 }));
    const workers = await Promise.all([startWorker(cfg, 'w1'), startWorker(cfg, 'w2')]);

    const q = producerQueue(cfg, QUEUES.run);
    const { runId } = await enqueueRun(q, cfg, { mode: 'input', input: 'exports/sales.csv', runDate: '2024-04-30' });
    await q.close();
    // stop Redis once some batches are done and others are not
    const watch = new Queue(QUEUES.train, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), prefix: 'rel' });
    watch.on('error', () => {});
    const doneBefore = await waitFor(async () => {
      const n = await watch.getCompletedCount();
      return n >= 2 ? n : undefined;
    }, 90_000, 'two completed batches');
    await watch.close();
    expect(doneBefore).toBeLessThan(18);
    redis.kill('SIGKILL');
    await exited(redis);
    await new Promise((r) => setTimeout(r, 3_000)); // the workers see the outage
    redis = await startRedis(port, redisDir);

    const done = await waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 150_000 });
    expect(done.degraded).toEqual([]);
    const queued = readFileSync(join(dataDir, done.runDir, 'forecasts.csv'), 'utf8');
    const local = await runPipeline({ input: join(dataDir, 'exports', 'sales.csv'), outDir: join(tmp, 'redis-inproc'), config: parseConfig({ ...cfg, runDate: '2024-04-30' }) });
    expect(queued).toBe(readFileSync(join(local.runDir, 'forecasts.csv'), 'utf8'));
    for (const w of workers) expect(w.child.exitCode).toBeNull();

    // the same worker processes serve a new run
    const q2 = producerQueue(cfg, QUEUES.run);
    const second = await enqueueRun(q2, cfg, { mode: 'input', input: 'exports/sales.csv', runDate: '2024-05-01' });
    await q2.close();
    const done2 = await waitForRun(cfg, second.runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker'), timeoutMs: 150_000 });
    expect(existsSync(join(dataDir, done2.runDir, 'forecasts.csv'))).toBe(true);

    // the workers did see the outage (and logged it), and still no credential anywhere in what they wrote
    expect(workers.map((w) => w.log()).join('')).toMatch(/ECONNREFUSED|Connection is closed|"event":"error"|stalled/);
    for (const w of workers) {
      expect(w.log()).not.toContain(PASSWORD);
      expect(w.log().length).toBeGreaterThan(0);
    }
    for (const r of [done.runDir, done2.runDir]) expect(readFileSync(join(dataDir, r, 'run.json'), 'utf8')).not.toContain(PASSWORD);
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => exited(w.child)));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(redisDir, { recursive: true, force: true });
  }, 400_000);
});
