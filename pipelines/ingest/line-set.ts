/**
 * The set of distinct records seen so far, to find exact duplicate transaction lines.
 *
 * Exact: a record is reported as seen only when an earlier record had the same fields (same
 * number, each with the same characters). A hash only picks the candidates; every candidate is
 * compared character by character with the earlier record, so a hash collision can cost a
 * comparison but never a false duplicate (the tests force collisions with `hashMask: 0`).
 *
 * What is kept of a record, nothing copied in the common case:
 * - a line the CSV reader split itself whose fields hold no delimiter (`rec.raw`, see
 *   csv-record.ts) is kept as the span of the decoded text it lies in, from its first field to
 *   its last: the set holds on to that text (a piece of up to 512 KB, shared by all its
 *   lines). Its fields contain no delimiter, quote or line break, so the span without its `"`
 *   characters is exactly the fields joined by the delimiter, and two such records are equal
 *   exactly when those characters are;
 * - any other record (a field holds the delimiter, or papaparse parsed it) is kept as a new
 *   string: its fields joined by the delimiter when no field contains the delimiter (then it
 *   compares with the spans above), else `JSON.stringify(fields)`, which compares only with
 *   other such records (their fields hold a delimiter, the others' do not).
 *
 * Index: open addressing with linear probing in one Int32Array of (32-bit hash, entry number
 * + 1) pairs, at most half full (doubled beyond); where each entry is kept (text, span, form)
 * is in separate arrays read only when a hash matches, so that a lookup touches one slot of
 * the index in the common case. The hash is the record's (csv-record.ts; the CSV scanner
 * computes it as it reads the line): a function of the fields alone, so equal records have
 * equal hashes whatever form they are kept in.
 *
 * Memory: the decoded text of the input (the pieces stay alive while the set does: about the
 * size of the uncompressed input), 16 to 32 bytes of index and 17 to 34 bytes of entry table
 * per distinct record. Nothing is allocated per record in the common case.
 */
import { CsvRecord } from './csv/csv-record.js';

/** How an entry is kept (see the module comment). */
const SPAN = 0;
const JOINED = 1;
const JSON_FIELDS = 2;

/** Options of {@link LineSet}. */
export interface LineSetOptions {
  /** The input's field delimiter. @defaultValue ',' */
  readonly delimiter?: string;
  /** Initial number of index slots (rounded up to a power of two). @defaultValue 65536 */
  readonly initialSlots?: number;
  /**
   * Bits of the hash kept (tests only): `0` makes every record collide with every other, so
   * that duplicates are told from collisions by the exact comparison alone. @defaultValue -1
   */
  readonly hashMask?: number;
}

/** Exact set of records (see the module comment). */
export class LineSet {
  private readonly delimiter: string;
  private readonly hashMask: number;
  /** Slot i: hash at 2i, entry number + 1 at 2i + 1 (0: empty). */
  private index: Int32Array;
  private mask: number;
  private count = 0;
  /** Texts entries are kept in (pieces of the input, or strings made for one record). */
  private readonly texts: string[] = [];
  /** Entry k: its hash, and where it is kept (text, span, form). */
  private entryHash = new Int32Array(1024);
  private entryText = new Int32Array(1024);
  private entryFrom = new Int32Array(1024);
  private entryTo = new Int32Array(1024);
  private entryForm = new Uint8Array(1024);
  /** Scratch record of {@link addFields}. */
  private fieldsRecord: CsvRecord | null = null;

  constructor(options: LineSetOptions = {}) {
    this.delimiter = options.delimiter ?? ',';
    this.hashMask = options.hashMask ?? -1;
    let cap = 16;
    while (cap < (options.initialSlots ?? 1 << 16)) cap *= 2;
    this.index = new Int32Array(cap * 2);
    this.mask = cap - 1;
  }

  /** Distinct records held. */
  get size(): number {
    return this.count;
  }

  /** Bytes of the index and the entry table (the texts kept alive are not counted). */
  get bytes(): number {
    return this.index.byteLength + 4 * this.entryFrom.byteLength + this.entryForm.byteLength;
  }

  /**
   * Add a record; true when a record with the same fields was added before.
   * @param rec The record (read, not kept: its text is, for a line the reader split itself).
   */
  add(rec: CsvRecord): boolean {
    const h = rec.fieldsHash() & this.hashMask;
    let key: string | null = null;
    let form = SPAN;
    if (!rec.raw) {
      // kept as a string of its own (see the module comment)
      form = hasDelimiter(rec, this.delimiter) ? JSON_FIELDS : JOINED;
      key = form === JSON_FIELDS ? JSON.stringify(rec.fields()) : rec.fields().join(this.delimiter);
    }
    const idx = this.index;
    const m = this.mask;
    let i = h & m;
    for (;;) {
      const e = idx[2 * i + 1];
      if (e === 0) break;
      if (idx[2 * i] === h && this.equal(e - 1, rec, key, form)) return true;
      i = (i + 1) & m;
    }
    // new: keep it
    const k = this.count;
    if (k === this.entryFrom.length) this.growEntries();
    const texts = this.texts;
    if (key === null) {
      const text = rec.text;
      if (texts.length === 0 || texts[texts.length - 1] !== text) texts.push(text);
      this.entryFrom[k] = rec.starts[0];
      this.entryTo[k] = rec.ends[rec.count - 1];
    } else {
      texts.push(key);
      this.entryFrom[k] = 0;
      this.entryTo[k] = key.length;
    }
    this.entryText[k] = texts.length - 1;
    this.entryForm[k] = form;
    this.entryHash[k] = h;
    idx[2 * i] = h;
    idx[2 * i + 1] = k + 1;
    this.count = k + 1;
    if (this.count * 2 > m + 1) this.grow();
    return false;
  }

  /**
   * Add the record made of `fields`; true when a record with the same fields was added before.
   * Same set as {@link add} (a convenience for tests and single rows).
   */
  addFields(fields: readonly string[]): boolean {
    const rec = this.fieldsRecord ?? (this.fieldsRecord = new CsvRecord());
    return this.add(rec.setFields(fields));
  }

  /** True when entry `e` has the same fields as `rec` (kept as `key` and `form` unless raw). */
  private equal(e: number, rec: CsvRecord, key: string | null, form: number): boolean {
    const eForm = this.entryForm[e];
    const text = this.texts[this.entryText[e]];
    const from = this.entryFrom[e];
    const to = this.entryTo[e];
    if (form === JSON_FIELDS || eForm === JSON_FIELDS) return form === eForm && key === text;
    // both are fields joined by the delimiter: compare characters, skipping the quotes of spans
    const skipA = eForm === SPAN;
    let a = from;
    let b: number;
    let bText: string;
    let bEnd: number;
    const skipB = key === null;
    if (key === null) {
      bText = rec.text;
      b = rec.starts[0];
      bEnd = rec.ends[rec.count - 1];
    } else {
      bText = key;
      b = 0;
      bEnd = key.length;
    }
    for (;;) {
      if (skipA) while (a < to && text.charCodeAt(a) === 34) a++;
      if (skipB) while (b < bEnd && bText.charCodeAt(b) === 34) b++;
      if (a >= to || b >= bEnd) return a >= to && b >= bEnd;
      if (text.charCodeAt(a) !== bText.charCodeAt(b)) return false;
      a++;
      b++;
    }
  }

  /** Double the entry table. */
  private growEntries(): void {
    const n = this.entryFrom.length * 2;
    const grown = <T extends Int32Array | Uint8Array>(a: T, g: T): T => {
      g.set(a);
      return g;
    };
    this.entryHash = grown(this.entryHash, new Int32Array(n));
    this.entryText = grown(this.entryText, new Int32Array(n));
    this.entryFrom = grown(this.entryFrom, new Int32Array(n));
    this.entryTo = grown(this.entryTo, new Int32Array(n));
    this.entryForm = grown(this.entryForm, new Uint8Array(n));
  }

  /** Double the index. */
  private grow(): void {
    const cap = (this.mask + 1) * 2;
    const idx = new Int32Array(cap * 2);
    const m = cap - 1;
    const hashes = this.entryHash;
    for (let k = 0; k < this.count; k++) place(idx, m, hashes[k], k);
    this.index = idx;
    this.mask = m;
  }
}

/** Put entry `k` with hash `h` into the first free slot of an open-addressing table. */
function place(table: Int32Array, mask: number, h: number, k: number): void {
  let i = h & mask;
  while (table[2 * i + 1] !== 0) i = (i + 1) & mask;
  table[2 * i] = h;
  table[2 * i + 1] = k + 1;
}

/** True when a field of the record contains the delimiter. */
function hasDelimiter(rec: CsvRecord, delimiter: string): boolean {
  for (let j = 0; j < rec.count; j++) {
    const at = rec.text.indexOf(delimiter, rec.starts[j]);
    if (at !== -1 && at + delimiter.length <= rec.ends[j]) return true;
  }
  return false;
}
