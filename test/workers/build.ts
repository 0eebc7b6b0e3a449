/**
 * The worker-process tests run the compiled CLI (`node dist/bin/forecast.js worker`), because
 * BullMQ loads sandboxed processors from compiled files. Build once when dist/ is missing or
 * older than the sources.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'bin', 'forecast.js');
const SOURCE_DIRS = ['bin', 'config', 'models', 'pipelines', 'experiments', 'workers', 'dashboard', 'bench'];

function* tsFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}

/** Sources whose compiled file is missing or older. */
export function staleSources(): string[] {
  const stale: string[] = [];
  for (const d of SOURCE_DIRS) {
    const dir = join(ROOT, d);
    if (!existsSync(dir)) continue;
    for (const src of tsFiles(dir)) {
      const out = join(ROOT, 'dist', relative(ROOT, src)).replace(/\.ts$/, '.js');
      if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) stale.push(src);
    }
  }
  return stale;
}

/** Compile to dist/ when any source is newer than its output. @throws when the CLI is still missing. */
export function ensureBuilt(): void {
  if (staleSources().length === 0) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // type errors elsewhere in the tree still emit JavaScript; what matters is the output below
  }
  if (!existsSync(CLI) || !existsSync(join(ROOT, 'dist', 'workers', 'train-processor.js'))) throw new Error('build failed: dist/bin/forecast.js or the processors are missing');
}

/** What one CLI process ended with. */
export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run the built CLI (`node dist/bin/forecast.js ...args`) to its end, without colours.
 * @param opts.cwd working directory (default: the project root); `env` replaces the process's
 *   environment when given (FORCE_COLOR=0 added); `timeout` in ms.
 */
export async function runCli(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<CliOutcome> {
  try {
    const r = await promisify(execFile)(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: { ...(opts.env ?? process.env), FORCE_COLOR: '0' }, timeout: opts.timeout });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A `forecast worker` process started by {@link spawnWorker}, with everything it printed so far. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly log: () => string;
}

/**
 * Start the built CLI's `forecast worker --config <configFile> --name <name> ...args` against
 * `redisUrl` and `dataDir` (environment), and resolve once it logged "worker ready".
 * @throws when the worker exits first or is not ready within 30 s.
 */
export async function spawnWorker(configFile: string, env: { redisUrl: string; dataDir: string }, name: string, args: readonly string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', '--config', configFile, '--name', name, ...args], {
    env: { ...process.env, REDIS_URL: env.redisUrl, FORECAST_DATA_DIR: env.dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!log.includes('worker ready')) {
    if (child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`worker ${name} exited: ${log}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker ${name} not ready within 30 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, log: () => log };
}
