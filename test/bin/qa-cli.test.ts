/**
 * End-to-end: inputs a new shop brings that the bundled samples do not have, through the built
 * CLI (dist/bin/forecast.js), each checked for what it must say (stderr, the output's JSON) and
 * how it ends (exit code). Builds dist/ first when stale.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ensureBuilt, runCli } from '../workers/build.js';

beforeAll(() => {
  ensureBuilt();
}, 180_000);

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('forecast simulate on a shop export', () => {
  it('replays a file without prices (value unknown, not a crash), dates itself the day after the data like forecast run, and warns about rejected rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qa-cli-'));
    // 160 days to 2026-06-30, two skus, no price column; every 8th row of A has no quantity (6.3% of the rows)
    const lines = ['date,sku,units'];
    const last = Date.UTC(2026, 5, 30);
    let bad = 0;
    for (let d = 159; d >= 0; d--) {
      const day = iso(last - d * DAY);
      const broken = d % 8 === 0;
      if (broken) bad++;
      lines.push(`${day},A,${broken ? 'n/a' : 3 + (d % 4)}`, `${day},B,${1 + (d % 3)}`);
    }
    const input = join(dir, 'shop.csv');
    await writeFile(input, lines.join('\n') + '\n');
    const r = await runCli(['simulate', '--input', input, '--out', join(dir, 'out'), '--weeks', '4']);
    expect(r.stderr).not.toMatch(/unexpected error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^run date 2026-07-01, the day after the data\n/);
    expect(r.stdout).toMatch(/average stock \d+ units \(value unknown: no unit cost or selling price\)/);
    expect(r.stdout).toContain(`rows: 320 read, ${320 - bad} accepted, ${bad} rejected`);
    expect(r.stderr).toMatch(/^warning: 6\.3% of the rows were rejected \(20 of 320\)/m);
    const outDir = /outputs: (.*)\n/.exec(r.stdout)![1];
    expect(basename(outDir)).toMatch(/^2026-07-01-[0-9a-f]{12}$/);
    const summary = JSON.parse(await readFile(join(outDir, 'simulation.json'), 'utf8'));
    expect(summary).toMatchObject({ runDate: '2026-07-01', runDateSource: 'after-data', rows: { read: 320, accepted: 320 - bad, rejected: bad }, lastDate: '2026-06-30' });
    expect(summary.warnings.map((w: { code: string }) => w.code)).toEqual(['rejected_share']);
    expect(summary.policies[0].avgStockValue).toBeNull();
  }, 120_000);
});

describe('forecast impact on a tiny shop', () => {
  it('says in plain words that 60 days are too short for 28 held-out days (exit 3)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qa-cli-'));
    const lines = ['date,sku,units'];
    for (let d = 0; d < 60; d++) for (const sku of ['T1', 'T2']) lines.push(`${iso(Date.UTC(2026, 9, 4) + d * DAY)},${sku},${1 + ((d + sku.length) % 3)}`);
    const input = join(dir, 'tiny.csv');
    await writeFile(input, lines.join('\n') + '\n');
    const r = await runCli(['impact', '--input', input, '--out', join(dir, 'out')]);
    expect(r.stderr.trim()).toBe('forecast: forecast impact needs at least 56 days of sales before the 28 held-out days (--held-out), and this input has 32: give a longer history or fewer held-out days');
    expect(r.code).toBe(3);
  }, 60_000);
});

describe('forecast run on weekly totals whose last week is this week', () => {
  it('warns that the last week is not over today (its total may be part of one), though the run date is the day after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qa-cli-'));
    const today = Math.floor(Date.now() / DAY) * DAY;
    const monday = today - (((new Date(today).getUTCDay() + 6) % 7) * DAY); // this week's Monday (UTC)
    const lines = ['week_start,sku,units'];
    for (let w = 60; w >= 0; w--) for (const sku of ['A', 'B']) lines.push(`${iso(monday - w * 7 * DAY)},${sku},${w === 0 ? 20 : 70 + (w % 5)}`);
    const input = join(dir, 'weekly.csv');
    await writeFile(input, lines.join('\n') + '\n');
    const r = await runCli(['validate', '--input', input, '--out', join(dir, 'out')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`run date ${iso(monday + 7 * DAY)}`);
    expect(r.stderr).toMatch(new RegExp(`^warning: the last week of the data \\(week of ${iso(monday)}\\) is not over today \\(${iso(today)}\\)`, 'm'));
    const summary = JSON.parse(await readFile(join(dir, 'out', 'latest', 'run.json'), 'utf8'));
    expect(summary.warnings.map((w: { code: string }) => w.code)).toContain('period_not_over');
  }, 60_000);
});
