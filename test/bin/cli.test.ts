/**
 * End-to-end: the built CLI on the bundled sample, as a user runs it.
 * Builds dist/ first when it is missing or older than the sources (global build step below).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readlink, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBuilt, runCli } from '../workers/build.js';
import { parseCsv } from '../fixtures/csv-rows.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLE = join(ROOT, 'data/sample-sales.csv');
const CALENDAR = join(ROOT, 'data/sample-calendar.csv');

function forecast(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { env: { ...process.env, ...env }, timeout: 50_000 });
}

beforeAll(() => {
  ensureBuilt();
}, 180_000);

describe('forecast CLI', () => {
  it('prints help listing its commands', async () => {
    const r = await forecast(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/validate/);
    expect(r.stdout).toMatch(/run/);
  });

  it('validate: accounts for every row of the bundled sample and writes the contract files', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cli-'));
    const r = await forecast(['validate', '--input', SAMPLE, '--out', out, '--run-date', '2016-03-27']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const dir = join(out, 'latest');
    const files = await readdir(dir);
    for (const f of ['quality.csv', 'rejected.csv', 'run.json']) expect(files).toContain(f);
    const summary = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    const dataLines = (await readFile(SAMPLE, 'utf8')).split('\n').filter((l) => l.trim()).length - 1;
    expect(summary.rows.read).toBe(dataLines);
    expect(summary.rows.read).toBe(summary.rows.accepted + summary.rows.rejected);
    const rejected = parseCsv(await readFile(join(dir, 'rejected.csv'), 'utf8'));
    expect(rejected.length - 1).toBe(summary.rows.rejected);
    expect(summary.rows.rejected).toBeGreaterThan(0); // the sample carries deliberate defects (data/README.md)
    for (const row of rejected.slice(1)) {
      expect(Number(row[0])).toBeGreaterThan(1); // a source line after the header
      expect(row[2].length).toBeGreaterThan(0); // a readable reason
    }
    const quality = parseCsv(await readFile(join(dir, 'quality.csv'), 'utf8'));
    expect(quality[0]).toContain('score');
    expect(quality.length - 1).toBe(summary.quality.series);
    expect(r.stdout).toMatch(/rows: \d+ read/);
  });

  it('run: publishes forecasts that start the day after the input and never go negative', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cli-'));
    const r = await forecast(['run', '--input', SAMPLE, '--calendar', CALENDAR, '--out', out, '--run-date', '2016-03-27', '--horizon', '14']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const link = await readlink(join(out, 'latest'));
    expect(link).toMatch(/^runs\/2016-03-27-[0-9a-f]{12}$/);
    const dir = join(out, 'latest');
    const summary = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    const fc = parseCsv(await readFile(join(dir, 'forecasts.csv'), 'utf8'));
    expect(fc[0]).toEqual(['store', 'sku', 'date', 'forecast', 'lo_80', 'hi_80', 'lo_95', 'hi_95', 'model']);
    const rows = fc.slice(1);
    expect(rows.length).toBe(summary.forecast.series * 14);
    const lastInputDay = summary.forecast.firstDate;
    expect(rows[0][2]).toBe(lastInputDay);
    for (const row of rows) {
      const [f, lo80, hi80, lo95, hi95] = row.slice(3, 8).map(Number);
      for (const v of [f, lo80, hi80, lo95, hi95]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
      }
      expect(lo95).toBeLessThanOrEqual(lo80);
      expect(lo80).toBeLessThanOrEqual(f);
      expect(f).toBeLessThanOrEqual(hi80);
      expect(hi80).toBeLessThanOrEqual(hi95);
      expect(row[8].length).toBeGreaterThan(0);
    }
    for (const f of ['accuracy.csv', 'quality.csv', 'orders.csv', 'rejected.csv']) {
      const t = await readFile(join(dir, f), 'utf8');
      expect(t).not.toMatch(/NaN|Infinity/);
    }
  });

  it('exits with clear messages and codes for a missing file, an empty file and an unusable header', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cli-'));
    const missing = await forecast(['validate', '--input', join(out, 'nope.csv'), '--out', out]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/not found/);
    const empty = join(out, 'empty.csv');
    await writeFile(empty, '');
    const e = await forecast(['validate', '--input', empty, '--out', out]);
    expect(e.code).toBe(3);
    expect(e.stderr).toMatch(/empty/);
    const bad = join(out, 'bad.csv');
    await writeFile(bad, 'colour,size\nred,2\n');
    const b = await forecast(['validate', '--input', bad, '--out', out]);
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(/date/);
    const allBad = join(out, 'all-bad.csv');
    await writeFile(allBad, 'date,sku,qty\nxx,A,1\n2016-01-01,,2\n');
    const latestBefore = await readlink(join(out, 'latest')).catch(() => null);
    const nothing = await forecast(['run', '--input', allBad, '--out', out, '--run-date', '2016-03-27']);
    expect(nothing.code).toBe(3);
    expect(nothing.stderr).toMatch(/no row .* was accepted/);
    // latest never moves to a failed run; the failed run is kept under a name that says so
    expect(await readlink(join(out, 'latest')).catch(() => null)).toBe(latestBefore);
    const failed = /(\S+\.failed)\/rejected\.csv says why/.exec(nothing.stderr)![1];
    expect(JSON.parse(await readFile(join(failed, 'run.json'), 'utf8')).failure).toMatchObject({ stage: 'validation', exitCode: 3 });
    const rejectedCsv = (await readFile(join(failed, 'rejected.csv'), 'utf8')).split('\r\n').filter(Boolean);
    expect(rejectedCsv.length).toBe(3); // header + both rows, each with its reason
    const file = join(out, 'a-file');
    await writeFile(file, 'x');
    const u = await forecast(['validate', '--input', SAMPLE, '--out', join(file, 'sub'), '--run-date', '2016-03-27']);
    // the message first: a failure shows what the CLI said, not only its exit code
    expect(u.stderr).toMatch(/^forecast: cannot create directory .*a-file\/sub\/runs: ENOTDIR/);
    expect(u.code).toBe(4);
  });

  it('ends with each documented exit code through the built CLI (5 is in test/reliability/queue-promises.test.ts)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cli-'));
    const codes: Record<string, number> = {};
    codes.help = (await forecast(['run', '--help'])).code;
    codes.ok = (await forecast(['validate', '--input', SAMPLE, '--out', out, '--run-date', '2016-03-27'])).code;
    const usage = await forecast(['run', '--inptu', SAMPLE]);
    codes.usage = usage.code;
    const badDate = await forecast(['run', '--input', SAMPLE, '--run-date', '2016-13-01']);
    codes.badDate = badDate.code;
    codes.unknownCommand = (await forecast(['rn'])).code;
    codes.missingInput = (await forecast(['validate', '--input', join(out, 'nope.csv'), '--out', out])).code;
    const file = join(out, 'a-file');
    await writeFile(file, 'x');
    const unwritable = await forecast(['validate', '--input', SAMPLE, '--out', join(file, 'sub'), '--run-date', '2016-03-27']);
    expect(unwritable.stderr).toMatch(/^forecast: cannot create directory .*a-file\/sub\/runs: ENOTDIR/);
    codes.unwritable = unwritable.code;
    // a Redis that cannot be reached: one line, exit 2 (nothing listens on port 1)
    const badRedis = join(out, 'bad-redis.json');
    await writeFile(badRedis, JSON.stringify({ dataDir: out, queue: { redisUrl: 'redis://127.0.0.1:1' } }));
    // REDIS_URL (set for the tests) would override the file
    const noRedis = { REDIS_URL: 'redis://127.0.0.1:1' };
    const worker = await forecast(['worker', '--config', badRedis], noRedis);
    codes.workerNoRedis = worker.code;
    codes.enqueueNoRedis = (await forecast(['enqueue', '--config', badRedis, '--incoming'], noRedis)).code;
    expect(worker.stderr.trim()).toMatch(/^forecast: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED[^\n]*$/);
    expect(codes).toEqual({ help: 0, ok: 0, usage: 2, badDate: 2, unknownCommand: 2, missingInput: 3, unwritable: 4, workerNoRedis: 2, enqueueNoRedis: 2 });
    expect(usage.stderr).toMatch(/Did you mean --input\?\)\nusage: forecast run --input <file> \[options\]/);
    expect(badDate.stderr).toMatch(/'2016-13-01' is invalid\. Expected a calendar date YYYY-MM-DD/);
    expect(badDate.stderr).not.toMatch(/Options:|at .*\.js:\d+/);
  });
});
