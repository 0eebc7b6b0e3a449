/**
 * Reading an Excel workbook (.xlsx) as the records of a sales export: one sheet (the first, or
 * the one named by config `sheet`), row by row, through exceljs' streaming reader, so that a
 * large workbook is never held whole. Each row becomes the text fields a CSV line would give
 * (dates as `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`, numbers as written by JavaScript, formulas
 * as their cached result), numbered by its sheet row, and goes through the same validation,
 * quarantine and accounting as a CSV line (ingest.ts `IngestLoop`). Blank rows are skipped,
 * as blank lines are.
 *
 * Library: exceljs (https://github.com/exceljs/exceljs), `stream.xlsx.WorkbookReader`.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { InputError, quoteInput } from '../errors.js';
import { CsvRecord } from './csv/csv-record.js';

/** The parts of exceljs' streaming reader used here. */
interface SheetRow {
  readonly number: number;
  readonly values: readonly unknown[] | Record<string, unknown>;
}
interface SheetReader extends AsyncIterable<SheetRow> {
  readonly name: string;
}
interface WorkbookReaderCtor {
  new (input: NodeJS.ReadableStream, options: Record<string, string>): AsyncIterable<SheetReader>;
}

/** exceljs' streaming reader, loaded on first use (CSV runs never load it). */
async function workbookReader(): Promise<WorkbookReaderCtor> {
  try {
    const mod = await import('exceljs');
    // the package's types give its sheet readers no `name`: the narrow interfaces above say what is read
    return (mod.default ?? mod).stream.xlsx.WorkbookReader as unknown as WorkbookReaderCtor;
  } catch (e) {
    throw new InputError(`reading .xlsx needs the exceljs package, which is not installed (${(e as Error).message}): run npm install, or save the sheet as CSV`);
  }
}

/** A record and its sheet row number, as the CSV reader hands them on. */
export type WorkbookSink = (rec: CsvRecord, row: number) => void;

/**
 * Read one sheet of a workbook file, record by record.
 * @param path The .xlsx file.
 * @param sheet Sheet name; undefined for the first sheet.
 * @param onRecord Called with each non-blank row (the header first).
 * @param onProgress Bytes of the file read so far, and its size.
 * @param onSheet Called with the name of the sheet read, before its rows.
 * @returns Records handed on (the header included).
 * @throws InputError when the workbook is unreadable or has no such sheet (the message lists
 *   the sheets it has).
 */
export async function readWorkbook(
  path: string,
  sheet: string | undefined,
  onRecord: WorkbookSink,
  onProgress?: (done: number, total: number) => void,
  onSheet?: (name: string) => void,
): Promise<number> {
  const Reader = await workbookReader();
  const total = (await stat(path)).size;
  let done = 0;
  const counted = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        done += chunk.length;
        onProgress?.(done, total);
        cb(null, chunk);
      },
    }),
  );
  const seen: string[] = [];
  const rec = new CsvRecord();
  let records = 0;
  try {
    for await (const ws of new Reader(counted, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' })) {
      seen.push(ws.name);
      const wanted = sheet === undefined ? seen.length === 1 : ws.name === sheet;
      if (!wanted) {
        for await (const _row of ws) void _row; // the reader needs each sheet drained
        continue;
      }
      onSheet?.(ws.name);
      for await (const row of ws) {
        const fields = rowFields(row.values);
        if (fields.every((f) => f.trim() === '')) continue;
        records++;
        onRecord(rec.setFields(fields), row.number);
      }
      counted.destroy();
      return records;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${quoteInput(path, 120)} could not be read as an Excel workbook (.xlsx): ${(e as Error).message}`);
  }
  if (sheet !== undefined) {
    throw new InputError(`the workbook has no sheet named ${quoteInput(sheet, 60)}; its sheets: ${seen.map((s) => quoteInput(s, 60)).join(', ') || 'none'}`);
  }
  throw new InputError(`${quoteInput(path, 120)} has no worksheet`);
}

/** The text fields of a row (exceljs puts cell A at index 1; missing cells are holes). */
export function rowFields(values: SheetRow['values']): string[] {
  const list = Array.isArray(values) ? values : Object.values(values);
  const out: string[] = [];
  for (let i = 1; i < list.length; i++) out.push(cellText(list[i]));
  return out;
}

/** The text of one cell value as exceljs reads it. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return dateText(v);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string; formula?: string };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('result' in o || 'formula' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    if (typeof o.error === 'string') return o.error;
  }
  return String(v);
}

/**
 * A date cell as text: Excel dates carry no time zone and exceljs gives them as the UTC instant
 * of their wall-clock time, so the UTC fields are the date and time as shown in the sheet.
 */
function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const time = iso.slice(11, 19);
  return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}
