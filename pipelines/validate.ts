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
 *   when the delimiter is not a comma);
 * - `negative_quantity`: below zero without a return/cancellation marker, i.e. a transaction id
 *   matching `validation.cancellationPattern` (`validation.rejectUnmarkedNegatives`; when off,
 *   such rows are kept as returns);
 * - `non_product`: sku in `validation.nonProductCodes` (case-insensitive) or matching one of
 *   `validation.nonProductPatterns` (case-insensitive regular expressions);
 * - `duplicate_row` / `duplicate_key` (need state, found by ingest.ts): for transaction lines an
 *   exact repeat of an earlier line ({@link LineHashSet}); for daily totals a second row for the
 *   same store, sku and day, `duplicate_row` when it repeats the quantity, `duplicate_key` when it
 *   conflicts ("conflicting daily total"); the first row is kept.
 *
 * Flag codes (the row is kept unless it also has a reject code; flags are counted per series
 * and in the batch for every row that has them, rejected or not): `return` (a marked negative
 * quantity: its units go to `returns`, not demand), `zero_price`, `negative_price`,
 * `missing_price` (empty or unreadable price), `missing_store`, `missing_description`,
 * `missing_customer` (each only when the input has that column), and `outlier`, found per
 * series at profile time (pipelines/quality.ts).
 *
 * The schema of record for an accepted row is the zod schema {@link canonicalRowSchema}. The
 * per-row checks are hand-written (a zod parse per row would cost more than reading the CSV):
 * ingest.ts parses accepted rows 1, 65537, 131073, ... through the schema and fails the run if
 * one does not pass, so that the two cannot drift apart silently, and the tests check every
 * accepted row of the bundled samples against it (`onAccept`).
 */
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../config/load.js';
import type { ColumnMapping } from './columns.js';
import { formatDay } from './dates.js';
import type { CanonicalRow, FlagCode, IssueCode, RejectCode, RowIssue } from './types.js';

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
  return: 'quantity',
  zero_price: 'price',
  negative_price: 'price',
  missing_price: 'price',
  missing_store: 'store',
  missing_description: 'description',
  missing_customer: 'customer',
  outlier: 'quantity',
};

/** Codes whose bit is set in a mask. */
export function codesOf(mask: number): IssueCode[] {
  const out: IssueCode[] = [];
  for (let i = 0; i < ISSUE_CODES.length; i++) if (mask & (1 << i)) out.push(ISSUE_CODES[i]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dates

/** Order of day and month in a slashed date such as 1/2/2011. */
export type DateOrder = 'dmy' | 'mdy';

/**
 * Day number (days since 1970-01-01) of a proleptic Gregorian date, without Date objects.
 * Source: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil.
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function validYmd(y: number, m: number, d: number): boolean {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Earliest plausible sales date, 1900-01-01: earlier dates are `bad_date` (typos such as 0211-01-29). */
export const MIN_DAY = -25567;

/** Scratch of {@link scanDate}: the date parts and the time of day read. */
interface DateParts {
  day: number;
  /** Minutes after midnight of the time part in the text's own zone; -1 when there is none. */
  minutes: number;
  /** Slashed-date evidence: 1 when the first part is above 12, 2 when the second is, 0 otherwise. */
  evidence: number;
  /** True when the date was day-month-year or month-day-year (ambiguous form). */
  slashed: boolean;
}

const scratchParts: DateParts = { day: NaN, minutes: -1, evidence: 0, slashed: false };

/** Read an unsigned integer of at most `max` digits at `i`; returns [value, end index] in `num`. */
function readInt(s: string, i: number, max: number, num: Int32Array): boolean {
  let v = 0;
  let j = i;
  while (j < s.length && j - i < max) {
    const c = s.charCodeAt(j) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    j++;
  }
  if (j === i) return false;
  num[0] = v;
  num[1] = j;
  return true;
}

const intScratch = new Int32Array(2);

/**
 * Parse a date or date-time into `out`; false when the text is not one. See {@link parseDateDay}.
 */
function scanDate(text: string, order: DateOrder, out: DateParts): boolean {
  let s = text;
  if (s.length && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32)) s = s.trim();
  out.minutes = -1;
  out.evidence = 0;
  out.slashed = false;
  const n = intScratch;
  // first number
  if (!readInt(s, 0, 8, n)) return false;
  const a = n[0];
  const aLen = n[1];
  let i = aLen;
  let y: number;
  let m: number;
  let d: number;
  if (aLen === 8 && (i === s.length || s[i] === ' ' || s[i] === 'T')) {
    // YYYYMMDD
    y = Math.floor(a / 10000);
    m = Math.floor(a / 100) % 100;
    d = a % 100;
  } else {
    const sep = s.charCodeAt(i); // '-' 45, '/' 47, '.' 46
    if (sep !== 45 && sep !== 47 && sep !== 46) return false;
    if (!readInt(s, i + 1, 2, n) || n[1] - (i + 1) > 2) return false;
    const b = n[0];
    i = n[1];
    if (s.charCodeAt(i) !== sep) return false;
    const cStart = i + 1;
    if (!readInt(s, cStart, 4, n)) return false;
    const c = n[0];
    const cLen = n[1] - cStart;
    i = n[1];
    if (aLen === 4) {
      if (cLen > 2) return false;
      y = a;
      m = b;
      d = c;
    } else if (aLen <= 2 && cLen === 4) {
      y = c;
      out.slashed = true;
      if (a > 12 && b <= 12) out.evidence = 1;
      else if (b > 12 && a <= 12) out.evidence = 2;
      if (sep === 46 || order === 'dmy') {
        d = a;
        m = b;
      } else {
        m = a;
        d = b;
      }
    } else return false;
  }
  if (!validYmd(y, m, d)) return false;
  let day = daysFromCivil(y, m, d);
  if (i < s.length) {
    // time part: [ T]H:MM[:SS[.fff]][ AM|PM][Z|±HH[:MM]]
    const t = s.charCodeAt(i);
    if (t !== 32 && t !== 84 && t !== 116) return false;
    i++;
    while (s.charCodeAt(i) === 32) i++;
    if (!readInt(s, i, 2, n)) return false;
    let h = n[0];
    i = n[1];
    if (s.charCodeAt(i) !== 58) return false;
    if (!readInt(s, i + 1, 2, n) || n[1] - (i + 1) !== 2) return false;
    const mi = n[0];
    i = n[1];
    if (s.charCodeAt(i) === 58) {
      if (!readInt(s, i + 1, 2, n) || n[1] - (i + 1) !== 2 || n[0] > 60) return false;
      i = n[1];
      if (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44) {
        if (!readInt(s, i + 1, 9, n)) return false;
        i = n[1];
      }
    }
    while (s.charCodeAt(i) === 32) i++;
    const ap = s.slice(i, i + 2).toUpperCase();
    if (ap === 'AM' || ap === 'PM') {
      if (h < 1 || h > 12) return false;
      h = (h % 12) + (ap === 'PM' ? 12 : 0);
      i += 2;
      while (s.charCodeAt(i) === 32) i++;
    }
    if (h > 23 || mi > 59) return false;
    let minutes = h * 60 + mi;
    out.minutes = minutes;
    if (i < s.length) {
      const z = s.charCodeAt(i);
      if ((z === 90 || z === 122) && i + 1 === s.length) {
        // Z: already UTC
      } else if (z === 43 || z === 45) {
        if (!readInt(s, i + 1, 4, n)) return false;
        let oh: number;
        let om: number;
        const len = n[1] - (i + 1);
        if (len === 4) {
          oh = Math.floor(n[0] / 100);
          om = n[0] % 100;
          i = n[1];
        } else if (len <= 2) {
          oh = n[0];
          om = 0;
          i = n[1];
          if (s.charCodeAt(i) === 58) {
            if (!readInt(s, i + 1, 2, n) || n[1] - (i + 1) !== 2) return false;
            om = n[0];
            i = n[1];
          }
        } else return false;
        if (i !== s.length || oh > 18 || om > 59) return false;
        const offset = (oh * 60 + om) * (z === 43 ? 1 : -1);
        minutes -= offset; // local time minus offset = UTC
        day += Math.floor(minutes / 1440);
      } else return false;
    }
  }
  out.day = day;
  return true;
}

/**
 * Day number (days since 1970-01-01 UTC) of a date or date-time text.
 *
 * Accepted forms (surrounding spaces ignored):
 * - `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYYMMDD`;
 * - `D/M/YYYY` or `M/D/YYYY` (also with `-`), read in the given `order`; `D.M.YYYY` is always
 *   day first;
 * - any of these followed by a time, `[ T]H:MM[:SS[.fff]]`, optionally `AM`/`PM`, optionally
 *   `Z` or an offset `±HH`, `±HHMM`, `±HH:MM`: with an offset the UTC day is returned, without
 *   one the date as written.
 *
 * @param text The cell text.
 * @param order Order of day and month in slashed dates. @defaultValue 'dmy'
 * @returns The day number, or NaN when the text is not a real calendar date in one of the forms.
 */
export function parseDateDay(text: string, order: DateOrder = 'dmy'): number {
  return scanDate(text, order, scratchParts) ? scratchParts.day : NaN;
}

/** True when the text is a date with a time of day other than midnight (transaction lines). */
export function hasTimeOfDay(text: string): boolean {
  return scanDate(text, 'dmy', scratchParts) && scratchParts.minutes > 0;
}

/**
 * Decide the order of day and month of slashed dates from sample values: a first part above 12
 * says day-month-year, a second part above 12 says month-day-year; the side with more such
 * values wins (the other values then fail as `bad_date`).
 * @param values Date cells, e.g. the first chunk of a file.
 * @returns The order, or null when no value tells (no slashed dates, or all ambiguous).
 */
export function detectDateOrder(values: Iterable<string>): DateOrder | null {
  let dmy = 0;
  let mdy = 0;
  for (const v of values) {
    if (!scanDate(v, 'dmy', scratchParts) && !scanDate(v, 'mdy', scratchParts)) continue;
    if (scratchParts.evidence === 1) dmy++;
    else if (scratchParts.evidence === 2) mdy++;
  }
  if (dmy === 0 && mdy === 0) return null;
  return dmy >= mdy ? 'dmy' : 'mdy';
}

/** True when any of the values is a slashed (day/month order dependent) date. */
export function hasSlashedDates(values: Iterable<string>): boolean {
  for (const v of values) if (scanDate(v, 'dmy', scratchParts) && scratchParts.slashed) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Rows

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
}

/** A fresh scratch record for {@link RowValidator.check}. */
export function newRowCheck(): RowCheck {
  return { mask: 0, flags: 0, day: NaN, store: '', sku: '', quantity: NaN, price: NaN, txn: '', isReturn: false };
}

/** What a {@link RowValidator} needs to know about the input and the run. */
export interface ValidatorOptions {
  /** Column of each canonical field (pipelines/columns.ts). */
  readonly mapping: ColumnMapping;
  /** Number of header fields. */
  readonly headerLength: number;
  /** Settings: `validation.*`. */
  readonly config: Config;
  /** Day number of the run date; later rows are `future_date`. */
  readonly runDay: number;
  /** Order of slashed dates. @defaultValue 'dmy' */
  readonly dateOrder?: DateOrder;
  /** Delimiter of the file; when not a comma, a decimal comma is accepted in numbers. @defaultValue ',' */
  readonly delimiter?: string;
}

/** Trim only when needed (no allocation for clean cells). */
function clean(s: string): string {
  const n = s.length;
  if (n === 0) return s;
  return s.charCodeAt(0) <= 32 || s.charCodeAt(n - 1) <= 32 ? s.trim() : s;
}

/**
 * Read a number cell: NaN when empty or not a finite decimal number (hex and the like are not
 * numbers here). With `decimalComma`, `1,5` reads as 1.5.
 */
export function parseNumberCell(text: string, decimalComma = false): number {
  const s = clean(text);
  if (s.length === 0) return NaN;
  let v = Number(s);
  if (v !== v) {
    if (decimalComma && /^[+-]?\d*,\d+$/.test(s)) v = Number(s.replace(',', '.'));
    return Number.isFinite(v) ? v : NaN;
  }
  if (!Number.isFinite(v)) return NaN;
  // Number() also reads 0x1F, 0b101, 0o17: not quantities
  if (s.length > 2) {
    const c1 = s.charCodeAt(1) | 32;
    if (s.charCodeAt(0) === 48 && (c1 === 120 || c1 === 98 || c1 === 111)) return NaN;
  }
  return v;
}

/**
 * The per-row checks of one input, compiled once (column positions, code lists, patterns).
 * Stateless across rows: duplicates are found by ingest.ts.
 */
export class RowValidator {
  readonly mapping: ColumnMapping;
  readonly headerLength: number;
  readonly runDay: number;
  readonly dateOrder: DateOrder;
  private readonly rejectFuture: boolean;
  private readonly rejectUnmarked: boolean;
  private readonly nonProductCodes: Set<string>;
  private readonly nonProductPatterns: RegExp[];
  private readonly cancellation: RegExp;
  private readonly decimalComma: boolean;
  private lastDateText = '';
  private lastDateDay = NaN;

  /**
   * @throws ConfigError when a pattern of `validation.nonProductPatterns` or
   *   `validation.cancellationPattern` is not a valid regular expression.
   */
  constructor(opts: ValidatorOptions) {
    const v = opts.config.validation;
    this.mapping = opts.mapping;
    this.headerLength = opts.headerLength;
    this.runDay = opts.runDay;
    this.dateOrder = opts.dateOrder ?? 'dmy';
    this.rejectFuture = v.rejectFutureDates;
    this.rejectUnmarked = v.rejectUnmarkedNegatives;
    this.nonProductCodes = new Set(v.nonProductCodes.map((c) => c.trim().toUpperCase()));
    const compile = (p: string, flags: string, where: string) => {
      try {
        return new RegExp(p, flags);
      } catch (e) {
        throw new ConfigError(`${where}: "${p}" is not a valid regular expression: ${(e as Error).message}`);
      }
    };
    this.nonProductPatterns = v.nonProductPatterns.map((p) => compile(p, 'i', 'validation.nonProductPatterns'));
    this.cancellation = compile(v.cancellationPattern, '', 'validation.cancellationPattern');
    this.decimalComma = (opts.delimiter ?? ',') !== ',';
  }

  /** True when a stock code is not a product (postage, fees, manual adjustments, samples, ...). */
  isNonProduct(sku: string): boolean {
    if (this.nonProductCodes.has(sku.toUpperCase())) return true;
    for (const re of this.nonProductPatterns) if (re.test(sku)) return true;
    return false;
  }

  /** Day number of a date cell (cached for runs of equal cells); NaN when unreadable. */
  private day(text: string): number {
    if (text === this.lastDateText) return this.lastDateDay;
    const d = parseDateDay(text, this.dateOrder);
    this.lastDateText = text;
    this.lastDateDay = d;
    return d;
  }

  /**
   * Check one record's row-local rules and read its canonical values into `out` (everything
   * but `non_product` and duplicates, which ingest.ts adds: they need per-sku caching and state).
   * @param fields The record's raw fields.
   * @param out Scratch record, overwritten.
   * @returns The reject mask (0 = no reject code).
   */
  check(fields: readonly string[], out: RowCheck): number {
    const m = this.mapping;
    const n = fields.length;
    let mask = 0;
    let flags = 0;
    if (n !== this.headerLength) {
      if (n < this.headerLength) mask |= B.short_row;
      else {
        for (let j = this.headerLength; j < n; j++) {
          if (clean(fields[j]).length) {
            mask |= B.short_row;
            break;
          }
        }
      }
    }
    // date
    const dateText = m.date < n ? fields[m.date] : '';
    let day = NaN;
    if (clean(dateText).length === 0) mask |= B.missing_date;
    else {
      day = this.day(dateText);
      if (day !== day || day < MIN_DAY) mask |= B.bad_date;
      else if (this.rejectFuture && day > this.runDay) mask |= B.future_date;
    }
    // sku
    const sku = m.sku < n ? clean(fields[m.sku]) : '';
    if (sku.length === 0) mask |= B.missing_sku;
    // store
    let store = '';
    if (m.store >= 0) {
      store = m.store < n ? clean(fields[m.store]) : '';
      if (store.length === 0) flags |= B.missing_store;
    }
    // transaction id
    const txn = m.transaction >= 0 && m.transaction < n ? clean(fields[m.transaction]) : '';
    // quantity
    const qty = m.quantity < n ? parseNumberCell(fields[m.quantity], this.decimalComma) : NaN;
    let isReturn = false;
    if (qty !== qty) mask |= B.bad_quantity;
    else if (qty < 0) {
      if (txn.length && this.cancellation.test(txn)) {
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
      price = m.price < n ? parseNumberCell(fields[m.price], this.decimalComma) : NaN;
      if (price !== price) flags |= B.missing_price;
      else if (price === 0) flags |= B.zero_price;
      else if (price < 0) flags |= B.negative_price;
    }
    if (m.description >= 0 && (m.description >= n || clean(fields[m.description]).length === 0)) flags |= B.missing_description;
    if (m.customer >= 0 && (m.customer >= n || clean(fields[m.customer]).length === 0)) flags |= B.missing_customer;

    out.mask = mask;
    out.flags = flags;
    out.day = day;
    out.store = store;
    out.sku = sku;
    out.quantity = qty;
    out.price = price;
    out.txn = txn;
    out.isReturn = isReturn;
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
            : `cannot read date "${cell(m.date)}" (expected YYYY-MM-DD, an ISO date-time, or a ${this.dateOrder === 'dmy' ? 'D/M/YYYY' : 'M/D/YYYY'} date)`;
          break;
        case 'future_date':
          message = `date ${formatDay(row.day)} is after the run date ${formatDay(this.runDay)}`;
          break;
        case 'missing_sku':
          message = 'sku is empty';
          break;
        case 'bad_quantity':
          message = `quantity "${cell(m.quantity)}" is not a number`;
          break;
        case 'negative_quantity':
          message = `negative quantity ${row.quantity} without a return/cancellation marker (transaction id matching /${this.cancellation.source}/)`;
          break;
        case 'non_product':
          message = `stock code "${row.sku}" is not a product (validation.nonProductCodes / nonProductPatterns)`;
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
 * uses {@link RowValidator.check} directly.
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

// ---------------------------------------------------------------------------------------------
// Exact duplicate lines

/**
 * A set of 64-bit line fingerprints in one typed open-addressing table (linear probing), to
 * find exact duplicate transaction lines without keeping the lines.
 *
 * Memory: 8 bytes per slot, the table doubled when 70% full, so 11.4 to 22.9 bytes per distinct
 * line (plus the transient copy while doubling). A fingerprint is two 32-bit multiplicative
 * hashes (multiply, xor-shift; final mixing of cyrb53, bryc 2018) over each field's length and
 * its characters, two per step; two different lines share one with probability about 2^-64, so
 * among n distinct lines a false duplicate occurs with probability about n^2 / 2^65 (3e-6 for
 * 10 million lines).
 */
export class LineHashSet {
  private table: Uint32Array;
  private mask: number;
  private count = 0;

  /** @param initialSlots Initial capacity (rounded up to a power of two). @defaultValue 65536 */
  constructor(initialSlots = 1 << 16) {
    let cap = 16;
    while (cap < initialSlots) cap *= 2;
    this.table = new Uint32Array(cap * 2);
    this.mask = cap - 1;
  }

  /** Distinct lines held. */
  get size(): number {
    return this.count;
  }

  /** Bytes of the table. */
  get bytes(): number {
    return this.table.byteLength;
  }

  /**
   * Add the line made of `fields`; true when an identical line was added before.
   * @param fields The record's raw fields.
   */
  addFields(fields: readonly string[]): boolean {
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j];
      const len = f.length;
      h1 = Math.imul(h1 ^ (len + 0x9e3779b9), 2654435761);
      h2 = Math.imul(h2 ^ (len + 0x7f4a7c15), 1597334677);
      // two UTF-16 code units per step
      let k = 0;
      for (; k + 1 < len; k += 2) {
        const w = f.charCodeAt(k) | (f.charCodeAt(k + 1) << 16);
        h1 = Math.imul(h1 ^ w, 2654435761);
        h1 ^= h1 >>> 15;
        h2 = Math.imul(h2 ^ w, 1597334677);
        h2 ^= h2 >>> 13;
      }
      if (k < len) {
        const w = f.charCodeAt(k);
        h1 = Math.imul(h1 ^ w, 2654435761);
        h2 = Math.imul(h2 ^ w, 1597334677);
      }
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return this.addHash(h1 >>> 0, h2 >>> 0);
  }

  /** Add a fingerprint; true when it was present. */
  addHash(h1: number, h2: number): boolean {
    if (h1 === 0 && h2 === 0) h2 = 1; // (0, 0) marks an empty slot
    const t = this.table;
    let i = h1 & this.mask;
    for (;;) {
      const a = t[2 * i];
      const b = t[2 * i + 1];
      if (a === 0 && b === 0) break;
      if (a === h1 && b === h2) return true;
      i = (i + 1) & this.mask;
    }
    t[2 * i] = h1;
    t[2 * i + 1] = h2;
    this.count++;
    if (this.count > (this.mask + 1) * 0.7) this.grow();
    return false;
  }

  private grow(): void {
    const old = this.table;
    const cap = (this.mask + 1) * 2;
    this.table = new Uint32Array(cap * 2);
    this.mask = cap - 1;
    const t = this.table;
    for (let k = 0; k < old.length; k += 2) {
      const a = old[k];
      const b = old[k + 1];
      if (a === 0 && b === 0) continue;
      let i = a & this.mask;
      while (t[2 * i] !== 0 || t[2 * i + 1] !== 0) i = (i + 1) & this.mask;
      t[2 * i] = a;
      t[2 * i + 1] = b;
    }
  }
}
