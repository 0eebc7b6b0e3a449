/**
 * The incoming directory and the nightly input.
 *
 * Sales exports are dropped into `<dataDir>/incoming`. For each file the nightly run:
 * 1. hashes its bytes (SHA-256): the content, not the name, identifies a file, so the same export
 *    dropped twice (under any name) is ingested once;
 * 2. skips it when the sales history already records that hash;
 * 3. otherwise ingests and validates it (pipelines/ingest.ts), writes its rejected rows to
 *    `<dataDir>/quarantine/<hash12>-<name>/rejected.csv`, and merges the accepted rows into the
 *    history and records the hash in one transaction (pipelines/history-store.ts);
 * 4. moves it to `incoming/done/<hash12>-<name>`; a file that cannot be read or parsed is moved to
 *    `incoming/failed/<name>` beside `<name>.error.txt` and does not stop the run.
 *
 * Then the whole history is exported as one canonical CSV (`<dataDir>/work/exports/<runId>.csv`)
 * that the run reads like any other input: the nightly run and `forecast run` on that file go
 * through the same ingest, validation, quality and cleaning code, so their outputs are identical.
 *
 * Files whose name starts with `.` or ends in `.part`, `.tmp` or `.partial` are still being
 * written and are left for the next run; sub-directories are ignored.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { ensureDir, openAtomicStream } from './atomic-write.js';
import { csvLine, headerLine, numberCell, textCell } from './csv-format.js';
import { formatDay, parseIsoDay } from './dates.js';
import { InputError } from './errors.js';
import { openHistory, type HistoryStore } from './history-store.js';
import { ingestFile } from './ingest.js';
import { dataLayout } from './paths.js';
import { openRejectedWriter } from './publish.js';
import type { CanonicalRow } from './types.js';

/** A file waiting in the incoming directory. */
export interface IncomingFile {
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
}

/** What happened to one incoming file. */
export interface IncomingOutcome {
  readonly name: string;
  readonly hash: string;
  readonly status: 'ingested' | 'already-ingested' | 'failed';
  /** Row counts (ingested), or the error (failed). */
  readonly detail?: string;
  readonly rows?: { read: number; accepted: number; rejected: number };
}

const IN_PROGRESS = /(^\.)|(\.(part|tmp|partial)$)/i;

/**
 * The files waiting in an incoming directory, by name.
 * @param dir the incoming directory (missing: no files).
 */
export async function scanIncoming(dir: string): Promise<IncomingFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: IncomingFile[] = [];
  for (const name of names.sort()) {
    if (IN_PROGRESS.test(name)) continue;
    const path = join(dir, name);
    const st = await stat(path).catch(() => null);
    if (!st || !st.isFile()) continue;
    out.push({ name, path, bytes: st.size });
  }
  return out;
}

/** SHA-256 of a file's bytes, hex. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Move a file, replacing the target; a file already moved by another process is not an error. */
async function moveFile(from: string, dir: string, name: string): Promise<void> {
  await ensureDir(dir);
  try {
    await rename(from, join(dir, name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** A name safe to use as one path segment. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);
}

/**
 * Ingest every new file of the incoming directory into the sales history.
 * @param opts.dataDir data directory (layout: pipelines/paths.ts).
 * @param opts.config settings for reading and validating the exports (columns, validation).
 * @param opts.runDay day number of the run date (rows after it are rejected).
 * @param opts.history an open history store.
 * @param opts.onFile called with each file's outcome.
 * @returns one outcome per file found.
 * @throws only for failures of the history database or of the data directory itself.
 */
export async function ingestIncoming(opts: {
  dataDir: string;
  config: Config;
  runDay: number;
  history: HistoryStore;
  onFile?: (o: IncomingOutcome) => void;
}): Promise<IncomingOutcome[]> {
  const layout = dataLayout(opts.dataDir);
  const outcomes: IncomingOutcome[] = [];
  const report = (o: IncomingOutcome) => {
    outcomes.push(o);
    opts.onFile?.(o);
  };
  for (const file of await scanIncoming(layout.incoming)) {
    let hash = '';
    try {
      hash = await hashFile(file.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // taken by a concurrent run
      throw e;
    }
    const doneName = `${hash.slice(0, 12)}-${safeName(file.name)}`;
    if (opts.history.isIngested(hash)) {
      await moveFile(file.path, layout.incomingDone, doneName);
      report({ name: file.name, hash, status: 'already-ingested' });
      continue;
    }
    const quarantineDir = join(layout.quarantine, doneName);
    const staged = opts.history.beginFile();
    let counts: { read: number; accepted: number; rejected: number };
    try {
      await ensureDir(quarantineDir);
      let rejected: ReturnType<typeof openRejectedWriter> | null = null;
      try {
        const res = await ingestFile(file.path, {
          config: opts.config,
          runDay: opts.runDay,
          onHeader: (header: string[]) => {
            rejected = openRejectedWriter(quarantineDir, header);
          },
          onReject: (r) => rejected?.write(r),
          onAccept: (r: CanonicalRow) => staged.add(r),
        });
        const w = (rejected ?? openRejectedWriter(quarantineDir, res.header)) as ReturnType<typeof openRejectedWriter>;
        await w.stream.commit();
        counts = res.rows;
      } catch (e) {
        await (rejected as ReturnType<typeof openRejectedWriter> | null)?.stream.abort();
        throw e;
      }
    } catch (e) {
      // our own output failing (disk full, permissions) is not the file's fault: retry the run
      staged.discard();
      if ((e as Error).name === 'OutputError') throw e;
      const msg = e instanceof Error ? e.message : String(e);
      await rm(quarantineDir, { recursive: true, force: true });
      await moveFile(file.path, layout.incomingFailed, file.name);
      await writeFile(join(layout.incomingFailed, `${file.name}.error.txt`), `${new Date().toISOString()} ${file.name} (sha256 ${hash}): ${msg}\n`);
      report({ name: file.name, hash, status: 'failed', detail: msg });
      continue;
    }
    const merged = staged.merge({ hash, name: file.name, rows: counts });
    await moveFile(file.path, layout.incomingDone, doneName);
    if (merged.alreadyIngested) {
      await rm(quarantineDir, { recursive: true, force: true });
      report({ name: file.name, hash, status: 'already-ingested' });
    } else {
      report({
        name: file.name,
        hash,
        status: 'ingested',
        rows: counts,
        detail: `${counts.accepted} accepted, ${counts.rejected} rejected, ${merged.added} new history rows`,
      });
    }
  }
  return outcomes;
}

/**
 * Write the whole history as a canonical CSV that ingest reads back unchanged:
 * `date,store,sku,transaction_id,quantity,price` (the store column only when some row has a
 * store, the transaction column only when some row has a transaction id). Returned units are a
 * row of their own with a negative quantity: under their cancellation transaction id for
 * transaction lines; for daily totals (no transaction id) only on days without sales, since a
 * daily export has one row per store, sku and day.
 * @returns rows written and the layout.
 */
export async function exportHistoryCsv(history: HistoryStore, path: string): Promise<{ rows: number; kind: 'daily' | 'transactions' }> {
  const txn = history.hasTransactions();
  const store = history.hasStores();
  const cols = ['date', ...(store ? ['store'] : []), 'sku', ...(txn ? ['transaction_id'] : []), 'quantity', 'price'];
  const out = openAtomicStream(path);
  out.write(headerLine(cols));
  let n = 0;
  let lastDay = NaN;
  let lastDate = '';
  try {
    for (const r of history.rows()) {
      if (r.day !== lastDay) {
        lastDay = r.day;
        lastDate = formatDay(r.day);
      }
      const price = Number.isFinite(r.price) ? numberCell(r.price, 6) : '';
      const emit = (q: number) => {
        const cells = [lastDate];
        if (store) cells.push(textCell(r.store));
        cells.push(textCell(r.sku));
        if (txn) cells.push(textCell(r.txn));
        cells.push(numberCell(q, 6), price);
        out.write(csvLine(cells));
        n++;
      };
      if (r.quantity > 0 || r.returns === 0) emit(r.quantity);
      if (r.returns > 0 && (r.txn !== '' || r.quantity === 0)) emit(-r.returns);
    }
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  return { rows: n, kind: txn ? 'transactions' : 'daily' };
}

/** Result of {@link prepareNightlyInput}. */
export interface NightlyInput {
  /** The exported history CSV to run on. */
  readonly input: string;
  readonly files: readonly IncomingOutcome[];
  /** Files newly merged into the history. */
  readonly ingested: number;
  readonly historyRows: number;
}

/**
 * The nightly flow up to the run's input: ingest new incoming files into the history, then export
 * the history for the run. Keeps the three newest exports.
 * @param opts.runId names the export file.
 * @param opts.runDate YYYY-MM-DD; rows after it are rejected.
 * @throws InputError when the history is empty after ingesting (nothing to forecast).
 */
export async function prepareNightlyInput(opts: {
  dataDir: string;
  config: Config;
  runDate: string;
  runId: string;
  onFile?: (o: IncomingOutcome) => void;
}): Promise<NightlyInput> {
  const runDay = parseIsoDay(opts.runDate);
  if (Number.isNaN(runDay)) throw new InputError(`prepareNightlyInput needs a run date as YYYY-MM-DD, got "${opts.runDate}"`);
  const layout = dataLayout(opts.dataDir);
  await ensureDir(layout.incoming);
  const history = openHistory(layout.historyDb);
  try {
    const files = await ingestIncoming({ dataDir: opts.dataDir, config: opts.config, runDay, history, onFile: opts.onFile });
    const historyRows = history.rowCount();
    if (historyRows === 0) throw new InputError(`the sales history is empty: drop sales exports into ${layout.incoming}`);
    const exportsDir = join(layout.work, 'exports');
    await ensureDir(exportsDir);
    const input = join(exportsDir, `${safeName(opts.runId)}.csv`);
    await exportHistoryCsv(history, input);
    await pruneExports(exportsDir, 3);
    return { input, files, ingested: files.filter((f) => f.status === 'ingested').length, historyRows };
  } finally {
    history.close();
  }
}

/** Keep the `keep` most recent exports. */
async function pruneExports(dir: string, keep: number): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.csv'));
  const withTime = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(dir, n)).catch(() => null))?.mtimeMs ?? 0 })));
  withTime.sort((a, b) => b.t - a.t);
  for (const { n } of withTime.slice(keep)) await rm(join(dir, n), { force: true });
}
