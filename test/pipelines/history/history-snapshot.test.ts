import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../../config/schema.js';
import { ingestTonight, prepareNightlyIngest, type NightlyIngest } from '../../../pipelines/history/incoming.js';
import { openHistory } from '../../../pipelines/history/history-store.js';
import type { IngestResult } from '../../../pipelines/ingest/ingest.js';
import { dataLayout } from '../../../pipelines/io/paths.js';
import { parseIsoDay } from '../../../pipelines/dates.js';
import { runPipeline } from '../../../pipelines/run/run.js';
import { dailyCsv } from '../../workers/fixtures.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'snapshot-'));
  mkdirSync(dataLayout(dataDir).incoming, { recursive: true });
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const config = defaultConfig();
const drop = (name: string, text: string) => writeFileSync(join(dataLayout(dataDir).incoming, name), text);
const nightly = (runDate: string, runId: string) => prepareNightlyIngest({ dataDir, config, readConfig: config, runDate, runId });

/** Everything of an ingest result that the run reads, in comparable form. */
function shape(r: IngestResult) {
  return {
    kind: r.kind,
    header: r.header,
    mapping: r.mapping,
    rows: r.rows,
    issueCounts: r.issueCounts,
    rejectedUnattributed: r.rejectedUnattributed,
    start: r.start,
    end: r.end,
    tradingDays: { start: r.tradingDays.start, all: Array.from(r.tradingDays.all), byStore: Object.fromEntries(Object.entries(r.tradingDays.byStore).map(([k, v]) => [k, Array.from(v)])) },
    series: r.series.map((s) => ({
      key: s.key,
      store: s.store,
      sku: s.sku,
      start: s.start,
      demand: Array.from(s.demand),
      returns: Array.from(s.returns),
      price: Array.from(s.price),
      observed: Array.from(s.observed),
      issues: s.issues,
      acceptedRows: s.acceptedRows,
      rejectedRows: s.rejectedRows,
    })),
  };
}

/** The same history read from scratch: the snapshot removed, nothing new in incoming. */
async function rebuilt(runDate: string): Promise<NightlyIngest> {
  rmSync(dataLayout(dataDir).historySnapshot, { force: true });
  const r = await nightly(runDate, 'rebuild');
  expect(r.snapshot).toBe('rebuilt');
  return r;
}

/** Daily rows of the fixture for the days [from, to) of its range. */
function daysOf(csv: string, from: number, to: number): string {
  const [head, ...rows] = csv.trim().split('\n');
  const dates = [...new Set(rows.map((r) => r.slice(0, 10)))].sort();
  const keep = new Set(dates.slice(from, to));
  return [head, ...rows.filter((r) => keep.has(r.slice(0, 10)))].join('\n') + '\n';
}

describe('nightly history snapshot', () => {
  it('updated with one new day (a corrected day, a new sku, a price change) equals the history read from scratch, and so do the forecasts', async () => {
    const csv = dailyCsv({ stores: 2, skus: 4, days: 90 });
    drop('history.csv', daysOf(csv, 0, 89));
    const first = await nightly('2024-03-30', 'n1');
    expect(first.snapshot).toBe('rebuilt');

    // the next night: day 90 for every series, a re-exported (corrected) day 40 for one series,
    // a new sku, a day with a price, a zero-price row (flagged) and a row that is rejected in the file
    const day90 = daysOf(csv, 89, 90).trim().split('\n');
    const extra = ['2024-02-09,S1,SKU1,17,9.99', '2024-03-30,S2,NEW,3,2.50', '2024-03-30,S1,SKU2,1,0', '2024-03-30,S1,SKU3,oops,1'];
    drop('night.csv', [...day90.filter((l) => !l.startsWith('2024-03-30,S1,SKU2,')), ...extra].join('\n') + '\n');
    const second = await nightly('2024-03-30', 'n2');
    expect(second.snapshot).toBe('updated');
    expect(second.files.map((f) => f.status)).toEqual(['ingested']);
    expect(second.historyRows).toBe(2 * 4 * 90 + 1);
    const scratch = await rebuilt('2024-03-30');
    expect(shape(second.ingest)).toEqual(shape(scratch.ingest));
    const sku1 = second.ingest.series.find((s) => s.key === 'S1\u0000SKU1')!;
    expect(sku1.demand[parseIsoDay('2024-02-09') - sku1.start]).toBe(17); // the corrected day
    expect(sku1.price[parseIsoDay('2024-02-09') - sku1.start]).toBe(9.99);
    expect(second.ingest.rows.read).toBe(2 * 4 * 90 + 1); // history rows, as a full export reads them
    expect(second.ingest.series.find((s) => s.key === 'S2\u0000NEW')!.demand.length).toBe(1);

    // the run on either gives the same forecasts
    const out = (tag: string) => join(dataDir, `out-${tag}`);
    const runOn = async (n: NightlyIngest, tag: string) => {
      const r = await runPipeline({ input: 'history', ingested: n, outDir: out(tag), config, runDate: '2024-03-30', runId: tag });
      return readFileSync(join(r.runDir, 'forecasts.csv'), 'utf8');
    };
    const a = await runOn(second, 'updated');
    const b = await runOn(scratch, 'rebuilt');
    expect(a).toBe(b);
    expect(a.split('\n').length).toBeGreaterThan(9 * 28);
  }, 120_000);

  it('updated with transaction lines (the same invoice delivered twice, a cancellation, a new day) equals the history read from scratch', async () => {
    const head = 'InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID';
    drop('a.csv', [head, '1001,A1,6,2010-12-01 08:26:00,2.55,1', '1001,A1,2,2010-12-01 08:26:00,2.55,1', '1002,B2,3,2010-12-01 09:00:00,1.25,2', '1003,A1,1,2010-12-02 10:00:00,2.65,3'].join('\n') + '\n');
    expect((await nightly('2010-12-31', 'n1')).snapshot).toBe('rebuilt');
    drop('b.csv', [head, '1003,A1,1,2010-12-02 10:00:00,2.65,3', 'C1004,A1,-2,2010-12-02 11:00:00,2.55,1', '1005,B2,4,2010-12-03 11:00:00,0,2', '1006,C3,5,2010-12-03 12:00:00,3.00,4'].join('\n') + '\n');
    const second = await nightly('2010-12-31', 'n2');
    expect(second.snapshot).toBe('updated');
    expect(second.ingest.kind).toBe('transactions');
    const scratch = await rebuilt('2010-12-31');
    expect(shape(second.ingest)).toEqual(shape(scratch.ingest));
    // invoice 1003 counted once, the cancellation kept out of demand
    const a1 = second.ingest.series.find((s) => s.sku === 'A1')!;
    expect(Array.from(a1.demand)).toEqual([8, 1, 0]);
    expect(Array.from(a1.returns)).toEqual([0, 2, 0]);
  }, 60_000);

  it('is rebuilt when it does not match the history (a snapshot from another night, other settings, a large file)', async () => {
    drop('a.csv', dailyCsv({ stores: 1, skus: 2, days: 20 }));
    await nightly('2024-03-30', 'n1');
    const snap = dataLayout(dataDir).historySnapshot;
    const old = readFileSync(snap);
    drop('b.csv', 'date,store_id,item_id,units\n2024-01-21,S1,SKU1,3\n');
    expect((await nightly('2024-03-30', 'n2')).snapshot).toBe('updated');
    // last night's snapshot put back: it misses file b, so it is rebuilt
    writeFileSync(snap, old);
    drop('c.csv', 'date,store_id,item_id,units\n2024-01-22,S1,SKU1,4\n');
    expect((await nightly('2024-03-30', 'n3')).snapshot).toBe('rebuilt');
    // other reading settings
    const strict = { ...config, validation: { ...config.validation, duplicateLines: 'keep' as const } };
    drop('d.csv', 'date,store_id,item_id,units\n2024-01-23,S1,SKU1,5\n');
    expect((await prepareNightlyIngest({ dataDir, config: strict, readConfig: strict, runDate: '2024-03-30', runId: 'n4' })).snapshot).toBe('rebuilt');
    // a file above the delta limit
    drop('e.csv', 'date,store_id,item_id,units\n2024-01-24,S1,SKU1,5\n2024-01-24,S1,SKU2,5\n');
    expect((await prepareNightlyIngest({ dataDir, config: strict, readConfig: strict, runDate: '2024-03-30', runId: 'n5', maxDeltaRows: 1 })).snapshot).toBe('rebuilt');
    // a corrupt snapshot file
    writeFileSync(snap, 'not a snapshot');
    drop('f.csv', 'date,store_id,item_id,units\n2024-01-25,S1,SKU1,6\n');
    expect((await prepareNightlyIngest({ dataDir, config: strict, readConfig: strict, runDate: '2024-03-30', runId: 'n6' })).snapshot).toBe('rebuilt');
  }, 60_000);

  it('reads the touched cells\' rows only when the snapshot may be updated: not on a first load nor for a snapshot rebuilt anyway', async () => {
    drop('a.csv', dailyCsv({ stores: 1, skus: 2, days: 20 })); // 2024-01-01 to -20
    const history = openHistory(dataLayout(dataDir).historyDb);
    const cellRows = vi.spyOn(history, 'cellRows');
    try {
      const first = await ingestTonight(history, { dataDir, config, readConfig: config, runDay: parseIsoDay('2024-03-30') });
      expect(first.files.map((f) => f.status)).toEqual(['ingested']);
      expect(first.info).toBeNull();
      expect(first.deltas).toEqual([]);
      expect(cellRows).not.toHaveBeenCalled();
    } finally {
      history.close();
    }
    expect((await nightly('2024-03-30', 'n1')).deltaRows).toBe(0); // nothing new: a first snapshot rebuilt
    const snap = dataLayout(dataDir).historySnapshot;
    const old = readFileSync(snap);
    // one new cell: no row before, one after
    drop('b.csv', 'date,store_id,item_id,units\n2024-01-21,S1,SKU1,3\n');
    expect(await nightly('2024-03-30', 'n2')).toMatchObject({ snapshot: 'updated', deltaRows: 1 });
    // one corrected cell (1 row before, 1 after) and one new (0, 1)
    drop('c.csv', 'date,store_id,item_id,units\n2024-01-21,S1,SKU1,4\n2024-01-22,S1,SKU2,2\n');
    const third = await nightly('2024-03-30', 'n3');
    expect(third).toMatchObject({ snapshot: 'updated', deltaRows: 3 });
    expect(shape(third.ingest)).toEqual(shape((await rebuilt('2024-03-30')).ingest));
    // last night's snapshot put back: it misses files b and c, rebuilt without reading cells
    writeFileSync(snap, old);
    drop('d.csv', 'date,store_id,item_id,units\n2024-01-23,S1,SKU1,5\n');
    expect(await nightly('2024-03-30', 'n4')).toMatchObject({ snapshot: 'rebuilt', deltaRows: 0 });
    // a first load of a history that already has rows (snapshot deleted)
    rmSync(snap);
    drop('e.csv', 'date,store_id,item_id,units\n2024-01-24,S1,SKU1,5\n');
    expect(await nightly('2024-03-30', 'n5')).toMatchObject({ snapshot: 'rebuilt', deltaRows: 0 });
  }, 60_000);

  it('is rebuilt when a series gets a silence longer than maxGapDays, or the plausible window passes its first day; then it equals the history read from scratch', async () => {
    // one sku sold a year and a half ago, then nothing: a row today detaches the old ones
    drop('a.csv', 'date,store_id,item_id,units\n2022-09-01,S1,OLD,4\n2022-09-02,S1,OLD,5\n2024-03-01,S1,NEW,1\n');
    expect((await nightly('2024-03-02', 'n1')).snapshot).toBe('rebuilt');
    drop('b.csv', 'date,store_id,item_id,units\n2024-03-02,S1,OLD,2\n2024-03-02,S1,NEW,1\n');
    const second = await nightly('2024-03-02', 'n2');
    expect(second.snapshot).toBe('rebuilt');
    expect(second.ingest.detached).toEqual({ series: 1, rows: 2, days: 2, units: 9 });
    const old = second.ingest.series.find((x) => x.sku === 'OLD')!;
    expect(old.start).toBe(parseIsoDay('2024-03-02'));
    expect(shape(second.ingest)).toEqual(shape((await rebuilt('2024-03-02')).ingest));
    // a night within the window updates
    drop('c.csv', 'date,store_id,item_id,units\n2024-03-03,S1,NEW,1\n');
    expect((await nightly('2024-03-03', 'n3')).snapshot).toBe('updated');
    // the window (20 years before the run date) moves past the oldest accepted row: rebuilt,
    // and the row is implausible from then on
    const fixed = { ...config, validation: { ...config.validation, minDate: '2000-01-01' } };
    drop('d.csv', 'date,store_id,item_id,units\n2024-03-04,S1,NEW,1\n');
    const n4 = await prepareNightlyIngest({ dataDir, config: fixed, readConfig: fixed, runDate: '2024-03-04', runId: 'n4' });
    expect(n4.snapshot).toBe('rebuilt'); // other settings
    drop('e.csv', 'date,store_id,item_id,units\n2024-03-05,S1,NEW,1\n');
    expect((await prepareNightlyIngest({ dataDir, config: fixed, readConfig: fixed, runDate: '2024-03-05', runId: 'n5' })).snapshot).toBe('updated');
    drop('f.csv', 'date,store_id,item_id,units\n2042-09-03,S1,NEW,1\n');
    const late = await prepareNightlyIngest({ dataDir, config, readConfig: config, runDate: '2042-09-03', runId: 'n6' });
    expect(late.snapshot).toBe('rebuilt');
    expect(late.ingest.issueCounts.implausible_date).toBe(2); // 2022-09-01 and -02 are now over 20 years old
  }, 60_000);
});

