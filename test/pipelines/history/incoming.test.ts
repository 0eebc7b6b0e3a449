import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/schema.js';
import { openHistory } from '../../../pipelines/history/history-store.js';
import { exportHistoryCsv, prepareNightlyIngest, scanIncoming } from '../../../pipelines/history/incoming.js';
import { ingestFile } from '../../../pipelines/ingest/ingest.js';
import { parseIsoDay } from '../../../pipelines/dates.js';
import { dataLayout } from '../../../pipelines/io/paths.js';
import { dailyCsv } from '../../workers/fixtures.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'incoming-'));
  mkdirSync(dataLayout(dataDir).incoming, { recursive: true });
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const config = defaultConfig();
const runDate = '2024-06-30';
const drop = (name: string, text: string) => writeFileSync(join(dataLayout(dataDir).incoming, name), text);
const nightly = (o: { runDate: string; runId: string }) => prepareNightlyIngest({ dataDir, config, readConfig: config, ...o });

describe('incoming directory', () => {
  it('ingests the same file dropped twice only once, whatever its name', async () => {
    const csv = dailyCsv({ stores: 1, skus: 2, days: 30 });
    drop('export-monday.csv', csv);
    const first = await nightly({ runDate, runId: 'r1' });
    expect(first.files.map((f) => f.status)).toEqual(['ingested']);
    expect(first.historyRows).toBe(60);

    drop('export-monday-again.csv', csv);
    const second = await nightly({ runDate, runId: 'r2' });
    expect(second.files.map((f) => [f.name, f.status])).toEqual([['export-monday-again.csv', 'already-ingested']]);
    expect(second.ingested).toBe(0);
    expect(second.historyRows).toBe(60);

    const h = openHistory(dataLayout(dataDir).historyDb);
    expect(h.files()).toHaveLength(1);
    h.close();
    // both copies left the incoming directory
    expect((await scanIncoming(dataLayout(dataDir).incoming)).length).toBe(0);
    const done = readdirSync(dataLayout(dataDir).incomingDone).sort();
    expect(done).toHaveLength(2);
    expect(done[0].slice(0, 12)).toBe(done[1].slice(0, 12)); // same content hash
  });

  it('merges a later file on top (new days added, repeated days replaced) and quarantines rejected rows per file', async () => {
    drop('a.csv', 'date,store_id,item_id,units\n2024-01-01,S1,X,1\n2024-01-02,S1,X,2\n2024-01-03,S1,X,oops\n');
    drop('b.csv', 'date,store_id,item_id,units\n2024-01-02,S1,X,5\n2024-01-04,S1,X,4\n');
    const res = await nightly({ runDate, runId: 'r' });
    expect(res.files.map((f) => f.status)).toEqual(['ingested', 'ingested']);
    const exported = join(dataDir, 'export.csv');
    const h = openHistory(dataLayout(dataDir).historyDb);
    await exportHistoryCsv(h, exported);
    h.close();
    expect(res.ingest.series.map((x) => [x.key, x.start, Array.from(x.demand)])).toEqual([['S1\u0000X', parseIsoDay('2024-01-01'), [1, 5, 0, 4]]]);
    expect(readFileSync(exported, 'utf8').split('\r\n')).toEqual([
      // no file gave a price: no price column (read back, no row is missing_price, as in forecast run of the files)
      'date,store,sku,quantity',
      '2024-01-01,S1,X,1',
      '2024-01-02,S1,X,5',
      '2024-01-04,S1,X,4',
      '',
    ]);
    expect(res.ingest.series.every((x) => !x.issues.missing_price)).toBe(true);
    const q = dataLayout(dataDir).quarantine;
    const dirs = readdirSync(q);
    expect(dirs).toHaveLength(2);
    const rejected = dirs.map((d) => readFileSync(join(q, d, 'rejected.csv'), 'utf8'));
    expect(rejected.some((t) => t.includes('bad_quantity'))).toBe(true);
  });

  it("keeps each file's warnings (a day's US export whose date cannot tell day from month, many rejects) with the file's name", async () => {
    drop('tuesday.csv', 'Date,Item,Qty\n06/03/2024,A,1\n06/03/2024,B,x\n');
    const res = await nightly({ runDate, runId: 'r' });
    const [file] = res.files;
    expect(file.status).toBe('ingested');
    expect(file.warnings!.map((w) => w.code)).toEqual(['rejected_share', 'ambiguous_date_order']);
    expect(file.warnings![1].message).toMatch(/^incoming file "tuesday\.csv": dates such as "06\/03\/2024" could be day\/month or month\/day/);
  });

  it('moves a file that cannot be parsed aside with its error, and still runs on the rest', async () => {
    drop('good.csv', dailyCsv({ stores: 1, skus: 1, days: 10 }));
    drop('broken.csv', 'this,is,not\na,sales,export\n');
    drop('upload.csv.part', 'still being written');
    const res = await nightly({ runDate, runId: 'r' });
    const byName = Object.fromEntries(res.files.map((f) => [f.name, f]));
    expect(byName['broken.csv'].status).toBe('failed');
    expect(byName['good.csv'].status).toBe('ingested');
    expect(byName['upload.csv.part']).toBeUndefined();
    const failed = dataLayout(dataDir).incomingFailed;
    expect(existsSync(join(failed, 'broken.csv'))).toBe(true);
    expect(readFileSync(join(failed, 'broken.csv.error.txt'), 'utf8')).toMatch(/broken\.csv.*sha256/);
    expect(res.historyRows).toBe(10);
    // a failed file is not recorded: fixed and dropped again, it is ingested
    const h = openHistory(dataLayout(dataDir).historyDb);
    expect(h.files().map((f) => f.name)).toEqual(['good.csv']);
    h.close();
  });

  it('fails when there is no history at all', async () => {
    await expect(nightly({ runDate, runId: 'r' })).rejects.toThrow(/history is empty/);
  });

  it('exports transaction lines that ingest reads back to the same daily series, returns included', async () => {
    const text = [
      'InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID',
      '536365,A1,6,2010-12-01 08:26:00,2.55,17850',
      '536365,A1,2,2010-12-01 08:26:00,2.55,17850', // same product twice in one invoice
      '536366,A1,3,2010-12-01 09:00:00,2.65,17850',
      'C536367,A1,-1,2010-12-02 10:00:00,2.55,17850',
      '536368,B2,4,2010-12-02 11:00:00,1.25,13047',
    ].join('\n');
    drop('tx.csv', text + '\n');
    const res = await nightly({ runDate: '2010-12-31', runId: 'r' });
    const runDay = parseIsoDay('2010-12-31');
    const direct = await ingestFile(join(dataLayout(dataDir).incomingDone, readdirSync(dataLayout(dataDir).incomingDone)[0]), { config, runDay });
    const viaHistory = res.ingest;
    expect(viaHistory.kind).toBe('transactions');
    const shape = (r: typeof direct) => r.series.map((s) => ({ key: s.key, start: s.start, demand: Array.from(s.demand), returns: Array.from(s.returns) }));
    expect(shape(viaHistory)).toEqual(shape(direct));
    expect(shape(direct)).toEqual([
      { key: '\u0000A1', start: parseIsoDay('2010-12-01'), demand: [11, 0], returns: [0, 1] },
      { key: '\u0000B2', start: parseIsoDay('2010-12-02'), demand: [4], returns: [0] },
    ]);
  });

  it('exports the history in store, sku, day order with a fixed header', async () => {
    const h = openHistory(':memory:');
    h.mergeFile({ hash: 'f'.repeat(64), name: 'x', rows: { read: 2, accepted: 2, rejected: 0 } }, [
      { day: parseIsoDay('2024-01-02'), store: 'S2', sku: 'B', quantity: 3, price: 1.5, txn: '', isReturn: false },
      { day: parseIsoDay('2024-01-01'), store: 'S1', sku: 'A', quantity: 0, price: NaN, txn: '', isReturn: false },
    ]);
    const path = join(dataDir, 'export.csv');
    expect(await exportHistoryCsv(h, path)).toEqual({ rows: 2, kind: 'daily' });
    expect(readFileSync(path, 'utf8')).toBe('date,store,sku,quantity,price\r\n2024-01-01,S1,A,0,\r\n2024-01-02,S2,B,3,1.5\r\n');
    h.close();
  });
});
