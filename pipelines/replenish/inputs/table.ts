/**
 * A small replenishment input file (stock, on-order, items, suppliers) as a table, and the one
 * row loop that turns its rows into typed records checked by a zod schema.
 *
 * Reading goes through the project's CSV reader (pipelines/ingest/csv/csv-reader.ts: any encoding, BOM,
 * gzip, delimiter detection, quoted line breaks, physical line numbers). Parsing is pure:
 * 1. the header is matched per field against a list of ordinary names, compared after
 *    {@link normaliseColumnName} (case, spaces, `_`, `-`, `.` ignored; first name found wins);
 *    a missing required column is one `missing_column` issue on line 1 and no row is used;
 * 2. each row's cells are converted by their field's cell reader (text trimmed, numbers with a
 *    decimal comma when the delimiter is `;`, dates in the forms ingest reads with the
 *    day/month order detected from the column, ...); an empty cell is `undefined`;
 * 3. the record is checked with the file's zod schema; every zod issue becomes an
 *    {@link InputIssue} (`missing_value`, `bad_number`, `bad_date`, `out_of_range`, ...) naming
 *    the column and the text found, and the row is rejected.
 * Rows read = rows returned + rows rejected, always.
 */
import type { z } from 'zod';
import { COLUMN_NAMES, normaliseColumnName } from '../../ingest/columns.js';
import { CsvReader, fileSource, streamSource, type ByteSource } from '../../ingest/csv/csv-reader.js';
import { detectDateOrder, parseDateDay, type DateOrder } from '../../ingest/csv/date-cell.js';
import { looksPointGrouped, numberStyleOf, parseNumberCell } from '../../ingest/csv/number-cell.js';
import type { InputFile, InputIssue, InputIssueCode } from './input-issue.js';
import { InputError, quoteInput } from '../../errors.js';

/** One data row of a table, with its physical line. */
export interface TableRow {
  readonly line: number;
  readonly fields: readonly string[];
}

/** A CSV file read whole: header and data rows. */
export interface CsvTable {
  /** Header cells as read; empty when the file has no record at all. */
  readonly header: readonly string[];
  readonly rows: readonly TableRow[];
  readonly delimiter: string;
}

/**
 * Read every record of a CSV source into a table (the first record is the header).
 * @throws InputError on unreadable or corrupt gzip input (from the reader); never on content.
 */
export async function readTable(source: ByteSource): Promise<CsvTable> {
  const reader = new CsvReader(source);
  let header: string[] = [];
  const rows: TableRow[] = [];
  let first = true;
  await reader.read((fields, line) => {
    if (first) {
      header = fields.slice();
      first = false;
    } else rows.push({ line, fields: fields.slice() });
  });
  return { header, rows, delimiter: reader.delimiter };
}

/** {@link readTable} over CSV text. */
export function readTableText(text: string): Promise<CsvTable> {
  return readTable(streamSource([text]));
}

/**
 * {@link readTable} over a file (gzip detected): a regular file (fileSource refuses a device or
 * a FIFO) whose content, decompressed, is at most `maxBytes` bytes, since the whole table is held.
 * @param maxBytes config `validation.maxSideFileBytes`. @defaultValue 64 MiB
 * @throws InputError when the file is missing, not a regular file, or larger than `maxBytes`.
 */
export async function readTableFile(path: string, maxBytes = 64 * 1024 * 1024): Promise<CsvTable> {
  const source = await fileSource(path);
  const tooLarge = () => new InputError(`${quoteInput(path)} holds more than the ${maxBytes.toLocaleString('en-US')} bytes allowed (validation.maxSideFileBytes)`);
  if (source.totalBytes > maxBytes) throw tooLarge();
  async function* capped(): AsyncGenerator<Uint8Array | string> {
    let n = 0;
    for await (const c of source.chunks) {
      n += typeof c === 'string' ? c.length : c.byteLength;
      if (n > maxBytes) throw tooLarge();
      yield c;
    }
  }
  return readTable({ ...source, chunks: capped() });
}

/** How a cell's text becomes a value: `undefined` for an empty cell, NaN for an unreadable one. */
export type CellKind = 'text' | 'number' | 'date' | 'fraction' | 'weekdays' | 'time' | 'choice';

/** One field of a file: header names, whether the column must exist, how cells are read. */
export interface FieldSpec {
  /** Ordinary header names, normalised ({@link normaliseColumnName}), in priority order. */
  readonly names: readonly string[];
  /** The column must be in the header. */
  readonly required: boolean;
  readonly kind: CellKind;
  /** For kind `choice`: normalised cell text -> value. */
  readonly choices?: Readonly<Record<string, string>>;
  /** For kinds `weekdays` and `time`: the cell reader (NaN when unreadable). */
  readonly read?: (text: string) => number;
}

/** The fields of one file. */
export interface TableSpec<F extends string> {
  readonly file: InputFile;
  readonly fields: Readonly<Record<F, FieldSpec>>;
}

/** Where each field was found: its column index and header text, -1 / null when absent. */
export interface ColumnsFound<F extends string> {
  readonly index: Readonly<Record<F, number>>;
  readonly names: Readonly<Record<F, string | null>>;
}

/** A parsed row: the schema's output plus the physical line it came from. */
export type Parsed<T> = T & { readonly line: number };

/** Result of {@link parseTable}. */
export interface ParsedTable<F extends string, T> {
  readonly rows: Parsed<T>[];
  readonly issues: InputIssue[];
  /** Data rows read. */
  readonly read: number;
  /** Data rows rejected (read = rows.length + rejected). */
  readonly rejected: number;
  readonly columns: ColumnsFound<F>;
}

/**
 * Find each field's column in a header (rule 1 of the module comment).
 * @returns the columns, and one `missing_column` issue per required field that is absent.
 */
export function findColumns<F extends string>(header: readonly string[], spec: TableSpec<F>): { columns: ColumnsFound<F>; issues: InputIssue[] } {
  const norm = header.map(normaliseColumnName);
  const index = {} as Record<F, number>;
  const names = {} as Record<F, string | null>;
  const issues: InputIssue[] = [];
  const taken = new Set<number>();
  for (const field of Object.keys(spec.fields) as F[]) {
    const fs = spec.fields[field];
    let at = -1;
    for (const name of fs.names) {
      const i = norm.findIndex((h, j) => h === name && !taken.has(j));
      if (i >= 0) {
        at = i;
        break;
      }
    }
    if (at >= 0) taken.add(at);
    index[field] = at;
    names[field] = at >= 0 ? header[at] : null;
    if (at < 0 && fs.required) {
      issues.push({
        file: spec.file,
        line: 1,
        code: 'missing_column',
        severity: 'reject',
        field,
        message: `the ${spec.file} file needs a ${field} column (recognised headers: ${fs.names.join(', ')}); header: ${header.join(',') || '(empty)'}`,
      });
    }
  }
  return { columns: { index, names }, issues };
}

/** Cell reader of one field in one table (dates need the column's day/month order). */
type CellReader = (text: string) => unknown;

function cellReader(fs: FieldSpec, order: DateOrder, decimalComma: boolean, pointGroups: boolean): CellReader {
  switch (fs.kind) {
    case 'text':
      return (t) => t;
    case 'number':
      return (t) => parseNumberCell(t, decimalComma, pointGroups);
    case 'fraction':
      return (t) => parseFraction(t, decimalComma, pointGroups);
    case 'date':
      return (t) => parseDateDay(t, order);
    case 'choice':
      return (t) => fs.choices?.[normaliseColumnName(t)] ?? t;
    case 'weekdays':
    case 'time':
      if (!fs.read) throw new Error(`parseTable needs a reader for a ${fs.kind} field`);
      return fs.read;
  }
}

/**
 * A share written as 0.95, 95, `95%` or `95 %`: values above 1 (or with `%`) are percentages.
 * @returns the share, NaN when unreadable.
 */
export function parseFraction(text: string, decimalComma = false, pointGroups = false): number {
  const t = text.trim();
  const pct = t.endsWith('%');
  const v = parseNumberCell(pct ? t.slice(0, -1) : t, decimalComma, pointGroups);
  if (!Number.isFinite(v)) return NaN;
  return pct || v > 1 ? v / 100 : v;
}

/**
 * How a table writes numbers (pipelines/ingest/csv/number-cell.ts, the sales file's rule): with a
 * delimiter other than a comma, a decimal comma; points group thousands (`1.200` = 1200) when
 * the table's number cells write decimal commas and no decimal point. When they tell neither,
 * a cell such as `1.200` is read as 1.2 with an `ambiguous_number` warning on its row.
 */
function numberFields<F extends string>(table: CsvTable, spec: TableSpec<F>, columns: ColumnsFound<F>, fields: readonly F[]) {
  const decimalComma = table.delimiter !== ',';
  if (!decimalComma) return { decimalComma, pointGroups: false, issues: [] as InputIssue[] };
  const numeric = fields.filter((f) => spec.fields[f].kind === 'number' || spec.fields[f].kind === 'fraction');
  const cells = new Map(numeric.map((f) => [f, table.rows.map((r) => (r.fields[columns.index[f]] ?? '').trim().replace(/%$/, ''))]));
  const style = numberStyleOf([...cells.values()].flat());
  const issues: InputIssue[] = [];
  if (style === 'unknown') {
    for (const f of numeric) {
      const texts = cells.get(f)!;
      table.rows.forEach((r, i) => {
        const text = texts[i];
        if (!looksPointGrouped(text)) return;
        const message = `${columns.names[f] ?? f} "${text}" is read as ${Number(text)}: in a file separated by semicolons or tabs a point may group thousands (${text.replace(/\./g, '')}), and no number of the file has a decimal comma or point to tell; write it without the point if it means ${text.replace(/\./g, '')}`;
        issues.push({ file: spec.file, line: r.line, code: 'ambiguous_number', severity: 'warning', field: f, message });
      });
    }
  }
  return { decimalComma, pointGroups: style === 'comma', issues };
}

const BAD_KIND: Record<CellKind, InputIssueCode> = {
  text: 'missing_value',
  number: 'bad_number',
  fraction: 'bad_number',
  date: 'bad_date',
  weekdays: 'bad_weekdays',
  time: 'bad_time',
  choice: 'bad_choice',
};

/**
 * Parse every data row of a table with a zod schema (rules 2 and 3 of the module comment).
 *
 * @param table The table ({@link readTable}).
 * @param spec The file's fields.
 * @param schema Checks the record of converted cells (keys = field names, empty cells absent).
 * @returns typed rows with their lines, and every problem; with a required column missing, no
 *   row (all counted as rejected) and the `missing_column` issues.
 */
export function parseTable<F extends string, T>(table: CsvTable, spec: TableSpec<F>, schema: z.ZodType<T>): ParsedTable<F, T> {
  const read = table.rows.length;
  if (table.header.length === 0) {
    const issue: InputIssue = { file: spec.file, line: 1, code: 'empty_file', severity: 'reject', message: `the ${spec.file} file is empty (no header row)` };
    return { rows: [], issues: [issue], read, rejected: read, columns: findColumns([], spec).columns };
  }
  const { columns, issues } = findColumns(table.header, spec);
  if (issues.length > 0) return { rows: [], issues, read, rejected: read, columns };
  const fields = (Object.keys(spec.fields) as F[]).filter((f) => columns.index[f] >= 0);
  const numbers = numberFields(table, spec, columns, fields);
  const readers = new Map<F, CellReader>();
  for (const f of fields) {
    const fs = spec.fields[f];
    const order = fs.kind === 'date' ? (detectDateOrder(table.rows.map((r) => r.fields[columns.index[f]] ?? '')) ?? 'dmy') : 'dmy';
    readers.set(f, cellReader(fs, order, numbers.decimalComma, numbers.pointGroups));
  }
  for (const i of numbers.issues) issues.push(i);
  const rows: Parsed<T>[] = [];
  let rejected = 0;
  for (const row of table.rows) {
    const record: Record<string, unknown> = {};
    const raw: Record<string, string> = {};
    for (const f of fields) {
      const text = (row.fields[columns.index[f]] ?? '').trim();
      raw[f] = text;
      if (text !== '') record[f] = readers.get(f)!(text);
    }
    const r = schema.safeParse(record);
    if (r.success) {
      rows.push({ ...r.data, line: row.line });
      continue;
    }
    rejected++;
    for (const zi of r.error.issues) {
      const field = String(zi.path[0] ?? '');
      const fs = spec.fields[field as F];
      const text = raw[field];
      // a readable number the schema refuses (2.5 where whole days are needed) is out of range
      const readable = typeof record[field] === 'number' && Number.isFinite(record[field]);
      const code: InputIssueCode =
        text === undefined || text === ''
          ? 'missing_value'
          : zi.code === 'invalid_type' && !readable
            ? BAD_KIND[fs?.kind ?? 'text']
            : zi.code === 'invalid_value'
              ? 'bad_choice'
              : 'out_of_range';
      const column = columns.names[field as F] ?? field;
      const message = text === undefined || text === '' ? `${column} is empty` : `${column} ${zi.message.replace(/^Invalid input: /, '')} (got "${text}")`;
      issues.push({ file: spec.file, line: row.line, code, severity: 'reject', field, message });
    }
  }
  return { rows, issues, read, rejected, columns };
}

/** Header names of the store and sku columns: those ingest recognises in sales files. */
export const STORE_NAMES = COLUMN_NAMES.store;
export const SKU_NAMES = COLUMN_NAMES.sku;

/**
 * Keep the first row of each key; every later one is a `duplicate_key` rejection naming the
 * first row's line.
 * @param describe What the key is, for the message (`store "S1" sku "A"`).
 */
export function rejectRepeats<T extends { readonly line: number }>(rows: readonly T[], file: InputFile, keyOf: (r: T) => string, describe: (r: T) => string): { kept: T[]; issues: InputIssue[] } {
  const seen = new Map<string, number>();
  const kept: T[] = [];
  const issues: InputIssue[] = [];
  for (const r of rows) {
    const key = keyOf(r);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, r.line);
      kept.push(r);
    } else issues.push({ file, line: r.line, code: 'duplicate_key', severity: 'reject', message: `${describe(r)} is already listed on line ${first}; this row is not used` });
  }
  return { kept, issues };
}
