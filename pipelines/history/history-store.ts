/**
 * The durable sales history: every accepted row of every ingested file, merged and
 * deduplicated, in an embedded SQLite database (better-sqlite3) at `<dataDir>/history/sales.db`.
 *
 * Why SQLite: the history must survive restarts, be merged transactionally (a file is either
 * fully merged and recorded as ingested, or not at all: that is what makes "each file exactly
 * once" hold when a run crashes half way), deduplicate on a composite key, and be read back in
 * key order fast. SQLite gives all four in one file beside the other outputs, with no server to
 * run, and better-sqlite3's synchronous API keeps a 500k-row merge in one transaction at about a
 * second. Redis is deliberately not used for it: Redis is the queue's volatile state (jobs are
 * evicted by retention), the history is the product's data. The rollback journal (not WAL) is
 * used so that the file also works when the data directory is shared between hosts over a file
 * system with working POSIX locks; only run/ingest jobs write to it, one transaction per file.
 *
 * Key and merge rule: one row per (store, sku, day, transaction id); the transaction id is ''
 * for daily-total exports. Within one file, rows with the same key are summed (an invoice may
 * list the same product on two lines); across files, the newer file's values replace the older
 * ones for each key it contains (a re-exported day corrects the history; the same transaction
 * delivered twice is counted once).
 *
 * Attributes: the item attributes (category, department, by sku) and store attributes (region)
 * the files' own columns give are kept in the `attributes` table, merged in the same transaction
 * as the file's rows, the latest file's non-empty value winning (pipelines/history/history-attributes.ts).
 *
 * Schema versions (`PRAGMA user_version`): 0, a database of a version before attributes were
 * kept (sales and files only), is migrated on opening by adding the empty `attributes` table (its
 * old files' attributes are not known: an item not sold since has none until a file or the
 * items file gives it one); 1, the current one. A database of a later version is refused.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CanonicalRow, RowCounts } from '../types.js';
import { OutputError } from '../errors.js';
import { historySeriesKey, type HistoryAttributes } from './history-attributes.js';
import { STORE_ATTRIBUTES } from '../hierarchy/run-levels.js';

/** One merged history row. */
export interface HistoryRow {
  /** Day number (days since 1970-01-01 UTC). */
  readonly day: number;
  readonly store: string;
  readonly sku: string;
  /** Transaction id; '' for daily totals. */
  readonly txn: string;
  /** Units sold (returns excluded), >= 0. */
  readonly quantity: number;
  /** Units returned or cancelled, >= 0. */
  readonly returns: number;
  /** Mean unit price of the merged rows; NaN when unknown. */
  readonly price: number;
}

/** A file recorded as ingested. */
export interface IngestedFile {
  /** SHA-256 of the file's bytes, hex. */
  readonly hash: string;
  /** File name when it was ingested. */
  readonly name: string;
  /** ISO timestamp of the merge. */
  readonly ingestedAt: string;
  readonly rows: RowCounts;
  /** History rows inserted or replaced by this file. */
  readonly merged: number;
  /** History rows that did not exist before this file. */
  readonly added: number;
}

/** Outcome of {@link HistoryStore.mergeFile}. */
export interface MergeResult {
  /** True when the hash was already recorded: nothing was changed. */
  readonly alreadyIngested: boolean;
  /** History rows inserted or replaced. */
  readonly merged: number;
  /** History rows that are new. */
  readonly added: number;
}

/** A file to record: content hash, name and row counts. */
export interface FileInfo {
  hash: string;
  name: string;
  rows: RowCounts;
  ingestedAt?: string;
  /** The attributes the file's own columns give (history-attributes.ts `fileAttributes`), kept with its rows. */
  attributes?: HistoryAttributes;
}

/** One (store, sku, day) of the history: all its rows, whatever their transaction ids. */
export interface HistoryCell {
  readonly store: string;
  readonly sku: string;
  readonly day: number;
}

/** Rows of one file on their way into the history. */
export interface FileStaging {
  /** Stage one accepted row. */
  add(row: CanonicalRow): void;
  /** The distinct cells of the rows staged so far, in (store, sku, day) order. */
  cells(): HistoryCell[];
  /** Merge the staged rows and record the file, in one transaction (see the module comment). */
  merge(file: FileInfo): MergeResult;
  /** Drop the staged rows. */
  discard(): void;
}

/** An open sales history. Close it when done. */
export interface HistoryStore {
  /** Absolute path of the database file (':memory:' for a test store). */
  readonly path: string;
  /** True when a file with this content hash was already merged. */
  isIngested(hash: string): boolean;
  /**
   * Merge one file's accepted rows and record the file, in one transaction.
   * @param file content hash, name and row counts of the file.
   * @param rows the file's accepted canonical rows (returns have `isReturn` and negative quantity).
   * @returns whether it was already ingested, and how many history rows changed.
   */
  mergeFile(file: FileInfo, rows: Iterable<CanonicalRow>): MergeResult;
  /**
   * Stage a file's rows as they stream in (a temporary table, so memory stays flat and the
   * history is locked only while merging), then merge them with {@link FileStaging.merge}.
   */
  beginFile(): FileStaging;
  /** Every ingested file, oldest first. */
  files(): IngestedFile[];
  /** Number of history rows. */
  rowCount(): number;
  /** True when at least one history row has a transaction id. */
  hasTransactions(): boolean;
  /** True when at least one history row has a store id. */
  hasStores(): boolean;
  /** True when at least one history row has a price. */
  hasPrices(): boolean;
  /** First and last day in the history; null when empty. */
  dayRange(): { first: number; last: number } | null;
  /** Every history row in (store, sku, day, txn) order, streamed. */
  rows(): IterableIterator<HistoryRow>;
  /** The history rows of the given cells, in the cells' order, then by transaction id. */
  cellRows(cells: readonly HistoryCell[]): HistoryRow[];
  /** The item and store attributes kept (see the module comment). */
  attributes(): HistoryAttributes;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sales (
  store    TEXT    NOT NULL,
  sku      TEXT    NOT NULL,
  day      INTEGER NOT NULL,
  txn      TEXT    NOT NULL,
  quantity REAL    NOT NULL,
  returns  REAL    NOT NULL,
  price    REAL,
  file_id  INTEGER NOT NULL,
  PRIMARY KEY (store, sku, day, txn)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
  id           INTEGER PRIMARY KEY,
  hash         TEXT    NOT NULL UNIQUE,
  name         TEXT    NOT NULL,
  ingested_at  TEXT    NOT NULL,
  rows_read    INTEGER NOT NULL,
  rows_accepted INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  merged       INTEGER NOT NULL,
  added        INTEGER NOT NULL
);
`;

/** The schema version this code writes ({@link migrate}). */
export const HISTORY_SCHEMA_VERSION = 1;

/**
 * Version 1: the attributes of items (scope 'item', key: sku) and stores (scope 'store', key:
 * store), and a series' own values where they differ from those (scope 'series', key: JSON
 * [store, sku]; a version that did not write them reads them as items no sku matches).
 */
const ATTRIBUTES_SCHEMA = `
CREATE TABLE IF NOT EXISTS attributes (
  scope   TEXT    NOT NULL,
  key     TEXT    NOT NULL,
  name    TEXT    NOT NULL,
  value   TEXT    NOT NULL,
  file_id INTEGER NOT NULL,
  PRIMARY KEY (scope, key, name)
) WITHOUT ROWID;
`;

/**
 * Open (creating if needed) the sales history database.
 * @param path database file, e.g. `dataLayout(dataDir).historyDb`; ':memory:' for a throwaway store.
 * @param opts.busyTimeoutMs how long a writer waits for another process's transaction (ms). @defaultValue 30000
 * @throws Error when the file cannot be opened or is not a history database.
 */
export function openHistory(path: string, opts: { busyTimeoutMs?: number } = {}): HistoryStore {
  if (!path) throw new Error('openHistory needs a database path');
  const db = writing(path, () => openDatabase(path, opts.busyTimeoutMs ?? 30_000));
  const q = historyQueries(db);
  const stager = fileStager(db, q);
  // one read transaction for all the cells: outside one, each query locks and unlocks the
  // database file and checks for a hot journal (system calls that cost more than the lookup)
  const readCells = db.transaction((cells: readonly HistoryCell[]): HistoryRow[] => {
    const out: HistoryRow[] = [];
    for (const c of cells) {
      for (const r of q.cellRaw.all(c.store, c.sku, c.day) as RawSalesRecord[]) {
        out.push({ day: r[0], store: r[1], sku: r[2], txn: r[3], quantity: r[4], returns: r[5], price: r[6] === null ? NaN : r[6] });
      }
    }
    return out;
  });
  // staging and merging write: a full or read-only disk is an output problem (exit 4)
  const beginFile = (): FileStaging => {
    const st = writing(path, stager);
    return {
      add: (row) => {
        try {
          st.add(row);
        } catch (e) {
          throw storageError(path, e);
        }
      },
      cells: () => writing(path, () => st.cells()),
      merge: (file) => writing(path, () => st.merge(file)),
      discard: () => st.discard(),
    };
  };
  return {
    path,
    isIngested: (hash) => Boolean(q.ingested.get(hash)),
    mergeFile: (file, rows) => {
      const st = beginFile();
      try {
        for (const r of rows) st.add(r);
      } catch (e) {
        st.discard();
        throw e;
      }
      return st.merge(file);
    },
    beginFile,
    files: () => (q.files.all() as Array<Record<string, unknown>>).map(fileInfoOf),
    rowCount: () => q.count.get() as number,
    hasTransactions: () => Boolean(q.hasTxn.get()),
    hasStores: () => Boolean(q.hasStore.get()),
    hasPrices: () => Boolean(q.hasPrice.get()),
    dayRange: () => {
      const r = q.range.get() as { first: number | null; last: number | null };
      return r.first === null || r.last === null ? null : { first: r.first, last: r.last };
    },
    *rows() {
      for (const r of q.rows.iterate() as IterableIterator<SalesRecord>) yield toRow(r);
    },
    cellRows: (cells) => readCells(cells),
    attributes: () => attributesOf(q.attributes.all() as AttributeRecord[]),
    close: () => db.close(),
  };
}

/**
 * Codes of a database that cannot be written: SQLite's full, read-only, I/O failure, not
 * openable; the file system's for its directory (full, read-only, no permission, a file in the way).
 */
const STORAGE_CODES = /^(SQLITE_(FULL|READONLY|IOERR|CANTOPEN)|ENOSPC$|EROFS$|EACCES$|EPERM$|ENOTDIR$)/;

/**
 * A write to the sales history that failed for lack of storage, as the OutputError it is (exit 4,
 * retried with backoff by a queued job), naming the database and the cause; any other error as
 * it is. better-sqlite3 tells the cause by the error's `code` (SQLITE_FULL, SQLITE_READONLY, ...).
 */
export function storageError(path: string, e: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !STORAGE_CODES.test(code)) return e;
  const hint = code === 'SQLITE_FULL' || code === 'ENOSPC' ? ' (disk full)' : code.startsWith('SQLITE_READONLY') || code === 'EROFS' ? ' (read-only)' : '';
  return new OutputError(`cannot write the sales history ${path}${hint}: ${(e as Error).message} (${code}); the history is unchanged`);
}

/** Run `fn`, turning a storage failure into an OutputError ({@link storageError}). */
function writing<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw storageError(path, e);
  }
}

/** The database file opened (its directory created), durable settings set, the schema in place. */
function openDatabase(path: string, busyTimeoutMs: number): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  migrate(db, path);
  db.exec('CREATE TEMP TABLE IF NOT EXISTS staged (store TEXT, sku TEXT, day INTEGER, txn TEXT, quantity REAL, returns REAL, price REAL)');
  return db;
}

/**
 * Bring a database to {@link HISTORY_SCHEMA_VERSION} (module comment), in one write transaction
 * so that two processes opening an old database migrate it once.
 * @throws Error for a database of a later version.
 */
function migrate(db: Database.Database, path: string): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > HISTORY_SCHEMA_VERSION) {
      throw new Error(`the sales history ${path} has schema version ${version}, written by a later version of this program (this one reads up to ${HISTORY_SCHEMA_VERSION})`);
    }
    if (version < 1) db.exec(ATTRIBUTES_SCHEMA);
    if (version < HISTORY_SCHEMA_VERSION) db.pragma(`user_version = ${HISTORY_SCHEMA_VERSION}`);
  }).immediate();
}

/** An attributes record (scope 'item', 'store' or 'series', see {@link ATTRIBUTES_SCHEMA}). */
type AttributeRecord = { scope: string; key: string; name: string; value: string; file_id: number };

/**
 * The attributes table read into maps by sku, by store and by series; a series' own value is
 * kept while no later file gave its sku (store) a value (history-attributes.ts).
 */
function attributesOf(records: readonly AttributeRecord[]): HistoryAttributes {
  const items = new Map<string, Record<string, string>>();
  const stores = new Map<string, Record<string, string>>();
  const fileOf = new Map<string, number>();
  for (const r of records) {
    if (r.scope === 'series') continue;
    const into = r.scope === 'store' ? stores : items;
    const a = into.get(r.key) ?? {};
    a[r.name] = r.value;
    into.set(r.key, a);
    fileOf.set(JSON.stringify([r.scope, r.key, r.name]), r.file_id);
  }
  const series = new Map<string, Record<string, string>>();
  for (const r of records) {
    if (r.scope !== 'series') continue;
    const [store, sku] = JSON.parse(r.key) as [string, string];
    const owner = (STORE_ATTRIBUTES as readonly string[]).includes(r.name) ? ['store', store] : ['item', sku];
    if (r.file_id < (fileOf.get(JSON.stringify([...owner, r.name])) ?? -1)) continue;
    const key = historySeriesKey(store, sku);
    series.set(key, { ...series.get(key), [r.name]: r.value });
  }
  return { items, stores, series };
}

/** A sales row as SQLite returns it. */
interface SalesRecord {
  day: number;
  store: string;
  sku: string;
  txn: string;
  quantity: number;
  returns: number;
  price: number | null;
}

/** A sales row as a raw statement returns it, in {@link SalesRecord}'s column order. */
type RawSalesRecord = [number, string, string, string, number, number, number | null];

function toRow(r: SalesRecord): HistoryRow {
  return { day: r.day, store: r.store, sku: r.sku, txn: r.txn, quantity: r.quantity, returns: r.returns, price: r.price === null ? NaN : r.price };
}

function fileInfoOf(f: Record<string, unknown>): IngestedFile {
  return {
    hash: String(f.hash),
    name: String(f.name),
    ingestedAt: String(f.ingested_at),
    rows: { read: Number(f.rows_read), accepted: Number(f.rows_accepted), rejected: Number(f.rows_rejected) },
    merged: Number(f.merged),
    added: Number(f.added),
  };
}

/** The prepared statements of a history database. */
function historyQueries(db: Database.Database) {
  return {
    ingested: db.prepare('SELECT 1 FROM files WHERE hash = ?').pluck(),
    insertFile: db.prepare(
      'INSERT INTO files (hash, name, ingested_at, rows_read, rows_accepted, rows_rejected, merged, added) VALUES (?, ?, ?, ?, ?, ?, 0, 0)',
    ),
    updateFile: db.prepare('UPDATE files SET merged = ?, added = ? WHERE id = ?'),
    count: db.prepare('SELECT count(*) FROM sales').pluck(),
    files: db.prepare('SELECT * FROM files ORDER BY id'),
    hasTxn: db.prepare("SELECT 1 FROM sales WHERE txn <> '' LIMIT 1").pluck(),
    hasStore: db.prepare("SELECT 1 FROM sales WHERE store <> '' LIMIT 1").pluck(),
    hasPrice: db.prepare('SELECT 1 FROM sales WHERE price IS NOT NULL LIMIT 1').pluck(),
    range: db.prepare('SELECT min(day) AS first, max(day) AS last FROM sales'),
    rows: db.prepare('SELECT day, store, sku, txn, quantity, returns, price FROM sales ORDER BY store, sku, day, txn'),
    // rows as arrays (no record object per row): day, store, sku, txn, quantity, returns, price
    cellRaw: db.prepare('SELECT day, store, sku, txn, quantity, returns, price FROM sales WHERE store = ? AND sku = ? AND day = ? ORDER BY txn').raw(),
    attributes: db.prepare('SELECT scope, key, name, value, file_id FROM attributes ORDER BY scope, key, name'),
    // the latest file's non-empty value wins (history-attributes.ts)
    setAttribute: db.prepare(
      'INSERT INTO attributes (scope, key, name, value, file_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, key, name) DO UPDATE SET value = excluded.value, file_id = excluded.file_id',
    ),
    stage: db.prepare('INSERT INTO temp.staged VALUES (?, ?, ?, ?, ?, ?, ?)'),
    clearStaged: db.prepare('DELETE FROM temp.staged'),
    stagedCells: db.prepare('SELECT DISTINCT store, sku, day FROM temp.staged ORDER BY store, sku, day'),
    // rows with the same key inside the file are summed; the mean of the known prices (avg skips NULL)
    mergeStaged: db.prepare(
      `INSERT INTO sales (store, sku, day, txn, quantity, returns, price, file_id)
     SELECT store, sku, day, txn, sum(quantity), sum(returns), avg(price), ? FROM temp.staged WHERE true GROUP BY store, sku, day, txn
     ON CONFLICT (store, sku, day, txn) DO UPDATE SET
       quantity = excluded.quantity, returns = excluded.returns, price = excluded.price, file_id = excluded.file_id`,
    ),
  };
}

/** Record a file's attributes (the caller's transaction); empty values are not kept. */
function storeAttributes(q: ReturnType<typeof historyQueries>, attrs: HistoryAttributes, fileId: number): void {
  for (const [scope, byKey] of [['item', attrs.items], ['store', attrs.stores]] as const) {
    for (const [key, values] of byKey) for (const [name, value] of Object.entries(values)) if (value !== '') q.setAttribute.run(scope, key, name, value, fileId);
  }
  for (const [key, values] of attrs.series ?? []) {
    const cut = key.indexOf('\u0000');
    const [store, sku] = [key.slice(0, cut), key.slice(cut + 1)];
    for (const [name, value] of Object.entries(values)) if (value !== '') q.setAttribute.run('series', JSON.stringify([store, sku]), name, value, fileId);
  }
}

/**
 * `beginFile` of a store: one file's accepted rows staged in a temporary table (in chunks of
 * 10 000), then merged into the history and recorded by hash in one IMMEDIATE transaction.
 */
function fileStager(db: Database.Database, q: ReturnType<typeof historyQueries>): () => FileStaging {
  const flushStaged = db.transaction((buf: CanonicalRow[]) => {
    for (const r of buf) {
      const ret = r.isReturn || r.quantity < 0;
      q.stage.run(r.store, r.sku, r.day, r.txn, ret ? 0 : r.quantity, ret ? Math.abs(r.quantity) : 0, Number.isFinite(r.price) ? r.price : null);
    }
  });
  const mergeStaged = db.transaction((file: FileInfo): MergeResult => {
    if (q.ingested.get(file.hash)) return { alreadyIngested: true, merged: 0, added: 0 };
    const info = q.insertFile.run(
      file.hash, file.name, file.ingestedAt ?? new Date().toISOString(), file.rows.read, file.rows.accepted, file.rows.rejected,
    );
    const fileId = Number(info.lastInsertRowid);
    const before = q.count.get() as number;
    const merged = q.mergeStaged.run(fileId).changes;
    const added = (q.count.get() as number) - before;
    q.updateFile.run(merged, added, fileId);
    if (file.attributes) storeAttributes(q, file.attributes, fileId);
    return { alreadyIngested: false, merged, added };
  });
  let staging = false;
  return (): FileStaging => {
    if (staging) throw new Error('HistoryStore.beginFile: another file is being staged on this store');
    staging = true;
    q.clearStaged.run();
    let buf: CanonicalRow[] = [];
    const flush = () => {
      if (buf.length) flushStaged(buf);
      buf = [];
    };
    return {
      add(row) {
        if (!staging) throw new Error('FileStaging.add after merge or discard');
        buf.push(row);
        if (buf.length >= 10_000) flush();
      },
      cells() {
        flush();
        return q.stagedCells.all() as HistoryCell[];
      },
      merge(file) {
        if (!/^[0-9a-f]{64}$/.test(file.hash)) throw new Error(`HistoryStore.mergeFile needs a hex SHA-256 hash, got "${file.hash}"`);
        flush();
        try {
          // IMMEDIATE: take the write lock first, so two processes cannot both pass the hash check
          return mergeStaged.immediate(file);
        } finally {
          q.clearStaged.run();
          staging = false;
        }
      },
      discard() {
        buf = [];
        q.clearStaged.run();
        staging = false;
      },
    };
  };
}
