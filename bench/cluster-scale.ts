/**
 * Workers that share nothing but Redis at M5 scale (issue 19): the 30,490-series export of
 * bench/gen-m5-scale.ts through the queue with one `forecast worker --queues run,publish` (the
 * shop's machine, holding the data directory) and two fit-only `forecast worker --queues train
 * --prefix P` processes, each with its own empty data directory; against `forecast run`.
 *
 *   node dist/bench/gen-m5-scale.js [--out DIR]            # once
 *   node dist/bench/cluster-scale.js [DIR] [--only in-process|queue] [--max-inflight-mib 256]
 *                                    [--batch-size 250]
 *
 * Reports wall time (enqueue to publish), Redis `used_memory` (INFO memory polled every 100 ms:
 * the baseline before the run and the peak during it; target: peak under 1 GiB), the bytes the
 * fit data moved through Redis (series in and forecasts out, summed from the train jobs'
 * results; and the server's own `total_net_input_bytes` / `total_net_output_bytes` over the run,
 * which also count BullMQ's traffic and any other client of that Redis), each worker's peak RSS,
 * and checks the queued forecasts.csv byte for byte against the in-process one (exit 1 when they
 * differ). Redis: REDIS_URL, else a throwaway redis-server; the queue prefix is this bench's own.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parseConfig } from '../config/load.js';
import { producerQueue, queueOptions, redisConnection } from '../workers/connection.js';
import { closeFitClients } from '../workers/fit-store.js';
import { QUEUES } from '../workers/queues.js';
import { enqueueRun, waitForRun } from '../workers/run-queue.js';
import { inProcess } from './m5-scale.js';
import { redisUrl, startWorker, stopWorkers } from './queue.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const RUN_DATE = '2016-03-26';
const MIB = 1024 * 1024;

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** A field of an INFO section as a number. */
function infoField(text: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Poll Redis `used_memory` every `ms` until stopped; the peak and the first reading. */
function pollMemory(redis: Redis, ms = 100): { stop: () => Promise<{ baseline: number; peak: number }> } {
  let baseline = NaN;
  let peak = 0;
  let busy = false;
  const read = async () => {
    if (busy) return;
    busy = true;
    try {
      const used = infoField(await redis.info('memory'), 'used_memory');
      if (Number.isNaN(baseline)) baseline = used;
      peak = Math.max(peak, used);
    } finally {
      busy = false;
    }
  };
  void read();
  const timer = setInterval(() => void read().catch(() => {}), ms);
  return {
    stop: async () => {
      clearInterval(timer);
      await read().catch(() => {});
      return { baseline, peak };
    },
  };
}

function peakRss(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The queued run with one shop worker and two fit-only workers. */
async function fitOnlyQueued(dir: string, url: string, opts: { maxInflight: number; batchSize: number }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cluster-shop-'));
  const fitDirs = [mkdtempSync(join(tmpdir(), 'cluster-fit1-')), mkdtempSync(join(tmpdir(), 'cluster-fit2-'))];
  for (const f of ['sales.csv', 'calendar.csv']) linkSync(join(dir, f), join(dataDir, f));
  const prefix = `cluster-${process.pid}`;
  const config = parseConfig({ dataDir, runDate: RUN_DATE, queue: { redisUrl: url, prefix, batchSize: opts.batchSize, maxInflightBytes: opts.maxInflight } });
  const cfgFile = join(dataDir, 'config.json');
  writeFileSync(cfgFile, JSON.stringify(config));
  const ws: ChildProcess[] = [];
  const redis = new Redis(url);
  const q = producerQueue(config, QUEUES.run);
  const train = new Queue(QUEUES.train, queueOptions(config, redisConnection(url, 'producer')));
  try {
    ws.push(await startWorker(config, cfgFile, 'shop', ['--queues', 'run,publish']));
    for (const [i, d] of fitDirs.entries()) {
      const fitCfg = parseConfig({ dataDir: d, queue: { redisUrl: url } });
      const file = join(d, '..', `cluster-fit${i + 1}-${process.pid}.json`);
      writeFileSync(file, JSON.stringify(fitCfg));
      ws.push(await startWorker(fitCfg, file, `fit${i + 1}`, ['--queues', 'train', '--prefix', prefix]));
    }
    const net0 = await redis.info('stats');
    const mem = pollMemory(redis);
    const t0 = performance.now();
    const { runId } = await enqueueRun(q, config, { mode: 'input', input: 'sales.csv', calendar: 'calendar.csv', runDate: RUN_DATE });
    const done = await waitForRun(config, runId, { connection: redisConnection(url, 'worker'), timeoutMs: 3_600_000 });
    const wallS = (performance.now() - t0) / 1000;
    const { baseline, peak } = await mem.stop();
    const net1 = await redis.info('stats');
    const jobs = await train.getCompleted(0, 100_000);
    let bytesIn = 0;
    let bytesOut = 0;
    for (const j of jobs) (bytesIn += j.returnvalue?.bytesIn ?? 0), (bytesOut += j.returnvalue?.bytesOut ?? 0);
    const delta = (name: string) => infoField(net1, name) - infoField(net0, name);
    return {
      mode: 'queue, 1 shop worker + 2 fit-only workers',
      wallS,
      degraded: done.degraded.length,
      batches: jobs.length,
      processedBy: [...new Set(jobs.map((j) => j.processedBy))],
      redisUsedMemoryMiB: { baseline: baseline / MIB, peak: peak / MIB, peakAboveBaseline: (peak - baseline) / MIB },
      fitDataMiB: { seriesIn: bytesIn / MIB, forecastsOut: bytesOut / MIB },
      redisNetMiB: { input: delta('total_net_input_bytes') / MIB, output: delta('total_net_output_bytes') / MIB },
      peakRssMiB: ws.map((w) => peakRss(w.pid) / MIB),
      runDir: join(dataDir, done.runDir),
      dataDir,
      fitDirs,
    };
  } finally {
    await q.obliterate({ force: true }).catch(() => {});
    await train.obliterate({ force: true }).catch(() => {});
    await Promise.allSettled([q.close(), train.close(), redis.quit(), closeFitClients()]);
    await stopWorkers(ws);
  }
}

async function main(argv: string[]): Promise<number> {
  const dir = resolve(argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--')) ?? join(ROOT, 'bench', 'out', 'm5-scale'));
  if (!existsSync(join(dir, 'sales.csv'))) throw new Error(`${dir}/sales.csv not found: run node dist/bench/gen-m5-scale.js first`);
  const only = flag(argv, '--only');
  const maxInflight = Number(flag(argv, '--max-inflight-mib') ?? 256) * MIB;
  const batchSize = Number(flag(argv, '--batch-size') ?? 250);
  const out = join(tmpdir(), `cluster-inproc-${process.pid}`);
  let local: Awaited<ReturnType<typeof inProcess>> | null = null;
  if (only !== 'queue') {
    local = await inProcess(dir, out);
    console.log(JSON.stringify({ mode: local.mode, wallS: local.wallS, stagesS: local.stagesS, peakRssMiB: local.peakRssBytes / MIB }));
  }
  let status = 0;
  if (only !== 'in-process') {
    const redis = await redisUrl();
    try {
      const r = await fitOnlyQueued(dir, redis.url, { maxInflight, batchSize });
      const { runDir, dataDir, fitDirs, ...shown } = r;
      console.log(JSON.stringify(shown));
      if (local) {
        const same = readFileSync(join(runDir, 'forecasts.csv')).equals(readFileSync(join(local.runDir, 'forecasts.csv')));
        console.log(`forecasts.csv queued vs in-process: ${same ? 'identical' : 'DIFFERENT'}`);
        if (!same) status = 1;
      }
      for (const d of [dataDir, ...fitDirs]) rmSync(d, { recursive: true, force: true });
    } finally {
      redis.stop();
    }
  }
  rmSync(out, { recursive: true, force: true });
  return status;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.stack : e);
      process.exit(1);
    },
  );
}
