/**
 * End-to-end: `forecast run --stock --on-order --items --suppliers` on the bundled sample, as a
 * buyer runs it: orders.csv and orders-by-supplier.csv published, a misspelt store warned about
 * on stderr with its near match, an unknown flag value refused. Builds dist/ first when stale.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBuilt, runCli } from '../workers/build.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLE = join(ROOT, 'data/sample-sales.csv');

function forecast(args: string[], cwd = ROOT) {
  return runCli(args, { cwd });
}

beforeAll(() => {
  ensureBuilt();
}, 180_000);

describe('forecast run: what to order', () => {
  it('publishes the order list from the stock, on-order, items and suppliers files (relative paths)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orders-cli-'));
    await writeFile(join(dir, 'stock.csv'), 'store,sku,on_hand\nCA_1,FOODS_1_218,0\nCA_1,FOODS_3_702,5000\nCA_I,HOBBIES_1_157,3\n');
    await writeFile(join(dir, 'open.csv'), 'store,sku,qty,expected\nCA_1,FOODS_3_702,12,2016-03-30\n');
    await writeFile(join(dir, 'items.csv'), 'sku,supplier,pack_size,unit_cost\nFOODS_1_218,Dairy Co,12,0.5\nFOODS_3_702,Dairy Co,1,2\n');
    await writeFile(join(dir, 'suppliers.csv'), 'supplier,delivery_days,min_order_value\nDairy Co,Tue/Fri,1000000\n');
    const r = await forecast(
      ['run', '--input', SAMPLE, '--out', 'out', '--run-date', '2016-03-27', '--horizon', '14', '--stock', 'stock.csv', '--on-order', 'open.csv', '--items', 'items.csv', '--suppliers', 'suppliers.csv'],
      dir,
    );
    expect(r.stderr).toMatch(/store "CA_I" sku "HOBBIES_1_157".*did you mean store "CA_1"/);
    expect(r.code).toBe(0);
    const orders = (await readFile(join(dir, 'out/latest/orders.csv'), 'utf8')).split('\r\n').filter((l) => l);
    // first row: the series with nothing on hand, in whole cases of 12
    expect(orders[1]).toMatch(/^CA_1,FOODS_1_218,Dairy Co,0,0,0,/);
    const qty = Number(orders[1].split(',')[9]);
    expect(qty % 12).toBe(0);
    expect(qty).toBeGreaterThan(0);
    const plenty = orders.find((l) => l.startsWith('CA_1,FOODS_3_702,'))!;
    expect(plenty.split(',').slice(3, 5)).toEqual(['5000', '12']);
    const bySupplier = await readFile(join(dir, 'out/latest/orders-by-supplier.csv'), 'utf8');
    expect(bySupplier).toContain(`Dairy Co,1,${qty},${(qty * 0.5).toFixed(2).replace(/\.?0+$/, '')}`);
    expect(bySupplier).toMatch(/Dairy Co,.*,no,Tue\/Fri/);
    const summary = JSON.parse(await readFile(join(dir, 'out/latest/run.json'), 'utf8'));
    expect(summary.orders.inputs.stock).toMatchObject({ read: 3, used: 2, rejected: 1, path: join(dir, 'stock.csv') });
    expect(summary.orders.suppliersUnderMinimum).toEqual(['Dairy Co']);
  }, 120_000);

  it('simulate: replays the policy on the last weeks and writes simulation.csv and simulation.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'simulate-cli-'));
    await writeFile(join(dir, 'items.csv'), 'sku,pack_size\nFOODS_1_218,12\n');
    const r = await forecast(['simulate', '--input', SAMPLE, '--out', join(dir, 'out'), '--run-date', '2016-03-27', '--weeks', '4', '--items', join(dir, 'items.csv')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/over 4 weeks \(2016-02-29 to 2016-03-27\)/);
    const outDir = /outputs: (.*)\n/.exec(r.stdout)![1];
    const summary = JSON.parse(await readFile(join(outDir, 'simulation.json'), 'utf8'));
    expect(summary.weeks).toBe(4);
    expect(summary.policies.map((p: { policy: string }) => p.policy).slice(0, 3)).toEqual(['proposed', 'proposed_uncalibrated', 'simple_3w']);
    for (const p of summary.policies) {
      expect(p.fillRate).toBeGreaterThanOrEqual(0);
      expect(p.fillRate).toBeLessThanOrEqual(1);
    }
    const rows = (await readFile(join(outDir, 'simulation.csv'), 'utf8')).split('\r\n').filter((l) => l);
    // one row per series and policy, then a total per policy; 28 days each
    const proposed = rows.filter((l) => l.split(',')[4] === 'proposed');
    expect(proposed.length).toBe(summary.series);
    expect(proposed.every((l) => l.split(',')[5] === '28')).toBe(true);
    // the total's fill rate is sold / demand summed over the series rows
    const total = rows.find((l) => l.split(',')[4] === 'proposed total')!.split(',');
    const sum = (col: number) => proposed.reduce((a, l) => a + Number(l.split(',')[col]), 0);
    expect(Number(total[6])).toBeCloseTo(sum(6), 6);
    expect(Number(total[7])).toBeCloseTo(sum(7), 6);
    expect(Number(total[9])).toBeCloseTo(Number(total[7]) / Number(total[6]), 3);
    expect(Number(total[9])).toBeCloseTo(summary.policies[0].fillRate, 3);
    // whole packs of 12 for the item that has them
    const packed = rows.filter((l) => l.includes(',FOODS_1_218,') && l.split(',')[4] === 'proposed');
    for (const l of packed) expect(Number(l.split(',')[15]) % 12).toBe(0);
  }, 120_000);

  it('simulate: weekly totals stop it with a clear message (the replay is day by day)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'simulate-cli-'));
    const lines = ['date,store,sku,units'];
    for (let w = 0; w < 30; w++) for (const sku of ['A', 'B']) lines.push(`${new Date(Date.UTC(2024, 0, 1 + 7 * w)).toISOString().slice(0, 10)},S1,${sku},${10 + (w % 3)}`);
    await writeFile(join(dir, 'weekly.csv'), lines.join('\n') + '\n');
    const r = await forecast(['simulate', '--input', join(dir, 'weekly.csv'), '--out', join(dir, 'out'), '--run-date', '2024-08-01']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/forecast simulate replays daily sales; .*weekly\.csv" holds weekly totals/);
  }, 60_000);

  it('stops with a clear message when a named file is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orders-cli-'));
    const r = await forecast(['run', '--input', SAMPLE, '--out', join(dir, 'out'), '--run-date', '2016-03-27', '--stock', join(dir, 'nope.csv')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/stock file/);
    expect(r.stderr).toMatch(/nope\.csv/);
  }, 60_000);
});
