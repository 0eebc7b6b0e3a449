/**
 * Excel workbooks (pipelines/ingest/workbook.ts) and the formats refused with a message
 * (input-format.ts). The fixture test/fixtures/exports/cafe-two-sheets.xlsx was written with
 * exceljs: sheet "Notes" (one line of text), then sheet "Sales": a header Date, Item, Qty,
 * Price, Till; rows 2-3 on 2026-11-02 (Latte 12, Scone 5), row 4 blank, row 5 Latte with the
 * formula 7+3 (cached result 10), row 6 Scone in rich text with quantity "lots", row 7 a date
 * typed as text 2026-11-04 (Latte 9). Date cells are formatted yyyy-mm-dd.
 */
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { formatDay, parseIsoDay } from '../../../pipelines/dates.js';
import { InputError } from '../../../pipelines/errors.js';
import { ingestFile } from '../../../pipelines/ingest/ingest.js';
import { cellText, rowFields } from '../../../pipelines/ingest/workbook.js';
import type { RejectedRow } from '../../../pipelines/types.js';

const XLSX = fileURLToPath(new URL('../../fixtures/exports/cafe-two-sheets.xlsx', import.meta.url));
const runDay = parseIsoDay('2026-11-30');
const tmp = mkdtempSync(join(tmpdir(), 'workbook-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('reading an .xlsx', () => {
  it('the named sheet, with the same validation, quarantine (sheet row numbers) and accounting as a CSV', async () => {
    const rejected: RejectedRow[] = [];
    const res = await ingestFile(XLSX, { config: parseConfig({ sheet: 'Sales' }), runDay, onReject: (r) => rejected.push(r) });
    // 5 non-blank rows after the header; the blank row 4 is not a record
    expect(res.rows).toEqual({ read: 5, accepted: 4, rejected: 1 });
    expect(rejected.map((r) => [r.line, r.codes.join(), r.raw])).toEqual([[6, 'bad_quantity', ['2026-11-03', 'Scone', 'lots', '2.5', 'T1']]]);
    expect(res.mapping).toEqual({ date: 'Date', sku: 'Item', quantity: 'Qty', price: 'Price' });
    const by = Object.fromEntries(res.series.map((s) => [s.sku, [formatDay(s.start), Array.from(s.demand)]]));
    // Latte: 12 on 11-02, the formula's 10 on 11-03, 9 on 11-04 (a date typed as text)
    expect(by.Latte).toEqual(['2026-11-02', [12, 10, 9]]);
    expect(by.Scone).toEqual(['2026-11-02', [5, 0, 0]]);
  });

  it('the first sheet by default: a header that is not a sales export names the sheet and --sheet', async () => {
    const e = await ingestFile(XLSX, { config: parseConfig({}), runDay }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/^sheet "Notes" of the workbook: no date, sku, quantity column found/);
    expect((e as Error).message).toContain('--sheet NAME');
  });

  it('a sheet that is not there: the sheets it has', async () => {
    await expect(ingestFile(XLSX, { config: parseConfig({ sheet: 'Verkauf' }), runDay })).rejects.toThrow('the workbook has no sheet named "Verkauf"; its sheets: "Notes", "Sales"');
  });

  it('cell values as text', () => {
    expect(cellText(new Date(Date.UTC(2026, 10, 2)))).toBe('2026-11-02');
    expect(cellText(new Date(Date.UTC(2026, 10, 2, 21, 30, 5)))).toBe('2026-11-02 21:30:05');
    expect(cellText({ formula: 'A1*2', result: 4 })).toBe('4');
    expect(cellText({ richText: [{ text: 'a' }, { text: 'b' }] })).toBe('ab');
    expect(cellText({ text: 'link', hyperlink: 'http://example.invalid' })).toBe('link');
    expect(cellText({ error: '#N/A' })).toBe('#N/A');
    expect(cellText(true)).toBe('TRUE');
    expect(cellText(2.55)).toBe('2.55');
    expect(cellText(undefined)).toBe('');
    // exceljs puts column A at index 1, with holes for empty cells
    expect(rowFields([undefined, 'a', undefined, 3])).toEqual(['a', '', '3']);
  });
});

describe('spreadsheets this tool does not read: one line saying what to save as', () => {
  /** A zip whose first entry is `name` (a local file header and nothing else). */
  function zipWithFirstEntry(name: string): Buffer {
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(name.length, 26);
    return Buffer.concat([head, Buffer.from(name, 'latin1'), Buffer.from('application/vnd.oasis.opendocument.spreadsheet')]);
  }
  const cases: [string, Buffer, RegExp][] = [
    ['old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), /an old Excel workbook \(\.xls\)/],
    ['sheet.ods', zipWithFirstEntry('mimetype'), /an OpenDocument spreadsheet \(\.ods\)/],
    ['renamed.csv', zipWithFirstEntry('mimetype'), /an OpenDocument spreadsheet \(\.ods\)/],
    ['sales.numbers', zipWithFirstEntry('Index/Document.iwa'), /an Apple Numbers document/],
    ['exports.zip', zipWithFirstEntry('sales-2026.csv'), /is a zip archive, not a sales export: unzip it/],
  ];
  for (const [name, bytes, message] of cases) {
    it(name, async () => {
      const path = join(tmp, name);
      writeFileSync(path, bytes);
      const e = await ingestFile(path, { config: parseConfig({}), runDay }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toMatch(message);
      expect((e as Error).message).toContain('save the sheet as CSV (UTF-8) or as an Excel workbook (.xlsx)');
      expect((e as Error).message.split('\n')).toHaveLength(1);
    });
  }
});
