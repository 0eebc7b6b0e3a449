/**
 * `forecast serve`, the one-command local demo, as a child process of the built CLI
 * (dist/bin/forecast.js; `npm run build`): with no Redis configured it starts a throwaway one
 * (on a machine without redis-server, where the tests use REDIS_URL, it is given that Redis),
 * copies the samples, prints the URL and a generated password once, serves the dashboard behind
 * authentication, and on SIGTERM stops everything, the throwaway Redis included; its stderr (not
 * a terminal) is JSON log lines only.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../config/load.js';
import { findExecutable } from '../../dashboard/local-redis.js';
import { cleanup } from '../workers/helpers.js';

const CLI = resolve('dist/bin/forecast.js');

function canConnect(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      r(true);
    });
    s.on('error', () => r(false));
  });
}

let child: ChildProcess | undefined;
let dataDir: string | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('forecast serve', () => {
  it('starts Redis, worker, scheduler and dashboard in one command and stops them on SIGTERM', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
    dataDir = mkdtempSync(join(tmpdir(), 'dash-serve-'));
    const env = { ...process.env };
    for (const k of ['REDIS_URL', 'FORECAST_DASHBOARD_USER', 'FORECAST_DASHBOARD_PASSWORD', 'FORECAST_DATA_DIR']) delete env[k];
    // without a redis-server binary (REDIS_URL given instead) serve uses the configured Redis, under its own prefix
    const throwaway = findExecutable('redis-server', process.env.PATH) !== undefined;
    const args = [CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--concurrency', '1'];
    const prefix = `t${randomBytes(5).toString('hex')}`;
    if (!throwaway) {
      const file = join(dataDir, 'config.json');
      writeFileSync(file, JSON.stringify({ queue: { redisUrl: inject('redisUrl'), prefix } }));
      args.push('--config', file);
    }
    child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));

    const started = await new Promise<{ url: string; password: string }>((resolveStart, rejectStart) => {
      const check = () => {
        const url = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr)?.[1];
        const password = /generated password (\S+)/.exec(stderr)?.[1];
        if (url && password && /serve ready/.test(stderr)) resolveStart({ url, password });
      };
      child!.stderr!.on('data', check);
      void exited.then((code) => rejectStart(new Error(`serve exited early with ${code}:\n${stderr}`)));
    });
    const redisPort = Number(/"redis":"redis:\/\/127\.0\.0\.1:(\d+)"/.exec(stderr)?.[1]);
    if (throwaway) {
      expect(redisPort).toBeGreaterThan(0);
      expect(await canConnect(redisPort)).toBe(true);
    } else {
      expect(stderr).not.toMatch(/throwaway/);
    }
    expect(stderr.match(new RegExp(started.password, 'g'))).toHaveLength(1);

    expect((await fetch(`${started.url}/api/runs`)).status).toBe(401);
    const auth = { authorization: `Basic ${Buffer.from(`forecast:${started.password}`).toString('base64')}` };
    const runs = await fetch(`${started.url}/api/runs`, { headers: auth });
    expect(runs.status).toBe(200);
    // the nightly scheduler's next tick waits in the run queue
    expect(((await runs.json()) as { runs: Array<{ status: string }> }).runs).toContainEqual(expect.objectContaining({ status: 'scheduled' }));
    if (existsSync(resolve('data/sample-sales.csv'))) {
      expect(existsSync(join(dataDir, 'samples', 'sample-sales.csv'))).toBe(true);
      const schema = (await (await fetch(`${started.url}/queues/api/queues/run/job-data-schema`, { headers: auth })).json()) as { examples: Array<{ input: string }> };
      expect(schema.examples[0].input).toBe('samples/sample-sales.csv');
    }

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/serve stopped/);
    // stderr is not a terminal: JSON lines only, each with an ISO time (no mixed formats)
    for (const line of stderr.trimEnd().split('\n')) {
      const rec = JSON.parse(line) as { time: unknown; msg: unknown };
      expect(rec.time, line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(typeof rec.msg, line).toBe('string');
    }
    if (throwaway) expect(await canConnect(redisPort)).toBe(false);
    else await cleanup(parseConfig({ dataDir, queue: { redisUrl: inject('redisUrl'), prefix } }));
  });
});
