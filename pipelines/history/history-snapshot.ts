/**
 * The nightly history snapshot: the sales history already read and validated into daily series,
 * so that a night with one new day of data does not re-read and re-validate years of rows.
 *
 * What a nightly run forecasts from is, by definition, the ingest of the whole history exported
 * as canonical CSV (pipelines/history/incoming.ts `exportHistoryCsv`): the same reader, validation and
 * series builder as `forecast run`. The snapshot (`<dataDir>/history/snapshot.bin`, a series
 * file: pipelines/io/series-file.ts) holds that ingest result as of the last night, and a night's
 * new files change it cell by cell, a cell being one store × sku × day with all its rows:
 *
 * 1. before a file is merged into the SQLite history, the rows of the cells it touches are read
 *    (`old`); after the merge, the same cells again (`new`: the merge inserted or replaced rows,
 *    never removed any, so the new rows cover every touched cell);
 * 2. both row sets are turned into the export's CSV lines and ingested with the run's settings:
 *    each line's validation outcome does not depend on the other lines of the export (its keys
 *    are unique, so there are no duplicates), hence ingesting the whole export equals the
 *    snapshot minus what the `old` lines contributed plus what the `new` lines contribute: row
 *    and issue counts are subtracted and added, and each touched day of a series takes the
 *    values the `new` ingest gives it;
 * 3. every series is extended to the new last day (days without rows are zero demand, not
 *    observed), and the days with trade are recounted from the series.
 *
 * The snapshot is rebuilt from a full export instead when there is none, when it was taken from
 * another state of the history (the count of merged files differs: a night that failed after
 * merging), with other settings or layout, when a night's file is large (more than
 * {@link MAX_DELTA_ROWS} accepted rows: a first load or a re-export of the history), when the
 * run date lies before the history's last day, when a changed cell's rows are rejected on
 * re-reading (which the full export would count differently), when the plausible window
 * (`validation.minDate`, by default 20 years before the run date) moved back or past the
 * snapshot's first day (its oldest rows turn implausible: a history that reaches back that far
 * is rebuilt each night unless `validation.minDate` is a fixed date), or when a changed series
 * gets a silence longer than `validation.maxGapDays` (rows before it are detached). What of
 * this is known before the night's files are merged ({@link snapshotMayUpdate}) is decided
 * first, so that a snapshot rebuilt anyway (a first load) costs no cell reads in step 1.
 * Tests check that the updated snapshot equals a rebuilt one, series by series and count by count.
 */
import type { Config } from '../../config/schema.js';
import type { HistoryCell, HistoryRow, HistoryStore } from './history-store.js';
import { historyCsv, historyReadConfig, type HistoryLayout } from './history-csv.js';
import { ingestStream, type IngestResult } from '../ingest/ingest.js';
import { tradingDaysOf } from '../ingest/series-builder.js';
import { readSeriesFile, writeSeriesFile } from '../io/series-file.js';
import type { IssueCode, SeriesData } from '../types.js';

/** Accepted rows of one file above which the snapshot is rebuilt rather than updated. */
export const MAX_DELTA_ROWS = 2_000_000;

/** Series read per chunk when loading a snapshot (bounds the memory held twice while copying). */
const LOAD_CHUNK = 2000;

/** The changed cells of one merged file: their history rows before and after the merge. */
export interface CellDelta {
  readonly cells: readonly HistoryCell[];
  readonly before: readonly HistoryRow[];
  readonly after: readonly HistoryRow[];
}

/** What the header of a snapshot file records. */
interface SnapshotMeta {
  readonly version: 1;
  /** Files merged into the history when it was taken. */
  readonly files: number;
  readonly historyRows: number;
  readonly layout: HistoryLayout;
  /** The reading settings it was validated with ({@link snapshotSettings}). */
  readonly settings: string;
  readonly runDay: number;
  /** First plausible day of the rows it holds (validate.ts `plausibleDays`). */
  readonly minDay: number;
  readonly ingest: Omit<IngestResult, 'series' | 'tradingDays'>;
}

/** The settings that change how the export is read: a snapshot taken with others is rebuilt. */
export function snapshotSettings(config: Config): string {
  return JSON.stringify({ columns: config.columns, validation: config.validation });
}

/** A snapshot as loaded: the ingest result and where it came from. */
export interface Snapshot {
  readonly ingest: IngestResult;
  readonly files: number;
  readonly layout: HistoryLayout;
  readonly settings: string;
}

/** What a snapshot was taken from, read without its series. */
export interface SnapshotInfo {
  readonly files: number;
  readonly layout: HistoryLayout;
  readonly settings: string;
  readonly start: number;
  readonly end: number;
  /** First plausible day when it was taken (undefined: an older snapshot, rebuilt). */
  readonly minDay?: number;
}

/** The header of a snapshot; null when there is none or it cannot be read. */
export async function peekSnapshot(path: string): Promise<SnapshotInfo | null> {
  try {
    const { meta } = await readSeriesFile<SnapshotMeta>(path, { from: 0, to: 0 });
    if (meta?.version !== 1) return null;
    return { files: meta.files, layout: meta.layout, settings: meta.settings, start: meta.ingest.start, end: meta.ingest.end, minDay: meta.minDay };
  } catch {
    return null;
  }
}

/**
 * Read a snapshot, with every series' arrays reaching day `end` (at least its own last day).
 * @returns null when there is no snapshot file or it cannot be read (it is then rebuilt).
 */
export async function loadSnapshot(path: string, end = -Infinity): Promise<Snapshot | null> {
  let head;
  try {
    head = await readSeriesFile<SnapshotMeta>(path, { from: 0, to: 0 });
  } catch {
    return null;
  }
  const meta = head.meta;
  if (meta?.version !== 1) return null;
  const last = Math.max(meta.ingest.end, end);
  const series: SeriesData[] = [];
  for (let from = 0; from < head.count; from += LOAD_CHUNK) {
    const part = await readSeriesFile<SnapshotMeta>(path, { from, to: Math.min(head.count, from + LOAD_CHUNK) });
    for (const s of part.series) series.push(extend(s, s.start, last));
  }
  const ingest = { ...meta.ingest, series, end: last, tradingDays: { start: meta.ingest.start, all: new Uint8Array(0), byStore: {} } } as IngestResult;
  return { ingest: withTradingDays(ingest), files: meta.files, layout: meta.layout, settings: meta.settings };
}

/**
 * Write a snapshot atomically.
 * @param minDay the first plausible day of the run it was read for (validate.ts `plausibleDays`).
 */
export async function saveSnapshot(path: string, snap: Snapshot, historyRows: number, runDay: number, minDay: number): Promise<void> {
  const { series, tradingDays: _days, ...ingest } = snap.ingest;
  const meta: SnapshotMeta = { version: 1, files: snap.files, historyRows, layout: snap.layout, settings: snap.settings, runDay, minDay, ingest };
  await writeSeriesFile(path, meta, series);
}

/** A copy of a series whose arrays cover days [start, end] (new days: no row, price unknown). */
function extend(s: SeriesData, start: number, end: number): SeriesData {
  const n = end - start + 1;
  const at = s.start - start;
  const demand = new Float64Array(n);
  demand.set(s.demand, at);
  const price = new Float64Array(n).fill(NaN);
  price.set(s.price, at);
  const observed = new Uint8Array(n);
  observed.set(s.observed, at);
  let returns: Float64Array;
  if (s.returns.some((x) => x !== 0)) {
    returns = new Float64Array(n);
    returns.set(s.returns, at);
  } else returns = zerosOf(n);
  return { ...s, start, demand, price, observed, returns };
}

let zeroBuffer = new Float64Array(0);
/** A read-only all-zero array of n days (views of one shared buffer, as ingest gives them). */
function zerosOf(n: number): Float64Array {
  if (zeroBuffer.length < n) zeroBuffer = new Float64Array(Math.max(n, 2 * zeroBuffer.length));
  return zeroBuffer.subarray(0, n);
}

/** The ingest result with its trading days recounted from the series (1 where a row was accepted). */
function withTradingDays(ingest: IngestResult): IngestResult {
  const ok = Number.isFinite(ingest.start);
  const { all, byStore } = tradingDaysOf(ingest.series, ingest.start, ingest.end);
  return { ...ingest, tradingDays: { start: ok ? ingest.start : NaN, all, byStore } };
}

/** Ingest history rows through their export lines, as a full export would read them. */
async function ingestRows(rows: readonly HistoryRow[], layout: HistoryLayout, config: Config, runDay: number): Promise<IngestResult> {
  const csv = historyCsv(layout);
  const parts: string[] = [csv.header];
  for (const r of rows) parts.push(csv.lines(r).text);
  return ingestStream(parts, { config: historyReadConfig(config), runDay });
}

function addCounts(into: Partial<Record<IssueCode, number>>, from: Partial<Record<IssueCode, number>>, sign: 1 | -1): Partial<Record<IssueCode, number>> {
  const out: Partial<Record<IssueCode, number>> = { ...into };
  for (const [k, v] of Object.entries(from) as [IssueCode, number][]) {
    const x = (out[k] ?? 0) + sign * v;
    if (x === 0) delete out[k];
    else out[k] = x;
  }
  return out;
}

/** Sort like ingest: store, then sku. */
const byKey = (a: SeriesData, b: SeriesData) => (a.store < b.store ? -1 : a.store > b.store ? 1 : a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);

/**
 * Apply one file's cell changes to a snapshot. The snapshot is consumed: its series' arrays are
 * changed in place where they already reach the new last day (no second copy of the history).
 * @returns the updated snapshot, or null when the change cannot be applied exactly (rebuild).
 */
export async function applyDelta(snap: Snapshot, delta: CellDelta, config: Config, runDay: number): Promise<Snapshot | null> {
  if (delta.cells.length === 0) return snap;
  const [before, after] = await Promise.all([ingestRows(delta.before, snap.layout, config, runDay), ingestRows(delta.after, snap.layout, config, runDay)]);
  const base = snap.ingest;
  if (before.rows.rejected !== 0 || after.rows.rejected !== 0) return null;
  // rows kept out of a series by a silence: the whole export would place them differently
  if (before.detached.rows !== 0 || after.detached.rows !== 0) return null;
  if ((before.rows.read > 0 && before.kind !== base.kind) || after.kind !== base.kind) return null;

  const end = Math.max(base.end, after.end);
  const start = Number.isFinite(base.start) ? Math.min(base.start, after.start) : after.start;
  const index = new Map<string, number>();
  base.series.forEach((s, i) => index.set(s.key, i));
  const series = base.series.slice();
  if (!subtractCounts(series, before.series, index)) return null;
  const issueCounts = addCounts(addCounts(base.issueCounts, before.issueCounts, -1), after.issueCounts, 1);

  const touched = touchedDays(delta.cells);
  const added: SeriesData[] = [];
  for (const s of after.series) {
    const i = index.get(s.key);
    const next = overwriteCells(i === undefined ? emptyLike(s) : series[i], s, touched.get(s.key) ?? [], end);
    // a silence longer than maxGapDays in a changed series detaches rows in the whole export
    if (hasSilence(next.observed, config.validation.maxGapDays)) return null;
    if (i === undefined) added.push(next);
    else series[i] = next;
  }
  // every series reaches the new last day
  for (let i = 0; i < series.length; i++) {
    const t = series[i];
    if (t.start + t.demand.length - 1 !== end) series[i] = extend(t, t.start, end);
  }
  const all = added.length ? [...series, ...added].sort(byKey) : series;
  const rows = {
    read: base.rows.read - before.rows.read + after.rows.read,
    accepted: base.rows.accepted - before.rows.accepted + after.rows.accepted,
    rejected: base.rows.rejected,
  };
  const ingest = withTradingDays({ ...base, rows, issueCounts, series: all, start, end });
  return { ...snap, ingest };
}

/**
 * Take the changed cells' old rows out of the series' counts (issues, accepted and rejected rows).
 * @returns false when a changed cell's old rows are not in the snapshot.
 */
function subtractCounts(series: SeriesData[], old: readonly SeriesData[], index: ReadonlyMap<string, number>): boolean {
  for (const s of old) {
    const i = index.get(s.key);
    if (i === undefined) return false;
    const t = series[i];
    series[i] = { ...t, issues: addCounts(t.issues, s.issues, -1), acceptedRows: t.acceptedRows - s.acceptedRows, rejectedRows: (t.rejectedRows ?? 0) - (s.rejectedRows ?? 0) };
  }
  return true;
}

/** The touched days of each series (key `store\0sku`), from the cell list. */
function touchedDays(cells: readonly HistoryCell[]): Map<string, number[]> {
  const touched = new Map<string, number[]>();
  for (const c of cells) {
    const key = `${c.store}\u0000${c.sku}`;
    const l = touched.get(key);
    if (l) l.push(c.day);
    else touched.set(key, [c.day]);
  }
  return touched;
}

/** A series new to the snapshot: the new rows' identity with no day and no count yet. */
function emptyLike(s: SeriesData): SeriesData {
  return { ...s, issues: {}, acceptedRows: 0, rejectedRows: 0, demand: new Float64Array(0), returns: new Float64Array(0), price: new Float64Array(0), observed: new Uint8Array(0) };
}

/**
 * A series with its touched days replaced by the new rows' values (a day the new rows lack
 * becomes an unobserved zero), and the new rows' counts added.
 * @param old the snapshot's series (changed in place when its arrays already cover [first day,
 *   end], as loadSnapshot makes them; otherwise a copy that does). A series without returns
 *   shares one array of zeros (`zerosOf`), so its returns are copied before the first change.
 * @param s the touched cells' rows read as series.
 */
function overwriteCells(old: SeriesData, s: SeriesData, days: readonly number[], end: number): SeriesData {
  const first = Math.min(old.demand.length ? old.start : s.start, s.start);
  const t = old.demand.length && old.start === first && old.start + old.demand.length - 1 === end ? old : extend(old, first, end);
  const { demand, price, observed } = t;
  let returns = t.returns;
  let ownReturns = false;
  for (const day of days) {
    const u = day - t.start;
    const v = day - s.start;
    const inNew = v >= 0 && v < s.demand.length;
    demand[u] = inNew ? s.demand[v] : 0;
    price[u] = inNew ? s.price[v] : NaN;
    observed[u] = inNew ? s.observed[v] : 0;
    const r = inNew ? s.returns[v] : 0;
    if (r !== returns[u]) {
      if (!ownReturns) {
        returns = returns.slice();
        ownReturns = true;
      }
      returns[u] = r;
    }
  }
  return {
    ...t,
    demand,
    price,
    observed,
    returns,
    issues: addCounts(t.issues, s.issues, 1),
    acceptedRows: t.acceptedRows + s.acceptedRows,
    rejectedRows: (t.rejectedRows ?? 0) + (s.rejectedRows ?? 0),
  };
}

/** True when two consecutive observed days lie more than `gap` days apart. */
function hasSilence(observed: Uint8Array, gap: number): boolean {
  let last = -1;
  for (let t = 0; t < observed.length; t++) {
    if (observed[t] === 0) continue;
    if (last >= 0 && t - last > gap) return true;
    last = t;
  }
  return false;
}

/**
 * Whether a snapshot may be updated with tonight's files rather than rebuilt.
 * @param deltas tonight's merged files' cell changes; null for a file too large to track.
 */
export function usableSnapshot(
  info: SnapshotInfo | null,
  opts: SnapshotBasis & { layout: HistoryLayout; deltas: readonly (CellDelta | null)[] },
): boolean {
  if (!snapshotMayUpdate(info, opts)) return false;
  if (info.layout.store !== opts.layout.store || info.layout.txn !== opts.layout.txn) return false;
  if ((info.layout.price !== false) !== (opts.layout.price !== false)) return false;
  return opts.deltas.every((d) => d !== null);
}

/** What a snapshot is checked against that is known before tonight's files are merged. */
export interface SnapshotBasis {
  /** Files merged into the history before tonight's. */
  readonly filesBefore: number;
  /** {@link snapshotSettings} of the reading settings. */
  readonly settings: string;
  readonly runDay: number;
  /** First plausible day of the run (validate.ts `plausibleDays`). */
  readonly minDay: number;
}

/**
 * The part of {@link usableSnapshot} decided before tonight's files are merged. False: the
 * snapshot is rebuilt whatever the files hold (none, another state of the history, other
 * settings, a run date before its end, a moved plausible window), so the rows of the cells they
 * touch need not be collected.
 */
export function snapshotMayUpdate(info: SnapshotInfo | null, opts: SnapshotBasis): info is SnapshotInfo {
  if (info === null) return false;
  if (info.files !== opts.filesBefore || info.settings !== opts.settings) return false;
  if (Number.isFinite(info.end) && info.end > opts.runDay) return false;
  // the plausible window: rows it rejected must stay rejected, rows it accepted stay accepted
  if (info.minDay === undefined || opts.minDay < info.minDay) return false;
  return !(Number.isFinite(info.start) && info.start < opts.minDay);
}
