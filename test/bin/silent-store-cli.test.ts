/**
 * End-to-end: a store whose rows stop two months before the rest of the file (a till or a branch
 * missing from the export) is said on stderr, in run.json `warnings` and in orders.csv's reason
 * (pipelines/run/silent-stores.ts); a sparse export (rows only on days with sales) whose stores
 * all run to its end says nothing. Fixtures are written here: three stores, two items each,
 * 2026-01-01 to 2026-04-30.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt } from '../workers/build.js';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/bin/forecast.js');
const DAYS = 120;

/** A sales file: `row(store, t)` says whether store has a row on day t, with what quantity (null: no row). */
function salesCsv(row: (store: string, sku: string, t: number) => number | null): string {
  const lines = ['date,store,sku,quantity'];
  const d0 = Date.UTC(2026, 0, 1);
  for (let t = 0; t < DAYS; t++) {
    const date = new Date(d0 + t * 86_400_000).toISOString().slice(0, 10);
    for (const store of ['A', 'B', 'C']) for (const sku of ['X1', 'X2']) {
      const q = row(store, sku, t);
      if (q !== null) lines.push(`${date},${store},${sku},${q}`);
    }
  }
  return lines.join('\n') + '\n';
}

async function run(csv: string): Promise<{ stderr: string; run: Record<string, any>; orders: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'silent-store-cli-'));
  const input = join(dir, 'sales.csv');
  await writeFile(input, csv);
  const out = join(dir, 'out');
  const r = await exec(process.execPath, [CLI, 'run', '--input', input, '--out', out, '--run-date', '2026-05-01', '--threads', '1', '--horizon', '7'], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' } });
  return { stderr: r.stderr, run: JSON.parse(await readFile(join(out, 'latest', 'run.json'), 'utf8')), orders: await readFile(join(out, 'latest', 'orders.csv'), 'utf8') };
}

beforeAll(() => {
  ensureBuilt();
}, 180_000);

describe('a store whose rows stop early, through the CLI', () => {
  it('is a silent_store warning on stderr and in run.json, and its order rows say so', async () => {
    // every day a row, zeros included; store C's rows stop on 2026-03-01
    const r = await run(salesCsv((store, sku, t) => (store === 'C' && t >= 60 ? null : (t * 7 + sku.length + store.charCodeAt(0)) % 5)));
    const silent = r.run.warnings.filter((w: { code: string }) => w.code === 'silent_store');
    expect(silent).toHaveLength(1);
    expect(silent[0].message).toContain("store C has no rows after 2026-03-01, 60 days before the data's last day, 2026-04-30");
    expect(r.stderr).toContain(`warning: ${silent[0].message}`);
    const rows = r.orders.split(/\r?\n/).filter((l) => l.startsWith('C,') || l.startsWith('A,'));
    expect(rows).toHaveLength(4);
    for (const l of rows) expect(l.includes('no rows of store C after 2026-03-01')).toBe(l.startsWith('C,'));
  }, 60_000);

  it('says nothing of a sparse export whose stores all have rows to its end', async () => {
    // rows only on days with a sale, about one day in three per item, store C the sparsest
    const r = await run(salesCsv((store, sku, t) => ((t * 13 + sku.length * 5 + store.charCodeAt(0) * 3) % (store === 'C' ? 5 : 3) === 0 ? 1 + (t % 3) : null)));
    expect(r.run.warnings.map((w: { code: string }) => w.code)).not.toContain('silent_store');
    expect(r.stderr).not.toContain('has no rows after');
  }, 60_000);
});
