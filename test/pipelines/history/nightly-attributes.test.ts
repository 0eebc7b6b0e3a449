/**
 * A nightly run keeps the department, category and region columns of its incoming files (the
 * sales history's attributes, pipelines/history/history-attributes.ts), so it forecasts the same
 * levels as `forecast run` of the same sales: the nightly flow of `forecast nightly` (resolveRun,
 * runInputs, runPipeline) against runPipeline on one export.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import type { Config } from '../../../config/schema.js';
import { dataLayout } from '../../../pipelines/io/paths.js';
import { prepareNightlyIngest } from '../../../pipelines/history/incoming.js';
import { resolveRun } from '../../../pipelines/run/run-request.js';
import { runInputs } from '../../../pipelines/run/run-inputs.js';
import { runPipeline } from '../../../pipelines/run/run.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'nightly-attrs-'));
  mkdirSync(dataLayout(dataDir).incoming, { recursive: true });
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const STORES = [['S1', 'CA'], ['S2', 'CA'], ['S3', 'TX']] as const;
const ITEMS = [['A', 'FOODS_1', 'FOODS'], ['B', 'FOODS_2', 'FOODS'], ['C', 'HOBBIES_1', 'HOBBIES'], ['D', 'HOBBIES_1', 'HOBBIES']] as const;
const HEADER = 'date,store_id,item_id,dept_id,cat_id,state_id,units,sell_price';

/**
 * Daily rows of 3 stores × 4 items (M5-like columns) for days [from, to) from 2024-01-01,
 * deterministic; `cells` may rewrite a row's department, category and region cells.
 */
function sales(from: number, to: number, cells: (sku: string, c: [string, string, string]) => [string, string, string] = (_s, c) => c): string[] {
  const lines: string[] = [];
  for (let d = from; d < to; d++) {
    const date = new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
    STORES.forEach(([store, region], i) =>
      ITEMS.forEach(([sku, dept, cat], k) => {
        const units = ((d * 7 + i * 5 + k * 3) % 6) + (d % 7 >= 5 ? 3 : 0) + k;
        lines.push([date, store, sku, ...cells(sku, [dept, cat, region]), units, '1.50'].join(','));
      }),
    );
  }
  return lines;
}
const csv = (lines: string[], header = HEADER) => [header, ...lines].join('\n') + '\n';

const RUN_DATE = '2024-04-30'; // the day after day 119
const settings = (extra: Record<string, unknown> = {}): Config => parseConfig({ dataDir, levels: ['default'], threads: 1, runDate: RUN_DATE, ...extra });
const drop = (name: string, text: string) => writeFileSync(join(dataLayout(dataDir).incoming, name), text);

/** The nightly flow as `forecast nightly` runs it; its run directory and the history snapshot's mode. */
async function nightlyRun(config: Config): Promise<{ dir: string; snapshot?: string }> {
  const run = await resolveRun(config, { mode: 'incoming' }, { at: Date.now() });
  const inputs = await runInputs(run, { dataDir });
  const res = await runPipeline({ ...inputs });
  return { dir: res.runDir, snapshot: inputs.ingested?.snapshot };
}

/** `forecast run` of one export. */
async function fileRun(config: Config, text: string): Promise<string> {
  const input = join(dataDir, 'export.csv');
  writeFileSync(input, text);
  return (await runPipeline({ input, outDir: join(dataDir, 'file-run'), config })).runDir;
}

const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
const hierarchy = (dir: string) => JSON.parse(read(dir, 'run.json')).hierarchy;
/** The nodes of forecasts-levels.csv: `level,key`. */
const nodes = (dir: string) => [...new Set(read(dir, 'forecasts-levels.csv').trim().split('\r\n').slice(1).map((l) => l.split(',').slice(0, 2).join(',')))];

describe('nightly runs keep the attribute columns of their files', () => {
  it('two nights of files with department, category and state columns give the forecasts and levels of forecast run on the whole export', async () => {
    drop('days-000-099.csv', csv(sales(0, 100)));
    const first = await prepareNightlyIngest({ dataDir, config: settings(), readConfig: settings(), runDate: '2024-04-10', runId: 'night-1' });
    expect(first.ingest.series.find((s) => s.key === 'S3\u0000D')!.attributes).toEqual({ category: 'HOBBIES', department: 'HOBBIES_1', region: 'TX' });
    drop('days-100-119.csv', csv(sales(100, 120)));
    const night = await nightlyRun(settings());
    expect(night.snapshot).toBe('updated');
    const file = await fileRun(settings(), csv(sales(0, 120)));

    for (const f of ['forecasts.csv', 'forecasts-levels.csv', 'accuracy.csv']) expect(read(night.dir, f), f).toBe(read(file, f));
    const h = hierarchy(night.dir);
    expect(h).toEqual(hierarchy(file));
    expect(h.levels).toEqual(['total', 'region', 'store', 'category', 'department', 'region/category', 'region/department', 'store/category', 'store/department']);
    expect(h.attributes).toEqual({ region: 'sales file', category: 'sales file', department: 'sales file' });
    // 1 total, 2 regions, 3 stores, 2 categories, 3 departments, 2×2, 2×3, 3×2 and 3×3 crossings
    expect(nodes(night.dir)).toHaveLength(1 + 2 + 3 + 2 + 3 + 4 + 6 + 6 + 9);
    expect(nodes(night.dir)).toContain('region/department,TX/HOBBIES_1');
  }, 120_000);

  it("a later file's department moves the item on every level; empty or missing cells keep the history's values", async () => {
    drop('a.csv', csv(sales(0, 100)));
    // the later file: D in HOBBIES_2, category cells empty, no state column at all
    const later = sales(100, 120, (sku, [dept]) => [sku === 'D' ? 'HOBBIES_2' : dept, '', '']).map((l) => l.split(',').filter((_c, i) => i !== 5).join(','));
    drop('b.csv', csv(later, 'date,store_id,item_id,dept_id,cat_id,units,sell_price'));
    const night = await nightlyRun(settings());
    // forecast run of an export that has D in HOBBIES_2 on every row, and every other cell
    const file = await fileRun(settings(), csv(sales(0, 120, (sku, [dept, cat, region]) => [sku === 'D' ? 'HOBBIES_2' : dept, cat, region])));

    expect(read(night.dir, 'forecasts-levels.csv')).toBe(read(file, 'forecasts-levels.csv'));
    expect(read(night.dir, 'forecasts.csv')).toBe(read(file, 'forecasts.csv'));
    const departments = nodes(night.dir).filter((n) => n.startsWith('department,'));
    expect(departments).toEqual(['department,FOODS_1', 'department,FOODS_2', 'department,HOBBIES_1', 'department,HOBBIES_2']);
    expect(nodes(night.dir)).toContain('region,TX');
    expect(nodes(night.dir)).toContain('category,HOBBIES');
  }, 120_000);

  it('the items file takes precedence attribute by attribute, as in forecast run', async () => {
    const itemsFile = join(dataDir, 'items.csv');
    // A and C in FRESH: categories {A, C}, {B}, {D} group unlike the departments {A}, {B}, {C, D}
    writeFileSync(itemsFile, 'sku,category\nA,FRESH\nC,FRESH\n');
    const config = settings({ replenishment: { itemsFile } });
    drop('all.csv', csv(sales(0, 120)));
    const night = await nightlyRun(config);
    const file = await fileRun(config, csv(sales(0, 120)));

    expect(read(night.dir, 'forecasts-levels.csv')).toBe(read(file, 'forecasts-levels.csv'));
    expect(read(night.dir, 'forecasts.csv')).toBe(read(file, 'forecasts.csv'));
    expect(hierarchy(night.dir).attributes).toEqual({ region: 'sales file', category: 'items file over sales file', department: 'sales file' });
    // A and C in FRESH (the items file), B still in FOODS, D in HOBBIES; departments from the history's columns
    expect(nodes(night.dir).filter((n) => n.startsWith('category,'))).toEqual(['category,FOODS', 'category,FRESH', 'category,HOBBIES']);
    expect(nodes(night.dir)).toContain('store/department,S2/FOODS_1');
  }, 120_000);
});
