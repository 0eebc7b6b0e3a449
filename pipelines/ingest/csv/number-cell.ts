/**
 * Reading number cells (quantities, prices).
 *
 * {@link parseNumberCell} defines what a number cell is: a finite decimal as `Number()` reads
 * it after trimming (hex, binary and octal literals excluded), with a decimal comma when asked.
 * {@link parseNumberSpan} gives the same result straight from the characters of a span, without
 * making a string, for the common plain forms `[+-]digits[.digits]` with at most 15 digits:
 * the digits make an integer m below 10^15 (exact in a double), and m / 10^k, one correctly
 * rounded division of two exact doubles (10^k is exact for k <= 22), is the double nearest
 * to the decimal, which is what `Number()` returns (the fast path of Clinger, 1990). Any other
 * text (spaces, exponent, comma, more digits, ...) goes to {@link parseNumberCell}.
 *
 * Thousands: a file whose delimiter is not a comma may write `1.234,5` (decimal comma, points
 * grouping thousands: German, Dutch, Italian exports). `1.234,5` is read as 1234.5 in such a file;
 * `1.200` alone could be 1.2 or 1200, so the file's first records decide ({@link numberStyleOf}):
 * decimal commas and no decimal point make points separators (`1.200` = 1200); otherwise the
 * point is decimal, and when nothing in those records told, each such cell is counted
 * ({@link looksPointGrouped}) for a warning instead of passing as a silent thousandth.
 */
import type { CharCodes } from './char-codes.js';

/** Trim only when needed (no allocation for clean cells). */
export function clean(s: string): string {
  const n = s.length;
  if (n === 0) return s;
  return s.charCodeAt(0) <= 32 || s.charCodeAt(n - 1) <= 32 ? s.trim() : s;
}

/** How a file whose delimiter is not a comma writes its numbers (module comment). */
export type NumberStyle = 'comma' | 'point' | 'unknown';

/** A decimal comma, with or without points grouping thousands: `1,5`, `1.234,5`. */
const COMMA_DECIMAL = /^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d*),\d+$/;
/** Points grouping thousands, with or without a decimal comma: `1.200`, `1.234.567`, `1.234,5`. */
const POINT_GROUPED = /^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$/;
/** A decimal point that cannot be a thousands separator: `1.5`, `0.25`, `12.3456`. */
const POINT_DECIMAL = /^[+-]?\d*\.(?:\d{1,2}|\d{4,})$/;

/**
 * How a file writes numbers, from number cells of its first records: `comma` when some carry a
 * decimal comma and none a decimal point that cannot be a thousands separator, `point` for the
 * opposite, `unknown` when they say neither (whole numbers only) or both.
 */
export function numberStyleOf(cells: Iterable<string>): NumberStyle {
  let comma = false;
  let point = false;
  for (const c of cells) {
    const s = clean(c);
    if (!comma && COMMA_DECIMAL.test(s)) comma = true;
    else if (!point && POINT_DECIMAL.test(s)) point = true;
  }
  return comma === point ? 'unknown' : comma ? 'comma' : 'point';
}

/** True for a cell such as `1.200` or `12.000.000`: points that could group thousands, no comma. */
export function looksPointGrouped(text: string): boolean {
  const s = clean(text);
  return s.indexOf(',') < 0 && POINT_GROUPED.test(s);
}

/**
 * Read a number cell: NaN when empty or not a finite decimal number (hex and the like are not
 * numbers here). With `decimalComma`, `1,5` reads as 1.5 and `1.234,5` as 1234.5; with
 * `pointGroups` too (a file in the `comma` style), `1.200` reads as 1200.
 */
export function parseNumberCell(text: string, decimalComma = false, pointGroups = false): number {
  const s = clean(text);
  if (s.length === 0) return NaN;
  if (pointGroups && POINT_GROUPED.test(s)) return Number(s.replace(/\./g, '').replace(',', '.'));
  let v = Number(s);
  if (v !== v) {
    if (decimalComma && COMMA_DECIMAL.test(s)) v = Number(s.replace(/\./g, '').replace(',', '.'));
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

/** 10^k for k = 0..15, each exact in a double. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * {@link parseNumberCell} of `text.slice(start, end)`, computed from the characters when the
 * cell is a plain decimal (see the module comment).
 * @param codes The code units of `text` (char-codes.ts).
 */
export function parseNumberSpan(codes: CharCodes, text: string, start: number, end: number, decimalComma = false, pointGroups = false): number {
  let i = start;
  let neg = false;
  if (i < end) {
    const c = codes[i];
    if (c === 45) {
      neg = true;
      i++;
    } else if (c === 43) i++;
  }
  let m = 0;
  let digits = 0;
  let frac = -1; // digits after the point; -1 when there is no point
  for (; i < end; i++) {
    const c = codes[i];
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      m = m * 10 + d;
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) frac = 0;
    else break;
  }
  if (i !== end || digits === 0 || digits > 15 || (pointGroups && frac >= 0)) return parseNumberCell(text.slice(start, end), decimalComma, pointGroups);
  const v = frac > 0 ? m / POW10[frac] : m;
  return neg ? -v : v;
}
