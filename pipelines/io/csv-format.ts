/**
 * CSV cells as users' spreadsheets will read them: RFC 4180 quoting, UTF-8, ISO dates,
 * numbers in a fixed, locale-free format, and neutralisation of spreadsheet formula injection.
 *
 * Formula injection (OWASP "CSV Injection"): a cell that begins with `=`, `+`, `-`, `@`, a tab
 * or a carriage return can be executed as a formula by Excel or LibreOffice. Such a cell is
 * prefixed with a single quote unless it is a plain number (`-3`, `+1.5e3` stay as they are).
 */

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NEEDS_QUOTES_RE = /[",\r\n]|^\s|\s$/;

/** Neutralise a text cell that a spreadsheet would run as a formula. */
export function neutraliseFormula(text: string): string {
  if (text.length === 0) return text;
  const c = text.charCodeAt(0);
  // = + - @ \t \r
  if (c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) {
    if (NUMBER_RE.test(text)) return text;
    return `'${text}`;
  }
  return text;
}

/** One text cell: neutralised, then quoted per RFC 4180 when needed. */
export function textCell(text: string): string {
  const safe = neutraliseFormula(text);
  return NEEDS_QUOTES_RE.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * A number cell rounded to `digits` decimals, without trailing zeros or exponent noise.
 * @throws when the value is NaN or infinite: no NaN may reach a published file.
 */
export function numberCell(value: number, digits = 4): string {
  // a whole number prints as itself (toFixed then Number gives it back exactly): most quantiles
  // of count data, which skip the string round trip; 0 covers -0
  if (Number.isInteger(value)) return value === 0 ? '0' : String(value);
  if (!Number.isFinite(value)) throw new Error(`numberCell needs a finite number, got ${value}`);
  const r = Number(value.toFixed(digits));
  return Object.is(r, -0) ? '0' : String(r);
}

/** A cell for a value that may be absent: empty for null/undefined. */
export function optionalNumberCell(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined || Number.isNaN(value) ? '' : numberCell(value, digits);
}

/** Join cells into one CSV line terminated by CRLF (RFC 4180 §2.1). */
export function csvLine(cells: readonly string[]): string {
  return cells.join(',') + '\r\n';
}

/** A header line from plain column names. */
export function headerLine(columns: readonly string[]): string {
  return csvLine(columns.map(textCell));
}
