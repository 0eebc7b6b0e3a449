import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { CsvReader, streamSource } from '../../../pipelines/ingest/csv/csv-reader.js';
import { CsvRecord } from '../../../pipelines/ingest/csv/csv-record.js';
import { dayFromYmd } from '../../../pipelines/dates.js';
import { ingestStream } from '../../../pipelines/ingest/ingest.js';
import { LineSet } from '../../../pipelines/ingest/line-set.js';
import type { RejectedRow } from '../../../pipelines/types.js';

/** Every record of a CSV text as the reader delivers it, hashed by the scanner, copied. */
async function records(text: string, chunkSize?: number): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  const reader = new CsvReader(streamSource([text]), chunkSize ? { chunkSize } : {});
  reader.hashRecords = true;
  await reader.readRecords((rec) => {
    // a copy that keeps the spans, the form and the scanner's hash
    const r = new CsvRecord(rec.count);
    r.text = rec.text;
    r.codes = rec.codes.slice();
    r.count = rec.count;
    r.starts.set(rec.starts.subarray(0, rec.count));
    r.ends.set(rec.ends.subarray(0, rec.count));
    r.raw = rec.raw;
    r.hashState = rec.hashState;
    r.hashed = rec.hashed;
    out.push(r);
  });
  return out;
}

describe('LineSet', () => {
  it('finds exact repeats among many lines and keeps field boundaries apart', () => {
    const set = new LineSet({ initialSlots: 16 });
    for (let i = 0; i < 20_000; i++) expect(set.addFields([`inv${i}`, 'A', String(i % 7)])).toBe(false);
    for (let i = 0; i < 20_000; i += 97) expect(set.addFields([`inv${i}`, 'A', String(i % 7)])).toBe(true);
    expect(set.size).toBe(20_000);
    expect(set.addFields(['ab', 'c'])).toBe(false);
    expect(set.addFields(['a', 'bc'])).toBe(false);
    expect(set.addFields(['abc'])).toBe(false);
    expect(set.addFields(['abc', ''])).toBe(false);
    expect(set.addFields(['a,b', 'c'])).toBe(false);
    expect(set.addFields(['a', 'b,c'])).toBe(false);
    expect(set.addFields(['a', 'b', 'c'])).toBe(false);
    expect(set.addFields(['a,b', 'c'])).toBe(true);
  });

  it('never reports a false duplicate when every hash collides (exact comparison only)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom('', 'a', 'b', 'ab', ',', 'a,b', '"', 'é', '😀', ' '), { minLength: 1, maxLength: 4 }), { maxLength: 80 }), (rows) => {
        const set = new LineSet({ hashMask: 0, initialSlots: 16 });
        const seen = new Set<string>();
        for (const row of rows) {
          const key = JSON.stringify(row);
          expect(set.addFields(row)).toBe(seen.has(key));
          seen.add(key);
        }
        expect(set.size).toBe(seen.size);
      }),
    );
  });

  it('compares lines the reader split itself with records made of strings, whatever their quoting', async () => {
    // same fields quoted differently are duplicates; a delimiter inside quotes is a different field
    const recs = await records(['x,y,z', '"a","b",c', 'a,b,"c"', '"a,b",c,d', 'a,"b,c",d', '"a,b",c,d', 'a,b', '"a" ,b,c', 'a,"b""",c', '"a","b""",c'].join('\n') + '\n');
    // what the reader's fields say (papaparse's rules)
    const seen = new Set<string>();
    const expected = recs.map((r) => {
      const key = JSON.stringify(r.fields());
      const dup = seen.has(key);
      seen.add(key);
      return dup;
    });
    expect(expected.slice(0, 7)).toEqual([false, false, true, false, false, true, false]);
    expect(expected[9]).toBe(true);
    for (const mask of [-1, 0]) {
      const set = new LineSet({ hashMask: mask });
      expect(recs.map((r) => set.add(r))).toEqual(expected);
      // the same fields given as strings are all seen
      expect(set.addFields(['a', 'b', 'c'])).toBe(true);
      expect(set.addFields(['a,b', 'c', 'd'])).toBe(true);
      expect(set.addFields(['a', 'b,c', 'd'])).toBe(true);
      expect(set.addFields(['a', 'b'])).toBe(true);
      expect(set.addFields(['a', 'b', 'd'])).toBe(false);
    }
  });

  it('the scanner hash of a line equals the hash of its fields, for any line', async () => {
    const cell = fc.constantFrom('', 'a', 'bc', '"q"', '"x,y"', '"l1\nl2"', 'x"y', ' ', 'é', '€', '😀', '12.5');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 64 }), async (rows, chunkSize) => {
        const recs = await records(rows.map((r) => r.join(',')).join('\n') + '\n', chunkSize);
        for (const r of recs) {
          const fromScanner = r.fieldsHash();
          expect(new CsvRecord().setFields(r.fields()).fieldsHash()).toBe(fromScanner);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('ingest rejects exact repeats only, also when quoted differently', async () => {
    const rejected: RejectedRow[] = [];
    const text = ['InvoiceNo,StockCode,Quantity,InvoiceDate', '1,A,2,2024-01-01 10:00', '"1","A","2","2024-01-01 10:00"', '1,A,2,2024-01-01 10:01', '"1,",A,2,2024-01-01 10:00'].join('\n');
    const res = await ingestStream([text], { config: parseConfig({}), runDay: dayFromYmd(2024, 12, 31), onReject: (r) => rejected.push(r) });
    expect(rejected.map((r) => [r.line, r.codes])).toEqual([[3, ['duplicate_row']]]);
    expect(res.duplicateTable?.lines).toBe(3);
  });
});
