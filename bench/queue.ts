/**
 * Queue overhead: the M5 slice (../shared/data/m5-slice, 280 series) through the queue with 1 and
 * 2 worker processes (`forecast worker`), against the in-process `forecast run` on the same input,
 * same settings and same run date. Prints the wall times, the overhead of each queued run over the
 * in-process one, and checks that every queued forecasts.csv is byte-identical to the in-process
 * one (exit 1 when not). The target is an overhead of at most 20% (`--strict` exits 1 above it;
 * wall times on a shared machine are noisy, so the default only reports).
 *
 * Usage: node dist/bench/queue.js [DATA_DIR] [--batch-size N] [--repeat N] [--strict]
 *   DATA_DIR defaults to ../shared/data. Redis: REDIS_URL, else a throwaway `redis-server`.
 *
 * Timed span of a queued run: from `enqueue` to the publish job's completion, with the worker
 * processes already started (a deployment keeps them running). The in-process run is timed as a
 * process (`node dist/bin/forecast.js run`), as a user runs it. Besides wall time, the CPU time
 * of each (worker processes with all their threads, plus the producer; the whole in-process
 * `forecast run` process) is reported: on a shared machine the wall time mostly measures the
 * neighbours, the CPU time measures the queue's own extra work.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { producerQueue, redisConnection } from '../workers/connection.js';
import { QUEUES } from '../workers/queues.js';
import { enqueueRun, waitForRun } from '../workers/run-queue.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'bin', 'forecast.js');
const RUN_DATE = '2016-03-27';

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** CPU seconds (user + system, all threads) a process has used so far; NaN where /proc is unavailable. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], fields[12] = utime, stime (proc(5): fields 14 and 15), in clock ticks (100 Hz on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** REDIS_URL, else a throwaway `redis-server` on a free port (stop() ends it). */
export async function redisUrl(): Promise<{ url: string; stop: () => void }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: () => {} };
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (r.stdout?.trim() === 'PONG') return { url, stop: () => child.kill('SIGTERM') };
    await new Promise((r2) => setTimeout(r2, 100));
  }
  child.kill('SIGKILL');
  throw new Error('bench/queue: REDIS_URL is not set and redis-server did not start');
}

/** Environment of the spawned CLI: the bench's data directory and Redis, whatever the caller's shell says. */
function childEnv(config: Config): NodeJS.ProcessEnv {
  return { ...process.env, FORECAST_DATA_DIR: config.dataDir, REDIS_URL: config.queue.redisUrl };
}

/**
 * Start `forecast worker` as a child process and wait for its "worker ready" line.
 * @param args further flags (`--queues train --prefix P` for a fit-only worker).
 */
export async function startWorker(config: Config, configFile: string, name: string, args: readonly string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', '--config', configFile, '--name', name, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv(config) });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  for (let i = 0; i < 600 && !log.includes('worker ready'); i++) {
    if (child.exitCode !== null) throw new Error(`worker ${name} exited: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!log.includes('worker ready')) throw new Error(`worker ${name} did not start: ${log}`);
  return child;
}

export async function stopWorkers(ws: ChildProcess[]): Promise<void> {
  await Promise.all(
    ws.map(
      (w) =>
        new Promise<void>((r) => {
          if (w.exitCode !== null) return r();
          w.once('exit', () => r());
          w.kill('SIGTERM');
        }),
    ),
  );
}

async function queuedRun(config: Config, configFile: string, workers: number, tag: string): Promise<{ ms: number; cpu: number; forecasts: string }> {
  const cfg = parseConfig({ ...config, queue: { ...config.queue, prefix: `bench-${tag}-${process.pid}` } });
  writeFileSync(configFile, JSON.stringify(cfg));
  const ws: ChildProcess[] = [];
  for (let i = 0; i < workers; i++) ws.push(await startWorker(cfg, configFile, `w${i + 1}`));
  const q = producerQueue(cfg, QUEUES.run);
  try {
    const cpu0 = ws.reduce((a, w) => a + cpuSeconds(w.pid), 0);
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    const { runId } = await enqueueRun(q, cfg, { mode: 'input', input: 'sales.csv.gz', calendar: 'calendar.csv.gz', runDate: RUN_DATE });
    const done = await waitForRun(cfg, runId, { connection: redisConnection(cfg.queue.redisUrl, 'worker') });
    const ms = performance.now() - t0;
    const own = process.cpuUsage(own0);
    // worker processes (all their threads) plus this producer's enqueue and wait
    const cpu = ws.reduce((a, w) => a + cpuSeconds(w.pid), 0) - cpu0 + (own.user + own.system) / 1e6;
    const forecasts = readFileSync(join(cfg.dataDir, done.runDir, 'forecasts.csv'), 'utf8');
    rmSync(join(cfg.dataDir, done.runDir), { recursive: true, force: true });
    await q.obliterate({ force: true });
    return { ms, cpu, forecasts };
  } finally {
    await q.close();
    await stopWorkers(ws);
  }
}

/**
 * `forecast run` as a process, timed from spawn to exit; its CPU time is that of the whole
 * process (read from /proc just before it is reaped is not possible, so a tiny wrapper script
 * runs the CLI in-process and reports process.cpuUsage() at exit).
 */
function inProcessRun(config: Config, configFile: string): { ms: number; cpu: number; forecasts: string } {
  writeFileSync(configFile, JSON.stringify(config));
  const out = join(config.dataDir, 'inproc');
  const args = ['run', '--config', configFile, '--input', join(config.dataDir, 'sales.csv.gz'), '--calendar', join(config.dataDir, 'calendar.csv.gz'), '--out', out, '--run-date', RUN_DATE];
  const wrapper = join(config.dataDir, 'cfg', 'cpu-wrapper.mjs');
  writeFileSync(
    wrapper,
    `process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\nCPU ' + (u.user + u.system) / 1e6 + '\\n'); });\n` +
      `process.argv = [process.argv[0], ${JSON.stringify(CLI)}, ...process.argv.slice(2)];\nawait import(${JSON.stringify(pathToFileURL(CLI).href)});\n`,
  );
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [wrapper, ...args], { encoding: 'utf8', env: childEnv(config) });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`forecast run failed: ${r.stderr}`);
  const dir = /outputs: (.*)/.exec(r.stdout)?.[1]?.trim();
  if (!dir) throw new Error(`forecast run printed no output directory: ${r.stdout}`);
  const cpu = Number(/CPU ([\d.]+)/.exec(r.stderr)?.[1] ?? NaN);
  const forecasts = readFileSync(resolve(dir, 'forecasts.csv'), 'utf8');
  rmSync(out, { recursive: true, force: true });
  return { ms, cpu, forecasts };
}

async function main(argv: string[]): Promise<number> {
  const dataArg = argv.find((a, i) => !a.startsWith('--') && (i === 0 || !argv[i - 1].startsWith('--')));
  const shared = resolve(dataArg ?? '../shared/data');
  const sales = join(shared, 'm5-slice', 'sales.csv.gz');
  if (!existsSync(sales)) {
    process.stderr.write(`bench/queue: ${sales} not found\n`);
    return 2;
  }
  if (!existsSync(CLI)) {
    process.stderr.write('bench/queue: dist/bin/forecast.js missing: run "npm run build"\n');
    return 2;
  }
  const batchSize = Number(flag(argv, '--batch-size') ?? '50');
  const repeat = Number(flag(argv, '--repeat') ?? '1');
  const strict = argv.includes('--strict');
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-queue-'));
  const redis = await redisUrl();
  try {
    // the input must live inside the data directory (paths in job payloads are confined to it)
    copyFileSync(sales, join(dataDir, 'sales.csv.gz'));
    copyFileSync(join(shared, 'm5-slice', 'calendar.csv.gz'), join(dataDir, 'calendar.csv.gz'));
    mkdirSync(join(dataDir, 'cfg'), { recursive: true });
    const config = parseConfig({ dataDir, runDate: RUN_DATE, queue: { redisUrl: redis.url, batchSize } });
    const cfgFile = (n: string) => join(dataDir, 'cfg', `${n}.json`);

    const rows: Array<{ mode: string; ms: number; cpu: number; same: boolean }> = [];
    let ok = true;
    for (let k = 0; k < repeat; k++) {
      const base = inProcessRun(config, cfgFile('inproc'));
      rows.push({ mode: 'in-process', ms: base.ms, cpu: base.cpu, same: true });
      for (const n of [1, 2]) {
        const q = await queuedRun(config, cfgFile(`q${n}`), n, `${n}-${k}`);
        const same = q.forecasts === base.forecasts;
        ok &&= same;
        rows.push({ mode: `queue, ${n} worker${n > 1 ? 's' : ''}`, ms: q.ms, cpu: q.cpu, same });
      }
    }
    const median = (mode: string, key: 'ms' | 'cpu') => {
      const xs = rows.filter((r) => r.mode === mode).map((r) => r[key]).sort((a, b) => a - b);
      return xs[Math.floor((xs.length - 1) / 2)];
    };
    const base = median('in-process', 'ms');
    const baseCpu = median('in-process', 'cpu');
    process.stdout.write(`M5 slice, 280 series, batch size ${batchSize}, run date ${RUN_DATE}, ${repeat} repetition(s), medians; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores:\n`);
    let worst = 0;
    for (const mode of ['in-process', 'queue, 1 worker', 'queue, 2 workers']) {
      const ms = median(mode, 'ms');
      const cpu = median(mode, 'cpu');
      const over = (ms - base) / base;
      const overCpu = (cpu - baseCpu) / baseCpu;
      if (mode !== 'in-process') worst = Math.max(worst, over);
      const same = rows.filter((r) => r.mode === mode).every((r) => r.same);
      process.stdout.write(
        `  ${mode.padEnd(17)} wall ${(ms / 1000).toFixed(2).padStart(6)} s  cpu ${cpu.toFixed(2).padStart(6)} s` +
          (mode === 'in-process'
            ? ''
            : `   overhead wall ${(100 * over).toFixed(1).padStart(6)}%  cpu ${(100 * overCpu).toFixed(1).padStart(6)}%   forecasts.csv ${same ? 'identical' : 'DIFFERENT'}`) +
          '\n',
      );
    }
    process.stdout.write(`queue overhead (wall, worst of 1 and 2 workers): ${(100 * worst).toFixed(1)}% (target <= 20%)\n`);
    if (!ok) {
      process.stderr.write('bench/queue: a queued forecasts.csv differs from the in-process one\n');
      return 1;
    }
    return strict && worst > 0.2 ? 1 : 0;
  } finally {
    redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = await main(process.argv.slice(2));
