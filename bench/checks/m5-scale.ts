/**
 * Real-data check of the M5-scale paths on a reduced scale (CI minutes, not the 59 million rows
 * of bench/m5-scale.ts): 1,000 series x 1,941 days generated from the M5 slice (bench/gen-m5-scale.ts),
 *
 * 1. `forecast run` in-process (on the main thread: 0.73 million fitted series-days is under
 *    pipelines/forecast/threads.ts `THREADED_FIT_MIN_WORK`) and the same input through the queue with 2
 *    worker processes give byte-identical forecasts.csv;
 * 2. `forecast nightly`: the history loaded once, then a night with one new day updates the
 *    history snapshot (it is not rebuilt: no re-read of the history), and that night's
 *    forecasts.csv equals `forecast run` on the history plus the new day read from scratch.
 *
 *   node dist/bench/checks/m5-scale.js ../shared/data
 *
 * Redis: REDIS_URL, else a throwaway redis-server. Exits 1 on failure.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportFailures, runCheckMain } from '../check-harness.js';
import { inProcess, nightly, queued } from '../m5-scale.js';
import { redisUrl } from '../queue.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const SERIES = 1000;

async function main(dataDir: string | undefined): Promise<number> {
  if (!dataDir) {
    process.stderr.write('usage: node dist/bench/checks/m5-scale.js SHARED_DATA_DIR\n');
    return 2;
  }
  const work = mkdtempSync(join(tmpdir(), 'check-m5-scale-'));
  const failures: string[] = [];
  const redis = await redisUrl();
  try {
    const gen = join(work, 'gen');
    const g = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', 'gen-m5-scale.js'), '--series', String(SERIES), '--data', resolve(dataDir), '--out', gen], { encoding: 'utf8' });
    if (g.status !== 0) throw new Error(`gen-m5-scale failed: ${g.stderr}`);
    process.stdout.write(g.stdout);

    const local = await inProcess(gen, join(work, 'in-process'));
    const viaQueue = await queued(gen, join(work, 'queue'), 2, redis.url);
    const a = readFileSync(join(local.runDir, 'forecasts.csv'), 'utf8');
    const b = readFileSync(join(viaQueue.runDir, 'forecasts.csv'), 'utf8');
    process.stdout.write(`in-process ${local.wallS.toFixed(1)} s, queue (2 workers) ${viaQueue.wallS.toFixed(1)} s; ${a.split('\n').length - 2} forecast rows\n`);
    if (a !== b) failures.push('the queued forecasts.csv differs from the in-process one');
    if (a.split('\n').length - 2 !== SERIES * 28) failures.push(`forecasts.csv has ${a.split('\n').length - 2} rows, expected ${SERIES * 28}`);

    const [, night] = await nightly(gen, join(work, 'nightly'), false);
    const snapshot = (night as { snapshot?: string }).snapshot;
    if (snapshot !== 'updated') failures.push(`the 1-day night rebuilt the history snapshot (${snapshot}) instead of updating it`);
    // the same history read from scratch: the generated file plus the new day, one `forecast run`
    const whole = join(work, 'whole');
    mkdirSync(whole, { recursive: true });
    copyFileSync(join(gen, 'sales.csv'), join(whole, 'sales.csv'));
    appendFileSync(join(whole, 'sales.csv'), readFileSync(join(gen, 'increment.csv'), 'utf8').split('\n').slice(1).join('\n'));
    copyFileSync(join(gen, 'calendar.csv'), join(whole, 'calendar.csv'));
    const scratch = await inProcess(whole, join(work, 'scratch'), ['--run-date', '2016-03-27']);
    const n = readFileSync(join(night.runDir, 'forecasts.csv'), 'utf8');
    const s = readFileSync(join(scratch.runDir, 'forecasts.csv'), 'utf8');
    process.stdout.write(`nightly 1-day increment ${night.wallS.toFixed(1)} s (snapshot ${snapshot}); from scratch ${scratch.wallS.toFixed(1)} s\n`);
    if (n !== s) failures.push("the nightly 1-day increment's forecasts.csv differs from forecast run on the whole history");
  } finally {
    redis.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return reportFailures('m5-scale', failures);
}

runCheckMain(main);
