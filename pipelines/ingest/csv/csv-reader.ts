/**
 * Streaming CSV reader that keeps every record and knows where it came from.
 *
 * What it guarantees, for any byte input (tested with random malformed text):
 * - It never throws on content and never drops a record: every record of the input comes out,
 *   in order, with the 1-based **physical line** where it starts and ends. A record whose
 *   quoted field holds line breaks spans several lines; the next record's line accounts for
 *   that. Line breaks are `\n` and `\r\n` (counted once); a lone `\r` is data, except in a
 *   file whose first line break is a lone `\r` (old Mac files), where `\r` is the line break.
 * - Blank lines (nothing but spaces or tabs) are not records; they only advance the line count.
 * - UTF-8 with or without BOM (the BOM is dropped); UTF-16LE/BE when the input starts with
 *   its BOM; Windows-1252 (Latin-1) when the first non-ASCII bytes are not valid UTF-8; other
 *   invalid bytes become U+FFFD. Gzip input is detected by its magic bytes.
 * - The delimiter is taken from the first line (the most frequent of `,` `;` tab `|` outside
 *   quotes; `,` when none) unless given.
 *
 * Parsing follows RFC 4180 with papaparse's rules for malformed quoting, and papaparse is the
 * parser of record: the tests check that the records are exactly those of
 * `Papa.parse(wholeText)` for any input and any chunking. Bytes are decoded in pieces of about
 * `chunkSize` bytes cut after a line feed, and the text is read line by line:
 * - a line whose quoting is *simple* (each field either has no `"`, or is `"..."` with no
 *   `"` or line break inside) is split by a hand-written scanner, which gives the same fields
 *   as papaparse for such lines without its per-field regular expressions: on the fully
 *   quoted M5 file this is several times faster (bench/ingest.ts). The scanner makes no
 *   strings: it writes the field spans into a {@link CsvRecord} (csv-record.ts) and reads the
 *   text's characters from a typed array of its code units (char-codes.ts);
 * - at any other line, one record is parsed by `Papa.Parser` (quote-aware mode, `preview: 1`)
 *   and the scanner resumes after it. An unfinished record at the end of a chunk is carried
 *   into the next one.
 *
 * Stray quotes: a field opened by `"` but never closed makes papaparse read the rest of the
 * input as one field. So that such a file neither holds the rest of the input in memory nor is
 * re-parsed quadratically, a record still unfinished after `maxRecordChars` characters is cut
 * at its first line break: that line becomes one record, split at the delimiter with quotes
 * read as plain characters, and parsing resumes on the next line.
 *
 * Long lines: the cost of a line is linear in its length and its memory bounded. A record of
 * more than `maxLineChars` characters is delivered with `longChars` set to its length and only
 * its first {@link LONG_LINE_KEPT} characters as fields (ingest rejects it as `line_too_long`).
 * A physical line still unfinished past `maxLineChars` (a file with no line break at all, a gzip
 * of zeros) is not held: its characters are counted and dropped until its line break, found by
 * `indexOf`, and reading goes on after it.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';
import { CodeBuffer, type CharCodes } from './char-codes.js';
import { CsvRecord, HASH_CHAR, HASH_FIELD, HASH_FIELD_SALT, HASH_SEED } from './csv-record.js';
import { InputError } from '../../errors.js';

/**
 * Receives each record. `fields` may be reused for the next record: copy it (`fields.slice()`)
 * to keep it. `line` and `endLine` are the 1-based physical lines where it starts and ends.
 */
export type RecordSink = (fields: string[], line: number, endLine: number) => void;

/**
 * Receives each record as field spans (pipelines/ingest/csv/csv-record.ts), without a string per field.
 * The record is reused for the next one. `line` and `endLine` as for {@link RecordSink}.
 */
export type RecordViewSink = (record: CsvRecord, line: number, endLine: number) => void;

/** Options of {@link CsvReader}. */
export interface CsvReadOptions {
  /** Field delimiter. @defaultValue detected from the first line */
  readonly delimiter?: string;
  /**
   * Bytes (characters for text input) gathered before each parse step (decoded in pieces of at
   * most 64 KB, see {@link TEXT_PIECE}; larger chunks of the source are read in place, not
   * joined).
   * @defaultValue 65536
   */
  readonly chunkSize?: number;
  /** A record still unfinished after this many characters is cut at its first line break. @defaultValue 1048576 */
  readonly maxRecordChars?: number;
  /**
   * A record (or physical line) longer than this many characters is delivered cut, with
   * `CsvRecord.longChars` set (see the module comment). @defaultValue 1048576
   */
  readonly maxLineChars?: number;
  /** Called after each parsed chunk with the input bytes consumed so far. */
  readonly onChunk?: (bytesRead: number) => void;
}

/** A byte stream with a running count of the bytes it has delivered. */
export interface ByteSource {
  /** Chunks of the (decompressed) input. */
  readonly chunks: AsyncIterable<Uint8Array | string>;
  /** Bytes read from the underlying file or stream so far (compressed bytes for gzip). */
  bytesRead(): number;
  /** Size of the underlying file in bytes; NaN when unknown (a stream). */
  readonly totalBytes: number;
}

/** What a finished read found. */
export interface CsvSummary {
  /** Records delivered (blank lines excluded). */
  readonly records: number;
  /** Physical lines read. */
  readonly lines: number;
  readonly delimiter: string;
  readonly bytesRead: number;
}

const QUOTE = 34;
const LF = 10;

/** Characters of a too-long record kept in its fields (for rejected.csv). */
export const LONG_LINE_KEPT = 256;

/** A record's fields cut to their first `budget` characters in all. */
function headOfFields(fields: readonly string[], budget: number): string[] {
  const out: string[] = [];
  for (const f of fields) {
    if (budget <= 0) break;
    const kept = f.length > budget ? f.slice(0, budget) : f;
    // a copy: a view would keep the whole chunk of text alive
    out.push(kept.length < 13 ? kept : (JSON.parse(JSON.stringify(kept)) as string));
    budget -= kept.length;
  }
  return out;
}

/**
 * Most bytes decoded into one string: 64 KB. V8 puts a string over 128 KB in its large-object
 * space, which made decoding about 40 times slower here (24 MB: 80-100 ms in 512 KB pieces,
 * 2-4 ms in 64 KB pieces, measured with Buffer#toString('latin1') and TextDecoder on Node 20);
 * beyond 1,031,913 bytes Node makes an ASCII text an external string, whose characters V8 reads
 * through a builtin call. Smaller pieces cost a little per piece (a line carried over).
 */
const TEXT_PIECE = 1 << 16;

/**
 * Guess the delimiter from the first line of a file: the most frequent of `,` `;` tab `|`
 * outside double quotes; `,` when none occurs.
 * @param firstLine Text of the first line (without its line break).
 */
export function detectDelimiter(firstLine: string): string {
  const counts = new Map<number, number>([
    [44, 0],
    [59, 0],
    [9, 0],
    [124, 0],
  ]);
  let inQuotes = false;
  for (let i = 0; i < firstLine.length; i++) {
    const ch = firstLine.charCodeAt(i);
    if (ch === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = 44;
  let bestN = 0;
  for (const [ch, n] of counts) {
    if (n > bestN) {
      best = ch;
      bestN = n;
    }
  }
  return String.fromCharCode(best);
}

/** Number of `\n` inside the fields of a record. */
function newlinesInFields(row: string[]): number {
  let n = 0;
  for (let j = 0; j < row.length; j++) {
    const f = row[j];
    let i = f.indexOf('\n');
    while (i !== -1) {
      n++;
      i = f.indexOf('\n', i + 1);
    }
  }
  return n;
}

/**
 * Text decoding: a UTF-8 BOM is dropped; a UTF-16 BOM selects a streaming TextDecoder. UTF-8
 * chunks are cut after their last complete character (the bytes of a character split across
 * chunks are carried to the next one); a pure-ASCII chunk is then read as one-byte text
 * (`latin1`, the same characters), any other with TextDecoder (invalid bytes become U+FFFD).
 * Legacy 8-bit exports: when the first chunk holding non-ASCII bytes is not valid UTF-8 (and no
 * UTF-8 text came before it), the rest of the input is read as Windows-1252 (Latin-1's printable
 * characters plus `€` and the like), so `CAFÉ` and `CAFÈ` stay two skus instead of both
 * becoming `CAF\uFFFD`.
 * Node 20's `Buffer#toString('utf8')` is several times slower than either here.
 */
class Decoder {
  private utf16: TextDecoder | null = null;
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  private started = false;
  private head: Buffer | null = null;
  private carry: Buffer | null = null;
  /** null until the first non-ASCII chunk decides: true = Windows-1252, false = UTF-8. */
  private legacy: boolean | null = null;
  private readonly cp1252 = new TextDecoder('windows-1252');
  /** True when the last {@link decode} returned text read from ASCII bytes (one byte per character). */
  ascii = false;

  decode(chunk: Uint8Array | string): string {
    this.ascii = false;
    if (typeof chunk === 'string') {
      // text input: drop a leading BOM as for bytes
      if (!this.started && chunk.length > 0) {
        this.started = true;
        if (chunk.charCodeAt(0) === 0xfeff) return chunk.slice(1);
      }
      return chunk;
    }
    if (chunk.length === 0) return '';
    let b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.started) {
      // the byte order mark may arrive split over chunks: wait for 3 bytes
      if (this.head !== null) b = Buffer.concat([this.head, b]);
      if (b.length < 3) {
        this.head = Buffer.from(b);
        return '';
      }
      this.head = null;
      b = this.sniff(b);
    }
    if (this.utf16 !== null) return this.utf16.decode(b, { stream: true });
    if (this.legacy === true) return this.cp1252.decode(b);
    if (this.carry !== null) {
      b = Buffer.concat([this.carry, b]);
      this.carry = null;
    }
    // a multi-byte character cut at the end of the chunk waits for its other bytes
    let end = b.length;
    let i = end - 1;
    while (i >= 0 && end - i < 4 && (b[i] & 0xc0) === 0x80) i--;
    if (i >= 0) {
      const lead = b[i];
      const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      if (need > end - i) {
        this.carry = Buffer.from(b.subarray(i));
        end = i;
      }
    }
    const whole = end === b.length ? b : b.subarray(0, end);
    if (isAscii(whole)) {
      this.ascii = true;
      return whole.toString('latin1');
    }
    if (this.legacy === null) {
      this.legacy = !isUtf8(whole);
      if (this.legacy) {
        const rest = this.carry ?? Buffer.alloc(0);
        this.carry = null;
        return this.cp1252.decode(Buffer.concat([whole, rest]));
      }
    }
    return this.utf8.decode(whole);
  }

  /** Decide the encoding from the first bytes; returns them without a UTF-8 BOM. */
  private sniff(b: Buffer): Buffer {
    this.started = true;
    if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) this.utf16 = new TextDecoder('utf-16le');
    else if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) this.utf16 = new TextDecoder('utf-16be');
    else if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3);
    return b;
  }

  end(): string {
    if (this.head !== null) {
      // an input of one or two bytes
      const b = this.sniff(this.head);
      this.head = null;
      return this.utf16 !== null ? this.utf16.decode(b) : this.utf8.decode(b);
    }
    if (this.utf16 !== null) return this.utf16.decode();
    const rest = this.carry === null ? '' : this.legacy === true || (this.legacy === null && !isUtf8(this.carry)) ? this.cp1252.decode(this.carry) : this.utf8.decode(this.carry);
    this.carry = null;
    return rest;
  }
}

/**
 * Reads the records of one CSV input (see the module comment). One use per instance.
 */
export class CsvReader {
  /** The delimiter in use: the option, or detected from the first line once reading starts. */
  delimiter: string;
  /**
   * When true, the scanner computes each line's {@link CsvRecord.fieldsHash} as it reads the
   * characters (for the duplicate-line set); may be switched on while reading.
   */
  hashRecords = false;
  private readonly chunkSize: number;
  private used = false;
  private readonly maxRecordChars: number;
  private readonly maxLineChars: number;
  /** A physical line past `maxLineChars` being skipped: where it started, its first characters, its length so far. */
  private skipping: { line: number; head: string; chars: number } | null = null;
  private readonly onChunk?: (bytesRead: number) => void;
  private delim = 44;
  /** Storage of the code units of the text being parsed (char-codes.ts). */
  private readonly codeBuffer = new CodeBuffer();
  /** True when `pending` holds ASCII characters only. */
  private pendingAscii = false;
  private one: Papa.Parser | null = null;
  /** The record being delivered (reused: the scanner writes field spans into it). */
  private readonly rec = new CsvRecord();
  private crOnly: boolean | null = null;
  private heldCr = false;
  private pending = '';
  private line = 1;
  private records = 0;
  private sink: RecordViewSink = () => {};

  /**
   * @param source The input (see {@link fileSource}, {@link streamSource}).
   * @param options Delimiter, chunk size, the stray-quote cut-off and a progress callback.
   * @throws when chunkSize or maxRecordChars is not positive.
   */
  constructor(
    private readonly source: ByteSource,
    options: CsvReadOptions = {},
  ) {
    this.delimiter = options.delimiter ?? '';
    this.chunkSize = options.chunkSize ?? 1 << 16;
    this.maxRecordChars = options.maxRecordChars ?? 1 << 20;
    this.maxLineChars = options.maxLineChars ?? 1 << 20;
    this.onChunk = options.onChunk;
    if (!(this.chunkSize >= 1)) throw new Error(`CsvReader needs chunkSize >= 1, got ${this.chunkSize}`);
    if (!(this.maxRecordChars >= 1)) throw new Error(`CsvReader needs maxRecordChars >= 1, got ${this.maxRecordChars}`);
    if (!(this.maxLineChars >= 1)) throw new Error(`CsvReader needs maxLineChars >= 1, got ${this.maxLineChars}`);
  }

  /**
   * Read the whole input, calling `onRecord` for every record in order (the header too).
   * Never throws on content; I/O and decompression errors of the source propagate.
   */
  async read(onRecord: RecordSink): Promise<CsvSummary> {
    const fields: string[] = [];
    return this.readRecords((rec, line, endLine) => {
      const n = rec.count;
      fields.length = n;
      for (let i = 0; i < n; i++) fields[i] = rec.text.slice(rec.starts[i], rec.ends[i]);
      onRecord(fields, line, endLine);
    });
  }

  /**
   * Read the whole input like {@link read}, delivering each record as field spans: no string
   * is created for a field the sink does not ask for (the ingest hot loop).
   */
  async readRecords(onRecord: RecordViewSink): Promise<CsvSummary> {
    if (this.used) throw new Error('CsvReader.read can be called once per reader');
    this.used = true;
    this.sink = onRecord;
    const decoder = new Decoder();
    let texts: string[] = [];
    let textChars = 0;
    let bytes: Buffer[] = [];
    let byteCount = 0;
    for await (const chunk of this.source.chunks) {
      if (typeof chunk === 'string') {
        const text = decoder.decode(chunk);
        texts.push(text);
        textChars += text.length;
        if (textChars < this.chunkSize) continue;
        this.step(texts.length === 1 ? texts[0] : texts.join(''), false, false);
        texts = [];
        textChars = 0;
        continue;
      }
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      bytes.push(b);
      byteCount += b.length;
      if (byteCount < this.chunkSize) continue;
      // decode up to the last line feed, so that the text ends with a whole line and the next
      // text starts with one (no text is then carried over and joined: see feed)
      const lastLf = b.lastIndexOf(LF);
      if (lastLf === -1) {
        // no line feed in the newest bytes: all that was gathered up to its last line feed
        // (or all of it: the decoder keeps split characters)
        const all = bytes.length === 1 ? bytes[0] : Buffer.concat(bytes, byteCount);
        let cut = all.lastIndexOf(LF) + 1;
        if (cut === 0) cut = all.length;
        this.stepBytes(decoder, cut === all.length ? all : all.subarray(0, cut));
        bytes = cut === all.length ? [] : [all.subarray(cut)];
        byteCount = all.length - cut;
        continue;
      }
      // what was gathered before joins the newest bytes up to their first line feed (a short
      // copy); the rest of the newest bytes is read in place, not copied
      let from = 0;
      if (bytes.length > 1) {
        from = b.indexOf(LF) + 1;
        bytes[bytes.length - 1] = b.subarray(0, from);
        this.stepBytes(decoder, Buffer.concat(bytes, byteCount - b.length + from));
      }
      const cut = lastLf + 1;
      if (cut > from) this.stepBytes(decoder, b.subarray(from, cut));
      bytes = cut === b.length ? [] : [b.subarray(cut)];
      byteCount = b.length - cut;
    }
    if (bytes.length) {
      const rest = bytes.length === 1 ? bytes[0] : Buffer.concat(bytes, byteCount);
      if (texts.length === 0) this.stepBytes(decoder, rest);
      else texts.push(decoder.decode(rest));
    }
    texts.push(decoder.end());
    this.step(texts.join(''), true, false);
    return { records: this.records, lines: this.line - 1, delimiter: this.delimiter, bytesRead: this.source.bytesRead() };
  }

  /**
   * Decode and parse bytes, in pieces of at most {@link TEXT_PIECE} bytes cut after a line
   * feed where there is one.
   */
  private stepBytes(decoder: Decoder, b: Buffer): void {
    let from = 0;
    while (b.length - from > TEXT_PIECE) {
      let to = b.lastIndexOf(LF, from + TEXT_PIECE - 1) + 1;
      if (to <= from) to = from + TEXT_PIECE; // no line feed: the decoder keeps split characters
      const text = decoder.decode(b.subarray(from, to));
      this.step(text, false, decoder.ascii);
      from = to;
    }
    const text = decoder.decode(from === 0 ? b : b.subarray(from));
    this.step(text, false, decoder.ascii);
  }

  /**
   * Normalise and parse one piece of text, then report progress.
   * @param ascii True when the text holds ASCII characters only (its code units then take one
   *   byte each, see char-codes.ts).
   */
  private step(text: string, final: boolean, ascii: boolean): void {
    this.feed(this.normalise(text, final), final, ascii);
    this.onChunk?.(this.source.bytesRead());
  }

  /** Normalise line breaks of newly decoded text (CRLF to LF; CR to LF in CR-only files). */
  private normalise(text: string, final: boolean): string {
    if (this.heldCr) {
      text = '\r' + text;
      this.heldCr = false;
    }
    if (this.crOnly === null) {
      // the first line break decides: a lone CR makes this a CR-only file
      let i = 0;
      while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      if (i < text.length) {
        if (text.charCodeAt(i) === 10) this.crOnly = false;
        else if (i + 1 < text.length) this.crOnly = text.charCodeAt(i + 1) !== 10;
        else if (final) this.crOnly = true;
      } else if (final) this.crOnly = false;
    }
    if (this.crOnly === true) return text.replaceAll('\r', '\n');
    // LF/CRLF text (or not decided yet: then its only break can be a trailing CR, held back)
    if (!final && text.charCodeAt(text.length - 1) === 13) {
      this.heldCr = true;
      text = text.slice(0, -1);
    }
    return text.indexOf('\r\n') === -1 ? text : text.replaceAll('\r\n', '\n');
  }

  /**
   * Deliver the record held in `rec` and advance the line count.
   * @param span line breaks inside the record.
   * @param chars the record's length in characters, without its line break; past
   *   `maxLineChars` only its first characters are delivered, with `longChars` set.
   */
  private emit(span: number, chars: number): void {
    const rec = this.rec;
    if (chars > this.maxLineChars) {
      rec.setFields(headOfFields(rec.fields(), LONG_LINE_KEPT));
      rec.longChars = chars;
    }
    if (rec.longChars > 0 || !rec.isBlank()) {
      this.records++;
      this.sink(rec, this.line, this.line + span);
    }
    this.line += span + 1;
  }

  /** Deliver the line skipped since it passed `maxLineChars` (its first characters, `longChars` set). */
  private emitSkipped(): void {
    const skip = this.skipping!;
    this.skipping = null;
    const rec = this.rec;
    rec.setFields(skip.head.split(this.delimiter));
    rec.longChars = skip.chars;
    this.records++;
    this.sink(rec, skip.line, skip.line);
    this.line = skip.line + 1;
  }

  /**
   * Inside a line past the limit: drop characters up to its line break (keeping its first
   * LONG_LINE_KEPT, whatever the chunking).
   * @returns the text after that line break; null when the chunk ends inside the line.
   */
  private skipLongLine(text: string, final: boolean): string | null {
    const skip = this.skipping!;
    const nl = text.indexOf('\n');
    const upTo = nl === -1 ? text.length : nl;
    if (skip.head.length < LONG_LINE_KEPT) skip.head = headOfFields([skip.head + text.slice(0, Math.min(upTo, LONG_LINE_KEPT - skip.head.length))], LONG_LINE_KEPT)[0];
    skip.chars += upTo;
    if (nl === -1) {
      if (final) this.emitSkipped();
      return null;
    }
    this.emitSkipped();
    return text.slice(nl + 1);
  }

  /** Parse as much of `pending + text` as holds complete records. */
  private feed(text: string, final: boolean, ascii: boolean): void {
    if (this.skipping !== null) {
      const rest = this.skipLongLine(text, final);
      if (rest === null) return;
      text = rest;
    }
    let s = text;
    let oneByte = ascii;
    if (this.pending.length) {
      s = this.pending + text;
      oneByte = ascii && this.pendingAscii;
      // make V8 flatten the concatenation now: character access to an unflattened
      // concatenated string is several times slower (measured on the M5 file)
      s.indexOf('\u0000');
    }
    this.pending = '';
    if (s.length === 0) return;
    const codes = this.codeBuffer.of(s, oneByte);
    if (this.one === null) {
      if (!this.delimiter) {
        const nl = s.indexOf('\n');
        this.delimiter = detectDelimiter(nl === -1 ? s : s.slice(0, nl));
      }
      this.delim = this.delimiter.length === 1 ? this.delimiter.charCodeAt(0) : -1;
      this.one = new Papa.Parser({ delimiter: this.delimiter, newline: '\n', quoteChar: '"', fastMode: false, preview: 1 });
    }
    const n = s.length;
    let pos = 0;
    while (pos < n) {
      const next = this.delim >= 0 ? this.scanLine(s, codes, pos, final) : -1;
      if (next >= 0) {
        this.emit(0, next - pos - (s.charCodeAt(next - 1) === LF ? 1 : 0));
        pos = next;
        continue;
      }
      // a physical line past the limit with no end in sight: skipped below, never parsed
      if (!final && n - pos > this.maxLineChars && s.indexOf('\n', pos) === -1) break;
      if (next === -2 && n - pos <= this.maxRecordChars) break; // unfinished simple line: wait for more text
      // quote-aware parse of one record by papaparse
      const rest = pos === 0 ? s : s.slice(pos);
      const res = this.one.parse(rest, 0, !final);
      const rows = res.data as string[][];
      const consumed = res.meta.cursor as number;
      if (rows.length > 0 && consumed > 0) {
        const row = rows[0];
        this.rec.setFields(row);
        this.emit(newlinesInFields(row), consumed - (s.charCodeAt(pos + consumed - 1) === LF ? 1 : 0));
        pos += consumed;
        continue;
      }
      if (!final && n - pos <= this.maxRecordChars) break; // an unfinished record: wait for more text
      const nl = s.indexOf('\n', pos);
      if (nl === -1 && !final) break; // one enormous physical line: wait for its end
      // stray quote: take the first physical line as one record with quotes as plain characters
      // (at the end of the input papaparse always returns a record; this only guards against losing text)
      const end = nl === -1 ? n : nl;
      this.rec.setFields(s.slice(pos, end).split(this.delimiter));
      this.emit(0, end - pos);
      pos = end + 1;
    }
    if (pos < n && !final && n - pos > this.maxLineChars && s.indexOf('\n', pos) === -1) {
      // the rest is one unfinished line past the limit: keep its first characters, drop the rest
      this.skipping = { line: this.line, head: headOfFields([s.slice(pos, pos + LONG_LINE_KEPT)], LONG_LINE_KEPT)[0], chars: n - pos };
      this.pending = '';
      s = '';
      return;
    }
    this.pending = pos >= n ? '' : pos === 0 ? s : s.slice(pos);
    this.pendingAscii = oneByte;
    s = '';
  }

  /**
   * Split one line with simple quoting into the spans of `this.rec` (no strings are made).
   * @param s The text; `c` its code units.
   * @returns the index after the line's `\n` (or the end of text when final); -1 when the line's
   *   quoting is not simple; -2 when the text ends before the line does (not final). The record
   *   holds the line only when the result is >= 0.
   */
  /** Close the record being scanned: its field count, quoting and hash; `next` is returned (the index after it). */
  private endRecord(count: number, delimInQuotes: boolean, h: number, next: number): number {
    const rec = this.rec;
    rec.count = count;
    rec.raw = !delimInQuotes;
    rec.hashState = h;
    rec.hashed = this.hashRecords;
    return next;
  }

  private scanLine(s: string, c: CharCodes, i: number, final: boolean): number {
    const n = s.length;
    const d = this.delim;
    const rec = this.rec;
    let starts = rec.starts;
    let ends = rec.ends;
    let count = 0;
    rec.text = s;
    rec.codes = c;
    rec.count = 0;
    rec.longChars = 0;
    let delimInQuotes = false;
    const hashing = this.hashRecords;
    let h = HASH_SEED;
    for (;;) {
      if (count === starts.length) {
        rec.reserve(count + 1);
        starts = rec.starts;
        ends = rec.ends;
      }
      if (i < n && c[i] === QUOTE) {
        // quoted: up to the closing quote, with no line break before it
        let j = i + 1;
        for (; j < n; j++) {
          const ch = c[j];
          if (ch === QUOTE) break;
          if (ch === LF) return final || s.indexOf('"', j) !== -1 ? -1 : -2;
          if (ch === d) delimInQuotes = true;
          if (hashing) h = Math.imul(h ^ ch, HASH_CHAR);
        }
        if (j === n) return final ? -1 : -2;
        starts[count] = i + 1;
        ends[count] = j;
        count++;
        if (hashing) h = Math.imul(h ^ (j - i - 1) ^ HASH_FIELD_SALT, HASH_FIELD);
        i = j + 1;
        if (i >= n) {
          if (!final) return -2;
          return this.endRecord(count, delimInQuotes, h, n);
        }
        const ch = c[i];
        if (ch === d) {
          i++;
          continue;
        }
        if (ch !== LF) return -1;
        return this.endRecord(count, delimInQuotes, h, i + 1);
      }
      // bare: up to the next delimiter or line break, with no quote
      let k = i;
      while (k < n) {
        const ch = c[k];
        if (ch === d || ch === LF) break;
        if (ch === QUOTE) return -1;
        if (hashing) h = Math.imul(h ^ ch, HASH_CHAR);
        k++;
      }
      starts[count] = i;
      ends[count] = k;
      count++;
      if (hashing) h = Math.imul(h ^ (k - i) ^ HASH_FIELD_SALT, HASH_FIELD);
      if (k >= n) {
        if (!final) return -2;
        return this.endRecord(count, delimInQuotes, h, n);
      }
      if (c[k] === d) {
        i = k + 1;
        continue;
      }
      return this.endRecord(count, delimInQuotes, h, k + 1);
    }
  }
}

/** Signatures of containers that are not text: a spreadsheet saved as-is rather than exported. */
const CONTAINERS: ReadonlyArray<{ magic: readonly number[]; what: string }> = [
  { magic: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive (an .xlsx or .ods workbook is one; give an .xlsx as a file, not a stream)' },
  { magic: [0x50, 0x4b, 0x05, 0x06], what: 'an empty zip archive' },
  { magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an old Excel workbook (.xls, OLE2)' },
  { magic: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' },
];

/**
 * Refuse input whose first bytes are a container signature (zip/xlsx/ods, xls, PDF), with a
 * message that says what it is and prints none of it.
 * @throws InputError
 */
export function refuseContainer(head: Uint8Array): void {
  for (const c of CONTAINERS) {
    if (head.length >= c.magic.length && c.magic.every((b, i) => head[i] === b)) {
      throw new InputError(`the input is ${c.what}, not CSV text: save the sheet as CSV (UTF-8, optionally gzip-compressed) or as an Excel workbook (.xlsx)`);
    }
  }
}

/** Wrap chunks so that gzip input (magic bytes 1f 8b) is decompressed on the fly; a container (zip, xls, PDF) is refused. */
async function* gunzipIfNeeded(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
  if (typeof head !== 'string') refuseContainer(head);
  const isGzip = typeof head !== 'string' && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  if (!isGzip) {
    yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  async function* all(): AsyncGenerator<Uint8Array | string> {
    yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  // zlib inflates on a libuv thread; its readable side keeps the 16 KB default high-water mark
  // unless told otherwise, and then stops after each 256 KB output chunk until the parser
  // takes it: with room for 4 MB it inflates ahead while the parser works (the option is
  // passed on to the stream; @types/node's ZlibOptions does not list it)
  const gunzip = createGunzip({ chunkSize: 1 << 18, ...({ readableHighWaterMark: 1 << 22 } as object) });
  const out = pipeline(Readable.from(all(), { objectMode: false }), gunzip, () => {});
  try {
    for await (const c of out) yield c as Uint8Array;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || /unexpected end of file|incorrect header check/i.test((e as Error).message)) {
      throw new InputError(`gzip input is corrupt or truncated: ${(e as Error).message}`);
    }
    throw e;
  }
}

/**
 * A byte source over a file; gzip content is decompressed (detected by its magic bytes, which
 * `.gz` files have). Progress counts bytes of the file as stored.
 * @param path File path.
 * @throws InputError when the file does not exist or is not a regular file.
 */
export async function fileSource(path: string): Promise<ByteSource> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new InputError(`input ${path} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `input file not found: ${path}` : `cannot read input ${path}: ${(e as Error).message}`);
  }
  let read = 0;
  // opened on first read, closed when the reader stops: a source that is never read (an empty
  // file refused up front) leaves no open stream behind to fail later
  async function* counted(): AsyncGenerator<Uint8Array> {
    const raw = createReadStream(path, { highWaterMark: 1 << 20 });
    try {
      for await (const c of raw) {
        read += (c as Buffer).length;
        yield c as Buffer;
      }
    } finally {
      raw.destroy();
    }
  }
  return { chunks: gunzipIfNeeded(counted()), bytesRead: () => read, totalBytes: size };
}

/**
 * A byte source over a stream or any async iterable of bytes or text; gzip content is
 * decompressed (magic bytes). Progress counts the bytes (or characters) the stream delivered.
 * @param stream The input.
 * @param totalBytes Its size when known (for progress), else NaN.
 */
export function streamSource(stream: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, totalBytes = NaN): ByteSource {
  let read = 0;
  async function* counted(): AsyncGenerator<Uint8Array | string> {
    for await (const c of stream) {
      read += typeof c === 'string' ? c.length : c.byteLength;
      yield c;
    }
  }
  return { chunks: gunzipIfNeeded(counted()), bytesRead: () => read, totalBytes };
}
