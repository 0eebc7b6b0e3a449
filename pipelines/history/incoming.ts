/**
 * The incoming directory and the nightly input.
 *
 * Sales exports are dropped into `<dataDir>/incoming`. For each file the nightly run:
 * 1. hashes its bytes (SHA-256): the content, not the name, identifies a file, so the same export
 *    dropped twice (under any name) is ingested once;
 * 2. skips it when the sales history already records that hash;
 * 3. otherwise ingests and validates it (pipelines/ingest/ingest.ts), writes its rejected rows to
 *    `<dataDir>/quarantine/<hash12>-<name>/rejected.csv` (at most `validation.maxRejectedRowsPerCode`
 *    per reject code; `counts.json` beside it counts the rows and those not listed), and merges
 *    the accepted rows into the history and records the hash in one transaction
 *    (pipelines/history/history-store.ts);
 * 4. moves it to `incoming/done/<hash12>-<name>`; a file that cannot be read or parsed is moved to
 *    `incoming/failed/<name>` beside `<name>.error.txt` and does not stop the run.
 *
 * Then the run reads the whole history as `forecast run` would read its canonical export
 * (`exportHistoryCsv`): from the history snapshot, updated with only the cells tonight's files
 * changed, so that one new day does not re-read and re-validate years of rows; the snapshot is
 * rebuilt from a full export when it cannot be updated exactly (pipelines/history/history-snapshot.ts).
 * Either way the nightly run and `forecast run` on the export give identical outputs. The export
 * has no attribute columns: each series is then given its item's category and department and its
 * store's region as kept in the history from the files' own columns (pipelines/history/history-attributes.ts),
 * which an export carrying those columns on every row would give it.
 *
 * Files whose name starts with `.` or ends in `.part`, `.tmp` or `.partial` are still being
 * written and are left for the next run; sub-directories are ignored.
 */
import { createHash } from 'node:crypto';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config/schema.js';
import { ensureDir, openAtomicStream, writeFileAtomic } from '../io/atomic-write.js';
import { parseIsoDay } from '../dates.js';
import { InputError, OutputError, quoteInput, safeMessage } from '../errors.js';
import { fileAttributes, withHistoryAttributes, type HistoryAttributes } from './history-attributes.js';
import { openHistory, type HistoryCell, type HistoryRow, type HistoryStore } from './history-store.js';
import { historyCsv, historyReadConfig, type HistoryLayout } from './history-csv.js';
import { applyDelta, loadSnapshot, MAX_DELTA_ROWS, peekSnapshot, saveSnapshot, snapshotMayUpdate, snapshotSettings, usableSnapshot, type CellDelta, type Snapshot, type SnapshotBasis, type SnapshotInfo } from './history-snapshot.js';
import type { IngestResult } from '../ingest/ingest.js';
import { ingestFile } from '../ingest/ingest.js';
import { ingestWarnings } from '../ingest/ingest-warnings.js';
import type { RunWarning } from '../run/warnings.js';
import { sha256File } from '../io/file-hash.js';
import { plausibleDays } from '../ingest/validate.js';
import { dataLayout, type DataLayout } from '../io/paths.js';
import { openRejectedWriter, type RejectedWriter } from '../publish/publish.js';
import type { CanonicalRow, RejectedNotListed } from '../types.js';

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
  /** Rejected rows not listed in the quarantine's rejected.csv (over the cap per code). */
  readonly rejectedNotListed?: number;
  /**
   * What the buyer must know about this file as read (ingested): many rejects, dates that could
   * not tell day from month, numbers such as `1.200` (pipelines/ingest/ingest-warnings.ts), each
   * message naming the file. The nightly run lists them among its warnings.
   */
  readonly warnings?: readonly RunWarning[];
}

const IN_PROGRESS = /(^\.)|(\.(part|tmp|partial)$)/i;

/** One line for stderr or a job log about a file's outcome (its name quoted: it is input). */
export function describeOutcome(o: IncomingOutcome): string {
  return `incoming ${quoteInput(o.name)}: ${o.status}${o.detail ? ` (${safeMessage(o.detail)})` : ''}`;
}

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

/** What {@link ingestIncoming} needs. */
export interface IncomingOptions {
  dataDir: string;
  config: Config;
  runDay: number;
  history: HistoryStore;
  onFile?: (o: IncomingOutcome) => void;
  /**
   * Called for each merged file with the history rows of the cells it touched, before and after
   * its merge (null for a file of more than `maxDeltaRows` accepted rows: too large to track).
   */
  onDelta?: (delta: CellDelta | null) => void;
  /** @defaultValue MAX_DELTA_ROWS */
  maxDeltaRows?: number;
}

/**
 * Ingest every new file of the incoming directory into the sales history.
 * @param opts.dataDir data directory (layout: pipelines/io/paths.ts).
 * @param opts.config settings for reading and validating the exports (columns, validation).
 * @param opts.runDay day number of the run date (rows after it are rejected).
 * @param opts.history an open history store.
 * @param opts.onFile called with each file's outcome.
 * @returns one outcome per file found.
 * @throws only for failures of the history database or of the data directory itself.
 */
export async function ingestIncoming(opts: IncomingOptions): Promise<IncomingOutcome[]> {
  const layout = dataLayout(opts.dataDir);
  const outcomes: IncomingOutcome[] = [];
  for (const file of await scanIncoming(layout.incoming)) {
    const o = await ingestOne(file, opts);
    if (!o) continue;
    outcomes.push(o);
    opts.onFile?.(o);
  }
  return outcomes;
}

/** One incoming file into the history (steps 1-4 of the module comment); null when another run took it. */
async function ingestOne(file: IncomingFile, opts: IncomingOptions): Promise<IncomingOutcome | null> {
  const layout = dataLayout(opts.dataDir);
  let hash = '';
  try {
    hash = await sha256File(file.path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null; // taken by a concurrent run
    throw e;
  }
  const doneName = `${hash.slice(0, 12)}-${safeName(file.name)}`;
  if (opts.history.isIngested(hash)) {
    await moveFile(file.path, layout.incomingDone, doneName);
    return { name: file.name, hash, status: 'already-ingested' };
  }
  const quarantineDir = join(layout.quarantine, doneName);
  const staged = opts.history.beginFile();
  let read: FileRead;
  try {
    read = await readIntoQuarantine(file, hash, quarantineDir, staged, opts);
  } catch (e) {
    staged.discard();
    // our own output failing (disk full, permissions) is not the file's fault: retry the run
    if (e instanceof OutputError) throw e;
    return failFile(file, hash, quarantineDir, layout.incomingFailed, e);
  }
  const merged = mergeStaged(staged, { hash, name: file.name, rows: read.rows, attributes: read.attributes }, opts);
  await moveFile(file.path, layout.incomingDone, doneName);
  if (merged.alreadyIngested) {
    await rm(quarantineDir, { recursive: true, force: true });
    return { name: file.name, hash, status: 'already-ingested' };
  }
  const { rows, notListed } = read;
  const cap = opts.config.validation.maxRejectedRowsPerCode;
  return {
    name: file.name,
    hash,
    status: 'ingested',
    rows,
    rejectedNotListed: notListed.rows,
    ...(read.warnings.length ? { warnings: read.warnings } : {}),
    detail:
      `${rows.accepted} accepted, ${rows.rejected} rejected` +
      (notListed.rows ? ` (${notListed.rows} not listed in the quarantine: at most ${cap} rows per reason)` : '') +
      `, ${merged.added} new history rows`,
  };
}

type StagedFile = ReturnType<HistoryStore['beginFile']>;
type RowCounts = { read: number; accepted: number; rejected: number };
/** One incoming file as read: its counts, rejects not listed, warnings, and the attributes its columns give. */
type FileRead = { rows: RowCounts; notListed: RejectedNotListed; warnings: RunWarning[]; attributes: HistoryAttributes };

/**
 * Read and validate one file: accepted rows staged for the history, rejected rows to
 * `<quarantineDir>/rejected.csv` (capped per code) and the counts to `counts.json` beside it.
 */
async function readIntoQuarantine(file: IncomingFile, hash: string, quarantineDir: string, staged: StagedFile, opts: IncomingOptions): Promise<FileRead> {
  const cap = opts.config.validation.maxRejectedRowsPerCode;
  await ensureDir(quarantineDir);
  let rejected: RejectedWriter | null = null;
  try {
    const res = await ingestFile(file.path, {
      config: opts.config,
      runDay: opts.runDay,
      onHeader: (header: string[]) => {
        rejected = openRejectedWriter(quarantineDir, header, cap);
      },
      onReject: (r) => rejected?.write(r),
      admitReject: (codes) => rejected?.admit(codes) ?? true,
      onAccept: (r: CanonicalRow) => staged.add(r),
    });
    const w = (rejected ?? openRejectedWriter(quarantineDir, res.header, cap)) as RejectedWriter;
    await w.stream.commit();
    const notListed = w.notListed();
    await writeFileAtomic(join(quarantineDir, 'counts.json'), JSON.stringify({ file: file.name, sha256: hash, rows: res.rows, rejectedNotListed: notListed }, null, 2) + '\n');
    const warnings = ingestWarnings(res, opts.config.validation).map((w) => ({ ...w, message: `incoming file ${quoteInput(file.name)}: ${w.message}` }));
    return { rows: res.rows, notListed, warnings, attributes: fileAttributes(res.series) };
  } catch (e) {
    await (rejected as RejectedWriter | null)?.stream.abort();
    throw e;
  }
}

/** A file that cannot be read or parsed: moved to incoming/failed beside `<name>.error.txt`. */
async function failFile(file: IncomingFile, hash: string, quarantineDir: string, failedDir: string, e: unknown): Promise<IncomingOutcome> {
  const msg = safeMessage(e instanceof Error ? e.message : String(e));
  await rm(quarantineDir, { recursive: true, force: true });
  await moveFile(file.path, failedDir, file.name);
  await writeFile(join(failedDir, `${file.name}.error.txt`), `${new Date().toISOString()} ${quoteInput(file.name)} (sha256 ${hash}): ${msg}\n`);
  return { name: file.name, hash, status: 'failed', detail: msg };
}

/** Merge a staged file into the history, reporting the cells it changed to `onDelta` when asked. */
function mergeStaged(staged: StagedFile, file: { hash: string; name: string; rows: RowCounts; attributes: HistoryAttributes }, opts: IncomingOptions): ReturnType<StagedFile['merge']> {
  let cells: HistoryCell[] | null = null;
  let before: HistoryRow[] = [];
  if (opts.onDelta && file.rows.accepted <= (opts.maxDeltaRows ?? MAX_DELTA_ROWS)) {
    cells = staged.cells();
    before = opts.history.cellRows(cells);
  }
  const merged = staged.merge(file);
  if (opts.onDelta && !merged.alreadyIngested) opts.onDelta(cells === null ? null : { cells, before, after: opts.history.cellRows(cells) });
  return merged;
}

/**
 * Write the whole history as the canonical CSV that ingest reads back unchanged
 * (pipelines/history/history-csv.ts).
 * @returns rows written and the layout.
 */
export async function exportHistoryCsv(history: HistoryStore, path: string): Promise<{ rows: number; kind: 'daily' | 'transactions' }> {
  const csv = historyCsv(historyLayout(history));
  const out = openAtomicStream(path);
  out.write(csv.header);
  let n = 0;
  try {
    for (const r of history.rows()) {
      const lines = csv.lines(r);
      out.write(lines.text);
      n += lines.count;
    }
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  return { rows: n, kind: csv.layout.txn ? 'transactions' : 'daily' };
}

/** The optional columns of the history's export (history-csv.ts). */
function historyLayout(history: HistoryStore): HistoryLayout {
  return { store: history.hasStores(), txn: history.hasTransactions(), price: history.hasPrices() };
}

/** Result of {@link prepareNightlyIngest}. */
export interface NightlyIngest {
  /** The whole history read and validated, as `forecast run` would read its export. */
  readonly ingest: IngestResult;
  /** What run.json records as the run's input. */
  readonly input: { path: string; sha256: string; bytes: number };
  readonly files: readonly IncomingOutcome[];
  /** Files newly merged into the history. */
  readonly ingested: number;
  readonly historyRows: number;
  /** `updated`: last night's snapshot plus tonight's cells; `rebuilt`: a full export read back. */
  readonly snapshot: 'updated' | 'rebuilt';
  /** History rows of tonight's touched cells read for the update (before and after each merge; 0 when rebuilt whatever the files). */
  readonly deltaRows: number;
  readonly timingsMs: Record<string, number>;
}

/**
 * The nightly flow up to the run's ingest result: merge new incoming files into the history
 * (each validated once, as it arrives), then bring the history snapshot up to date: updated cell
 * by cell from tonight's files when last night's snapshot matches the history, else rebuilt from
 * a full export (pipelines/history/history-snapshot.ts). Either way the result equals reading the whole
 * history's export, which is what the run forecasts from, each series with the item and store
 * attributes the history keeps (history-attributes.ts).
 * @param opts.config the run's settings (files are read with them).
 * @param opts.readConfig the settings the history export is read with (pipelines/run/run-request.ts `historyRunConfig`).
 * @param opts.runId names the export file of a rebuild.
 * @param opts.runDate YYYY-MM-DD; rows after it are rejected.
 * @throws InputError when the history is empty after ingesting (nothing to forecast).
 */
export async function prepareNightlyIngest(opts: {
  dataDir: string;
  config: Config;
  readConfig: Config;
  runDate: string;
  runId: string;
  onFile?: (o: IncomingOutcome) => void;
  /** @defaultValue MAX_DELTA_ROWS */
  maxDeltaRows?: number;
}): Promise<NightlyIngest> {
  const runDay = parseIsoDay(opts.runDate);
  if (Number.isNaN(runDay)) throw new InputError(`prepareNightlyIngest needs a run date as YYYY-MM-DD, got "${opts.runDate}"`);
  const layout = dataLayout(opts.dataDir);
  await ensureDir(layout.incoming);
  const history = openHistory(layout.historyDb);
  const timingsMs: Record<string, number> = {};
  try {
    let t = Date.now();
    const tonight = await ingestTonight(history, { ...opts, runDay });
    const { files, deltas } = tonight;
    timingsMs.incoming = Date.now() - t;
    const historyRows = history.rowCount();
    if (historyRows === 0) throw new InputError(`the sales history is empty: drop sales exports into ${layout.incoming}`);

    t = Date.now();
    const { snap, mode, minDay } = await currentSnapshot(history, { ...opts, tonight });
    timingsMs.snapshot = Date.now() - t;
    t = Date.now();
    await saveSnapshot(layout.historySnapshot, snap, historyRows, runDay, minDay);
    timingsMs.snapshotSave = Date.now() - t;
    return {
      // the history's item and store attributes, as an export's columns would give them
      ingest: withHistoryAttributes(snap.ingest, history.attributes()),
      input: { path: 'history', sha256: historyIdentity(history), bytes: 0 },
      files,
      ingested: files.filter((f) => f.status === 'ingested').length,
      historyRows,
      snapshot: mode,
      deltaRows: deltas.reduce((n, d) => n + (d ? d.before.length + d.after.length : 0), 0),
      timingsMs,
    };
  } finally {
    history.close();
  }
}

/** Tonight's files merged into the history, and what updating last night's snapshot needs. */
export interface Tonight {
  readonly files: IncomingOutcome[];
  /** Last night's snapshot as peeked before merging (null: none or unreadable). */
  readonly info: SnapshotInfo | null;
  readonly basis: SnapshotBasis;
  /** One per merged file; none collected when the snapshot is rebuilt whatever the files hold. */
  readonly deltas: (CellDelta | null)[];
}

/**
 * The nightly incoming step: last night's snapshot peeked once, then every new file merged,
 * the rows of the cells each touches kept only when the snapshot may be updated with them
 * (history-snapshot.ts `snapshotMayUpdate`; on a first load it is rebuilt from a full export).
 */
export async function ingestTonight(
  history: HistoryStore,
  opts: { dataDir: string; config: Config; readConfig: Config; runDay: number; onFile?: (o: IncomingOutcome) => void; maxDeltaRows?: number },
): Promise<Tonight> {
  const { dataDir, config, readConfig, runDay } = opts;
  const basis: SnapshotBasis = { filesBefore: history.files().length, settings: snapshotSettings(readConfig), runDay, minDay: plausibleDays(readConfig, runDay).min };
  const info = await peekSnapshot(dataLayout(dataDir).historySnapshot);
  const deltas: (CellDelta | null)[] = [];
  const onDelta = snapshotMayUpdate(info, basis) ? (d: CellDelta | null) => deltas.push(d) : undefined;
  const files = await ingestIncoming({ dataDir, config, runDay, history, onFile: opts.onFile, onDelta, maxDeltaRows: opts.maxDeltaRows });
  return { files, info, basis, deltas };
}

/**
 * The history read as its export would be read: last night's snapshot updated cell by cell with
 * tonight's deltas when it matches the history (pipelines/history/history-snapshot.ts
 * `usableSnapshot`), else a full export written and read back.
 */
async function currentSnapshot(
  history: HistoryStore,
  opts: { dataDir: string; readConfig: Config; runId: string; tonight: Tonight },
): Promise<{ snap: Snapshot; mode: NightlyIngest['snapshot']; minDay: number }> {
  const layout = dataLayout(opts.dataDir);
  const { readConfig } = opts;
  const { info, basis, deltas } = opts.tonight;
  const { runDay, minDay, settings } = basis;
  const hist = historyLayout(history);
  const mergedFiles = history.files().length;
  let snap: Snapshot | null = null;
  if (usableSnapshot(info, { ...basis, layout: hist, deltas })) {
    let end = info!.end;
    for (const d of deltas) for (const c of d!.cells) if (c.day > end) end = c.day;
    snap = await loadSnapshot(layout.historySnapshot, end);
    for (const d of deltas) {
      if (snap === null) break;
      snap = await applyDelta(snap, d!, readConfig, runDay);
    }
  }
  const mode = snap === null ? 'rebuilt' : 'updated';
  if (snap === null) snap = { ingest: await readFullExport(history, layout, { ...opts, runDay }), files: mergedFiles, layout: hist, settings };
  const { duplicateTable: _table, ...ingest } = snap.ingest;
  return { snap: { ...snap, ingest, files: mergedFiles }, mode, minDay };
}

/** A full export of the history read back, as `forecast run` would read it (the file removed after). */
async function readFullExport(history: HistoryStore, layout: DataLayout, opts: { readConfig: Config; runId: string; runDay: number }): Promise<IngestResult> {
  const exportsDir = join(layout.work, 'exports');
  await ensureDir(exportsDir);
  const input = join(exportsDir, `${safeName(opts.runId)}.csv`);
  await exportHistoryCsv(history, input);
  const ingest = await ingestFile(input, { config: historyReadConfig(opts.readConfig), runDay: opts.runDay });
  await rm(input, { force: true });
  return ingest;
}

/** The history's identity: the hashes of the files merged into it, in order. */
function historyIdentity(history: HistoryStore): string {
  const digest = createHash('sha256');
  for (const f of history.files()) digest.update(f.hash).update('\n');
  return digest.digest('hex');
}
