import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHistory, type HistoryRow } from '../../../pipelines/history/history-store.js';
import type { CanonicalRow } from '../../../pipelines/types.js';

const dir = mkdtempSync(join(tmpdir(), 'history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const H3 = 'c'.repeat(64);
const row = (day: number, sku: string, quantity: number, txn = '', price = NaN, store = 'S1'): CanonicalRow => ({
  day, store, sku, quantity, price, txn, isReturn: quantity < 0,
});
const counts = (n: number) => ({ read: n, accepted: n, rejected: 0 });

describe('history store', () => {
  it('sums rows with the same key inside a file, keeps returns apart, and averages prices', () => {
    const h = openHistory(':memory:');
    const r = h.mergeFile({ hash: H1, name: 'a.csv', rows: counts(4) }, [
      row(10, 'X', 2, 'T1', 1.5),
      row(10, 'X', 3, 'T1', 2.5), // same invoice lists X twice
      row(10, 'X', -1, 'CT9', 2), // a cancellation: its own transaction
      row(11, 'X', 4, 'T2'),
    ]);
    expect(r).toEqual({ alreadyIngested: false, merged: 3, added: 3 });
    const rows = [...h.rows()];
    expect(rows).toEqual<HistoryRow[]>([
      { day: 10, store: 'S1', sku: 'X', txn: 'CT9', quantity: 0, returns: 1, price: 2 },
      { day: 10, store: 'S1', sku: 'X', txn: 'T1', quantity: 5, returns: 0, price: 2 },
      { day: 11, store: 'S1', sku: 'X', txn: 'T2', quantity: 4, returns: 0, price: NaN },
    ]);
    expect(h.hasTransactions()).toBe(true);
    h.close();
  });

  it('reads the rows of given cells in the cells\' order, then by transaction id, a missing price as NaN', () => {
    const h = openHistory(':memory:');
    h.mergeFile({ hash: H1, name: 'a.csv', rows: counts(5) }, [
      row(10, 'X', 2, 'T2', 1.5),
      row(10, 'X', 3, 'T1'),
      row(11, 'X', -2, 'C1', 4),
      row(10, 'Y', 1, 'T3', 2, 'S2'),
      row(12, 'X', 7, 'T4'),
    ]);
    const cells = [{ store: 'S2', sku: 'Y', day: 10 }, { store: 'S1', sku: 'X', day: 13 }, { store: 'S1', sku: 'X', day: 10 }, { store: 'S1', sku: 'X', day: 11 }];
    expect(h.cellRows(cells)).toEqual<HistoryRow[]>([
      { day: 10, store: 'S2', sku: 'Y', txn: 'T3', quantity: 1, returns: 0, price: 2 },
      { day: 10, store: 'S1', sku: 'X', txn: 'T1', quantity: 3, returns: 0, price: NaN },
      { day: 10, store: 'S1', sku: 'X', txn: 'T2', quantity: 2, returns: 0, price: 1.5 },
      { day: 11, store: 'S1', sku: 'X', txn: 'C1', quantity: 0, returns: 2, price: 4 },
    ]);
    expect(h.cellRows([])).toEqual([]);
    h.close();
  });

  it('merges each file exactly once, by content hash', () => {
    const h = openHistory(':memory:');
    const rows = [row(1, 'A', 1), row(2, 'A', 2)];
    expect(h.mergeFile({ hash: H1, name: 'x.csv', rows: counts(2) }, rows).alreadyIngested).toBe(false);
    expect(h.isIngested(H1)).toBe(true);
    const again = h.mergeFile({ hash: H1, name: 'renamed.csv', rows: counts(2) }, [row(1, 'A', 100)]);
    expect(again).toEqual({ alreadyIngested: true, merged: 0, added: 0 });
    expect([...h.rows()].map((r) => r.quantity)).toEqual([1, 2]);
    expect(h.files().map((f) => f.name)).toEqual(['x.csv']);
    h.close();
  });

  it('lets a newer file replace the values of the keys it repeats, and counts only new keys as added', () => {
    const h = openHistory(':memory:');
    h.mergeFile({ hash: H1, name: 'week1.csv', rows: counts(3) }, [row(1, 'A', 1), row(2, 'A', 2), row(3, 'A', 3)]);
    const r = h.mergeFile({ hash: H2, name: 'week1-corrected.csv', rows: counts(2) }, [row(3, 'A', 30), row(4, 'A', 4)]);
    expect(r).toEqual({ alreadyIngested: false, merged: 2, added: 1 });
    expect([...h.rows()].map((x) => [x.day, x.quantity])).toEqual([[1, 1], [2, 2], [3, 30], [4, 4]]);
    expect(h.rowCount()).toBe(4);
    expect(h.dayRange()).toEqual({ first: 1, last: 4 });
    expect(h.hasTransactions()).toBe(false);
    h.close();
  });

  it('streams rows in store, sku, day order and survives reopening', () => {
    const path = join(dir, 'sales.db');
    const h = openHistory(path);
    h.mergeFile({ hash: H3, name: 'mixed.csv', rows: counts(4) }, [row(5, 'B', 1, '', 1, 'S2'), row(3, 'B', 1), row(4, 'A', 1), row(2, 'B', 1, '', 1, 'S2')]);
    h.close();
    const again = openHistory(path);
    expect([...again.rows()].map((r) => `${r.store}/${r.sku}/${r.day}`)).toEqual(['S1/A/4', 'S1/B/3', 'S2/B/2', 'S2/B/5']);
    expect(again.isIngested(H3)).toBe(true);
    expect(again.files()[0].rows).toEqual(counts(4));
    again.close();
  });

  it('rejects a hash that is not a SHA-256 and reports an empty history', () => {
    const h = openHistory(':memory:');
    expect(() => h.mergeFile({ hash: 'nothex', name: 'x', rows: counts(0) }, [])).toThrow(/SHA-256/);
    expect(h.dayRange()).toBeNull();
    expect(h.rowCount()).toBe(0);
    h.close();
  });
});
