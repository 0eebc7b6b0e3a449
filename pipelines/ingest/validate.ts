/**
 * Row validation: every record of an export is either accepted, in canonical form, or rejected
 * with every reason found (zod-style: problems are data, `{code, field, message}`).
 *
 * Reject codes (the row goes to rejected.csv), checked on every row, all collected:
 * - `short_row`: fewer fields than the header, or more with a non-empty extra field;
 * - `missing_date` / `bad_date`: empty, or not a date in a supported form (see {@link parseDateDay});
 * - `future_date`: after the run date (`validation.rejectFutureDates`);
 * - `missing_sku`: empty sku;
 * - `bad_quantity`: quantity empty or not a finite number (a decimal comma is read as a point
 *   when the delimiter is not a comma, points grouping thousands as csv/number-cell.ts says);
 * - `negative_quantity`: below zero without a return/cancellation marker, i.e. a transaction id
 *   matching `cancellationPattern` (`rejectUnmarkedNegatives`; when off, such rows are kept as
 *   returns);
 * - `non_product`: sku in `nonProductCodes` (case-insensitive) or matching one of
 *   `nonProductPatterns` (case-insensitive regular expressions);
 *   these four rules come from the settings, else the export profile, else the general rules
 *   (profiles/export-profile.ts `resolveRules`);
 * - `implausible_date`: before `validation.minDate` (default: 20 years before the run date), or,
 *   when future dates are allowed, more than {@link MAX_FUTURE_DAYS} days after the run date: the
 *   plausible window bounds how long a series can be, whatever stray row the file holds;
 * - `implausible_quantity`: |quantity| above `validation.maxQuantity` (a barcode typed into the
 *   quantity column, `1e308`);
 * - `line_too_long`: a line longer than `validation.maxLineChars` (found by the CSV reader; only
 *   its first characters are kept, and no other check is made);
 * - `duplicate_row` / `duplicate_key` (need state, found by ingest.ts): for transaction lines an
 *   exact repeat of an earlier line (pipelines/ingest/line-set.ts); for daily totals a second row for the
 *   same store, sku and day, `duplicate_row` when it repeats the quantity, `duplicate_key` when it
 *   conflicts ("conflicting daily total"); the first row is kept.
 *
 * Flag codes (the row is kept unless it also has a reject code; flags are counted per series
 * and in the batch for every row that has them, rejected or not): `return` (a marked negative
 * quantity: its units go to `returns`, not demand), `zero_price`, `negative_price`,
 * `missing_price` (empty or unreadable price), `missing_store`, `missing_description`,
 * `missing_customer` (each only when the input has that column), `outlier`, found per
 * series at profile time (pipelines/prepare/quality.ts), and `detached`: an accepted row before a
 * silence of more than `validation.maxGapDays` in its series, kept out of it
 * (pipelines/ingest/series-builder.ts).
 *
 * The schema of record for an accepted row is the zod schema {@link canonicalRowSchema}. The
 * per-row checks are hand-written (a zod parse per row would cost more than reading the CSV):
 * ingest.ts parses accepted rows 1, 65537, 131073, ... through the schema and fails the run if
 * one does not pass, so that the two cannot drift apart silently, and the tests check every
 * accepted row of the bundled samples against it (`onAccept`).
 *
 * Speed: {@link RowValidator.checkRecord} reads a record as field spans (pipelines/ingest/csv/csv-record.ts)
 * and makes no string per row in the common case: plain numbers are read from the characters
 * (pipelines/ingest/csv/number-cell.ts) and so are dates (pipelines/ingest/csv/date-cell.ts), emptiness is told from
 * the first and last characters, and sku and store cells are interned (pipelines/ingest/text-interner.ts),
 * so that a row of a known sku makes no string. The transaction id is read only when needed. The string-based
 * {@link RowValidator.check} runs the same code on a record built from the strings.
 */
import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { ConfigError } from '../errors.js';
import type { ColumnMapping } from './columns.js';
import { CodeBuffer, type CharCodes } from './csv/char-codes.js';
import { CsvRecord } from './csv/csv-record.js';
import { MIN_DAY, lastDateLabel, parseDateSpan, type DateLabel, type DateOrder } from './csv/date-cell.js';
import { formatDay, parseIsoDay, yearsBefore } from '../dates.js';
import { quoteInput } from '../errors.js';
import { clean, looksPointGrouped, parseNumberCell, parseNumberSpan, type NumberStyle } from './csv/number-cell.js';
import { TextInterner } from './text-interner.js';
import { resolveRules, type ExportRules } from './profiles/export-profile.js';
import type { LocalDays } from './csv/local-day.js';
import type { CanonicalRow, FlagCode, IssueCode, RejectCode, RowIssue } from '../types.js';

/** The canonical row, as a zod schema: the schema of record for accepted rows. */
export const canonicalRowSchema = z
  .object({
    day: z.number().int(),
    store: z.string(),
    sku: z.string().min(1),
    quantity: z.number().finite(),
    price: z.union([z.number(), z.nan()]),
    txn: z.string(),
    isReturn: z.boolean(),
  })
  .strict()
  .refine((r) => r.quantity >= 0 || r.isReturn, { message: 'a negative quantity must be a return', path: ['quantity'] })
  .refine((r) => !r.isReturn || r.quantity < 0, { message: 'a return has a negative quantity', path: ['isReturn'] });

/** Reject codes, in bit order (bit i of a reject mask is `REJECT_CODES[i]`). */
export const REJECT_CODES: readonly RejectCode[] = [
  'short_row',
  'missing_date',
  'bad_date',
  'future_date',
  'missing_sku',
  'bad_quantity',
  'negative_quantity',
  'non_product',
  'duplicate_row',
  'duplicate_key',
  'implausible_date',
  'implausible_quantity',
  'line_too_long',
];

/** Flag codes, in bit order after the reject codes. */
export const FLAG_CODES: readonly FlagCode[] = [
  'return',
  'zero_price',
  'negative_price',
  'missing_price',
  'missing_store',
  'missing_description',
  'missing_customer',
  'outlier',
  'detached',
];

/** Every issue code; index i is bit i of the masks used here. */
export const ISSUE_CODES: readonly IssueCode[] = [...REJECT_CODES, ...FLAG_CODES];

/** Bit of each code in a mask. */
export const CODE_BIT: Readonly<Record<IssueCode, number>> = Object.fromEntries(ISSUE_CODES.map((c, i) => [c, 1 << i])) as Record<IssueCode, number>;

const B = CODE_BIT;
/** Mask of all reject codes. */
export const REJECT_MASK = (1 << REJECT_CODES.length) - 1;

/** Canonical field each code concerns. */
const CODE_FIELD: Readonly<Record<IssueCode, string | undefined>> = {
  short_row: undefined,
  missing_date: 'date',
  bad_date: 'date',
  future_date: 'date',
  missing_sku: 'sku',
  bad_quantity: 'quantity',
  negative_quantity: 'quantity',
  non_product: 'sku',
  duplicate_row: undefined,
  duplicate_key: 'quantity',
  implausible_date: 'date',
  implausible_quantity: 'quantity',
  line_too_long: undefined,
  return: 'quantity',
  zero_price: 'price',
  negative_price: 'price',
  missing_price: 'price',
  missing_store: 'store',
  missing_description: 'description',
  missing_customer: 'customer',
  outlier: 'quantity',
  detached: 'date',
};

/** Codes whose bit is set in a mask. */
export function codesOf(mask: number): IssueCode[] {
  const out: IssueCode[] = [];
  for (let i = 0; i < ISSUE_CODES.length; i++) if (mask & (1 << i)) out.push(ISSUE_CODES[i]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dates (pipelines/ingest/csv/date-cell.ts)

export { MIN_DAY, daysFromCivil, detectDateOrder, hasSlashedDates, hasTimeOfDay, parseDateDay, type DateOrder } from './csv/date-cell.js';

// ---------------------------------------------------------------------------------------------
// Plausible dates

/** Years before the run date that rows may go back by default (`validation.minDate`). */
export const DEFAULT_HISTORY_YEARS = 20;

/** Days after the run date a row may lie when future dates are allowed (`rejectFutureDates: false`). */
export const MAX_FUTURE_DAYS = 366;

/**
 * The plausible days of a run: [`validation.minDate` or 20 years before the run date, the run
 * date, or the run date + {@link MAX_FUTURE_DAYS} when future dates are allowed]. Rows outside
 * are `implausible_date` (rows after the run date are `future_date` when those are rejected).
 * @throws ConfigError when `validation.minDate` is not a calendar date or lies after the run date.
 */
export function plausibleDays(config: Config, runDay: number): { min: number; max: number } {
  const v = config.validation;
  let min = yearsBefore(runDay, DEFAULT_HISTORY_YEARS);
  if (v.minDate !== undefined) {
    min = parseIsoDay(v.minDate);
    if (Number.isNaN(min)) throw new ConfigError(`validation.minDate must be a calendar date as YYYY-MM-DD, got ${quoteInput(v.minDate)}`);
    if (min > runDay) throw new ConfigError(`validation.minDate ${v.minDate} lies after the run date ${formatDay(runDay)}`);
  }
  return { min: Math.max(min, MIN_DAY), max: runDay + MAX_FUTURE_DAYS };
}

// ---------------------------------------------------------------------------------------------
// Rows

/**
 * How the readable date cells of an input were written: calendar dates, ISO weeks
 * (`2016-W08`) or months (`2016-02`, `Feb 2016`); `kind` is the one they all were, `mixed`
 * when they differ. Period detection reads it: a file of week labels is weekly whatever the
 * spacing of its dates.
 */
export interface DateLabels {
  readonly kind: 'date' | 'week' | 'month' | 'mixed';
  readonly dates: number;
  readonly weeks: number;
  readonly months: number;
}

/** Result of {@link RowValidator.check}: a reusable, mutable scratch record. */
export interface RowCheck {
  /** Reject codes found (bits of {@link ISSUE_CODES}); 0 when the row is accepted. */
  mask: number;
  /** Flag codes found (bits of {@link ISSUE_CODES}). */
  flags: number;
  day: number;
  store: string;
  sku: string;
  quantity: number;
  price: number;
  txn: string;
  isReturn: boolean;
  /**
   * A small number standing for the sku text (the same for equal skus, until the validator's
   * table of skus starts over; -1 when there is no sku): lets ingest cache per sku without a
   * Map lookup. Verify the sku string when using it.
   */
  skuId: number;
}

/** A fresh scratch record for {@link RowValidator.check}. */
export function newRowCheck(): RowCheck {
  return { mask: 0, flags: 0, day: NaN, store: '', sku: '', quantity: NaN, price: NaN, txn: '', isReturn: false, skuId: -1 };
}

/** What a {@link RowValidator} needs to know about the input and the run. */
export interface ValidatorOptions {
  /** Column of each canonical field (pipelines/ingest/columns.ts). */
  readonly mapping: ColumnMapping;
  /** Number of header fields. */
  readonly headerLength: number;
  /** Settings: `validation.*`. */
  readonly config: Config;
  /** Day number of the run date; later rows are `future_date`. */
  readonly runDay: number;
  /** What `runDay` is, in reject reasons: `today` for a run whose date is the day after its data. @defaultValue 'the run date' */
  readonly runDayName?: string;
  /** Order of slashed dates. @defaultValue 'dmy' */
  readonly dateOrder?: DateOrder;
  /** Delimiter of the file; when not a comma, a decimal comma is accepted in numbers. @defaultValue ',' */
  readonly delimiter?: string;
  /**
   * How the file writes numbers when its delimiter is not a comma (csv/number-cell.ts
   * `numberStyleOf`): `comma` reads `1.200` as 1200; `unknown` reads it as 1.2 and counts it
   * ({@link RowValidator.pointGroupedAsDecimal}). @defaultValue 'unknown'
   */
  readonly numberStyle?: NumberStyle;
  /** The export's row rules (profiles/export-profile.ts). @defaultValue the settings over the general rules */
  readonly rules?: ExportRules;
  /** Shop time zone for UTC timestamps (csv/local-day.ts). @defaultValue none */
  readonly zone?: LocalDays | null;
}

export { parseNumberCell } from './csv/number-cell.js';

/**
 * True when cell `i` of a record is empty after trimming (`clean(field).length === 0`), or
 * the record has no cell `i`. Decided from the first and last characters unless they are
 * spaces or control characters.
 */
function blankCell(rec: CsvRecord, i: number): boolean {
  if (i >= rec.count) return true;
  const a = rec.starts[i];
  const b = rec.ends[i];
  if (a === b) return true;
  const c = rec.codes;
  if (c[a] > 32 && c[b - 1] > 32) return false;
  return rec.text.slice(a, b).trim().length === 0;
}

/**
 * The per-row checks of one input, compiled once (column positions, code lists, patterns).
 * A row's result depends on that row alone (the last date cell and the interned keys are
 * caches): duplicates are found by ingest.ts.
 */
export class RowValidator {
  readonly mapping: ColumnMapping;
  readonly headerLength: number;
  readonly runDay: number;
  /** What `runDay` is, in messages ({@link ValidatorOptions.runDayName}). */
  private readonly runDayName: string;
  readonly dateOrder: DateOrder;
  private readonly rejectFuture: boolean;
  private readonly rejectUnmarked: boolean;
  private readonly nonProductCodes: Set<string>;
  private readonly nonProductPatterns: RegExp[];
  private readonly cancellation: RegExp | null;
  private readonly zone: LocalDays | null;
  private readonly decimalComma: boolean;
  /** Points group thousands (`1.200` = 1200): a decimal-comma file ({@link ValidatorOptions.numberStyle}). */
  private readonly pointGroups: boolean;
  /** Count cells such as `1.200` read with a decimal point: the file's style was not told. */
  private readonly watchGroups: boolean;
  private readonly pointGrouped = { cells: 0, example: '' };
  /** Price cells that are not empty but not a number (`1,99` in a comma-separated file, `$2.50`), and the first of them. */
  private readonly unreadablePrice = { cells: 0, example: '' };
  private readonly minDay: number;
  private readonly maxDay: number;
  private readonly maxQuantity: number;
  /**
   * The last date cell read: its text, span and day. Consecutive rows often share a date (the
   * lines of one invoice), and comparing the span with the last one costs less than parsing it.
   */
  private lastDateText = '';
  private lastDateStart = 0;
  private lastDateEnd = 0;
  private lastDay = NaN;
  /** Label kind of the last date cell read, and the count of each kind read. */
  private lastLabel: DateLabel = 0;
  private readonly labelCounts = new Float64Array(3);
  /** Sku and store cells seen (trimmed). */
  private readonly keys = new TextInterner(1 << 20);
  /** Code units of trimmed key cells. */
  private readonly trimmedCodes = new CodeBuffer();
  /** Scratch record of {@link check}. */
  private readonly scratchRecord = new CsvRecord();

  /**
   * @throws ConfigError when a pattern of `validation.nonProductPatterns` or
   *   `validation.cancellationPattern` is not a valid regular expression.
   */
  constructor(opts: ValidatorOptions) {
    const v = opts.rules ?? resolveRules(opts.config.validation, null);
    this.mapping = opts.mapping;
    this.headerLength = opts.headerLength;
    this.runDay = opts.runDay;
    this.runDayName = opts.runDayName ?? 'the run date';
    this.dateOrder = opts.dateOrder ?? 'dmy';
    this.rejectUnmarked = v.rejectUnmarkedNegatives;
    this.rejectFuture = opts.config.validation.rejectFutureDates;
    this.nonProductCodes = new Set(v.nonProductCodes.map((c) => c.trim().toUpperCase()));
    const compile = (p: string, flags: string, where: string) => {
      try {
        return new RegExp(p, flags);
      } catch (e) {
        throw new ConfigError(`${where}: "${p}" is not a valid regular expression: ${(e as Error).message}`);
      }
    };
    this.nonProductPatterns = v.nonProductPatterns.map((p) => compile(p, 'i', 'validation.nonProductPatterns'));
    this.cancellation = v.cancellationPattern === null ? null : compile(v.cancellationPattern, '', 'validation.cancellationPattern');
    this.zone = opts.zone ?? null;
    this.decimalComma = (opts.delimiter ?? ',') !== ',';
    this.pointGroups = this.decimalComma && opts.numberStyle === 'comma';
    this.watchGroups = this.decimalComma && (opts.numberStyle ?? 'unknown') === 'unknown';
    const window = plausibleDays(opts.config, opts.runDay);
    this.minDay = window.min;
    this.maxDay = window.max;
    this.maxQuantity = opts.config.validation.maxQuantity;
  }

  /** Quantity and price cells such as `1.200` read as 1.2 in a file whose style was not told, and the first of them. */
  pointGroupedAsDecimal(): { readonly cells: number; readonly example: string } {
    return { ...this.pointGrouped };
  }

  /** Price cells that are not empty but could not be read as a number (the rows keep no price), and the first of them. */
  unreadablePrices(): { readonly cells: number; readonly example: string } {
    return { ...this.unreadablePrice };
  }

  /** Number cell `i` of a record with `n` cells (NaN when it has none), cells like `1.200` counted ({@link notePointGrouped}). */
  private numberCell(rec: CsvRecord, i: number, n: number): number {
    if (i >= n) return NaN;
    const v = parseNumberSpan(rec.codes, rec.text, rec.starts[i], rec.ends[i], this.decimalComma, this.pointGroups);
    if (this.watchGroups) this.notePointGrouped(rec, i, v);
    return v;
  }

  /** Price cell `i` of a record with `n` cells (NaN when none); one not empty but not a number is counted ({@link unreadablePrices}). */
  private priceCell(rec: CsvRecord, i: number, n: number): number {
    const v = this.numberCell(rec, i, n);
    if (v !== v && i < n && !blankCell(rec, i) && this.unreadablePrice.cells++ === 0) this.unreadablePrice.example = clean(rec.field(i));
    return v;
  }

  /** Count a number cell that could have grouped thousands but was read with a decimal point. */
  private notePointGrouped(rec: CsvRecord, i: number, v: number): void {
    // a point three digits before the end (trailing spaces aside: looksPointGrouped trims) is rare: only then is the text made
    if (v !== v) return;
    let end = rec.ends[i];
    while (end > rec.starts[i] && rec.codes[end - 1] <= 32) end--;
    if (end - rec.starts[i] < 5 || rec.codes[end - 4] !== 46) return;
    const text = rec.field(i);
    if (!looksPointGrouped(text)) return;
    if (this.pointGrouped.cells++ === 0) this.pointGrouped.example = clean(text);
  }

  /** How the date cells read so far were written. */
  dateLabels(): DateLabels {
    const [dates, weeks, months] = this.labelCounts;
    const kind = weeks > 0 || months > 0 ? (dates === 0 && months === 0 ? 'week' : dates === 0 && weeks === 0 ? 'month' : 'mixed') : 'date';
    return { kind, dates, weeks, months };
  }

  /** True when a stock code is not a product (postage, fees, manual adjustments, samples, ...). */
  isNonProduct(sku: string): boolean {
    if (this.nonProductCodes.has(sku.toUpperCase())) return true;
    for (const re of this.nonProductPatterns) if (re.test(sku)) return true;
    return false;
  }

  /** Day number of the date cell `text[a, b)` (code units `codes`); NaN when unreadable. */
  private day(codes: CharCodes, text: string, a: number, b: number): number {
    const la = this.lastDateStart;
    if (text === this.lastDateText && b - a === this.lastDateEnd - la) {
      // same characters as the last date cell (same text, so `codes` holds both)? From the
      // end: the times of day differ there first
      let k = b - a - 1;
      while (k >= 0 && codes[a + k] === codes[la + k]) k--;
      if (k < 0) {
        // `===` held for two chunks of equal text (a file of one line repeated) by comparing
        // them whole: keep this one, so the next rows compare the same string, at once
        this.lastDateText = text;
        this.lastDateStart = a;
        this.lastDateEnd = b;
        return this.lastDay;
      }
    }
    const day = parseDateSpan(codes, text, a, b, this.dateOrder, this.zone);
    this.lastLabel = lastDateLabel();
    this.lastDateText = text;
    this.lastDateStart = a;
    this.lastDateEnd = b;
    this.lastDay = day;
    return day;
  }

  /** Interned id of cell `i` trimmed (-1 when blank or absent); the string is `keys.string(id)`. */
  private keyId(rec: CsvRecord, i: number): number {
    if (i >= rec.count) return -1;
    const a = rec.starts[i];
    const b = rec.ends[i];
    if (a === b) return -1;
    const c = rec.codes;
    if (c[a] > 32 && c[b - 1] > 32) return this.keys.intern(c, rec.text, a, b);
    const s = rec.text.slice(a, b).trim();
    return s.length === 0 ? -1 : this.keys.intern(this.trimmedCodes.of(s, false), s, 0, s.length);
  }

  /**
   * Check one record's row-local rules and read its canonical values into `out` (everything
   * but `non_product` and duplicates, which ingest.ts adds: they need per-sku caching and state).
   * Same as {@link checkRecord} on a record made of `fields`.
   * @param fields The record's raw fields.
   * @param out Scratch record, overwritten.
   * @returns The reject mask (0 = no reject code).
   */
  check(fields: readonly string[], out: RowCheck): number {
    return this.checkRecord(this.scratchRecord.setFields(fields), out);
  }

  /**
   * Check one record, given as field spans (see {@link check}).
   * @param rec The record (csv-reader.ts); read, not kept.
   * @param out Scratch record, overwritten.
   * @param needTxn When false, `out.txn` is left `''` unless the quantity is negative (then the
   *   id is needed to tell a return); the ingest loop reads it only for rows it hands on.
   *   @defaultValue true
   * @returns The reject mask (0 = no reject code).
   */
  checkRecord(rec: CsvRecord, out: RowCheck, needTxn = true): number {
    const m = this.mapping;
    const n = rec.count;
    let mask = 0;
    let flags = 0;
    if (n !== this.headerLength) {
      if (n < this.headerLength) mask |= B.short_row;
      else {
        for (let j = this.headerLength; j < n; j++) {
          if (!blankCell(rec, j)) {
            mask |= B.short_row;
            break;
          }
        }
      }
    }
    // date
    let day = NaN;
    if (blankCell(rec, m.date)) mask |= B.missing_date;
    else {
      day = this.day(rec.codes, rec.text, rec.starts[m.date], rec.ends[m.date]);
      if (day !== day || day < MIN_DAY) mask |= B.bad_date;
      else {
        this.labelCounts[this.lastLabel]++;
        if (day < this.minDay) mask |= B.implausible_date;
        else if (this.rejectFuture && day > this.runDay) mask |= B.future_date;
        else if (day > this.maxDay) mask |= B.implausible_date;
      }
    }
    // sku
    const skuId = this.keyId(rec, m.sku);
    const sku = skuId < 0 ? '' : this.keys.string(skuId);
    if (skuId < 0) mask |= B.missing_sku;
    // store
    let store = '';
    if (m.store >= 0) {
      const storeId = this.keyId(rec, m.store);
      if (storeId < 0) flags |= B.missing_store;
      else store = this.keys.string(storeId);
    }
    // quantity
    const qty = this.numberCell(rec, m.quantity, n);
    // transaction id
    const txn = (needTxn || qty < 0) && m.transaction >= 0 && m.transaction < n ? clean(rec.field(m.transaction)) : '';
    let isReturn = false;
    if (qty !== qty) mask |= B.bad_quantity;
    else if (qty > this.maxQuantity || qty < -this.maxQuantity) mask |= B.implausible_quantity;
    else if (qty < 0) {
      if (txn.length && this.cancellation !== null && this.cancellation.test(txn)) {
        isReturn = true;
        flags |= B.return;
      } else if (this.rejectUnmarked) mask |= B.negative_quantity;
      else {
        isReturn = true;
        flags |= B.return;
      }
    }
    // price
    let price = NaN;
    if (m.price >= 0) {
      price = this.priceCell(rec, m.price, n);
      if (price !== price) flags |= B.missing_price;
      else if (price === 0) flags |= B.zero_price;
      else if (price < 0) flags |= B.negative_price;
    }
    if (m.description >= 0 && blankCell(rec, m.description)) flags |= B.missing_description;
    if (m.customer >= 0 && blankCell(rec, m.customer)) flags |= B.missing_customer;

    out.mask = mask;
    out.flags = flags;
    out.day = day;
    out.store = store;
    out.sku = sku;
    out.quantity = qty;
    out.price = price;
    out.txn = txn;
    out.isReturn = isReturn;
    out.skuId = skuId;
    return mask;
  }

  /**
   * Every problem of a checked row as data, with readable messages (called for rejected rows
   * only; messages are not built on the hot path).
   * @param fields The record's raw fields.
   * @param row The scratch record {@link check} filled.
   * @param mask Reject and/or flag bits to describe.
   * @param detail Extra text per code (e.g. the kept quantity of a `duplicate_key`).
   */
  describe(fields: readonly string[], row: RowCheck, mask: number, detail: Partial<Record<IssueCode, string>> = {}): RowIssue[] {
    const m = this.mapping;
    const cell = (i: number) => (i >= 0 && i < fields.length ? fields[i] : '');
    const out: RowIssue[] = [];
    for (const code of codesOf(mask)) {
      let message: string;
      switch (code) {
        case 'short_row':
          message = `expected ${this.headerLength} fields, got ${fields.length}`;
          break;
        case 'missing_date':
          message = 'date is empty';
          break;
        case 'bad_date':
          message = Number.isFinite(row.day)
            ? `date ${formatDay(row.day)} is before 1900`
            : `cannot read date ${quoteInput(cell(m.date))} (expected YYYY-MM-DD, an ISO date-time, or a ${this.dateOrder === 'dmy' ? 'D/M/YYYY' : 'M/D/YYYY'} date)`;
          break;
        case 'implausible_date':
          message =
            row.day < this.minDay
              ? `date ${formatDay(row.day)} is before the earliest plausible date ${formatDay(this.minDay)} (validation.minDate; default ${DEFAULT_HISTORY_YEARS} years before the run date)`
              : `date ${formatDay(row.day)} is more than ${MAX_FUTURE_DAYS} days after ${this.runDayName} ${formatDay(this.runDay)}`;
          break;
        case 'implausible_quantity':
          message = `quantity ${row.quantity} is beyond the plausible ${this.maxQuantity} units of one row (validation.maxQuantity)`;
          break;
        case 'future_date':
          message = `date ${formatDay(row.day)} is after ${this.runDayName} ${formatDay(this.runDay)}`;
          break;
        case 'missing_sku':
          message = 'sku is empty';
          break;
        case 'bad_quantity':
          message = `quantity ${quoteInput(cell(m.quantity))} is not a number`;
          break;
        case 'negative_quantity':
          message =
            this.cancellation === null
              ? `negative quantity ${row.quantity}, and this export has no return marker (validation.cancellationPattern; or validation.rejectUnmarkedNegatives: false to count negatives as returns)`
              : `negative quantity ${row.quantity} without a return/cancellation marker (transaction id matching /${this.cancellation.source}/)`;
          break;
        case 'non_product':
          message = `stock code ${quoteInput(row.sku)} is not a product (validation.nonProductCodes / nonProductPatterns)`;
          break;
        case 'duplicate_row':
          message = detail.duplicate_row ?? 'exact duplicate of an earlier line';
          break;
        case 'duplicate_key':
          message = detail.duplicate_key ?? 'conflicting daily total: an earlier row has the same store, sku and day';
          break;
        default:
          message = detail[code] ?? code.replace(/_/g, ' ');
      }
      out.push(CODE_FIELD[code] ? { code, field: CODE_FIELD[code], message } : { code, message });
    }
    return out;
  }
}

/** Outcome of {@link validateRow}. */
export type RowValidation =
  | { readonly ok: true; readonly row: CanonicalRow; readonly flags: readonly FlagCode[] }
  | { readonly ok: false; readonly issues: readonly RowIssue[] };

/**
 * Validate one record on its own (every row-local rule, `non_product` included; duplicates
 * need the rest of the file and are not checked). Convenient for tests and single rows; ingest
 * uses {@link RowValidator.checkRecord} directly.
 * @param fields The record's raw fields.
 * @param validator The compiled checks of the input.
 */
export function validateRow(fields: readonly string[], validator: RowValidator): RowValidation {
  const r = newRowCheck();
  let mask = validator.check(fields, r);
  if (r.sku.length && validator.isNonProduct(r.sku)) mask |= B.non_product;
  if (mask) return { ok: false, issues: validator.describe(fields, r, mask) };
  const row: CanonicalRow = { day: r.day, store: r.store, sku: r.sku, quantity: r.quantity, price: r.price, txn: r.txn, isReturn: r.isReturn };
  return { ok: true, row: canonicalRowSchema.parse(row), flags: codesOf(r.flags) as FlagCode[] };
}
