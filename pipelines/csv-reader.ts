/**
 * Streaming CSV reader on papaparse that keeps every record and knows where it came from.
 *
 * What it guarantees, for any byte input (tested with random malformed text):
 * - It never throws on content and never drops a record: every record of the input comes out,
 *   in order, with the 1-based **physical line** where it starts (`lines`) and ends (`endLines`).
 *   A record whose quoted field holds line breaks spans several lines; the next record's line
 *   accounts for that. Line breaks are `\n` and `\r\n` (counted once); a lone `\r` is data,
 *   except in a file whose first line break is a lone `\r` (old Mac files), where `\r` is the
 *   line break.
 * - Blank lines (nothing but spaces or tabs) are not records; they only advance the line count.
 * - UTF-8 with or without BOM (the BOM is dropped); UTF-16LE/BE when the input starts with
 *   its BOM; invalid bytes become U+FFFD. Gzip input is detected by its magic bytes.
 * - The delimiter is taken from the first line (the most frequent of `,` `;` tab `|` outside
 *   quotes; `,` when none) unless given.
 *
 * Parsing (RFC 4180 with papaparse's rules for malformed quoting): text is parsed in chunks of
 * about `chunkChars` characters with `Papa.Parser(...).parse(text, 0, ignoreLastRow)`, the
 * unfinished last record being carried into the next chunk. A chunk whose quoting is *simple*
 * (every field either has no `"` or is `"..."` with no `"`, delimiter or line break inside,
 * checked with one regular expression) gives the same records with its quotes removed, and is
 * parsed in papaparse's fast mode (string splits) instead: on fully quoted exports such as the
 * M5 file that is about twice as fast as the quote-aware path (see bench/ingest.ts).
 *
 * Stray quotes: a field opened by `"` but never closed makes papaparse read the rest of the
 * input as one field. So that such a file neither holds the rest of the input in memory nor is
 * re-parsed quadratically, a record still unfinished after `maxRecordChars` characters is cut
 * at its first line break: that line becomes one record, split at the delimiter with quotes
 * read as plain characters, and parsing resumes on the next line.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';
import { InputError } from './errors.js';

/** Records of one parsed chunk, with where each starts and ends in the source. */
export interface CsvBatch {
  /** Raw fields of each non-blank record, as read (quotes removed, nothing trimmed). */
  readonly records: string[][];
  /** 1-based physical line where record i starts. */
  readonly lines: Int32Array;
  /** 1-based physical line where record i ends (`lines[i]` unless a quoted field spans lines). */
  readonly endLines: Int32Array;
  /** Input bytes consumed so far (compressed bytes for gzip input). */
  readonly bytesRead: number;
  /** Delimiter in use. */
  readonly delimiter: string;
}

/** Options of {@link readCsv}. */
export interface CsvReadOptions {
  /** Field delimiter. @defaultValue detected from the first line */
  readonly delimiter?: string;
  /** Characters of text parsed per chunk. @defaultValue 524288 */
  readonly chunkChars?: number;
  /** A record still unfinished after this many characters is cut at its first line break. @defaultValue 1048576 */
  readonly maxRecordChars?: number;
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

const QUOTE = 34;

/** Escape a character for use inside a RegExp character class. */
function reClassChar(c: string): string {
  return c === '\t' ? '\\t' : c.replace(/[\\\]^-]/g, '\\$&');
}

/**
 * A regular expression that finds a field with non-simple quoting, for delimiter `d`: a quote
 * inside a field, a field that opens a quote it does not close before the next delimiter or
 * line break, or one that closes a quote it did not open. Text without a match parses to the
 * same fields with every `"` removed.
 */
export function nonSimpleQuotingPattern(d: string): RegExp {
  const c = reClassChar(d);
  return new RegExp(
    `[^${c}\\n]"[^${c}\\n]` + // a quote with field text on both sides (also "" inside a field)
      `|(?:^|[${c}\\n])"[^"${c}\\n]*(?:[${c}\\n]|$)` + // opened, not closed within the field
      `|(?:^|[${c}\\n])[^"${c}\\n]+"(?=[${c}\\n]|$)`, // closed, not opened
  );
}

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

/** True for a record that is a blank line: one field of spaces/tabs only. */
function isBlank(row: string[]): boolean {
  if (row.length !== 1) return false;
  const f = row[0];
  for (let i = 0; i < f.length; i++) {
    const ch = f.charCodeAt(i);
    if (ch !== 32 && ch !== 9) return false;
  }
  return true;
}

/** Number of `\n` in `s[from, to)`. */
function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  let i = s.indexOf('\n', from);
  while (i !== -1 && i < to) {
    n++;
    i = s.indexOf('\n', i + 1);
  }
  return n;
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
 * Text decoding: BOM sniffing, then a streaming TextDecoder (UTF-8 unless the input starts with
 * a UTF-16 BOM; it keeps a character split across chunks and drops the BOM).
 */
class Decoder {
  private decoder: TextDecoder | null = null;
  private started = false;

  decode(chunk: Uint8Array | string): string {
    if (typeof chunk === 'string') {
      // text input: drop a leading BOM as TextDecoder does for bytes
      if (!this.started && chunk.length > 0) {
        this.started = true;
        if (chunk.charCodeAt(0) === 0xfeff) return chunk.slice(1);
      }
      return chunk;
    }
    if (this.decoder === null) {
      if (chunk.length === 0) return '';
      let enc = 'utf-8';
      if (chunk.length >= 2 && chunk[0] === 0xff && chunk[1] === 0xfe) enc = 'utf-16le';
      else if (chunk.length >= 2 && chunk[0] === 0xfe && chunk[1] === 0xff) enc = 'utf-16be';
      this.decoder = new TextDecoder(enc);
    }
    this.started = true;
    return this.decoder.decode(chunk, { stream: true });
  }

  end(): string {
    return this.decoder ? this.decoder.decode() : '';
  }
}

/**
 * Read CSV records from a byte source, one batch per parsed chunk.
 *
 * @param source The input (see {@link fileSource}, {@link streamSource}).
 * @param options Delimiter, chunk size and the stray-quote cut-off.
 * @returns An async iterator of batches; the first record is the header (if any).
 * Never throws on content; I/O and decompression errors of the source propagate.
 */
export async function* readCsv(source: ByteSource, options: CsvReadOptions = {}): AsyncGenerator<CsvBatch> {
  const chunkChars = options.chunkChars ?? 1 << 16;
  const maxRecordChars = options.maxRecordChars ?? 1 << 20;
  if (!(chunkChars >= 1)) throw new Error(`readCsv needs chunkChars >= 1, got ${chunkChars}`);
  if (!(maxRecordChars >= 1)) throw new Error(`readCsv needs maxRecordChars >= 1, got ${maxRecordChars}`);
  const decoder = new Decoder();

  let delimiter = options.delimiter ?? '';
  let general: Papa.Parser | null = null;
  let fast: Papa.Parser | null = null;
  let nonSimple: RegExp | null = null;
  let crOnly: boolean | null = null; // decided on the first text
  let heldCr = false; // a '\r' at the end of the last text, maybe the first half of '\r\n'
  let pending = ''; // unparsed text, starting at a record boundary
  let line = 1; // physical line where `pending` starts

  const setup = (firstText: string) => {
    if (!delimiter) {
      const nl = firstText.indexOf('\n');
      delimiter = detectDelimiter(nl === -1 ? firstText : firstText.slice(0, nl));
    }
    general = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"', fastMode: false });
    fast = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"', fastMode: true });
    nonSimple = nonSimpleQuotingPattern(delimiter);
  };

  /** Normalise line breaks of newly decoded text. */
  const normalise = (text: string, final: boolean): string => {
    if (heldCr) {
      text = '\r' + text;
      heldCr = false;
    }
    if (crOnly === null) {
      // the first line break decides: a lone CR makes this a CR-only file
      let i = 0;
      while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      if (i < text.length) {
        if (text.charCodeAt(i) === 10) crOnly = false;
        else if (i + 1 < text.length) crOnly = text.charCodeAt(i + 1) !== 10;
        else if (final) crOnly = true;
      } else if (final) crOnly = false;
    }
    if (crOnly === true) return text.replaceAll('\r', '\n');
    // LF/CRLF text (or not decided yet: then its only break can be a trailing CR, held back)
    if (!final && text.charCodeAt(text.length - 1) === 13) {
      heldCr = true;
      text = text.slice(0, -1);
    }
    return text.indexOf('\r\n') === -1 ? text : text.replaceAll('\r\n', '\n');
  };

  /** Parse `pending`; returns the batch of complete records (all of them when final). */
  const parse = (final: boolean, bytesRead: number): CsvBatch | null => {
    const records: string[][] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const emit = (rows: string[][], consecutive: boolean) => {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        const span = consecutive ? 0 : newlinesInFields(row);
        if (!isBlank(row)) {
          records.push(row);
          starts.push(line);
          ends.push(line + span);
        }
        line += span + 1;
      }
    };
    for (;;) {
      const text = pending;
      if (text.length === 0) break;
      const cut = final ? text.length : text.lastIndexOf('\n') + 1;
      if (cut > 0) {
        const part = cut === text.length ? text : text.slice(0, cut);
        const hasQuote = part.indexOf('"') !== -1;
        if (!hasQuote || !nonSimple!.test(part)) {
          // simple quoting: remove the quotes and split (no field holds a line break)
          const res = fast!.parse(hasQuote ? part.replaceAll('"', '') : part, 0, !final);
          emit(res.data as string[][], true);
          // without final, papaparse leaves out the empty text after the last '\n'
          pending = cut === text.length ? '' : text.slice(cut);
          break;
        }
        const res = general!.parse(text, 0, !final);
        const rows = res.data as string[][];
        const consumed = res.meta.cursor;
        if (rows.length > 0 || final) {
          // all rows but a final unterminated one end with exactly one '\n'
          const terminated = final ? rows.length - 1 : rows.length;
          emit(rows, countNewlines(text, 0, consumed) === terminated);
          pending = consumed >= text.length ? '' : text.slice(consumed);
          if (final && pending.length > 0) continue; // cannot happen with papaparse; be safe
          break;
        }
      }
      // no complete record in `pending`
      if (text.length <= maxRecordChars) break;
      const nl = text.indexOf('\n');
      if (nl === -1) break; // one enormous physical line: wait for its end
      // stray quote: take the first physical line as one record with quotes as plain characters
      emit([text.slice(0, nl).split(delimiter)], true);
      pending = text.slice(nl + 1);
    }
    if (records.length === 0) return null;
    return { records, lines: Int32Array.from(starts), endLines: Int32Array.from(ends), bytesRead, delimiter };
  };

  let buffered: string[] = [];
  let bufferedChars = 0;
  for await (const chunk of source.chunks) {
    const text = decoder.decode(chunk);
    if (text.length === 0) continue;
    buffered.push(text);
    bufferedChars += text.length;
    if (bufferedChars < chunkChars) continue;
    const joined = normalise(buffered.join(''), false);
    buffered = [];
    bufferedChars = 0;
    pending = pending.length ? pending + joined : joined;
    if (!general) setup(pending);
    const batch = parse(false, source.bytesRead());
    if (batch) yield batch;
  }
  buffered.push(decoder.end());
  const rest = normalise(buffered.join(''), true);
  pending = pending.length ? pending + rest : rest;
  if (!general) setup(pending);
  const batch = parse(true, source.bytesRead());
  if (batch) yield batch;
}

/** Wrap chunks so that gzip input (magic bytes 1f 8b) is decompressed on the fly. */
async function* gunzipIfNeeded(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
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
  const gunzip = createGunzip({ chunkSize: 1 << 18 });
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
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const c of raw) {
      read += (c as Buffer).length;
      yield c as Buffer;
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
export function streamSource(stream: AsyncIterable<Uint8Array | string>, totalBytes = NaN): ByteSource {
  let read = 0;
  async function* counted(): AsyncGenerator<Uint8Array | string> {
    for await (const c of stream) {
      read += typeof c === 'string' ? c.length : c.byteLength;
      yield c;
    }
  }
  return { chunks: gunzipIfNeeded(counted()), bytesRead: () => read, totalBytes };
}
