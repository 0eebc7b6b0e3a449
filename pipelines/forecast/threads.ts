/**
 * The worker threads of an in-process run (the fits: fit-threads.ts; the pooled stage:
 * pooled-runner.ts): how many the `threads` setting allows, when the fits are worth a thread,
 * and where a thread's compiled entry is (tests run the TypeScript sources; a thread needs the
 * JavaScript of dist/).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Threads for a `threads` setting: 0 = one per core, at most 8. */
export function threadCount(setting: number): number {
  return setting > 0 ? setting : Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * Fit work from which the fits go to worker threads; below it a run fits on the calling thread.
 * The work is the periods the models are fitted on, summed over the run's series: each series'
 * history up to the final fit's window (`models.maxHistory`, 728 days; fit-threads.ts
 * `fitWorkOf`), since a longer history costs little more. Threads have a fixed cost the fits must
 * repay: each imports the models (0.15–0.19 s) and runs its first batches before the JIT has
 * warmed up; over the forecast stage 2 threads used 1.5–4.6 CPU s more than one, the same at 500
 * and at 8,000 series (`node dist/bench/fit-threads.js`, README Performance). One thread fits a
 * series of 1,941 days in 3.4 ms of CPU (plus about 1.3 s of warm-up), and two busy threads on
 * this 2-vCPU machine give 1.32 times the throughput of one, so 2 threads win from about
 * 3.3 / 0.32 = 10 CPU s of fits: 2,600 such series, 1.9 million fitted series-days. The M5 slice
 * with its levels (434 series, 0.32 million) fits inline; M5 scale (30,644, 22 million) on
 * threads. Weekly and monthly series cost 2–5 times more per fitted period than daily ones (README,
 * strategy speed), so they reach threads later than they could; on a machine with more real
 * cores the crossover is lower too. A run under the threshold loses at most about the fixed cost.
 */
export const THREADED_FIT_MIN_WORK = 2_000_000;

/** What {@link fitThreads} weighs: the run's series and their fitted periods (see {@link THREADED_FIT_MIN_WORK}). */
export interface FitWork {
  series: number;
  periods: number;
}

/**
 * How many threads fit a run's series; 1 = on the calling thread. The `threads` setting
 * (`--threads N`, config `threads`) is an upper bound, not an order: "use up to N" (0 = one per
 * core). A run fits on the calling thread when the setting allows one thread, when its work is
 * under {@link THREADED_FIT_MIN_WORK}, or when it has fewer series than two batches; otherwise on
 * as many threads as allowed and as it has batches. `force` skips the work threshold (tests, to
 * exercise the threads on small inputs; the bench that measures the threshold).
 */
export function fitThreads(setting: number, work: FitWork, opts: { batchSize: number; force?: boolean }): number {
  const n = threadCount(setting);
  if (n <= 1 || work.series < 2 * opts.batchSize) return 1;
  if (!opts.force && work.periods < THREADED_FIT_MIN_WORK) return 1;
  return Math.min(n, Math.ceil(work.series / opts.batchSize));
}

/**
 * Path of a thread's entry `file` (a compiled module of pipelines/forecast/, e.g. `fit-thread.js`):
 * beside this module in dist/, or the build's copy when running from sources.
 * @throws when neither exists (run `npm run build`).
 */
export function threadEntry(file: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, file);
  if (existsSync(beside)) return beside;
  const built = resolve(here, '..', '..', 'dist', 'pipelines', 'forecast', file);
  if (existsSync(built)) return built;
  throw new Error(`${file} not found beside ${here} nor in dist/pipelines/forecast: run "npm run build"`);
}
