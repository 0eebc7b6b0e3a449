/**
 * End-to-end: `forecast run --levels --quantiles` through the built CLI on the bundled sample
 * (three stores): forecasts-levels.csv coherent with forecasts.csv, quantiles.csv monotone,
 * run.json recording the reconciliation; item attributes from the sales file's own columns or
 * the items file; a bad flag value stops with exit 2.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBuilt, runCli } from '../workers/build.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLE = join(ROOT, 'data/sample-sales.csv');
const CALENDAR = join(ROOT, 'data/sample-calendar.csv');

function forecast(args: string[]) {
  return runCli(args);
}

/** Rows of an output CSV as objects (these files have no quoted commas). */
async function rows(path: string): Promise<Record<string, string>[]> {
  const [head, ...lines] = (await readFile(path, 'utf8')).split('\r\n').filter(Boolean);
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v.replace(/^"|"$/g, '')])));
}

beforeAll(() => {
  ensureBuilt();
}, 180_000);

describe('forecast run --levels --quantiles', () => {
  it('publishes store and total forecasts equal to the sums of the item forecasts, and monotone quantiles', async () => {
    const out = await mkdtemp(join(tmpdir(), 'levels-cli-'));
    const Q = '0.005,0.025,0.165,0.25,0.5,0.75,0.835,0.975,0.995';
    const r = await forecast(['run', '--input', SAMPLE, '--calendar', CALENDAR, '--out', out, '--run-date', '2016-03-27', '--horizon', '14', '--levels', 'total,store', '--quantiles', Q]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const dir = join(out, 'latest');
    const summary = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    expect(summary.files).toEqual(expect.arrayContaining(['forecasts-levels.csv', 'quantiles.csv']));
    expect(summary.hierarchy.levels).toEqual(['total', 'store']);
    expect(summary.hierarchy.candidates.map((c: { method: string }) => c.method)).toContain(summary.hierarchy.method);

    const bottom = await rows(join(dir, 'forecasts.csv'));
    const sums = new Map<string, number>();
    for (const b of bottom) for (const k of [`store|${b.store}|${b.date}`, `total|total|${b.date}`]) sums.set(k, (sums.get(k) ?? 0) + Number(b.forecast));
    const levels = await rows(join(dir, 'forecasts-levels.csv'));
    expect(Object.keys(levels[0])).toEqual(['level', 'key', 'date', 'forecast', 'lo_80', 'hi_80', 'lo_95', 'hi_95']);
    expect(new Set(levels.map((l) => `${l.level}|${l.key}`))).toEqual(new Set(['total|total', 'store|CA_1', 'store|TX_1', 'store|WI_1']));
    expect(levels).toHaveLength(4 * 14);
    const skus = bottom.length / 14;
    for (const l of levels) {
      // each published forecast is rounded to 3 decimals: the sum of n of them is within n * 0.0005
      expect(Math.abs(Number(l.forecast) - sums.get(`${l.level}|${l.key}|${l.date}`)!)).toBeLessThanOrEqual(skus * 0.0005 + 0.0005);
      expect(Number(l.lo_95) <= Number(l.lo_80) && Number(l.lo_80) <= Number(l.forecast) && Number(l.forecast) <= Number(l.hi_80) && Number(l.hi_80) <= Number(l.hi_95)).toBe(true);
    }

    const q = await rows(join(dir, 'quantiles.csv'));
    expect(Object.keys(q[0])).toEqual(['level', 'key', 'date', ...Q.split(',').map((p) => `q${p}`)]);
    expect(q).toHaveLength(bottom.length + levels.length);
    expect(q[0].level).toBe('store/sku');
    // report.html shows the totals of the next week with their 80% interval
    const report = await readFile(join(dir, 'report.html'), 'utf8');
    const section = /<section id="levels">[\s\S]*?<\/section>/.exec(report)![0];
    expect(section).toContain('Totals by store / category');
    const total = levels.find((l) => l.level === 'total')!;
    const whole = (x: string) => (Number(x) >= 10 ? Math.round(Number(x)).toLocaleString('en-US') : Number(x).toFixed(1));
    expect(section).toContain(`<td>total</td><td>total</td><td>${whole(total.forecast)} (${whole(total.lo_80)}–${whole(total.hi_80)})</td>`);
    expect(section.match(/<tr><td>/g)).toHaveLength(4);
    for (const row of q) {
      const v = Q.split(',').map((p) => Number(row[`q${p}`]));
      for (let i = 1; i < v.length; i++) expect(v[i]).toBeGreaterThanOrEqual(v[i - 1]);
    }
  }, 120_000);

  it('groups by the items file\'s category and department: --levels default', async () => {
    const out = await mkdtemp(join(tmpdir(), 'levels-cli-'));
    const items = join(out, 'items.csv');
    const skus = [['FOODS_1_218', 'FOODS_1', 'FOODS'], ['FOODS_3_702', 'FOODS_3', 'FOODS'], ['HOBBIES_1_157', 'HOBBIES_1', 'HOBBIES'], ['HOBBIES_2_057', 'HOBBIES_2', 'HOBBIES'], ['HOUSEHOLD_1_521', 'HOUSEHOLD_1', 'HOUSEHOLD'], ['HOUSEHOLD_2_448', 'HOUSEHOLD_2', 'HOUSEHOLD']];
    await writeFile(items, ['item_id,dept_id,cat_id', ...skus.map((r) => r.join(','))].join('\n'));
    await writeFile(join(out, 'config.json'), JSON.stringify({ replenishment: { itemsFile: items } }));
    const r = await forecast(['run', '--input', SAMPLE, '--calendar', CALENDAR, '--out', out, '--config', join(out, 'config.json'), '--run-date', '2016-03-27', '--horizon', '14', '--levels', 'default']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'latest', 'run.json'), 'utf8'));
    // every department lies in one store here, so store/department groups like the bottom and is dropped
    expect(summary.hierarchy.levels).toEqual(['total', 'store', 'category', 'department', 'store/category']);
    expect(summary.hierarchy.dropped).toEqual(['store/department']);
    const levels = await rows(join(out, 'latest', 'forecasts-levels.csv'));
    const bottom = await rows(join(out, 'latest', 'forecasts.csv'));
    const cat = new Map(skus.map(([sku, , c]) => [sku, c]));
    for (const l of levels.filter((x) => x.level === 'store/category')) {
      const sum = bottom.filter((b) => b.date === l.date && `${b.store}/${cat.get(b.sku)}` === l.key).reduce((s, b) => s + Number(b.forecast), 0);
      expect(Math.abs(Number(l.forecast) - sum)).toBeLessThanOrEqual(0.005);
    }
    expect(levels.some((l) => l.level === 'store/category' && l.key === 'CA_1/FOODS')).toBe(true);
  }, 120_000);

  it('groups by the sales file\'s own dept_id and cat_id without an items file; an items file overrides them', async () => {
    const out = await mkdtemp(join(tmpdir(), 'levels-cli-'));
    const r = await forecast(['run', '--input', SAMPLE, '--calendar', CALENDAR, '--out', out, '--run-date', '2016-03-27', '--horizon', '14', '--levels', 'default']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'latest', 'run.json'), 'utf8'));
    expect(summary.hierarchy.levels).toEqual(['total', 'store', 'category', 'department', 'store/category']);
    expect(summary.hierarchy.attributes).toEqual({ category: 'sales file', department: 'sales file' });
    const keys = (await rows(join(out, 'latest', 'forecasts-levels.csv'))).filter((l) => l.level === 'category').map((l) => l.key);
    expect(new Set(keys)).toEqual(new Set(['FOODS', 'HOBBIES', 'HOUSEHOLD']));
    // the items file names one sku's category differently: its own value wins
    const items = join(out, 'items.csv');
    await writeFile(items, 'item_id,cat_id\nFOODS_1_218,FRESH\n');
    await writeFile(join(out, 'config.json'), JSON.stringify({ replenishment: { itemsFile: items } }));
    const r2 = await forecast(['run', '--input', SAMPLE, '--calendar', CALENDAR, '--out', join(out, 'b'), '--config', join(out, 'config.json'), '--run-date', '2016-03-27', '--horizon', '14', '--levels', 'category']);
    expect(r2.code).toBe(0);
    const keys2 = (await rows(join(out, 'b', 'latest', 'forecasts-levels.csv'))).map((l) => l.key);
    expect(new Set(keys2)).toEqual(new Set(['FOODS', 'FRESH', 'HOBBIES', 'HOUSEHOLD']));
  }, 120_000);

  it('reconciles bottom-up with a warning when the history is shorter than the backtest windows', async () => {
    const out = await mkdtemp(join(tmpdir(), 'levels-cli-'));
    const input = join(out, 'sales.csv');
    // 3 stores x 3 skus, 20 days: no backtest window has a history before it
    const lines = ['date,store,sku,category,qty'];
    for (let d = 1; d <= 20; d++) {
      for (const [k, store] of ['S1', 'S2', 'S3'].entries()) for (const [j, sku] of ['A', 'B', 'C'].entries()) lines.push(`2024-03-${String(d).padStart(2, '0')},${store},${sku},${sku === 'C' ? 'TOYS' : 'FOOD'},${(d * (k + 1) + j) % 5}`);
    }
    await writeFile(input, lines.join('\n'));
    const r = await forecast(['run', '--input', input, '--out', out, '--run-date', '2024-03-21', '--levels', 'default', '--quantiles', '0.1,0.5,0.9']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no reconciliation method could be scored by backtest/);
    const summary = JSON.parse(await readFile(join(out, 'latest', 'run.json'), 'utf8'));
    expect(summary.hierarchy).toMatchObject({ method: 'bottom-up', scored: false, levels: ['total', 'store', 'category', 'store/category'] });
    expect(summary.warnings.map((w: { code: string }) => w.code)).toContain('levels_not_backtested');
    const bottom = await rows(join(out, 'latest', 'forecasts.csv'));
    const cat = (sku: string) => (sku === 'C' ? 'TOYS' : 'FOOD');
    for (const l of (await rows(join(out, 'latest', 'forecasts-levels.csv'))).filter((x) => x.level === 'store/category')) {
      const sum = bottom.filter((b) => b.date === l.date && `${b.store}/${cat(b.sku)}` === l.key).reduce((a, b) => a + Number(b.forecast), 0);
      expect(Math.abs(Number(l.forecast) - sum)).toBeLessThanOrEqual(0.0015);
    }
  }, 120_000);

  it('stops with exit 2 on quantiles that are not ascending probabilities', async () => {
    const out = await mkdtemp(join(tmpdir(), 'levels-cli-'));
    const r = await forecast(['run', '--input', SAMPLE, '--out', out, '--quantiles', '0.5,0.25']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ascending/);
  });

  it('stops with exit 3 naming a level no series can be grouped by', async () => {
    const out = await mkdtemp(join(tmpdir(), 'levels-cli-'));
    // the sample gives category and department (cat_id, dept_id) but no region
    const r = await forecast(['run', '--input', SAMPLE, '--out', out, '--levels', 'region/category']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/"region", which no series has; levels can use total, store, category, department/);
  });
});
