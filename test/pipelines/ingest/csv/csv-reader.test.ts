import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CsvReader, detectDelimiter, streamSource, type CsvReadOptions } from '../../../../pipelines/ingest/csv/csv-reader.js';
import { InputError } from '../../../../pipelines/errors.js';

interface Rec {
  line: number;
  end: number;
  fields: string[];
}

/** Read everything, feeding the input in pieces of `piece` bytes. */
async function readAll(input: string | Buffer, opts: CsvReadOptions = {}, piece = 1 << 20): Promise<Rec[]> {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += piece) chunks.push(buf.subarray(i, i + piece));
  const out: Rec[] = [];
  const summary = await new CsvReader(streamSource(chunks), opts).read((fields, line, end) => out.push({ line, end, fields: fields.slice() }));
  expect(summary.records).toBe(out.length);
  return out;
}

describe('readCsv', () => {
  it('drops a UTF-8 BOM, reads CRLF, and numbers records by physical line across a quoted line break', async () => {
    const text = '\uFEFFdate,sku,qty\r\n2024-01-01,A,"multi\r\nline"\r\n2024-01-02,B,2\r\n';
    const recs = await readAll(text);
    expect(recs).toEqual([
      { line: 1, end: 1, fields: ['date', 'sku', 'qty'] },
      { line: 2, end: 3, fields: ['2024-01-01', 'A', 'multi\nline'] },
      { line: 4, end: 4, fields: ['2024-01-02', 'B', '2'] },
    ]);
  });

  it('gives the same records and lines whatever the byte and chunk sizes', async () => {
    const text = 'a,b,c\r\n1,"x,y",3\r\n\r\n"q""uote","new\nline",6\n7,8,9\r\n   \n"é€😀",,\n';
    const expected = await readAll(text);
    expect(expected.map((r) => r.line)).toEqual([1, 2, 4, 6, 8]);
    expect(expected[2].fields).toEqual(['q"uote', 'new\nline', '6']);
    expect(expected[4].fields).toEqual(['é€😀', '', '']);
    for (const piece of [1, 2, 3, 5, 7, 64]) {
      for (const chunkSize of [1, 4, 16]) {
        expect(await readAll(text, { chunkSize }, piece)).toEqual(expected);
      }
    }
  });

  it('skips blank lines but counts them, and reads a last line without a line break', async () => {
    const recs = await readAll('h1,h2\n\n1,2\n \t \n3,4');
    expect(recs.map((r) => [r.line, r.fields])).toEqual([
      [1, ['h1', 'h2']],
      [3, ['1', '2']],
      [5, ['3', '4']],
    ]);
  });

  it('decompresses gzip input detected by its magic bytes', async () => {
    const recs = await readAll(gzipSync(Buffer.from('x,y\n1,2\n3,4\n')), {}, 7);
    expect(recs.map((r) => r.fields)).toEqual([
      ['x', 'y'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('throws InputError on corrupt gzip', async () => {
    const gz = gzipSync(Buffer.from('x,y\n1,2\n'.repeat(100)));
    await expect(readAll(gz.subarray(0, gz.length - 20))).rejects.toBeInstanceOf(InputError);
  });

  it('reads UTF-16LE with its BOM', async () => {
    const buf = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\tb\r\nä\t2\r\n', 'utf16le')]);
    const recs = await readAll(buf, {}, 3);
    expect(recs.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['ä', '2'],
    ]);
  });

  it('detects ; and tab delimiters from the first line, outside quotes', async () => {
    expect(detectDelimiter('Date;SKU;Qty')).toBe(';');
    expect(detectDelimiter('"a,b";c;d')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('single')).toBe(',');
    const recs = await readAll('Date;SKU;Qty\n2024-01-01;"A;1";1,5\n');
    expect(recs[1].fields).toEqual(['2024-01-01', 'A;1', '1,5']);
  });

  it('reads old Mac files whose only line break is CR', async () => {
    const recs = await readAll('a,b\r1,2\r3,4\r');
    expect(recs.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [3, ['3', '4']],
    ]);
  });

  it('keeps a lone CR inside a CRLF/LF file as data', async () => {
    const recs = await readAll('a,b\n1,x\ry\n');
    expect(recs[1].fields).toEqual(['1', 'x\ry']);
  });

  it('keeps every line after a stray quote once the open record exceeds maxRecordChars', async () => {
    // the quote before 1 is never closed: papaparse alone would read the rest as one field
    const text = 'a,b\n"1,2\n3,4\n5,6\n7,8\n9,10\n';
    const recs = await readAll(text, { maxRecordChars: 4, chunkSize: 2 }, 3);
    expect(recs.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['"1', '2']],
      [3, ['3', '4']],
      [4, ['5', '6']],
      [5, ['7', '8']],
      [6, ['9', '10']],
    ]);
    // without the cut-off the unclosed field runs to the end, as one record spanning lines 2-7
    const whole = await readAll(text);
    expect(whole).toHaveLength(2);
    expect(whole[1].line).toBe(2);
    expect(whole[1].fields).toEqual(['1,2\n3,4\n5,6\n7,8\n9,10\n']);
  });

  it('splits simply quoted lines itself and hands the others to papaparse, with the same fields', async () => {
    const texts = ['"a","b",c\n"",x\n', '"2011-01-29","CA_1",0,\n', '"a,b",c\n', 'a"b,c\n', '"a""b",c\n', '"a\nb",1\n', '",x\n', 'x,"\n', '"ab"c,d\n', 'ab",c\n', '"a"  ,b\n'];
    for (const t of texts) {
      const reference = Papa.parse<string[]>(t, { delimiter: ',', newline: '\n' }).data.filter((r) => !(r.length === 1 && r[0] === ''));
      expect((await readAll(t, { delimiter: ',' })).map((r) => r.fields)).toEqual(reference);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const fieldChars = fc.constantFrom('a', 'b', ' ', ',', '"', '\n', 'é', '😀', ';', '1');

/** RFC 4180 cell: quoted when it holds a delimiter, quote, line break or surrounding space. */
function cell(s: string): string {
  return /[",\n\r]|^\s|\s$/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

describe('readCsv properties', () => {
  it('reads back well-formed CSV exactly, with the physical line of every record', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.string({ unit: fieldChars, maxLength: 6 }), { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(2), { minLength: 25, maxLength: 25 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 64 }),
        async (rows, blanks, crlf, bom, piece, chunkSize) => {
          const eol = crlf ? '\r\n' : '\n';
          let text = bom ? '\uFEFF' : '';
          const expected: Rec[] = [];
          let line = 1;
          rows.forEach((r, i) => {
            for (let k = 0; k < blanks[i]; k++) {
              text += eol;
              line++;
            }
            const rendered = r.map(cell).join(',');
            text += rendered + eol;
            const span = (rendered.match(/\n/g) ?? []).length;
            expected.push({ line, end: line + span, fields: r });
            line += span + 1;
          });
          const got = await readAll(text, { chunkSize, delimiter: ',' }, piece);
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws and never loses a line on malformed text: every line with content lies in a record', async () => {
    const junk = fc.constantFrom('a', '1', ',', '"', '""', '\n', '\r\n', '\r', ' ', '\uFEFF', '\u0000', '\uFFFD', 'é', ';');
    await fc.assert(
      fc.asyncProperty(fc.array(junk, { maxLength: 120 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 32 }), async (parts, piece, chunkSize) => {
        const text = parts.join('');
        const got = await readAll(text, { chunkSize, delimiter: ',', maxRecordChars: 1 << 20 }, piece);
        // physical lines as the reader defines them (BOM dropped; CR-only text breaks at CR)
        const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
        const brk = body.search(/[\r\n]/);
        const crOnly = brk !== -1 && body[brk] === '\r' && body[brk + 1] !== '\n';
        const norm = crOnly ? body.replace(/\r/g, '\n') : body.replace(/\r\n/g, '\n');
        const lines = norm.split('\n');
        for (let i = 1; i < got.length; i++) expect(got[i].line).toBeGreaterThan(got[i - 1].end);
        lines.forEach((l, i) => {
          if (l.replace(/["\s]/g, '').length === 0) return; // blank or only quotes: may be skipped
          const n = i + 1;
          expect(got.some((r) => r.line <= n && n <= r.end)).toBe(true);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('parses like papaparse on the whole text, whatever the chunking and the fast path', async () => {
    const junk = fc.constantFrom('a', 'b', ',', '"', '""', '\n', ' ', '"a"', '"a,b"', ',"', '",');
    await fc.assert(
      fc.asyncProperty(fc.array(junk, { maxLength: 80 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 32 }), async (parts, piece, chunkSize) => {
        const text = parts.join('');
        const reference = (Papa.parse<string[]>(text, { delimiter: ',', newline: '\n' }).data as string[][]).filter(
          (r) => !(r.length === 1 && /^[ \t]*$/.test(r[0])), // blank lines are not records
        );
        const got = await readAll(text, { chunkSize, delimiter: ',', maxRecordChars: 1 << 20 }, piece);
        expect(got.map((r) => r.fields)).toEqual(reference);
      }),
      { numRuns: 400 },
    );
  });
});

describe('long lines (maxLineChars)', () => {
  /** Records with their long-line length, reading `text` in pieces of `piece` characters. */
  async function readLong(text: string, opts: CsvReadOptions, piece: number): Promise<Array<{ line: number; fields: string[]; long: number }>> {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += piece) chunks.push(text.slice(i, i + piece));
    const out: Array<{ line: number; fields: string[]; long: number }> = [];
    const summary = await new CsvReader(streamSource(chunks), opts).readRecords((rec, line) => out.push({ line, fields: rec.fields(), long: rec.longChars }));
    expect(summary.records).toBe(out.length);
    return out;
  }

  it('delivers a line past the limit as its first characters with its length, and reads on', async () => {
    const text = `a,b\n1,2\n${'x'.repeat(300)},${'y'.repeat(200)}\n3,4\n${'z'.repeat(1000)}`;
    for (const piece of [7, 64, 1 << 20]) {
      const recs = await readLong(text, { maxLineChars: 100, maxRecordChars: 100, chunkSize: 16 }, piece);
      expect(recs.map((r) => [r.line, r.long]), String(piece)).toEqual([
        [1, 0],
        [2, 0],
        [3, 501],
        [4, 0],
        [5, 1000],
      ]);
      expect(recs[2].fields).toEqual(['x'.repeat(256)]);
      expect(recs[4].fields).toEqual(['z'.repeat(256)]);
      expect(recs[3].fields).toEqual(['3', '4']);
    }
  });

  it('any chunking gives the same records: lines up to the limit as papaparse reads them, longer ones cut', async () => {
    const line = fc.oneof(fc.stringMatching(/^[a-c,]{0,12}$/), fc.stringMatching(/^[a-c,]{30,80}$/));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 40 }), async (lines, piece, chunkSize) => {
        const text = 'h1,h2\n' + lines.join('\n') + '\n';
        const recs = await readLong(text, { maxLineChars: 25, maxRecordChars: 25, chunkSize }, piece);
        const expected: Array<{ line: number; fields: string[]; long: number }> = [{ line: 1, fields: ['h1', 'h2'], long: 0 }];
        lines.forEach((l, i) => {
          if (l.length > 25) expected.push({ line: i + 2, fields: l.slice(0, 256).split(','), long: l.length });
          else if (l.trim() !== '') expected.push({ line: i + 2, fields: Papa.parse<string[]>(l).data[0] ?? [''], long: 0 });
        });
        expect(recs).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a line with no end in linear time: 64 MB is skipped, not parsed', async () => {
    const piece = 'q'.repeat(1 << 20);
    async function* source() {
      yield 'a,b\n1,2\n';
      for (let i = 0; i < 64; i++) yield piece;
      yield '\n3,4\n';
    }
    const t = Date.now();
    const out: Array<[number, number, number]> = [];
    await new CsvReader(streamSource(source())).readRecords((rec, line) => out.push([line, rec.count, rec.longChars]));
    expect(out).toEqual([
      [1, 2, 0],
      [2, 2, 0],
      [3, 1, 64 << 20],
      [4, 2, 0],
    ]);
    expect(Date.now() - t).toBeLessThan(20_000); // quadratic, this took minutes
  });
});

