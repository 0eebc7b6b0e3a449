/**
 * Interning of short cell texts (skus, stores): a span of characters is looked up without
 * creating a string, and maps to a small id and one string per distinct text.
 *
 * Why: cells such as skus repeat across rows. Looking their span up here costs a
 * hash over a few characters and one comparison; making a string for each row would cost an
 * allocation (and for a Map key, hashing that new string again). The strings handed out are
 * the same object for equal texts, so further Map lookups and `===` on them are cheap too.
 *
 * Bounded: when `limit` distinct texts are held, the table is cleared and starts over (ids
 * are reused: an id stands for its text only until the table starts over, so a caller caching
 * by id must check the string). Equal texts then map to different but equal strings: the
 * results are the same, only the caching is lost. Strings are copies that share no memory
 * with the input text (a kept substring would keep its whole chunk of input alive).
 *
 * Index: open addressing with linear probing, slots holding (hash, id + 1), at most half full;
 * the texts' code units are kept end to end in one typed array, to compare a span with.
 */
import type { CharCodes } from './csv/char-codes.js';

/** Exact-text interning of spans (see the module comment). */
export class TextInterner {
  /** Slot i: hash at 2i, id + 1 at 2i + 1 (0: empty). */
  private table = new Int32Array(512);
  private mask = 255;
  /** The code units of text `id` are `chars[offsets[id], offsets[id + 1])`. */
  private chars = new Uint16Array(1024);
  private offsets = new Int32Array(129);
  private strings: string[] = [];
  /** Distinct texts held. */
  size = 0;

  /** @param limit Distinct texts held before the table starts over. @defaultValue 65536 */
  constructor(readonly limit = 1 << 16) {
    if (!(limit >= 1)) throw new Error(`TextInterner needs limit >= 1, got ${limit}`);
  }

  /** The string of an id. */
  string(id: number): string {
    return this.strings[id];
  }

  /**
   * The id of the text `text.slice(start, end)`, adding it when new.
   * @param codes The code units of `text` (char-codes.ts), read for the lookup.
   * @param text Text holding the span (sliced only when the span is new).
   * @param start Start of the span.
   * @param end End of the span (exclusive).
   */
  intern(codes: CharCodes, text: string, start: number, end: number): number {
    const len = end - start;
    let h = 0x811c9dc5 ^ len;
    let k = start;
    for (; k + 1 < end; k += 2) {
      h = Math.imul(h ^ (codes[k] | (codes[k + 1] << 16)), 2654435761);
      h ^= h >>> 15;
    }
    if (k < end) h = Math.imul(h ^ codes[k], 2654435761);
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h ^= h >>> 13;
    const t = this.table;
    const m = this.mask;
    let i = h & m;
    for (;;) {
      const slot = t[2 * i + 1];
      if (slot === 0) break;
      if (t[2 * i] === h) {
        // compare with the stored code units
        const id = slot - 1;
        const from = this.offsets[id];
        if (this.offsets[id + 1] - from === len) {
          const c = this.chars;
          let q = 0;
          while (q < len && c[from + q] === codes[start + q]) q++;
          if (q === len) return id;
        }
      }
      i = (i + 1) & m;
    }
    if (this.size >= this.limit) {
      this.clear();
      return this.intern(codes, text, start, end);
    }
    const id = this.size++;
    if (id + 1 === this.offsets.length) {
      const o = new Int32Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
    }
    const from = this.offsets[id];
    if (from + len > this.chars.length) {
      const c = new Uint16Array(Math.max(2 * this.chars.length, from + len));
      c.set(this.chars);
      this.chars = c;
    }
    for (let q = 0; q < len; q++) this.chars[from + q] = codes[start + q];
    this.offsets[id + 1] = from + len;
    this.strings[id] = copyOf(text.slice(start, end));
    t[2 * i] = h;
    t[2 * i + 1] = id + 1;
    if (this.size * 2 > m + 1) this.growTable();
    return id;
  }

  /** Forget every text. */
  private clear(): void {
    this.table.fill(0);
    this.strings.length = 0;
    this.size = 0;
  }

  /** Double the table (rehashing each text from its code units). */
  private growTable(): void {
    const cap = (this.mask + 1) * 2;
    const t = new Int32Array(cap * 2);
    const m = cap - 1;
    const old = this.table;
    for (let s = 0; s < old.length; s += 2) {
      if (old[s + 1] === 0) continue;
      let i = old[s] & m;
      while (t[2 * i + 1] !== 0) i = (i + 1) & m;
      t[2 * i] = old[s];
      t[2 * i + 1] = old[s + 1];
    }
    this.table = t;
    this.mask = m;
  }
}

/**
 * A copy of a string that shares no memory with the text it was cut from (V8 represents a
 * substring of 13 or more characters as a view of its parent).
 */
function copyOf(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
