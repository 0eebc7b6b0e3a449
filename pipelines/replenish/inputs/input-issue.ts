/**
 * Problems found in the replenishment input files (stock, on-order, items, suppliers), as data:
 * each names the file, the 1-based physical line (1 = the header), a code, the column when there
 * is one, and a readable message. A `reject` problem keeps the row out of the order computation;
 * a `warning` keeps it (e.g. a negative stock count read as 0, an overdue delivery). Nothing is
 * dropped silently: rows read = rows used + rows rejected, and every rejected row has at least
 * one `reject` issue.
 */

/** Which input file a problem comes from. */
export type InputFile = 'stock' | 'on-order' | 'items' | 'suppliers';

/** Codes of input problems. */
export type InputIssueCode =
  /** The file has no header row. */
  | 'empty_file'
  /** A required column is not in the header (line 1). */
  | 'missing_column'
  /** A required value is empty. */
  | 'missing_value'
  | 'bad_number'
  | 'bad_date'
  | 'bad_weekdays'
  | 'bad_time'
  /** A value outside its range (negative lead time, pack size 0, service target 1.2, ...). */
  | 'out_of_range'
  /** A value not among the allowed choices (service type). */
  | 'bad_choice'
  /** The same key listed twice; the later row is rejected. */
  | 'duplicate_key'
  /** A row whose store × sku matches no series (the message names the key and a near match). */
  | 'unknown_series'
  /** A row without a store where the sku is sold in several stores. */
  | 'ambiguous_store'
  /** An item naming a supplier that is not in the suppliers file. */
  | 'unknown_supplier'
  /** A negative stock count (read as 0). */
  | 'negative_stock'
  /** A stock count dated well before the sales (rolled forward, but check it). */
  | 'stale_stock'
  /** An open order whose expected date has passed (assumed to arrive on the order day). */
  | 'overdue_delivery'
  /** An open order without an expected date (assumed to arrive after the lead time). */
  | 'no_expected_date'
  /** A number such as `1.200` in a semicolon or tab file that does not tell whether the point groups thousands (read as 1.2). */
  | 'ambiguous_number';

/** One problem of one input row (zod-style: problems are data). */
export interface InputIssue {
  readonly file: InputFile;
  /** 1-based physical line in the file (1 = header). */
  readonly line: number;
  readonly code: InputIssueCode;
  /** `reject`: the row is not used; `warning`: the row is used as described in the message. */
  readonly severity: 'reject' | 'warning';
  /** Canonical column concerned, when there is one. */
  readonly field?: string;
  readonly message: string;
}

/** Counts of issues by code, for run.json and the report. */
export function countIssues(issues: readonly InputIssue[]): Partial<Record<InputIssueCode, number>> {
  const out: Partial<Record<InputIssueCode, number>> = {};
  for (const i of issues) out[i.code] = (out[i.code] ?? 0) + 1;
  return out;
}

/** Order of issues by line (stable for one line). */
export function byLine(a: InputIssue, b: InputIssue): number {
  return a.line - b.line;
}
