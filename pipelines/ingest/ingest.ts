/**
 * Ingest: stream a sales export, map its columns, validate every row, quarantine the bad ones
 * (streamed out through `onReject`, never held) and accumulate the rest into daily series.
 *
 *   bytes ─► csv-reader (records + physical lines), or workbook.ts (.xlsx rows)
 *         ─► header: export profile (profiles/) and columns ─► validate (per row)
 *         ─► repeated lines by the profile's policy (daily: per-series arrays; transactions:
 *            line-set.ts) ─► series-builder
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
import { detectAttributeColumns, detectColumns, mappingNames, type AttributeColumn, type ColumnMapping } from './columns.js';
import { CsvReader, fileSource, LONG_LINE_KEPT, streamSource, type ByteSource, type CsvReadOptions } from './csv/csv-reader.js';
import { CsvRecord } from './csv/csv-record.js';
import { InputError, quoteInput } from '../errors.js';
import { LineSet } from './line-set.js';
import { noteAttributes, SeriesBuilder, type DetachedRows, type SeriesAccumulator } from './series-builder.js';
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
  type DateLabels,
  type DateOrder,
} from './validate.js';
import { LocalDays } from './csv/local-day.js';
import { numberStyleOf } from './csv/number-cell.js';
import { inputFormat } from './input-format.js';
import { readWorkbook } from './workbook.js';
import { chooseProfile, profileColumns, type ProfileChoice } from './profiles/catalogue.js';
import { resolveRules, type DuplicatePolicy, type ExportRules } from './profiles/export-profile.js';

/** Options of {@link ingestFile} and {@link ingestStream}. */
export interface IngestOptions {
  /** Settings: `profile`, `columns`, `validation`, `timezone`, `sheet`. */
  readonly config: Config;
  /** Day number of the run date (rows after it are `future_date`). */
  readonly runDay: number;
  /** What `runDay` is, in reject reasons (pipelines/ingest/validate.ts `ValidatorOptions.runDayName`). */
  readonly runDayName?: string;
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
  /** The series' arrays in shared memory, for a worker thread to read without a copy (series-builder.ts). @defaultValue false */
  readonly sharedArrays?: boolean;
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

/**
 * Lines that repeat an earlier one (an exact repeat of a transaction line, or a daily total
 * repeating the one of an earlier row for the same store, sku and day) and were otherwise good:
 * dropped (`drop`, rejected as `duplicate_row`) or kept and counted (`flag`); `keep` does not
 * look for them (0).
 */
export interface DuplicateLines {
  readonly policy: DuplicatePolicy;
  readonly lines: number;
  /** Units of those lines (returns not counted). */
  readonly units: number;
  /** `units` over all sales units read (accepted + dropped repeats); 0 when there are none. */
  readonly shareOfUnits: number;
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
  /** The export profile applied (profiles/), and how it was chosen. */
  readonly profile: { readonly name: string | null; readonly title: string | null; readonly by: ProfileChoice['by'] };
  /** Time zone UTC timestamps were counted in (config `timezone`); null: UTC. */
  readonly timezone: string | null;
  /** How the date cells were written: dates, ISO weeks or months (for period detection). */
  readonly dateLabels: DateLabels;
  /** Lines repeating an earlier one, and what the policy did with them. */
  readonly duplicateLines: DuplicateLines;
  /**
   * Quantity and price cells such as `1.200` read with a decimal point (1.2) in a file whose
   * delimiter is not a comma and whose first records did not tell whether a point groups
   * thousands there (csv/number-cell.ts), and the first of them; absent: none.
   */
  readonly pointGroupedAsDecimal?: { readonly cells: number; readonly example: string };
  /** Price cells that are not empty but not a number (their rows keep no price), and the first of them; absent: none. */
  readonly unreadablePrice?: { readonly cells: number; readonly example: string };
  /**
   * Slashed dates whose order no date of the first records told (no part above 12), read day
   * first (`validation.dateOrder: auto`), and the first of them; absent: the order was told or set.
   */
  readonly ambiguousDateOrder?: { readonly example: string };
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
 * Ingest a sales export file (CSV; gzip when its content is, e.g. `.gz`; an Excel workbook
 * `.xlsx`, first sheet or config `sheet`, input-format.ts).
 * @param path File path.
 * @param opts Settings, run day and callbacks.
 * @throws InputError when the file is missing, empty, has no usable header, is corrupt gzip, or
 *   is a spreadsheet this tool does not read (.xls, .ods, .numbers);
 *   ConfigError for an invalid pattern in `validation`.
 */
export async function ingestFile(path: string, opts: IngestOptions): Promise<IngestResult> {
  const source = await fileSource(path);
  if (source.totalBytes === 0) throw new InputError(`input file is empty: ${path}`);
  if ((await inputFormat(path)) === 'xlsx') return ingestWorkbook(path, opts);
  return ingestSource(source, opts, path);
}

/** The ingest loop over one sheet of an Excel workbook (workbook.ts); line numbers are sheet row numbers. */
async function ingestWorkbook(path: string, opts: IngestOptions): Promise<IngestResult> {
  if (!Number.isInteger(opts.runDay)) throw new Error(`ingest needs an integer runDay, got ${opts.runDay}`);
  // cells are separate values: no delimiter inside them to tell a decimal comma from
  const loop = new IngestLoop(opts, path, { delimiter: ',' });
  let sheet = '';
  try {
    const records = await readWorkbook(path, opts.config.sheet, (rec, row) => loop.record(rec, row), opts.onProgress, (name) => (sheet = name));
    return loop.finish(records - 1, ',');
  } catch (e) {
    // which sheet was read, when its header is not a sales export's
    if (e instanceof InputError && sheet && /column found in the header/.test(e.message)) {
      throw new InputError(`sheet ${quoteInput(sheet, 60)} of the workbook: ${e.message}\n  (--sheet NAME, or config sheet, reads another sheet)`);
    }
    throw e;
  }
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

/** The ingest loop over any byte source: the CSV reader hands every record to an {@link IngestLoop}. */
async function ingestSource(source: ByteSource, opts: IngestOptions, name: string): Promise<IngestResult> {
  if (!Number.isInteger(opts.runDay)) throw new Error(`ingest needs an integer runDay, got ${opts.runDay}`);
  const maxLine = opts.config.validation.maxLineChars;
  const reader = new CsvReader(source, {
    maxLineChars: maxLine,
    maxRecordChars: maxLine,
    ...opts.csv,
    onChunk: (bytes) => opts.onProgress?.(bytes, source.totalBytes),
  });
  const loop = new IngestLoop(opts, name, reader);
  const summary = await reader.readRecords((rec, line) => loop.record(rec, line));
  return loop.finish(summary.records - 1, reader.delimiter);
}

/**
 * The state of one ingest, fed one record at a time (header first): the header chooses the
 * export profile and the columns, the first {@link SAMPLE_RECORDS} records are held until the
 * input kind and the date order are decided, then every record is validated, checked for
 * duplicates and added to its series or rejected.
 */
export class IngestLoop {
  private readonly config: Config;
  private readonly rows: RowCounts = { read: 0, accepted: 0, rejected: 0 };
  private readonly batchCounts = new Int32Array(ISSUE_CODES.length);
  private readonly scratch = newRowCheck();
  private readonly wantTxn: boolean;
  private header: string[] | null = null;
  private mapping: ColumnMapping | null = null;
  /** The sales file's attribute columns (category, department, region), and their values interned. */
  private attributeColumns: AttributeColumn[] = [];
  private readonly attributeValues = new Map<string, string>();
  private choice: ProfileChoice = { profile: null, by: 'none' };
  private rules: ExportRules;
  private validator: RowValidator | null = null;
  private builder: SeriesBuilder | null = null;
  private kind: InputKind = 'daily';
  private dateOrder: DateOrder | null = null;
  /** Set when slashed dates were read day first with nothing to tell (IngestResult `ambiguousDateOrder`). */
  private ambiguousDateOrder: { example: string } | null = null;
  private lines: LineSet | null = null;
  private schemaChecks = 0;
  /** The first data records, held until the kind and date order are decided. */
  private sample: { fields: string[]; line: number; long: number }[] | null = [];
  /** Series by sku id (validate.ts), for inputs without a store column: saves a Map lookup per row. */
  private readonly accBySku: (SeriesAccumulator | undefined)[] = [];
  private noStore = false;
  /** Units of accepted sales rows, and of the repeated lines the policy dropped or flagged. */
  private unitsAccepted = 0;
  private readonly repeated = { lines: 0, units: 0 };

  /**
   * @param opts Settings, run day and callbacks.
   * @param name The input's name in messages.
   * @param delimiterOf The source's delimiter, once known (the CSV reader; `,` for a workbook).
   */
  constructor(
    private readonly opts: IngestOptions,
    private readonly name: string,
    private readonly delimiterOf: { readonly delimiter: string; hashRecords?: boolean },
  ) {
    this.config = opts.config;
    this.wantTxn = opts.onAccept !== undefined;
    this.rules = resolveRules(this.config.validation, null);
  }

  /** One record of the input: the header, then the data records in order. */
  record(rec: CsvRecord, line: number): void {
    if (this.sample === null) return this.row(rec, line);
    if (this.header === null) return this.readHeader(rec);
    this.sample.push({ fields: rec.fields(), line, long: rec.longChars });
    if (this.sample.length >= SAMPLE_RECORDS) this.decide();
  }

  /** The header: profile, rules and column mapping. */
  private readHeader(rec: CsvRecord): void {
    const maxLine = this.config.validation.maxLineChars;
    if (rec.longChars > 0) {
      throw new InputError(`${this.name}: the header line is ${rec.longChars.toLocaleString('en-US')} characters long, more than validation.maxLineChars (${maxLine.toLocaleString('en-US')}): not a sales export with a header line`);
    }
    const header = JSON.parse(JSON.stringify(rec.fields())) as string[]; // a copy sharing no memory with the input text
    this.choice = chooseProfile(header, this.config.profile);
    this.rules = resolveRules(this.config.validation, this.choice.profile);
    this.mapping = detectColumns(header, profileColumns(header, this.choice.profile, this.config.columns));
    this.attributeColumns = detectAttributeColumns(header, this.mapping);
    this.header = header;
    this.opts.onHeader?.(header);
  }

  /** Decide the input kind and the date order from the held records, then validate them. */
  private decide(): void {
    const m = this.mapping!;
    const config = this.config;
    const dates = this.sample!.filter((r) => r.long === 0).map((r) => (m.date < r.fields.length ? r.fields[m.date] : ''));
    this.kind = m.transaction >= 0 || dates.some(hasTimeOfDay) ? 'transactions' : 'daily';
    const setting = config.validation.dateOrder;
    const told = setting !== 'auto' ? setting : detectDateOrder(dates);
    const order: DateOrder = told ?? 'dmy';
    const slashed = hasSlashedDates(dates);
    this.dateOrder = setting !== 'auto' || slashed ? order : null;
    if (told === null && slashed) this.ambiguousDateOrder = { example: dates.find((d) => hasSlashedDates([d]))!.trim() };
    const zone = config.timezone ? new LocalDays(config.timezone) : null;
    const numberStyle = numberStyleOf(this.numberCells(this.sample!));
    this.validator = new RowValidator({ mapping: m, headerLength: this.header!.length, config, runDay: this.opts.runDay, runDayName: this.opts.runDayName, dateOrder: order, delimiter: this.delimiterOf.delimiter, numberStyle, rules: this.rules, zone });
    this.builder = new SeriesBuilder(this.kind, { maxGapDays: config.validation.maxGapDays, sharedArrays: this.opts.sharedArrays });
    this.noStore = m.store < 0;
    if (this.kind === 'transactions' && this.rules.duplicateLines !== 'keep') {
      this.lines = new LineSet({ delimiter: this.delimiterOf.delimiter });
      this.delimiterOf.hashRecords = true; // the scanner hashes each line as it reads it (csv-record.ts)
    }
    const held = this.sample!;
    this.sample = null;
    const rec = new CsvRecord();
    for (const r of held) {
      rec.setFields(r.fields);
      rec.longChars = r.long;
      this.row(rec, r.line);
    }
  }

  /** The quantity and price cells of the held records, for the file's number style. */
  private *numberCells(held: readonly { fields: string[]; long: number }[]): Generator<string> {
    const m = this.mapping!;
    for (const r of held) {
      if (r.long > 0) continue;
      if (m.quantity >= 0 && m.quantity < r.fields.length) yield r.fields[m.quantity];
      if (m.price >= 0 && m.price < r.fields.length) yield r.fields[m.price];
    }
  }

  /** A line past `validation.maxLineChars`: rejected as `line_too_long`, nothing else read from it. */
  private longRow(rec: CsvRecord, line: number): void {
    const maxLine = this.config.validation.maxLineChars;
    this.rows.read++;
    this.rows.rejected++;
    this.batchCounts[LONG_BIT]++;
    if (this.opts.admitReject && !this.opts.admitReject(LONG_CODES)) return;
    this.opts.onReject?.({
      line,
      codes: ['line_too_long'],
      reason: `line of ${rec.longChars.toLocaleString('en-US')} characters is longer than validation.maxLineChars (${maxLine.toLocaleString('en-US')}); only its first ${LONG_LINE_KEPT} characters are kept here`,
      raw: rec.fields(),
    });
  }

  /** The series of the checked row's store and sku; null when it has no sku. */
  private seriesOf(): SeriesAccumulator | null {
    const sc = this.scratch;
    if (!sc.sku.length) return null;
    if (!this.noStore) return this.builder!.key(sc.store, sc.sku);
    const cached = this.accBySku[sc.skuId];
    return cached !== undefined && cached.sku === sc.sku ? cached : (this.accBySku[sc.skuId] = this.builder!.key('', sc.sku));
  }

  /** One data record: validate, look for a repeat, then accept or reject it. */
  private row(rec: CsvRecord, line: number): void {
    if (rec.longChars > 0) return this.longRow(rec, line);
    const v = this.validator!;
    const sc = this.scratch;
    this.rows.read++;
    // the transaction id is read for rows handed on: onAccept, and the schema sample
    let mask = v.checkRecord(rec, sc, this.wantTxn || (this.rows.accepted & 0xffff) === 0);
    const acc = this.seriesOf();
    if (acc !== null) {
      if (acc.nonProduct < 0) acc.nonProduct = v.isNonProduct(sc.sku) ? 1 : 0;
      if (acc.nonProduct === 1) mask |= CODE_BIT.non_product;
    }
    let dupKept = NaN;
    let repeat = false;
    if (this.rules.duplicateLines !== 'keep') {
      if (this.lines !== null) repeat = this.lines.add(rec);
      else if (mask === 0 && acc !== null) {
        const d = this.builder!.dailyDuplicate(acc, sc.day, sc.quantity);
        if (d === 1) repeat = true;
        else if (d === 2) {
          mask |= CODE_BIT.duplicate_key;
          dupKept = this.builder!.keptQuantity(acc, sc.day);
        }
      }
    }
    if (repeat) {
      // a repeat that is otherwise a good row: its units are dropped or flagged by the policy
      if (mask === 0) {
        this.repeated.lines++;
        if (!sc.isReturn) this.repeated.units += sc.quantity;
      }
      if (this.rules.duplicateLines === 'drop') mask |= CODE_BIT.duplicate_row;
    }
    if (mask === 0) {
      if (this.attributeColumns.length && !acc!.attributesDone) this.noteAttributes(acc!, rec);
      this.accept(acc!, line);
    }
    else this.reject(rec, line, mask, acc, dupKept);
  }

  /** The attribute values of an accepted row, for its series (series-builder.ts `noteAttributes`). */
  private noteAttributes(acc: SeriesAccumulator, rec: CsvRecord): void {
    noteAttributes(acc, this.attributeColumns, rec, this.attributeValues);
  }

  /** An accepted row: into its series, counted, handed on. */
  private accept(acc: SeriesAccumulator, line: number): void {
    const sc = this.scratch;
    // the schema of record, on a sample of accepted rows (see validate.ts)
    if ((this.rows.accepted & 0xffff) === 0) {
      checkSchema(sc, line);
      this.schemaChecks++;
    }
    this.builder!.add(acc, sc.day, sc.quantity, sc.price, sc.isReturn);
    this.rows.accepted++;
    if (!sc.isReturn) this.unitsAccepted += sc.quantity;
    this.opts.onAccept?.({ day: sc.day, store: sc.store, sku: sc.sku, quantity: sc.quantity, price: sc.price, txn: sc.txn, isReturn: sc.isReturn });
    let f = sc.flags;
    while (f !== 0) {
      const bit = 31 - Math.clz32(f);
      acc.counts[bit]++;
      this.batchCounts[bit]++;
      f ^= 1 << bit;
    }
  }

  /** A rejected row: counted (batch and series), described and handed to `onReject`. */
  private reject(rec: CsvRecord, line: number, mask: number, acc: SeriesAccumulator | null, dupKept: number): void {
    const sc = this.scratch;
    this.rows.rejected++;
    let f = mask | sc.flags;
    while (f !== 0) {
      const bit = 31 - Math.clz32(f);
      this.batchCounts[bit]++;
      if (acc !== null) acc.counts[bit]++;
      f ^= 1 << bit;
    }
    if (acc !== null) acc.rejectedRows++;
    if (!this.opts.onReject) return;
    const codes = codesOf(mask) as RejectCode[];
    if (this.opts.admitReject && !this.opts.admitReject(codes)) return;
    const detail: Partial<Record<IssueCode, string>> = {};
    if (mask & CODE_BIT.duplicate_row) {
      detail.duplicate_row =
        (this.kind === 'transactions' ? 'exact duplicate of an earlier line' : 'repeats the daily total of an earlier row for this store, sku and day') +
        ' (validation.duplicateLines: drop)';
    }
    if (mask & CODE_BIT.duplicate_key) {
      detail.duplicate_key = `conflicting daily total: ${sc.quantity} here, ${dupKept} kept from an earlier row for this store, sku and day`;
    }
    const fields = rec.fields();
    const issues = this.validator!.describe(fields, sc, mask, detail);
    this.opts.onReject({ line, codes, reason: issues.map((x) => x.message).join('; '), raw: fields });
  }

  /**
   * After the last record: build the series and check the accounting.
   * @param records Data records the source read after the header.
   * @param delimiter The source's delimiter.
   */
  finish(records: number, delimiter: string): IngestResult {
    if (this.header === null) throw new InputError(`${this.name} is empty: no header line`);
    if (this.sample !== null) this.decide(); // fewer records than the sample size (or none)
    const rows = this.rows;
    const built = this.builder!.build();
    let attributed = 0;
    let inSeries = 0;
    for (const s of built.series) {
      attributed += s.rejectedRows ?? 0;
      inSeries += s.acceptedRows;
    }
    if (rows.read !== rows.accepted + rows.rejected || rows.read !== records || inSeries + built.detached.rows !== rows.accepted) {
      throw new Error(
        `ingest lost rows: read ${rows.read}, accepted ${rows.accepted} (${inSeries} in series, ${built.detached.rows} detached), rejected ${rows.rejected}, records after the header ${records}`,
      );
    }
    this.batchCounts[ISSUE_CODES.indexOf('detached')] += built.detached.rows;
    if (rows.accepted > 0 && this.schemaChecks === 0) throw new Error('ingest: no accepted row was checked against the canonical row schema');
    const issueCounts: Partial<Record<IssueCode, number>> = {};
    for (let k = 0; k < ISSUE_CODES.length; k++) if (this.batchCounts[k] > 0) issueCounts[ISSUE_CODES[k]] = this.batchCounts[k];
    const table = this.lines as LineSet | null;
    const p = this.choice.profile;
    const grouped = this.validator!.pointGroupedAsDecimal();
    const unreadable = this.validator!.unreadablePrices();
    return {
      kind: this.kind,
      header: this.header,
      mapping: mappingNames(this.header, this.mapping!),
      delimiter,
      dateOrder: this.dateOrder,
      profile: { name: p ? p.name : null, title: p ? p.title : null, by: this.choice.by },
      timezone: this.config.timezone ?? null,
      dateLabels: this.validator!.dateLabels(),
      duplicateLines: this.duplicateSummary(),
      ...(grouped.cells > 0 ? { pointGroupedAsDecimal: grouped } : {}),
      ...(unreadable.cells > 0 ? { unreadablePrice: unreadable } : {}),
      ...(this.ambiguousDateOrder ? { ambiguousDateOrder: this.ambiguousDateOrder } : {}),
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

  /** What the duplicate-line policy did (run.json `duplicateLines`). */
  private duplicateSummary(): DuplicateLines {
    const policy = this.rules.duplicateLines;
    const units = this.repeated.units;
    const total = this.unitsAccepted + (policy === 'drop' ? units : 0);
    return {
      policy,
      lines: this.repeated.lines,
      units,
      shareOfUnits: total > 0 ? units / total : 0,
    };
  }
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
