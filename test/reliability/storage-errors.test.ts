/**
 * A sales history (SQLite) that cannot be written ends as an OutputError (exit 4, retried with
 * backoff when queued), one line naming the database and the cause, never "unexpected error"
 * with a stack trace: a real SQLITE_FULL (a database capped by `max_page_count`), and a
 * directory that cannot be created. The history's earlier rows stay.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { exitCodeOf, OutputError } from '../../pipelines/errors.js';
import { openHistory, storageError } from '../../pipelines/history/history-store.js';

describe('sales history storage failures', () => {
  it('a real SQLITE_FULL becomes an OutputError with exit 4; other errors pass through', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-full-'));
    const db = new Database(join(dir, 'tiny.db'));
    db.exec('CREATE TABLE t (x TEXT)');
    db.pragma('max_page_count = 3');
    let full: unknown;
    try {
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      for (let i = 0; i < 1000; i++) insert.run('x'.repeat(1000));
    } catch (e) {
      full = e;
    }
    db.close();
    expect((full as { code: string }).code).toBe('SQLITE_FULL');
    const mapped = storageError(join(dir, 'tiny.db'), full);
    expect(mapped).toBeInstanceOf(OutputError);
    expect(exitCodeOf(mapped)).toBe(4);
    expect((mapped as Error).message).toMatch(/cannot write the sales history .*tiny\.db \(disk full\)/);
    const other = new Error('a bug');
    expect(storageError('x', other)).toBe(other);
  });

  it('a history database whose directory cannot be created is an OutputError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-dir-'));
    writeFileSync(join(dir, 'a-file'), 'x');
    expect(() => openHistory(join(dir, 'a-file', 'history', 'sales.db'))).toThrow(OutputError);
  });
});
