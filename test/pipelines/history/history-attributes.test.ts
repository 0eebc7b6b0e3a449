import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { fileAttributes, withHistoryAttributes } from '../../../pipelines/history/history-attributes.js';
import { openHistory } from '../../../pipelines/history/history-store.js';
import type { IngestResult } from '../../../pipelines/ingest/ingest.js';
import type { CanonicalRow, SeriesData } from '../../../pipelines/types.js';

const dir = mkdtempSync(join(tmpdir(), 'history-attrs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const H3 = 'c'.repeat(64);
const counts = (n: number) => ({ read: n, accepted: n, rejected: 0 });
const row = (day: number, sku: string, quantity: number, store = 'S1'): CanonicalRow => ({ day, store, sku, quantity, price: NaN, txn: '', isReturn: false });
const plain = (m: ReadonlyMap<string, Readonly<Record<string, string>>>) => Object.fromEntries(m);

describe('attributes of one file', () => {
  it("take, per sku, the first series in store order with a value, and per store its first series' region", () => {
    const a = fileAttributes([
      { store: 'S1', sku: 'A', attributes: { department: 'D1' } },
      { store: 'S1', sku: 'B' },
      { store: 'S2', sku: 'A', attributes: { department: 'D2', category: 'C', region: '' } },
      { store: 'S2', sku: 'B', attributes: { region: 'TX', category: '' } },
      { store: 'S2', sku: 'C', attributes: { region: 'CA' } },
    ]);
    expect(plain(a.items)).toEqual({ A: { department: 'D1', category: 'C' } });
    expect(plain(a.stores)).toEqual({ S2: { region: 'TX' } });
    // a series whose own value differs from its sku's (store's) keeps it
    expect(plain(a.series!)).toEqual({ 'S2\u0000A': { department: 'D2' }, 'S2\u0000C': { region: 'CA' } });
  });
});

describe('attributes in the history', () => {
  it("keep the latest file's non-empty value per sku and store, merged with the file's rows", () => {
    const h = openHistory(':memory:');
    h.mergeFile(
      { hash: H1, name: 'a.csv', rows: counts(1), attributes: { items: new Map<string, Record<string, string>>([['A', { department: 'D1', category: 'C' }], ['B', { category: 'K' }]]), stores: new Map([['S1', { region: 'CA' }]]) } },
      [row(1, 'A', 1)],
    );
    // a later file moves A to D2, says nothing of A's category, has an empty region for S1
    h.mergeFile(
      { hash: H2, name: 'b.csv', rows: counts(1), attributes: { items: new Map([['A', { department: 'D2' }]]), stores: new Map([['S1', { region: '' }], ['S2', { region: 'TX' }]]) } },
      [row(2, 'A', 1)],
    );
    // a file already merged changes nothing
    h.mergeFile({ hash: H1, name: 'again.csv', rows: counts(1), attributes: { items: new Map([['A', { department: 'D9' }]]), stores: new Map() } }, [row(1, 'A', 5)]);
    const a = h.attributes();
    expect(plain(a.items)).toEqual({ A: { category: 'C', department: 'D2' }, B: { category: 'K' } });
    expect(plain(a.stores)).toEqual({ S1: { region: 'CA' }, S2: { region: 'TX' } });
    h.close();
  });

  it("keep a series' own value until a later file gives its sku (store) a value", () => {
    const h = openHistory(':memory:');
    const items = (m: Record<string, Record<string, string>>) => new Map(Object.entries(m));
    // A in category C at S1 but K at S2; store S2 in TX but its series of B says CA
    h.mergeFile(
      { hash: H1, name: 'a.csv', rows: counts(1), attributes: { items: items({ A: { category: 'C' }, B: { category: 'C' } }), stores: items({ S2: { region: 'TX' } }), series: items({ 'S2\u0000A': { category: 'K' }, 'S2\u0000B': { region: 'CA' } }) } },
      [row(1, 'A', 1)],
    );
    expect(plain(h.attributes().series!)).toEqual({ 'S2\u0000A': { category: 'K' }, 'S2\u0000B': { region: 'CA' } });
    // a later file gives A one category: it holds for every store from then on; S2's region stays overridden for B
    h.mergeFile({ hash: H2, name: 'b.csv', rows: counts(1), attributes: { items: items({ A: { category: 'N' } }), stores: new Map() } }, [row(2, 'A', 1)]);
    const a = h.attributes();
    expect(plain(a.series!)).toEqual({ 'S2\u0000B': { region: 'CA' } });
    const s = (store: string, sku: string) => ({ store, sku }) as unknown as SeriesData;
    const out = withHistoryAttributes({ series: [s('S1', 'A'), s('S2', 'A'), s('S2', 'B')] } as unknown as IngestResult, a);
    expect(out.series.map((x) => x.attributes)).toEqual([{ category: 'N' }, { category: 'N', region: 'TX' }, { category: 'C', region: 'CA' }]);
    h.close();
  });

  it('migrates a database of the version before attributes (schema 0): its rows and files stay, attributes are kept from then on', () => {
    const path = join(dir, 'old.db');
    // the tables the previous version created, with its rows
    const old = new Database(path);
    old.exec(`CREATE TABLE sales (store TEXT NOT NULL, sku TEXT NOT NULL, day INTEGER NOT NULL, txn TEXT NOT NULL, quantity REAL NOT NULL,
        returns REAL NOT NULL, price REAL, file_id INTEGER NOT NULL, PRIMARY KEY (store, sku, day, txn)) WITHOUT ROWID;
      CREATE TABLE files (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL, ingested_at TEXT NOT NULL, rows_read INTEGER NOT NULL,
        rows_accepted INTEGER NOT NULL, rows_rejected INTEGER NOT NULL, merged INTEGER NOT NULL, added INTEGER NOT NULL);
      INSERT INTO files VALUES (1, '${H1}', 'old.csv', '2024-01-01T00:00:00.000Z', 2, 2, 0, 2, 2);
      INSERT INTO sales VALUES ('S1', 'A', 10, '', 3, 0, 1.5, 1), ('S1', 'B', 10, '', 4, 0, NULL, 1);`);
    expect(old.pragma('user_version', { simple: true })).toBe(0);
    old.close();

    const h = openHistory(path);
    expect(h.isIngested(H1)).toBe(true);
    expect([...h.rows()].map((r) => [r.sku, r.quantity])).toEqual([['A', 3], ['B', 4]]);
    expect(plain(h.attributes().items)).toEqual({});
    h.mergeFile({ hash: H2, name: 'new.csv', rows: counts(1), attributes: { items: new Map([['A', { category: 'FOODS' }]]), stores: new Map() } }, [row(11, 'A', 2)]);
    h.close();

    const again = openHistory(path);
    expect(again.rowCount()).toBe(3);
    expect(plain(again.attributes().items)).toEqual({ A: { category: 'FOODS' } });
    again.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    raw.close();
  });

  it('refuses a database written by a later version', () => {
    const path = join(dir, 'newer.db');
    openHistory(path).close();
    const raw = new Database(path);
    raw.pragma('user_version = 2');
    raw.close();
    expect(() => openHistory(path)).toThrow(/schema version 2, written by a later version/);
    const h = openHistory(join(dir, 'fresh.db'));
    h.mergeFile({ hash: H3, name: 'c.csv', rows: counts(1) }, [row(1, 'A', 1)]);
    expect(plain(h.attributes().items)).toEqual({});
    h.close();
  });
});

describe('series given the history attributes', () => {
  it("get their sku's and store's values; series with neither stay as they are", () => {
    const s = (store: string, sku: string) => ({ store, sku, key: `${store}\u0000${sku}` }) as unknown as SeriesData;
    const ingest = { series: [s('S1', 'A'), s('S2', 'A'), s('S3', 'Z')] } as unknown as IngestResult;
    const out = withHistoryAttributes(ingest, { items: new Map([['A', { category: 'C', department: 'D' }]]), stores: new Map([['S2', { region: 'TX' }]]) });
    expect(out.series.map((x) => x.attributes)).toEqual([{ category: 'C', department: 'D' }, { category: 'C', department: 'D', region: 'TX' }, undefined]);
    expect(out.series[2]).toBe(ingest.series[2]);
    expect(ingest.series[0].attributes).toBeUndefined();
  });
});
