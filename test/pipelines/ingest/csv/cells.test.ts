/**
 * The span readers of the ingest hot path agree with their string definitions: numbers
 * (number-cell.ts), dates (date-cell.ts, against a copy of the string scanner they replaced),
 * interned keys (text-interner.ts) and code units (char-codes.ts, csv-record.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodeBuffer } from '../../../../pipelines/ingest/csv/char-codes.js';
import { CsvReader, streamSource } from '../../../../pipelines/ingest/csv/csv-reader.js';
import { CsvRecord, recordOf } from '../../../../pipelines/ingest/csv/csv-record.js';
import { daysFromCivil, lastDateLabel, parseDateDay, parseDateSpan, type DateOrder } from '../../../../pipelines/ingest/csv/date-cell.js';
import { parseNumberCell, parseNumberSpan } from '../../../../pipelines/ingest/csv/number-cell.js';
import { TextInterner } from '../../../../pipelines/ingest/text-interner.js';

/** `text` inside other characters, as a cell lies in a line: [whole, start, end]. */
function embed(text: string): [string, number, number] {
  return ['9,"' + text + '",7', 3, 3 + text.length];
}

const codes = new CodeBuffer();

describe('parseNumberSpan', () => {
  it('equals parseNumberCell on any text', () => {
    const numberish = fc.stringMatching(/^[ +\-0-9.,eExX]{0,20}$/);
    fc.assert(
      fc.property(fc.oneof(numberish, fc.string(), fc.double().map(String), fc.integer().map(String)), fc.boolean(), (t, comma) => {
        const [whole, a, b] = embed(t);
        expect(Object.is(parseNumberSpan(codes.of(whole, false), whole, a, b, comma), parseNumberCell(t, comma))).toBe(true);
      }),
      { numRuns: 3000 },
    );
    for (const t of ['2.55', '-0', '+.5', '5.', '.', '-', '0.1', '123456789012345', '1234567890123456', '0.000000000000001', '007']) {
      const [whole, a, b] = embed(t);
      expect(Object.is(parseNumberSpan(codes.of(whole, true), whole, a, b), parseNumberCell(t))).toBe(true);
    }
  });
});

/** The string date scanner that date-cell.ts replaced (copied from validate.ts), as the reference. */
function referenceDateDay(text: string, order: DateOrder): number {
  const num = new Int32Array(2);
  const readInt = (s: string, i: number, max: number): boolean => {
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
  };
  const dim = (y: number, m: number) => (m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
  let s = text;
  if (s.length && (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32)) s = s.trim();
  const n = num;
  if (!readInt(s, 0, 8)) return NaN;
  const a = n[0];
  const aLen = n[1];
  let i = aLen;
  let y: number;
  let m: number;
  let d: number;
  if (aLen === 8 && (i === s.length || s[i] === ' ' || s[i] === 'T')) {
    y = Math.floor(a / 10000);
    m = Math.floor(a / 100) % 100;
    d = a % 100;
  } else {
    const sep = s.charCodeAt(i);
    if (sep !== 45 && sep !== 47 && sep !== 46) return NaN;
    if (!readInt(s, i + 1, 2) || n[1] - (i + 1) > 2) return NaN;
    const b = n[0];
    i = n[1];
    if (s.charCodeAt(i) !== sep) return NaN;
    const cStart = i + 1;
    if (!readInt(s, cStart, 4)) return NaN;
    const c = n[0];
    const cLen = n[1] - cStart;
    i = n[1];
    if (aLen === 4) {
      if (cLen > 2) return NaN;
      y = a;
      m = b;
      d = c;
    } else if (aLen <= 2 && cLen === 4) {
      y = c;
      if (sep === 46 || order === 'dmy') {
        d = a;
        m = b;
      } else {
        m = a;
        d = b;
      }
    } else return NaN;
  }
  if (!(y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= dim(y, m))) return NaN;
  const day = daysFromCivil(y, m, d);
  if (i < s.length) {
    const t = s.charCodeAt(i);
    if (t !== 32 && t !== 84 && t !== 116) return NaN;
    i++;
    while (s.charCodeAt(i) === 32) i++;
    if (!readInt(s, i, 2)) return NaN;
    let h = n[0];
    i = n[1];
    if (s.charCodeAt(i) !== 58) return NaN;
    if (!readInt(s, i + 1, 2) || n[1] - (i + 1) !== 2) return NaN;
    const mi = n[0];
    i = n[1];
    if (s.charCodeAt(i) === 58) {
      if (!readInt(s, i + 1, 2) || n[1] - (i + 1) !== 2 || n[0] > 60) return NaN;
      i = n[1];
      if (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44) {
        if (!readInt(s, i + 1, 9)) return NaN;
        i = n[1];
      }
    }
    while (s.charCodeAt(i) === 32) i++;
    const ap = s.slice(i, i + 2).toUpperCase();
    if (ap === 'AM' || ap === 'PM') {
      if (h < 1 || h > 12) return NaN;
      h = (h % 12) + (ap === 'PM' ? 12 : 0);
      i += 2;
      while (s.charCodeAt(i) === 32) i++;
    }
    if (h > 23 || mi > 59) return NaN;
    void (h * 60 + mi);
    if (i < s.length) {
      const z = s.charCodeAt(i);
      if ((z === 90 || z === 122) && i + 1 === s.length) {
        // UTC
      } else if (z === 43 || z === 45) {
        if (!readInt(s, i + 1, 4)) return NaN;
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
            if (!readInt(s, i + 1, 2) || n[1] - (i + 1) !== 2) return NaN;
            om = n[0];
            i = n[1];
          }
        } else return NaN;
        if (i !== s.length || oh > 18 || om > 59) return NaN;
        // since issue 15: a timestamp with an offset counts on its own local date, as written
      } else return NaN;
    }
  }
  return day;
}

describe('parseDateSpan and parseDateDay', () => {
  it('equal the string scanner they replaced, on date-like and random text', () => {
    const part = fc.constantFrom('2011', '1', '01', '12', '13', '29', '31', '20110129', '-', '/', '.', ' ', 'T', 't', ':', '00', '59', '60', '61', '23', '24', 'AM', 'pm', 'Am', 'Z', 'z', '+', '+05', '-0530', ':30', '.123', ',5', 'x', '\u00a0', '\t', 'ａ');
    const datey = fc.array(part, { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.oneof(datey, fc.string({ maxLength: 30 })), fc.constantFrom<DateOrder>('dmy', 'mdy'), (t, order) => {
        let want = referenceDateDay(t, order);
        const got = parseDateDay(t, order);
        // period labels (2011-12, 2011-W05) are read since issue 15: the first day of the period
        if (Number.isNaN(want) && lastDateLabel() !== 0) want = got;
        expect(Object.is(got, want)).toBe(true);
        const [whole, a, b] = embed(t);
        expect(Object.is(parseDateSpan(codes.of(whole, false), whole, a, b, order), want)).toBe(true);
      }),
      { numRuns: 5000 },
    );
    for (const t of ['2010-12-01 08:26:00', '12/1/2010 8:26', ' 2024-01-05 ', '2024-01-01 8:26 PM', '2011-01-29T23:30:00-05:00', '20110129 10:00']) {
      for (const order of ['dmy', 'mdy'] as const) expect(Object.is(parseDateDay(t, order), referenceDateDay(t, order))).toBe(true);
    }
  });
});

describe('TextInterner', () => {
  it('gives one id and one string per text, and equal strings after starting over', () => {
    const it = new TextInterner(3);
    const line = 'A,B,A,C,D,A';
    const c = codes.of(line, true);
    const at = (k: number) => it.intern(c, line, k, k + 1);
    const a = at(0);
    expect(at(4)).toBe(a);
    expect(at(2)).not.toBe(a);
    expect(it.string(a)).toBe('A');
    at(6); // C: three texts held
    const d = at(8); // D: the table starts over
    expect(it.size).toBe(1);
    expect(it.string(d)).toBe('D');
    expect(it.string(at(10))).toBe('A');
    // long texts are copies, not views of the line
    const long = 'x'.repeat(40) + ',' + 'y'.repeat(20);
    const big = new TextInterner();
    const id = big.intern(codes.of(long, false), long, 0, 40);
    expect(big.string(id)).toBe('x'.repeat(40));
    expect(big.intern(codes.of(long, true), long, 0, 40)).toBe(id);
    expect(big.intern(codes.of(long, true), long, 0, 39)).not.toBe(id);
  });
});

describe('CodeBuffer and CsvRecord', () => {
  it('code units of one- and two-byte texts, short and long, in reused storage', () => {
    const buf = new CodeBuffer();
    for (const t of ['', 'abc', 'é€😀', 'a'.repeat(5000), 'é'.repeat(3000) + '€', '\u0000\uffff\ud800']) {
      const oneByte = [...t].every((ch) => ch.charCodeAt(0) < 128);
      for (const ob of oneByte ? [true, false] : [false]) {
        const c = buf.of(t, ob);
        for (let i = 0; i < t.length; i++) expect(c[i]).toBe(t.charCodeAt(i));
      }
    }
  });

  it('records made of strings: spans, codes, blank lines', () => {
    const r = recordOf(['a', '', 'é€']);
    expect(r.fields()).toEqual(['a', '', 'é€']);
    expect([r.field(2), r.field(3), r.fieldLength(2), r.raw]).toEqual(['é€', '', 2, false]);
    expect(r.codes[r.starts[2] + 1]).toBe(0x20ac);
    expect(recordOf([' \t ']).isBlank()).toBe(true);
    expect(recordOf(['', '']).isBlank()).toBe(false);
  });

  it('the reader gives the same fields as spans as it does as strings, over many pieces', async () => {
    // several 512 KB pieces: ASCII ones (one byte per code unit) and non-ASCII ones
    const rows: string[] = ['a,b,c'];
    for (let i = 0; i < 60_000; i++) {
      const wide = i > 40_000; // the first pieces are ASCII
      rows.push(i % 7 === 0 ? `"${i}","x,y${wide ? 'é' : ''}",${i}` : `${i},"q${i}",${wide && i % 5 === 0 ? '€' : ''}`);
    }
    const text = rows.join('\n') + '\n';
    const bytes = Buffer.from(text);
    const pieces = [bytes.subarray(0, 700_000), bytes.subarray(700_000, 1_900_000), bytes.subarray(1_900_000)];
    const viaStrings: string[][] = [];
    await new CsvReader(streamSource(pieces)).read((f) => viaStrings.push(f.slice()));
    const viaSpans: string[][] = [];
    let codesOk = true;
    await new CsvReader(streamSource(pieces)).readRecords((rec: CsvRecord) => {
      viaSpans.push(rec.fields());
      for (let j = 0; j < rec.count; j++) for (let k = rec.starts[j]; k < rec.ends[j]; k++) if (rec.codes[k] !== rec.text.charCodeAt(k)) codesOk = false;
    });
    expect(codesOk).toBe(true);
    expect(viaSpans).toEqual(viaStrings);
    expect(viaSpans).toHaveLength(rows.length);
    expect(viaSpans[8]).toEqual(['7', 'x,y', '7']);
    expect(viaSpans[40_011]).toEqual(['40010', 'q40010', '€']);
  });
});
