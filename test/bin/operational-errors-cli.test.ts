/**
 * Operational errors of the long-running commands, through the built CLI (dist/bin/forecast.js):
 * a port in use, an unreachable Redis, a data directory that cannot be written end with one line
 * saying what and how to fix it, exit 2 (settings) or 4 (output), and no stack trace unless
 * `--debug`.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, runCli } from '../workers/build.js';

const STACK = /^\s+at .+:\d+/m;

function forecast(args: string[], env: Record<string, string>) {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['REDIS_URL', 'FORECAST_DASHBOARD_USER', 'FORECAST_DASHBOARD_PASSWORD', 'FORECAST_DATA_DIR']) delete base[k];
  return runCli(args, { env: { ...base, ...env }, timeout: 60_000 });
}

let dir: string;
let taken: Server;
let takenPort: number;
beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'op-errors-'));
  taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
  takenPort = (taken.address() as { port: number }).port;
}, 180_000);
afterAll(async () => {
  await new Promise<void>((r) => taken.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('operational errors of forecast dashboard', () => {
  it('a port in use: one line naming the port and --port, exit 2, no stack trace', async () => {
    const r = await forecast(['dashboard', '--port', String(takenPort), '--data-dir', join(dir, 'data')], { REDIS_URL: inject('redisUrl') });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`forecast: port ${takenPort} on 127.0.0.1 is in use: stop the other program or pass --port N (--port 0 picks any free port)\n`);
  });

  it('--debug adds the stack trace', async () => {
    const r = await forecast(['--debug', 'dashboard', '--port', String(takenPort), '--data-dir', join(dir, 'data')], { REDIS_URL: inject('redisUrl') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^forecast: port \d+ on 127\.0\.0\.1 is in use/);
    expect(r.stderr).toMatch(STACK);
  });

  it('an unreachable Redis: one line with the URL (password hidden) and how to fix it, exit 2', async () => {
    const r = await forecast(['dashboard', '--port', '0', '--data-dir', join(dir, 'data')], { REDIS_URL: 'redis://:secret@127.0.0.1:1' });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^forecast: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1: .*set REDIS_URL or queue\.redisUrl/);
    expect(r.stderr).not.toContain('secret');
  });

  it('a data directory that cannot be created: one line naming it and the flag, exit 4', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    const r = await forecast(['dashboard', '--port', '0', '--data-dir', file], { REDIS_URL: inject('redisUrl') });
    expect(r.code).toBe(4);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`forecast: data directory ${file} cannot be created`);
    expect(r.stderr).toContain('--data-dir');
    expect(r.stderr).not.toMatch(STACK);
  });
});
