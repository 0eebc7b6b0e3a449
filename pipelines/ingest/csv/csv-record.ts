/**
 * One CSV record as field spans over a text, so that a consumer creates strings only for the
 * fields it needs.
 *
 * The CSV reader (csv-reader.ts) splits a simple line by writing the start and end of each
 * field into the record's typed arrays; `text` is then the decoded chunk the line lies in and
 * a field's characters are `text.slice(starts[i], ends[i])` (quotes of a quoted field left
 * out). A record papaparse parsed (quotes inside fields, quoted line breaks) is stored as its
 * fields laid end to end: `text` is their concatenation and the spans cut it back apart. Either
 * way the spans give exactly the fields papaparse would return, so code that reads spans and
 * code that reads `fields()` see the same record. `raw` marks a record whose text from its
 * first field to its last, without the `"` characters, is its fields joined by the delimiter
 * (line-set.ts relies on it).
 *
 * `codes` holds the code units of `text` (pipelines/ingest/csv/char-codes.ts): loops over characters read
 * them there, cheaper than `text.charCodeAt`.
 *
 * {@link CsvRecord.fieldsHash} is a 32-bit hash of the fields (for the duplicate-line set,
 * line-set.ts). It is defined field by field: each character `c` mixed in as
 * `h = imul(h ^ c, HASH_CHAR)`, then the field's length as `h = imul(h ^ len ^ HASH_FIELD_SALT,
 * HASH_FIELD)`, starting from `HASH_SEED`; the field count and murmur3's final mixing close it.
 * The CSV scanner runs these steps as it reads a line (when asked to: `CsvReader.hashRecords`),
 * so that the characters are read once; any other record is hashed from its spans when asked.
 *
 * The reader reuses one record for every record it delivers: what must outlive the callback
 * has to be copied out (`fields()`; its strings may be views of `text`, which keeps the chunk
 * alive for as long as they live). `codes` is only valid during the callback.
 */
import { CodeBuffer, type CharCodes } from './char-codes.js';

/** Constants of the record hash (see the module comment). */
export const HASH_SEED = 0x811c9dc5;
export const HASH_CHAR = 0x01000193;
export const HASH_FIELD = 0x5bd1e995;
export const HASH_FIELD_SALT = 0x7f4a7c15;

export class CsvRecord {
  /** The text the spans index into. */
  text = '';
  /** The code units of `text`: `codes[k] === text.charCodeAt(k)`. */
  codes: CharCodes = new Uint8Array(0);
  /** Number of fields. */
  count = 0;
  /** Start of field i in `text` (i < count). */
  starts: Int32Array;
  /** End (exclusive) of field i in `text`. */
  ends: Int32Array;
  /**
   * True when the spans lie in the input line as read, a line with simple quoting whose fields
   * hold no `"`, delimiter or line break (each bare or in one pair of quotes): then the text
   * from the first field to the last, without its `"` characters, is the fields joined by the
   * delimiter. False otherwise (a quoted field holds the delimiter, or `text` is the fields
   * laid end to end).
   */
  raw = false;
  /**
   * The hash of the fields before its final mixing, when `hashed` (set by the CSV scanner);
   * see {@link fieldsHash}.
   */
  hashState = 0;
  hashed = false;
  /**
   * 0 for a record of normal length. For a line longer than the reader's limit
   * (`CsvReadOptions.maxLineChars`), its length in characters: the fields then hold only its
   * first characters (csv-reader.ts `LONG_LINE_KEPT`), split at the delimiter, and the record is
   * rejected as `line_too_long`.
   */
  longChars = 0;
  /** Storage of `codes` for records made by {@link setFields}. */
  private own: CodeBuffer | null = null;

  /** @param capacity Initial number of fields it can hold without growing. @defaultValue 32 */
  constructor(capacity = 32) {
    this.starts = new Int32Array(Math.max(1, capacity));
    this.ends = new Int32Array(Math.max(1, capacity));
  }

  /** Make room for at least `n` fields (keeping the spans held). */
  reserve(n: number): void {
    if (n <= this.starts.length) return;
    let cap = this.starts.length * 2;
    while (cap < n) cap *= 2;
    const s = new Int32Array(cap);
    s.set(this.starts);
    const e = new Int32Array(cap);
    e.set(this.ends);
    this.starts = s;
    this.ends = e;
  }

  /** Field i as a string; `''` when the record has no field i. */
  field(i: number): string {
    return i >= 0 && i < this.count ? this.text.slice(this.starts[i], this.ends[i]) : '';
  }

  /** Length of field i (0 when the record has no field i). */
  fieldLength(i: number): number {
    return i >= 0 && i < this.count ? this.ends[i] - this.starts[i] : 0;
  }

  /** All fields as a new array of strings. */
  fields(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.text.slice(this.starts[i], this.ends[i]);
    return out;
  }

  /**
   * Hold the given fields (laid end to end in `text`).
   * @returns this record.
   */
  setFields(fields: readonly string[]): this {
    const n = fields.length;
    this.reserve(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      this.starts[i] = at;
      at += fields[i].length;
      this.ends[i] = at;
    }
    this.text = n === 1 ? fields[0] : fields.join('');
    this.codes = (this.own ??= new CodeBuffer()).of(this.text, false);
    this.count = n;
    this.raw = false;
    this.hashed = false;
    this.longChars = 0;
    return this;
  }

  /** A 32-bit hash of the fields: equal fields give equal hashes (see the module comment). */
  fieldsHash(): number {
    let h = this.hashState;
    if (!this.hashed) {
      const c = this.codes;
      h = HASH_SEED;
      for (let j = 0; j < this.count; j++) {
        const from = this.starts[j];
        const to = this.ends[j];
        for (let k = from; k < to; k++) h = Math.imul(h ^ c[k], HASH_CHAR);
        h = Math.imul(h ^ (to - from) ^ HASH_FIELD_SALT, HASH_FIELD);
      }
    }
    // field count, then murmur3's final mixing
    h ^= this.count;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** True for a blank line: one field of spaces and tabs only (or empty). */
  isBlank(): boolean {
    if (this.count !== 1) return false;
    const c = this.codes;
    for (let k = this.starts[0], end = this.ends[0]; k < end; k++) {
      const ch = c[k];
      if (ch !== 32 && ch !== 9) return false;
    }
    return true;
  }
}

/** A record built from strings (tests, rows held before the input kind is known). */
export function recordOf(fields: readonly string[]): CsvRecord {
  return new CsvRecord(fields.length).setFields(fields);
}
