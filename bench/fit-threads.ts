/**
 * Where fitting on worker threads starts to pay (pipelines/forecast/threads.ts
 * `THREADED_FIT_MIN_WORK`): the forecast stage (stage 2, bottom series, no levels) of catalogues
 * of several sizes, on the calling thread and on `--threads` worker threads (forced, whatever
 * the rule says), each in a fresh process as in `forecast run` (a cold JIT on every thread),
 * alternating. Prints per catalogue: series, series-days, the rule's work (fitted series-days,
 * fit-threads.ts `fitWorkOf`), and per mode the
 * stage's wall milliseconds and the process's CPU milliseconds over the stage (all threads).
 * Also the import cost of a fitting thread's entry (`--imports`): the thread's own time to import
 * pipelines/forecast/forecast-batch.js against pipelines/run/run.js (where `forecastBatch` was).
 *
 *   node dist/bench/gen-m5-scale.js --series 1000 --out bench/out/m5-1000    # once per size
 *   node dist/bench/fit-threads.js bench/out/m5-1000 bench/out/m5-2000 ... [--threads 2] [--repeat 2] [--imports]
 *
 * A DIR holds sales.csv and calendar.csv (the layout of bench/gen-m5-scale.ts); the run date is
 * the day after its history. Wall times depend on the machine's load: note it (printed).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseConfig } from '../config/load.js';
import { forecastBatch } from '../pipelines/forecast/forecast-batch.js';
import { fitWorkOf, threadForecaster } from '../pipelines/forecast/fit-threads.js';
import { forecastContext, prepareRun } from '../pipelines/run/run.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const RUN_DATE = '2016-03-27';

function flag(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
}

/** One measurement in this (fresh) process: the forecast stage of DIR's catalogue, inline or on `threads` threads. */
async function child(dir: string, threads: number): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'fit-threads-'));
  try {
    const config = parseConfig({ threads, models: { pooled: { enabled: false } } });
    const prep = await prepareRun({ input: join(dir, 'sales.csv'), calendar: join(dir, 'calendar.csv'), outDir: out, config, runDate: RUN_DATE, replay: false });
    const ctx = forecastContext(prep, config);
    let periods = 0;
    for (const s of prep.series) periods += s.demand.length;
    const fitted = fitWorkOf(prep.series, ctx).periods;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    if (threads <= 1) forecastBatch(prep.series, ctx);
    else await threadForecaster(threads, { force: true })(prep.series, ctx);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(`${JSON.stringify({ series: prep.series.length, periods, fitted, ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000) })}\n`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Milliseconds a new worker thread takes to import `module` (a dist/ path), measured inside the thread. */
function threadImportMs(module: string): Promise<number> {
  const url = pathToFileURL(module).href;
  const code = `const { parentPort } = require('node:worker_threads'); const t = performance.now(); import(${JSON.stringify(url)}).then(() => parentPort.postMessage(performance.now() - t));`;
  return new Promise((res, rej) => {
    const w = new Worker(code, { eval: true });
    w.once('message', (ms: number) => void w.terminate().then(() => res(ms)));
    w.once('error', rej);
  });
}

async function imports(repeat: number): Promise<void> {
  for (const m of ['pipelines/run/run.js', 'pipelines/forecast/forecast-batch.js']) {
    const ms: number[] = [];
    // a fresh process each time: the modules are cached per process once any thread compiled them
    for (let r = 0; r < repeat; r++) {
      const p = spawnSync(process.execPath, [join(HERE, 'fit-threads.js'), '--import-one', resolve(HERE, '..', m)], { encoding: 'utf8' });
      ms.push(Math.round(Number(p.stdout.trim())));
    }
    process.stdout.write(`thread import of ${m}: ${ms.join(', ')} ms (load ${loadavg()[0].toFixed(1)})\n`);
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--child') return child(argv[1], Number(argv[2])).then(() => 0);
  if (argv[0] === '--import-one') return threadImportMs(argv[1]).then((ms) => (process.stdout.write(`${ms}\n`), 0));
  const threads = Number(flag(argv, '--threads', '2'));
  const repeat = Number(flag(argv, '--repeat', '2'));
  if (argv.includes('--imports')) await imports(Math.max(repeat, 3));
  const dirs = argv.filter((a, i) => !a.startsWith('--') && !['--threads', '--repeat'].includes(argv[i - 1]));
  process.stdout.write('dir\tseries\tseries-days\tfitted (work)\tmode\twall ms\tCPU ms\tload\n');
  for (const dir of dirs) {
    for (let r = 0; r < repeat; r++) {
      for (const t of [1, threads]) {
        const p = spawnSync(process.execPath, [join(HERE, 'fit-threads.js'), '--child', dir, String(t)], { encoding: 'utf8', maxBuffer: 1 << 24 });
        if (p.status !== 0) throw new Error(`fit-threads child failed: ${p.stderr}`);
        const m = JSON.parse(p.stdout.trim().split('\n').pop()!) as { series: number; periods: number; fitted: number; ms: number; cpuMs: number };
        process.stdout.write(`${dir}\t${m.series}\t${m.periods}\t${m.fitted}\t${t <= 1 ? 'inline' : `${t} threads`}\t${m.ms}\t${m.cpuMs}\t${loadavg()[0].toFixed(1)}\n`);
      }
    }
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
