/**
 * Ingest: stream a sales export, map its columns, validate every row, quarantine the bad ones
 * (streamed out through `onReject`, never held) and accumulate the rest into daily series.
 *
 *   bytes ─► csv-reader (records + physical lines) ─► columns (header) ─► validate (per row)
 *         ─► duplicates (daily: per-series arrays; transactions: line-set.ts) ─► series-builder
 *
 * Input kind: `transactions` when the input has a transaction id column or a date cell of the
 * first {@link SAMPLE_RECORDS} records carries a time of day other than midnight; otherwise
 * `daily` (one row per store, sku and day). The order of slashed dates is decided from the same
 * records (`validation.dateOrder`, see validate.ts); they are held until then.
 *
 * The zod schema of record (`canonicalRowSchema`) is applied to accepted rows 1, 65537, 131073,
 * ...: a hand-written check that drifted from the schema fails the run instead of passing bad
 * rows on; checking every row would cost more than reading it.
 *
 * Memory: the per-series arrays (series-builder.ts), one chunk of records, the interned sku
 * and store texts (validate.ts, bounded), and for transaction lines the set of distinct lines
 * (line-set.ts: the decoded text of the input stays alive, plus 33 to 66 bytes of index and
 * entry table per distinct line); nothing else grows with the rows.
 *
 * Hot loop: records arrive as field spans (csv-record.ts) with the text's code units in a
 * typed array, not as strings. A row that is accepted makes no string and no object in the
 * common case (see validate.ts); the raw fields are made into strings only for rejected rows
 * (onReject) and the rows held for the sample. For transaction lines the CSV scanner hashes
 * each line while reading it (`CsvReader.hashRecords`), so the duplicate lookup reads no
 * character again; for inputs without a store column the series of a sku is found by the
 * validator's sku id (an array index) instead of a Map lookup.
 *
 * Invariant, checked at the end: `rows.read === rows.accepted + rows.rejected`, and `read` is
 * the number of non-blank records after the header.
 */
import type { Config } from '../../config/schema.js';
import { detectColumns, mappingNames, type ColumnMapping } from './columns.js';
import { CsvReader, fileSource, LONG_LINE_KEPT, streamSource, type ByteSource, type CsvReadOptions } from './csv/csv-reader.js';
import { CsvRecord } from './csv/csv-record.js';
import { InputError } from '../errors.js';
import { LineSet } from './line-set.js';
import { SeriesBuilder, type DetachedRows, type SeriesAccumulator } from './series-builder.js';
import type { CanonicalRow, InputKind, IssueCode, RejectCode, RejectedRow, RowCounts, SeriesData } from '../types.js';
import {
  CODE_BIT,
  ISSUE_CODES,
  RowValidator,
  canonicalRowSchema,
  codesOf,
  detectDateOrder,
  hasSlashedDates,
  hasTimeOfDay,
  newRowCheck,
  type DateOrder,
} from './validate.js';

/** Options of {@link ingestFile} and {@link ingestStream}. */
export interface IngestOptions {
  /** Settings: `columns`, `validation`. */
  readonly config: Config;
  /** Day number of the run date (rows after it are `future_date`). */
  readonly runDay: number;
  /** Called once with the header, before any row (e.g. to open rejected.csv). */
  readonly onHeader?: (header: string[]) => void;
  /** Called for every rejected row, in input order (unless `admitReject` declines it). */
  readonly onReject?: (r: RejectedRow) => void;
  /**
   * Asked first, with a rejected row's codes: false when the row is not wanted (rejected.csv's
   * cap per code, publish.ts `RejectedWriter.admit`), so that it is counted but never built
   * (its fields and reason cost more than reading it). @defaultValue every row wanted
   */
  readonly admitReject?: (codes: readonly RejectCode[]) => boolean;
  /** Called for every accepted row in canonical form, in input order (the nightly flow merges them into the sales history). */
  readonly onAccept?: (r: CanonicalRow) => void;
  /** Called after each chunk with bytes read and the total (NaN when unknown). */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** CSV reader tuning (delimiter, chunk size). */
  readonly csv?: Omit<CsvReadOptions, 'onChunk'>;
}

/** Days with any accepted row, over the batch's days [start, end]. */
export interface TradingDays {
  /** Day number of index 0 (= IngestResult.start). */
  readonly start: number;
  /** 1 where any accepted row fell. */
  readonly all: Uint8Array;
  /** Per store (`''` when the input has no store column): 1 where that store had an accepted row. */
  readonly byStore: Record<string, Uint8Array>;
}

/** What ingest found. */
export interface IngestResult {
  readonly kind: InputKind;
  readonly header: string[];
  /** Header column of each canonical field the input has. */
  readonly mapping: Record<string, string>;
  readonly delimiter: string;
  /** Order used for slashed dates; null when the first chunk had none. */
  readonly dateOrder: DateOrder | null;
  readonly rows: RowCounts;
  /** Rows per issue code (a row with two codes counts in both; flags count on rejected rows too). */
  readonly issueCounts: Partial<Record<IssueCode, number>>;
  /** Rejected rows with no sku, or whose sku never had an accepted row (not in any series). */
  readonly rejectedUnattributed: number;
  /**
   * Accepted rows kept out of their series: before a silence of more than
   * `validation.maxGapDays` days in it (pipelines/ingest/series-builder.ts). Accepted rows =
   * the series' accepted rows + these.
   */
  readonly detached: DetachedRows;
  readonly series: SeriesData[];
  /** First and last accepted day of the batch; NaN when no row was accepted. */
  readonly start: number;
  readonly end: number;
  readonly tradingDays: TradingDays;
  /**
   * Distinct lines and bytes of the duplicate table (transaction lines: its index and entry
   * table; the decoded input text it keeps alive is not counted).
   */
  readonly duplicateTable?: { readonly lines: number; readonly bytes: number };
}

/**
 * Ingest a sales export file (CSV; gzip when its content is, e.g. `.gz`).
 * @param path File path.
 * @param opts Settings, run day and callbacks.
 * @throws InputError when the file is missing, empty, has no usable header, or is corrupt gzip;
 *   ConfigError for an invalid pattern in `validation`.
 */
export async function ingestFile(path: string, opts: IngestOptions): Promise<IngestResult> {
  const source = await fileSource(path);
  if (source.totalBytes === 0) throw new InputError(`input file is empty: ${path}`);
  return ingestSource(source, opts, path);
}

/**
 * Ingest a sales export from a stream (bytes or text; gzip detected by its magic bytes).
 * @param stream The input: a Node readable, or any (async) iterable of byte or text chunks.
 * @param opts Settings, run day and callbacks.
 * @param totalBytes Size of the input when known (progress).
 * @throws InputError when the input is empty or has no usable header.
 */
export async function ingestStream(
  stream: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  opts: IngestOptions,
  totalBytes = NaN,
): Promise<IngestResult> {
  return ingestSource(streamSource(stream, totalBytes), opts, 'input stream');
}

/** Data records looked at to decide the input kind and the order of slashed dates. */
export const SAMPLE_RECORDS = 10_000;

/** Index of `line_too_long` in the issue counts. */
const LONG_BIT = ISSUE_CODES.indexOf('line_too_long');
const LONG_CODES: readonly RejectCode[] = ['line_too_long'];

/** The ingest loop over any byte source. */
async function ingestSource(source: ByteSource, opts: IngestOptions, name: string): Promise<IngestResult> {
  const { config, runDay } = opts;
  if (!Number.isInteger(runDay)) throw new Error(`ingest needs an integer runDay, got ${runDay}`);
  const rows: RowCounts = { read: 0, accepted: 0, rejected: 0 };
  const batchCounts = new Int32Array(ISSUE_CODES.length);
  const rejectDuplicates = config.validation.rejectDuplicates;
  const scratch = newRowCheck();
  const maxLine = config.validation.maxLineChars;
  const reader = new CsvReader(source, {
    maxLineChars: maxLine,
    maxRecordChars: maxLine,
    ...opts.csv,
    onChunk: (bytes) => opts.onProgress?.(bytes, source.totalBytes),
  });

  let header: string[] | null = null;
  let mapping: ColumnMapping | null = null;
  let validator: RowValidator | null = null;
  let builder: SeriesBuilder | null = null;
  let kind: InputKind = 'daily';
  let dateOrder: DateOrder | null = null;
  let lines: LineSet | null = null;
  let schemaChecks = 0;
  // the first data records, held until the kind and date order are decided
  let sample: { fields: string[]; line: number; long: number }[] | null = [];

  const decide = () => {
    const m = mapping!;
    const dates = sample!.filter((r) => r.long === 0).map((r) => (m.date < r.fields.length ? r.fields[m.date] : ''));
    kind = m.transaction >= 0 || dates.some(hasTimeOfDay) ? 'transactions' : 'daily';
    const setting = config.validation.dateOrder;
    const order: DateOrder = setting !== 'auto' ? setting : (detectDateOrder(dates) ?? 'dmy');
    dateOrder = setting !== 'auto' || hasSlashedDates(dates) ? order : null;
    validator = new RowValidator({ mapping: m, headerLength: header!.length, config, runDay, dateOrder: order, delimiter: reader.delimiter });
    builder = new SeriesBuilder(kind, { maxGapDays: config.validation.maxGapDays });
    noStore = m.store < 0;
    if (kind === 'transactions' && rejectDuplicates) {
      lines = new LineSet({ delimiter: reader.delimiter });
      reader.hashRecords = true; // the scanner hashes each line as it reads it (csv-record.ts)
    }
    const held = sample!;
    sample = null;
    const rec = new CsvRecord();
    for (const r of held) {
      rec.setFields(r.fields);
      rec.longChars = r.long;
      row(rec, r.line);
    }
  };

  const wantTxn = opts.onAccept !== undefined;
  // series by sku id (validate.ts), for inputs without a store column: saves a Map lookup per row
  const accBySku: (SeriesAccumulator | undefined)[] = [];
  let noStore = false;
  /** A line past `validation.maxLineChars`: rejected as `line_too_long`, nothing else read from it. */
  const longRow = (rec: CsvRecord, line: number) => {
    rows.read++;
    rows.rejected++;
    batchCounts[LONG_BIT]++;
    if (opts.admitReject && !opts.admitReject(LONG_CODES)) return;
    opts.onReject?.({
      line,
      codes: ['line_too_long'],
      reason: `line of ${rec.longChars.toLocaleString('en-US')} characters is longer than validation.maxLineChars (${maxLine.toLocaleString('en-US')}); only its first ${LONG_LINE_KEPT} characters are kept here`,
      raw: rec.fields(),
    });
  };

  const row = (rec: CsvRecord, line: number) => {
    if (rec.longChars > 0) return longRow(rec, line);
    const v = validator!;
    const b = builder!;
    rows.read++;
    // the transaction id is read for rows handed on: onAccept, and the schema sample
    let mask = v.checkRecord(rec, scratch, wantTxn || (rows.accepted & 0xffff) === 0);
    let acc: SeriesAccumulator | null = null;
    if (scratch.sku.length) {
      if (noStore) {
        const cached = accBySku[scratch.skuId];
        acc = cached !== undefined && cached.sku === scratch.sku ? cached : (accBySku[scratch.skuId] = b.key('', scratch.sku));
      } else acc = b.key(scratch.store, scratch.sku);
      if (acc.nonProduct < 0) acc.nonProduct = v.isNonProduct(scratch.sku) ? 1 : 0;
      if (acc.nonProduct === 1) mask |= CODE_BIT.non_product;
    }
    let dupKept = NaN;
    if (rejectDuplicates) {
      if (lines !== null) {
        if (lines.add(rec)) mask |= CODE_BIT.duplicate_row;
      } else if (mask === 0 && acc !== null) {
        const d = b.dailyDuplicate(acc, scratch.day, scratch.quantity);
        if (d === 1) mask |= CODE_BIT.duplicate_row;
        else if (d === 2) {
          mask |= CODE_BIT.duplicate_key;
          dupKept = b.keptQuantity(acc, scratch.day);
        }
      }
    }
    if (mask === 0) {
      // the schema of record, on a sample of accepted rows (see validate.ts)
      if ((rows.accepted & 0xffff) === 0) {
        checkSchema(scratch, line);
        schemaChecks++;
      }
      b.add(acc!, scratch.day, scratch.quantity, scratch.price, scratch.isReturn);
      rows.accepted++;
      if (opts.onAccept) {
        opts.onAccept({ day: scratch.day, store: scratch.store, sku: scratch.sku, quantity: scratch.quantity, price: scratch.price, txn: scratch.txn, isReturn: scratch.isReturn });
      }
      let f = scratch.flags;
      while (f !== 0) {
        const bit = 31 - Math.clz32(f);
        acc!.counts[bit]++;
        batchCounts[bit]++;
        f ^= 1 << bit;
      }
      return;
    }
    rows.rejected++;
    let f = mask | scratch.flags;
    while (f !== 0) {
      const bit = 31 - Math.clz32(f);
      batchCounts[bit]++;
      if (acc !== null) acc.counts[bit]++;
      f ^= 1 << bit;
    }
    if (acc !== null) acc.rejectedRows++;
    if (opts.onReject) {
      const codes = codesOf(mask) as RejectCode[];
      if (opts.admitReject && !opts.admitReject(codes)) return;
      const detail: Partial<Record<IssueCode, string>> = {};
      if (mask & CODE_BIT.duplicate_row) {
        detail.duplicate_row = kind === 'transactions' ? 'exact duplicate of an earlier line' : 'repeats the daily total of an earlier row for this store, sku and day';
      }
      if (mask & CODE_BIT.duplicate_key) {
        detail.duplicate_key = `conflicting daily total: ${scratch.quantity} here, ${dupKept} kept from an earlier row for this store, sku and day`;
      }
      const fields = rec.fields();
      const issues = v.describe(fields, scratch, mask, detail);
      opts.onReject({ line, codes, reason: issues.map((x) => x.message).join('; '), raw: fields });
    }
  };

  const summary = await reader.readRecords((rec, line) => {
    if (sample === null) return row(rec, line);
    if (header === null) {
      if (rec.longChars > 0) {
        throw new InputError(`${name}: the header line is ${rec.longChars.toLocaleString('en-US')} characters long, more than validation.maxLineChars (${maxLine.toLocaleString('en-US')}): not a sales export with a header line`);
      }
      header = JSON.parse(JSON.stringify(rec.fields())) as string[]; // a copy sharing no memory with the input text
      mapping = detectColumns(header, config.columns);
      opts.onHeader?.(header);
      return;
    }
    sample.push({ fields: rec.fields(), line, long: rec.longChars });
    if (sample.length >= SAMPLE_RECORDS) decide();
  });
  if (header === null) throw new InputError(`${name} is empty: no header line`);
  if (sample !== null) decide(); // fewer records than the sample size (or none)
  const headerRow: string[] = header;

  const built = builder!.build();
  let attributed = 0;
  let inSeries = 0;
  for (const s of built.series) {
    attributed += s.rejectedRows ?? 0;
    inSeries += s.acceptedRows;
  }
  if (rows.read !== rows.accepted + rows.rejected || rows.read !== summary.records - 1 || inSeries + built.detached.rows !== rows.accepted) {
    throw new Error(
      `ingest lost rows: read ${rows.read}, accepted ${rows.accepted} (${inSeries} in series, ${built.detached.rows} detached), rejected ${rows.rejected}, records after the header ${summary.records - 1}`,
    );
  }
  batchCounts[ISSUE_CODES.indexOf('detached')] += built.detached.rows;
  if (rows.accepted > 0 && schemaChecks === 0) throw new Error('ingest: no accepted row was checked against the canonical row schema');
  const issueCounts: Partial<Record<IssueCode, number>> = {};
  for (let k = 0; k < ISSUE_CODES.length; k++) if (batchCounts[k] > 0) issueCounts[ISSUE_CODES[k]] = batchCounts[k];
  const table = lines as LineSet | null;
  return {
    kind,
    header: headerRow,
    mapping: mappingNames(headerRow, mapping!),
    delimiter: reader.delimiter,
    dateOrder,
    rows,
    issueCounts,
    rejectedUnattributed: rows.rejected - attributed,
    detached: built.detached,
    series: built.series,
    start: built.start,
    end: built.end,
    tradingDays: { start: built.start, all: built.allDays, byStore: built.storeDays },
    ...(table !== null ? { duplicateTable: { lines: table.size, bytes: table.bytes } } : {}),
  };
}

/** Parse an accepted row through the zod schema of record; a failure is a bug, not bad data. */
function checkSchema(r: ReturnType<typeof newRowCheck>, line: number): void {
  const res = canonicalRowSchema.safeParse({
    day: r.day,
    store: r.store,
    sku: r.sku,
    quantity: r.quantity,
    price: r.price,
    txn: r.txn,
    isReturn: r.isReturn,
  });
  if (!res.success) {
    throw new Error(`ingest accepted line ${line} but it breaks the canonical row schema: ${res.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
  }
}
