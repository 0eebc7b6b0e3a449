/**
 * Load: 20 runs of the M5 slice (527,800 rows, 280 series) enqueued at once, served by 2
 * `forecast worker` processes against this bench's own Redis. Each run reads its own copy of the
 * export, byte for byte the same but for the gzip header's modification time, hence its own run
 * id (the run id hashes the file's bytes) for the same content and run date (2016-03-27, the
 * data's last day: since forecasts start at the run date's period, different run dates would
 * give different forecasts). Checks, exiting 1 when any fails:
 * - every run is published, with run.json rows.read == 527,800, no degraded batch;
 * - every run's forecasts.csv is the same bytes (the same data and run date), and no work
 *   directory is left behind;
 * - Redis stays bounded by the retention settings (workers/queues.ts): each queue's event stream
 *   within about EVENTS_MAX_LEN entries, finished jobs within their keep counts.
 * Prints wall time, runs per minute, Redis used_memory and key counts before and after, and the
 * same after the queues' finished jobs are cleaned (what retention converges to).
 *
 * With `--fit-only` (issue 19), one `forecast worker --queues run,publish` holds the data directory
 * and the `--workers` processes are fit-only (`--queues train --prefix load`, each with its own
 * empty data directory): every batch's series and forecasts go through Redis; also checked: no
 * fit key is left in Redis and the fit-only data directories stay empty.
 *
 * Usage: node dist/bench/load.js [DATA_DIR] [--runs 20] [--workers 2] [--batch-size 50] [--fit-only]
 *   DATA_DIR defaults to ../shared/data. Always starts its own redis-server (no persistence) on a
 *   free port, so the memory figures are this bench's alone.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { formatDay, parseIsoDay } from '../pipelines/dates.js';
import { producerQueue, queueOptions, redisConnection } from '../workers/connection.js';
import { EVENTS_MAX_LEN, QUEUES } from '../workers/queues.js';
import { enqueueRun, waitForRun } from '../workers/run-queue.js';
import { freePort, startWorker } from './queue.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'bin', 'forecast.js');
const M5_ROWS = 527_800;
const FIRST_RUN_DATE = '2016-03-27';

function flag(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
}

function redisCli(port: number, ...args: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout ?? '';
}

async function startRedis(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (redisCli(port, 'ping').trim() === 'PONG') return { port, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('bench/load: redis-server did not start (is it on PATH?)');
}

/** used_memory (bytes) and key count of the bench's Redis. */
function redisFigures(port: number): { usedMemory: number; keys: number } {
  const info = redisCli(port, 'info', 'memory');
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
  return { usedMemory: used, keys: Number(redisCli(port, 'dbsize').trim()) };
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(2);

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const shared = resolve(argv.find((a, i) => !a.startsWith('--') && (i === 0 || !argv[i - 1].startsWith('--'))) ?? join(ROOT, '..', 'shared', 'data'));
  const runs = flag(argv, '--runs', 20);
  const nWorkers = flag(argv, '--workers', 2);
  const batchSize = flag(argv, '--batch-size', 50);
  const fitOnly = argv.includes('--fit-only');
  const sales = join(shared, 'm5-slice', 'sales.csv.gz');
  const calendar = join(shared, 'm5-slice', 'calendar.csv.gz');
  if (!existsSync(sales)) throw new Error(`bench/load: ${sales} not found (give the shared data directory as the first argument)`);

  const redis = await startRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const workers: ChildProcess[] = [];
  const failures: string[] = [];
  const fitDirs: string[] = [];
  try {
    // one copy per run: the gzip header's MTIME (bytes 4-7) differs, the content does not
    const gz = readFileSync(sales);
    for (let i = 0; i < runs; i++) {
      const copy = Buffer.from(gz);
      copy.writeUInt32LE(i + 1, 4);
      writeFileSync(join(dataDir, `sales-${i}.csv.gz`), copy);
    }
    copyFileSync(calendar, join(dataDir, 'calendar.csv.gz'));
    const config = parseConfig({ dataDir, queue: { redisUrl: `redis://127.0.0.1:${redis.port}`, prefix: 'load', batchSize } });
    const file = join(dataDir, 'worker.json');
    writeFileSync(file, JSON.stringify(config));
    if (fitOnly) {
      workers.push(await startWorker(config, file, 'shop', ['--queues', 'run,publish']));
      for (let i = 0; i < nWorkers; i++) {
        const own = mkdtempSync(join(tmpdir(), 'bench-load-fit-'));
        fitDirs.push(own);
        const fitCfg = parseConfig({ dataDir: own, queue: { redisUrl: config.queue.redisUrl } });
        const fitFile = join(dataDir, `fit${i + 1}.json`);
        writeFileSync(fitFile, JSON.stringify(fitCfg));
        workers.push(await startWorker(fitCfg, fitFile, `fit${i + 1}`, ['--queues', 'train', '--prefix', 'load']));
      }
    } else {
      for (let i = 0; i < nWorkers; i++) workers.push(await startWorker(config, file, `w${i + 1}`));
    }
    const before = redisFigures(redis.port);

    const q = producerQueue(config, QUEUES.run);
    const t0 = performance.now();
    const first = parseIsoDay(FIRST_RUN_DATE);
    const ids = await Promise.all(
      Array.from({ length: runs }, (_, i) => enqueueRun(q, config, { mode: 'input', input: `sales-${i}.csv.gz`, calendar: 'calendar.csv.gz', runDate: formatDay(first) }).then((r) => r.runId)),
    );
    await q.close();
    if (new Set(ids).size !== runs) failures.push(`expected ${runs} distinct run ids, got ${new Set(ids).size}`);
    const results = await Promise.allSettled(ids.map((id) => waitForRun(config, id, { connection: redisConnection(config.queue.redisUrl, 'worker'), timeoutMs: 60 * 60_000 })));
    const wallS = (performance.now() - t0) / 1000;
    const after = redisFigures(redis.port);

    const hashes = new Set<string>();
    let published = 0;
    for (const [i, r] of results.entries()) {
      if (r.status === 'rejected') {
        failures.push(`run ${ids[i]} failed: ${(r.reason as Error).message}`);
        continue;
      }
      const dir = join(dataDir, r.value.runDir);
      const summary = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { rows: { read: number }; degraded: string[] };
      if (summary.rows.read !== M5_ROWS) failures.push(`run ${ids[i]}: rows.read ${summary.rows.read}, expected ${M5_ROWS}`);
      if (summary.degraded.length) failures.push(`run ${ids[i]}: degraded ${summary.degraded.join(',')}`);
      hashes.add(createHash('sha256').update(readFileSync(join(dir, 'forecasts.csv'))).digest('hex'));
      published++;
    }
    if (hashes.size > 1) failures.push(`forecasts.csv differs between runs (${hashes.size} versions)`);
    const work = join(dataDir, 'work');
    const leftover = existsSync(work) ? readdirSync(work) : [];
    if (leftover.length) failures.push(`work directories left: ${leftover.join(', ')}`);
    const fitKeys = redisCli(redis.port, '--scan', '--pattern', 'load:fit:*').trim();
    if (fitKeys) failures.push(`fit keys left in Redis: ${fitKeys.split('\n').length}`);
    for (const d of fitDirs) if (readdirSync(d).length) failures.push(`fit-only data directory ${d} was written to`);

    // retention: event streams capped, finished jobs within their keep counts
    const conn = redisConnection(config.queue.redisUrl, 'producer');
    const streams: Record<string, number> = {};
    const counts: Record<string, Record<string, number>> = {};
    for (const name of Object.values(QUEUES)) {
      streams[name] = Number(redisCli(redis.port, 'xlen', `load:${name}:events`).trim());
      if (streams[name] > EVENTS_MAX_LEN * 1.1 + 100) failures.push(`${name} event stream holds ${streams[name]} entries, cap ${EVENTS_MAX_LEN}`);
      const qq = new Queue(name, queueOptions(config, conn));
      counts[name] = await qq.getJobCounts('completed', 'failed', 'active', 'waiting', 'waiting-children', 'delayed');
      await qq.close();
    }
    const keepCounts: Record<string, number> = { run: 200, train: 5_000, publish: 200 };
    for (const [name, c] of Object.entries(counts)) if (c.completed > keepCounts[name]) failures.push(`${name}: ${c.completed} completed jobs kept, retention ${keepCounts[name]}`);

    // what retention converges to: finished jobs removed (as their age/count limits do over time)
    for (const name of Object.values(QUEUES)) {
      const qq = new Queue(name, queueOptions(config, conn));
      await qq.clean(0, 100_000, 'completed');
      await qq.clean(0, 100_000, 'failed');
      await qq.close();
    }
    const cleaned = redisFigures(redis.port);

    const who = fitOnly ? `1 run/publish worker + ${nWorkers} fit-only worker processes` : `${nWorkers} worker processes`;
    console.log(`bench/load: ${runs} runs of the M5 slice (${M5_ROWS} rows, 280 series each) enqueued at once, ${who}, batch size ${batchSize}`);
    console.log(`  published ${published}/${runs}, forecasts.csv identical across runs: ${hashes.size === 1}, work dirs left: ${leftover.length}`);
    console.log(`  wall ${wallS.toFixed(1)} s from enqueue to the last publish, ${((runs / wallS) * 60).toFixed(2)} runs/min, ${(wallS / runs).toFixed(1)} s per run`);
    console.log(`  redis used_memory: before ${mb(before.usedMemory)} MB (${before.keys} keys), after ${mb(after.usedMemory)} MB (${after.keys} keys), growth ${((after.usedMemory - before.usedMemory) / 1024 / runs).toFixed(1)} KB per run`);
    console.log(`  after removing finished jobs: ${mb(cleaned.usedMemory)} MB (${cleaned.keys} keys)`);
    console.log(`  event streams: ${JSON.stringify(streams)} (cap about ${EVENTS_MAX_LEN}); job counts: ${JSON.stringify(counts)}`);
    for (const f of failures) console.error(`FAIL ${f}`);
    return failures.length ? 1 : 0;
  } finally {
    await Promise.all(workers.map((w) => new Promise<void>((r) => (w.exitCode !== null ? r() : (w.once('exit', () => r()), w.kill('SIGTERM'))))));
    redis.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    for (const d of fitDirs) rmSync(d, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
