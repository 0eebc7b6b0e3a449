/**
 * The worker threads of an in-process run (the fits: fit-threads.ts; the pooled stage:
 * pooled-runner.ts): how many the `threads` setting allows, and where a thread's compiled
 * entry is (tests run the TypeScript sources; a thread needs the JavaScript of dist/).
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
